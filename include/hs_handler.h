/*
 * hs_handler.h - one request from CGI variables and a body stream to an
 * answer and (on 2xx) a spooled file. Independent of libfcgi so the unit
 * tests and the fuzzers drive exactly the code the servers run.
 */
#ifndef HS_HANDLER_H
#define HS_HANDLER_H

#include "hs_config.h"
#include "hs_config_cache.h"
#include "hs_counters.h"
#include "hs_request.h"

/* Per-process state: the configs served, each reloaded when it changes. */
struct hs_handler {
	struct hs_config_cache configs;
	struct hs_counters counters;	/* the spool's .counters, mapped */
	char		 path[4096];	/* the last request's config, for logs */
	char		 err[512];
	/* fcgi_main.c sets confine: the first request's config, once loaded,
	 * confines the process (hs_sandbox.h); the unit tests and fuzzers
	 * leave it 0 */
	int		 confine;	/* HS_CONFINE_* */
	/* configs (by generation) the sandbox was found to cover: checked
	 * once per load, not per request */
	unsigned long	 covered[HS_CONFIG_CACHE_MAX];
	size_t		 ncovered;
	/* set by a request: serve no more after it, exit with exit_status
	 * (a config this process's sandbox cannot serve; a required sandbox
	 * the kernel lacks) */
	int		 exit_after;
	int		 exit_status;
};

#define HS_CONFINE_SERVER	1	/* FastCGI: many requests per process */
#define HS_CONFINE_CGI		2	/* one request per process */

void	hs_handler_init(struct hs_handler *h);
void	hs_handler_free(struct hs_handler *h);

/* Serves one request. Returns the HTTP status sent. */
int	hs_handle(struct hs_handler *h, char **envp, const struct hs_io *io);

#endif
