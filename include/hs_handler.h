/*
 * hs_handler.h - one request from CGI variables and a body stream to an
 * answer and (on 2xx) a spooled file. Independent of libfcgi so the unit
 * tests and the fuzzers drive exactly the code the servers run.
 */
#ifndef HS_HANDLER_H
#define HS_HANDLER_H

#include "hs_config.h"
#include "hs_config_cache.h"
#include "hs_request.h"

/* Per-process state: the configs served, each reloaded when it changes. */
struct hs_handler {
	struct hs_config_cache configs;
	char		 path[4096];	/* the last request's config, for logs */
	char		 err[512];
};

void	hs_handler_init(struct hs_handler *h);
void	hs_handler_free(struct hs_handler *h);

/* Serves one request. Returns the HTTP status sent. */
int	hs_handle(struct hs_handler *h, char **envp, const struct hs_io *io);

#endif
