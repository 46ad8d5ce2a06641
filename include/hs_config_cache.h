/*
 * hs_config_cache.h - the configs a long-running receiver serves. Each
 * request names its config (HOOKSPOOL_CONFIG of the request, else of the
 * process, else the fallbacks): one FastCGI process may serve several
 * vhosts or directories, each with its own config. One loaded config is
 * kept per path (at most HS_CONFIG_CACHE_MAX, least recently used out),
 * reloaded when it or a file: secret it read changes. A reload that fails
 * keeps the last good config in service (logged once per change); only a
 * path with no good config answers 500.
 */
#ifndef HS_CONFIG_CACHE_H
#define HS_CONFIG_CACHE_H

#include "hs_config.h"

#define HS_CONFIG_CACHE_MAX	8

struct hs_config_slot {
	struct hs_config cfg;
	char		 path[4096];
	int		 used;		/* holds a config */
	unsigned long	 last_use;	/* request counter, for eviction */
	/* the last failed reload, so that it is logged once, not per request */
	struct stat	 bad_st;
	char		 bad_err[512];
	long long	 bad_retry_at;	/* monotonic ms: next reload attempt */
};

struct hs_config_cache {
	struct hs_config_slot slot[HS_CONFIG_CACHE_MAX];
	unsigned long	 uses;
	int		 load_errno;	/* errno of the last failed load */
};

void	hs_config_cache_init(struct hs_config_cache *cc);
void	hs_config_cache_free(struct hs_config_cache *cc);

/*
 * The config for a request with environment envp. NULL when there is
 * none to serve: path (may be "") and err say why, for a 500 and a log
 * line. *stale_err is set (else NULL) when a good config is served while
 * its file fails to reload: the caller logs it once (*stale_err is
 * non-NULL only on the first request that saw that failure).
 */
const struct hs_config *hs_config_cache_get(struct hs_config_cache *cc,
	    char **envp, char *path, size_t pathlen, char *err, size_t errlen,
	    const char **stale_err);

#endif
