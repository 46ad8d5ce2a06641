/* route.c - maps an event to a queue name from the config (never a path). */
#include <fnmatch.h>
#include <string.h>

#include "hs_route.h"

const char *
hs_route_find(const struct hs_endpoint *ep, const char *event)
{
	const char *fallback = NULL;
	size_t	 i;

	for (i = 0; i < ep->nroutes; i++)
		if (strcmp(ep->routes[i].pattern, event) == 0)
			return ep->routes[i].queue;
	for (i = 0; i < ep->nroutes; i++) {
		const char *pat = ep->routes[i].pattern;

		if (strcmp(pat, "*") == 0) {
			fallback = ep->routes[i].queue;
			continue;
		}
		if (strpbrk(pat, "*?[") &&
		    fnmatch(pat, event, FNM_NOESCAPE) == 0)
			return ep->routes[i].queue;
	}
	return fallback;
}
