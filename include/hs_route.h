/* hs_route.h - event name -> queue. */
#ifndef HS_ROUTE_H
#define HS_ROUTE_H

#include "hs_config.h"

/*
 * The queue for event on ep: an exact route first, then fnmatch(3)
 * patterns in config order, then "*". NULL: unrouted (answer "ignored").
 */
const char *hs_route_find(const struct hs_endpoint *ep, const char *event);

#endif
