/*
 * test_config_cache.c - what a long-running receiver serves
 * (cgi/config_cache.c, README "Configuration"): one loaded config per path,
 * at most 8, the least recently used dropped first; a reload that fails
 * keeps the last good config in service and is reported once per change;
 * only a path with no good config gets none (the 500).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hs_config_cache.h"
#include "check.h"

#define EP	"{\"c\":{\"provider\":\"circularo\",\"secrets\":[\"s\"]," \
		"\"routes\":{\"*\":\"q\"}}}"

static char	 dir[] = "/tmp/hs-test-ccache-XXXXXX";
static struct hs_config_cache cc;

static void
conf_path(int n, char *out, size_t len)
{
	snprintf(out, len, "%s/c%d.json", dir, n);
}

/* Config n, good (spool_dir names n) or broken with key bad. */
static void
write_conf(int n, const char *bad)
{
	char	 path[256];
	FILE	*f;

	conf_path(n, path, sizeof path);
	if ((f = fopen(path, "w")) == NULL) {
		CHECK(0, "cannot write %s", path);
		return;
	}
	fprintf(f, "{\"spool_dir\":\"/tmp/x%d\",%s%s%s\"endpoints\":" EP "}",
	    n, bad ? "\"" : "", bad ? bad : "", bad ? "\":1," : "");
	fclose(f);
}

/* The config served for a request whose HOOKSPOOL_CONFIG is config n. */
static const struct hs_config *
get(int n, const char **stale)
{
	char	 var[300], path[4096], err[512], *envp[2];

	conf_path(n, var + 17, sizeof var - 17);
	memcpy(var, "HOOKSPOOL_CONFIG=", 17);
	envp[0] = var;
	envp[1] = NULL;
	return hs_config_cache_get(&cc, envp, path, sizeof path, err,
	    sizeof err, stale);
}

static int
serves(int n, const struct hs_config *cfg)
{
	char	 want[64];

	snprintf(want, sizeof want, "/tmp/x%d", n);
	return cfg != NULL && strcmp(cfg->spool_dir, want) == 0;
}

static void
test_lru(void)
{
	const struct hs_config *cfg;
	const char *stale;
	int	 n;

	for (n = 1; n <= 9; n++)
		write_conf(n, NULL);
	for (n = 1; n <= 8; n++)
		CHECK(serves(n, get(n, &stale)), "config %d loaded", n);
	CHECK(serves(1, get(1, &stale)), "config 1 used again");
	CHECK(serves(9, get(9, &stale)), "a ninth config: loaded");

	/* break 1 and 2 on disk: 1 is still held (served, stale), 2 was the
	 * least recently used and was dropped for 9 (none to serve) */
	write_conf(1, "oops");
	write_conf(2, "oops");
	cfg = get(1, &stale);
	CHECK(serves(1, cfg), "config 1 kept: the last good one serves on");
	CHECK(stale != NULL && strstr(stale, "oops") != NULL,
	    "... and the failure is reported, naming the key: %s",
	    stale ? stale : "(null)");
	CHECK(get(2, &stale) == NULL,
	    "config 2 was dropped (least recently used): nothing to serve");
	for (n = 3; n <= 9; n++)
		CHECK(serves(n, get(n, &stale)) && stale == NULL,
		    "config %d still served", n);
}

static void
test_failed_reload(void)
{
	const char *stale;

	hs_config_cache_free(&cc);
	hs_config_cache_init(&cc);
	write_conf(5, NULL);
	CHECK(serves(5, get(5, &stale)) && stale == NULL, "loaded");
	write_conf(5, "first_typo");
	CHECK(serves(5, get(5, &stale)), "broken: last good serves");
	CHECK(stale != NULL && strstr(stale, "first_typo") != NULL,
	    "reported once");
	CHECK(serves(5, get(5, &stale)) && stale == NULL,
	    "the next request: served, not reported again");
	/* a different breakage is a change: reported again */
	write_conf(5, "second_typo_longer");
	CHECK(serves(5, get(5, &stale)) && stale != NULL &&
	    strstr(stale, "second_typo_longer") != NULL,
	    "a new failure is reported: %s", stale ? stale : "(null)");
	CHECK(serves(5, get(5, &stale)) && stale == NULL, "once");
	/* fixed: the new good config replaces the old */
	{
		char	 path[256];
		FILE	*f;

		conf_path(5, path, sizeof path);
		f = fopen(path, "w");
		fprintf(f, "{\"spool_dir\":\"/tmp/x55\",\"endpoints\":" EP "}");
		fclose(f);
	}
	CHECK(serves(55, get(5, &stale)) && stale == NULL,
	    "repaired: the new config serves at once");
	/* the file removed: the last good one serves on, reported once */
	{
		char	 path[256];

		conf_path(5, path, sizeof path);
		unlink(path);
	}
	CHECK(serves(55, get(5, &stale)), "file gone: last good serves");
	CHECK(stale != NULL, "... reported");
	CHECK(serves(55, get(5, &stale)) && stale == NULL, "... once");
}

int
main(void)
{
	char	 cmd[200];

	tap_suite = "test_config_cache";
	if (mkdtemp(dir) == NULL)
		return 1;
	hs_config_cache_init(&cc);
	test_lru();
	test_failed_reload();
	hs_config_cache_free(&cc);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
