/*
 * config_cache.c - which config a request is served with (see
 * hs_config_cache.h): located per request, one loaded config per path,
 * reloaded on change, the last good one kept through a failed reload.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hs_clock.h"
#include "hs_config_cache.h"

/* While a config file stays broken, try it again at most this often:
 * an editor may still be writing it, and a parse per request is waste. */
#define RETRY_MS	1000

void
hs_config_cache_init(struct hs_config_cache *cc)
{
	memset(cc, 0, sizeof *cc);
}

void
hs_config_cache_free(struct hs_config_cache *cc)
{
	size_t	 i;

	for (i = 0; i < HS_CONFIG_CACHE_MAX; i++)
		if (cc->slot[i].used)
			hs_config_free(&cc->slot[i].cfg);
	memset(cc, 0, sizeof *cc);
}

static struct hs_config_slot *
find_slot(struct hs_config_cache *cc, const char *path)
{
	struct hs_config_slot *s, *victim = &cc->slot[0];
	size_t	 i;

	for (i = 0; i < HS_CONFIG_CACHE_MAX; i++) {
		s = &cc->slot[i];
		if (s->used && strcmp(s->path, path) == 0)
			return s;
	}
	/* a free slot, else the least recently used one */
	for (i = 0; i < HS_CONFIG_CACHE_MAX; i++) {
		s = &cc->slot[i];
		if (!s->used)
			return s;
		if (s->last_use < victim->last_use)
			victim = s;
	}
	hs_config_free(&victim->cfg);
	victim->used = 0;
	return victim;
}

static int
unchanged_since_failure(const struct hs_config_slot *s, const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		memset(&st, 0, sizeof st);
	return hs_config_same_file(&st, &s->bad_st);
}

static int
same_failure(const struct hs_config_slot *s, const char *path,
    const char *err)
{
	return unchanged_since_failure(s, path) && strcmp(err, s->bad_err) == 0;
}

static void
remember_failure(struct hs_config_slot *s, const char *path, const char *err)
{
	if (stat(path, &s->bad_st) == -1)
		memset(&s->bad_st, 0, sizeof s->bad_st);
	snprintf(s->bad_err, sizeof s->bad_err, "%s", err);
}

const struct hs_config *
hs_config_cache_get(struct hs_config_cache *cc, char **envp, char *path,
    size_t pathlen, char *err, size_t errlen, const char **stale_err)
{
	struct hs_config_slot *s;
	struct hs_config fresh;

	*stale_err = NULL;
	cc->load_errno = 0;
	if (hs_config_locate(envp, path, pathlen) == -1) {
		path[0] = '\0';
		snprintf(err, errlen, "no config: set HOOKSPOOL_CONFIG or put "
		    "hookspool.json beside the binary or one directory above "
		    "it");
		return NULL;
	}
	s = find_slot(cc, path);
	s->last_use = ++cc->uses;
	if (s->used && !hs_config_changed(&s->cfg))
		return &s->cfg;
	/* a file that failed and has not changed since: try again only
	 * now and then (a secret file it names may appear meanwhile) */
	if (s->used && s->bad_err[0] && unchanged_since_failure(s, path) &&
	    hs_clock_mono_ms() < s->bad_retry_at)
		return &s->cfg;
	if (hs_config_load(path, &fresh, err, errlen) == 0) {
		if (s->used)
			hs_config_free(&s->cfg);
		s->cfg = fresh;
		s->used = 1;
		s->bad_err[0] = '\0';
		snprintf(s->path, sizeof s->path, "%s", path);
		return &s->cfg;
	}
	cc->load_errno = errno;
	if (!s->used)
		return NULL;
	/* the last good config stays in service */
	s->bad_retry_at = hs_clock_mono_ms() + RETRY_MS;
	if (!same_failure(s, path, err)) {
		remember_failure(s, path, err);
		*stale_err = s->bad_err;
	}
	return &s->cfg;
}
