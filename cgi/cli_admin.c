/*
 * cli_admin.c - `hookspool retry`, `purge` and `check-config`: the
 * operator's side. retry and purge only move or delete whole files, with
 * the same renames the runners use.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_cli.h"
#include "hs_cli_common.h"
#include "hs_provider.h"
#include "hs_spool.h"

/* Back to new/, attempts reset, due now. */
static int
retry_one(const struct hs_config *cfg, const char *queue, const char *state,
    const char *id)
{
	json_object *m;
	char	 path[PATH_MAX];

	if (strcmp(state, HS_STATE_FAILED) && strcmp(state, HS_STATE_NEW) &&
	    strcmp(state, HS_STATE_DONE)) {
		fprintf(stderr, "hookspool: retry: %s is in %s/; only failed, "
		    "deferred and done events can be retried%s\n", id, state,
		    strcmp(state, HS_STATE_CUR) == 0 ? " (a runner has it)" :
		    strcmp(state, HS_STATE_PENDING) == 0 ? " (use verify)" :
		    strcmp(state, HS_STATE_HELD) == 0 ?
		    " (use verify --release or --reject)" : "");
		return -1;
	}
	if ((m = hs_cli_meta_load(cfg, queue, id)) == NULL) {
		m = json_object_new_object();
		json_object_object_add(m, "id", json_object_new_string(id));
		json_object_object_add(m, "queue", json_object_new_string(queue));
	}
	json_object_object_add(m, "attempts", json_object_new_int64(0));
	json_object_object_del(m, "next_attempt_at");
	json_object_object_del(m, "failed_at");
	json_object_object_del(m, "done_at");
	json_object_object_add(m, "retried_at",
	    json_object_new_int64((long long)time(NULL)));
	/* meta first: in new/ a runner may take it at once */
	if (hs_cli_meta_save(cfg, queue, id, m) == -1) {
		fprintf(stderr, "hookspool: retry: %s: cannot write meta: %s\n",
		    id, strerror(errno));
		json_object_put(m);
		return -1;
	}
	json_object_put(m);
	hs_cli_path(path, sizeof path, cfg, queue, state, id);
	(void)utimensat(AT_FDCWD, path, NULL, 0);	/* due now */
	if (strcmp(state, HS_STATE_NEW) != 0 &&
	    hs_cli_move(cfg, queue, state, HS_STATE_NEW, id) == -1) {
		fprintf(stderr, "hookspool: retry: %s: %s\n", id,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
hs_cmd_retry(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct hs_cli_names queues = { NULL, 0 }, l;
	const char *id = NULL, *queue = NULL, *state;
	char	 qbuf[HS_NAME_MAX + 1], dir[PATH_MAX];
	size_t	 q, i;
	long	 n = 0;
	int	 all = 0, rc = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--failed") == 0)
			all = 1;
		else if (argv[i][0] == '-' || id != NULL)
			goto usage;
		else
			id = argv[i];
	}
	if (id == NULL && !all)
		goto usage;
	if (all) {
		queue = id;
		id = NULL;
		if (queue && !hs_name_valid(queue)) {
			fprintf(stderr, "hookspool: retry: bad queue name\n");
			return 2;
		}
	} else if (!hs_cli_id_valid(id)) {
		fprintf(stderr, "hookspool: retry: not an event id\n");
		return 2;
	}
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	if (id) {
		if (hs_cli_find_event(&cfg, id, qbuf, sizeof qbuf, &state)
		    == -1) {
			fprintf(stderr, "hookspool: retry: no event %s\n", id);
			rc = 1;
		} else if (retry_one(&cfg, qbuf, state, id) == -1)
			rc = 1;
		else
			printf("%s: back in %s/new\n", id, qbuf);
		hs_config_free(&cfg);
		return rc;
	}
	if (queue == NULL && hs_cli_queues(&cfg, &queues) == -1) {
		fprintf(stderr, "hookspool: retry: %s: %s\n", cfg.spool_dir,
		    strerror(errno));
		hs_config_free(&cfg);
		return 1;
	}
	for (q = 0; q < (queue ? 1 : queues.n); q++) {
		const char *qn = queue ? queue : queues.v[q];

		if (hs_cli_path(dir, sizeof dir, &cfg, qn, HS_STATE_FAILED,
		    NULL) == -1 || hs_cli_list_dir(dir, &l) == -1) {
			rc = 1;
			continue;
		}
		for (i = 0; i < l.n; i++) {
			if (retry_one(&cfg, qn, HS_STATE_FAILED, l.v[i]) == -1)
				rc = 1;
			else
				n++;
		}
		hs_cli_names_free(&l);
	}
	printf("%ld event%s back in new/\n", n, n == 1 ? "" : "s");
	hs_cli_names_free(&queues);
	hs_config_free(&cfg);
	return rc;
usage:
	fprintf(stderr, "usage: hookspool retry ID | retry --failed [QUEUE]\n");
	return 2;
}

struct purge {
	const struct hs_config *cfg;
	long long	 older;		/* --older-than, seconds */
	long long	 now;
	long		 done, failed, rejected, tmp, meta, dedup;
	int		 errors;
};

/* Deletes events in one state that entered it before the cutoff. */
static long
purge_state(struct purge *p, const char *queue, const char *state)
{
	struct hs_cli_names l;
	struct stat st;
	char	 dir[PATH_MAX], path[PATH_MAX];
	long	 n = 0;
	size_t	 i;

	if (hs_cli_path(dir, sizeof dir, p->cfg, queue, state, NULL) == -1 ||
	    hs_cli_list_dir(dir, &l) == -1) {
		p->errors++;
		return 0;
	}
	for (i = 0; i < l.n; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, l.v[i]) >=
		    (int)sizeof path || lstat(path, &st) == -1 ||
		    hs_cli_state_time(&st) > p->now - p->older)
			continue;
		if (unlink(path) == -1) {
			p->errors++;
			continue;
		}
		hs_cli_meta_remove(p->cfg, queue, l.v[i]);
		n++;
	}
	if (n && p->cfg->durable)
		hs_spool_fsync_dir(dir);
	hs_cli_names_free(&l);
	return n;
}

/*
 * Old files in a directory, dot names included: tmp/ leftovers of a
 * crashed receiver, meta temp files, orphan meta, dedup markers.
 * orphan_queue: for meta/, only delete what no event refers to.
 */
static long
sweep(struct purge *p, const char *dir, long long age,
    const char *orphan_queue)
{
	DIR	*d;
	struct dirent *de;
	struct stat st;
	char	 path[PATH_MAX], id[NAME_MAX + 1], q[HS_NAME_MAX + 1];
	const char *state;
	long	 n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >=
		    (int)sizeof path || lstat(path, &st) == -1 ||
		    !S_ISREG(st.st_mode) || st.st_mtim.tv_sec > p->now - age)
			continue;
		if (orphan_queue && de->d_name[0] != '.') {
			size_t len = strlen(de->d_name);

			if (len <= 5 || len - 5 >= sizeof id ||
			    strcmp(de->d_name + len - 5, ".json") != 0)
				continue;
			memcpy(id, de->d_name, len - 5);
			id[len - 5] = '\0';
			if (hs_cli_find_event(p->cfg, id, q, sizeof q,
			    &state) == 0 && strcmp(q, orphan_queue) == 0)
				continue;
		}
		if (unlink(path) == 0)
			n++;
		else
			p->errors++;
	}
	closedir(d);
	return n;
}

static void
purge_dedup(struct purge *p)
{
	struct hs_cli_names eps;
	char	 dir[PATH_MAX], sub[PATH_MAX];
	size_t	 i;

	if (snprintf(dir, sizeof dir, "%s/" HS_DEDUP_DIR, p->cfg->spool_dir) >=
	    (int)sizeof dir || hs_cli_list_dir(dir, &eps) == -1)
		return;
	for (i = 0; i < eps.n; i++)
		if (snprintf(sub, sizeof sub, "%s/%s", dir, eps.v[i]) <
		    (int)sizeof sub)
			p->dedup += sweep(p, sub, p->older, NULL);
	hs_cli_names_free(&eps);
}

int
hs_cmd_purge(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct hs_cli_names queues;
	struct purge p;
	char	 dir[PATH_MAX];
	int	 i, json = 0, done = 0, failed = 0, rejected = 0, have = 0;
	size_t	 q;

	memset(&p, 0, sizeof p);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--older-than") == 0 && i + 1 < argc) {
			if (hs_cli_parse_duration(argv[++i], &p.older) == -1) {
				fprintf(stderr, "hookspool: purge: bad duration "
				    "%s (use 30s, 15m, 36h, 7d)\n", argv[i]);
				return 2;
			}
			have = 1;
		} else if (strcmp(argv[i], "--done") == 0)
			done = 1;
		else if (strcmp(argv[i], "--failed") == 0)
			failed = 1;
		else if (strcmp(argv[i], "--rejected") == 0)
			rejected = 1;
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else
			goto usage;
	}
	if (!have)
		goto usage;
	if (!done && !failed && !rejected)
		done = 1;	/* dead letters go only when asked for */
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	p.cfg = &cfg;
	p.now = (long long)time(NULL);
	if (hs_cli_queues(&cfg, &queues) == -1) {
		fprintf(stderr, "hookspool: purge: %s: %s\n", cfg.spool_dir,
		    strerror(errno));
		hs_config_free(&cfg);
		return 1;
	}
	for (q = 0; q < queues.n; q++) {
		const char *qn = queues.v[q];

		if (done)
			p.done += purge_state(&p, qn, HS_STATE_DONE);
		if (failed)
			p.failed += purge_state(&p, qn, HS_STATE_FAILED);
		if (rejected)
			p.rejected += purge_state(&p, qn, HS_STATE_REJECTED);
		if (hs_cli_path(dir, sizeof dir, &cfg, qn, HS_STATE_TMP,
		    NULL) == 0)
			p.tmp += sweep(&p, dir, HS_CLI_TMP_SWEEP, NULL);
		if (hs_cli_path(dir, sizeof dir, &cfg, qn, HS_STATE_META,
		    NULL) == 0)
			p.meta += sweep(&p, dir, HS_CLI_TMP_SWEEP, qn);
	}
	purge_dedup(&p);
	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "done", json_object_new_int64(p.done));
		json_object_object_add(o, "failed",
		    json_object_new_int64(p.failed));
		json_object_object_add(o, "rejected",
		    json_object_new_int64(p.rejected));
		json_object_object_add(o, "tmp", json_object_new_int64(p.tmp));
		json_object_object_add(o, "meta", json_object_new_int64(p.meta));
		json_object_object_add(o, "dedup",
		    json_object_new_int64(p.dedup));
		hs_cli_print_json(o);
		json_object_put(o);
	} else
		printf("purged %ld done, %ld failed, %ld rejected, %ld tmp, "
		    "%ld meta, %ld dedup\n", p.done, p.failed, p.rejected,
		    p.tmp, p.meta, p.dedup);
	hs_cli_names_free(&queues);
	hs_config_free(&cfg);
	return p.errors ? 1 : 0;
usage:
	fprintf(stderr, "usage: hookspool purge --older-than DURATION [--done] "
	    "[--failed] [--rejected] [--json]\n");
	return 2;
}

/* "yes", or why not: the spool must be writable by whoever runs us. */
static const char *
spool_writable(const char *dir)
{
	char	 parent[PATH_MAX], *slash;

	if (access(dir, F_OK) == 0)
		return access(dir, W_OK | X_OK) == 0 ? NULL : strerror(errno);
	/* the receiver creates it on first delivery: can it? */
	snprintf(parent, sizeof parent, "%s", dir);
	while ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
		*slash = '\0';
		if (access(parent, F_OK) == 0)
			return access(parent, W_OK | X_OK) == 0 ? NULL :
			    "missing, and its parent is not writable";
	}
	return "missing";
}

static json_object *
endpoint_json(const struct hs_endpoint *e)
{
	json_object *o = json_object_new_object(), *routes;
	size_t	 j;

	json_object_object_add(o, "provider",
	    json_object_new_string(e->provider->name));
	/* how many, never what */
	json_object_object_add(o, "secrets", json_object_new_int64(
	    (long long)e->nkeys));
	routes = json_object_new_object();
	for (j = 0; j < e->nroutes; j++)
		json_object_object_add(routes, e->routes[j].pattern,
		    json_object_new_string(e->routes[j].queue));
	json_object_object_add(o, "routes", routes);
	json_object_object_add(o, "tolerance_seconds",
	    json_object_new_int64(e->tolerance));
	json_object_object_add(o, "dedup", json_object_new_boolean(e->dedup));
	if (e->provider == &hs_provider_ignisign) {
		json_object_object_add(o, "app_id", e->app_id ?
		    json_object_new_string(e->app_id) : NULL);
		json_object_object_add(o, "app_env", e->app_env ?
		    json_object_new_string(e->app_env) : NULL);
		json_object_object_add(o, "api_key",
		    json_object_new_boolean(e->api_key.len > 0));
		json_object_object_add(o, "app_secret",
		    json_object_new_boolean(e->app_secret.len > 0));
		json_object_object_add(o, "api_base_url",
		    json_object_new_string(e->api_base_url));
	}
	return o;
}

int
hs_cmd_check_config(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	json_object *root, *eps, *retry, *qs;
	const char *why;
	size_t	 i, j;
	int	 json = 0;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1) {
		fprintf(stderr, "usage: hookspool check-config [--json]\n");
		return 2;
	}
	if (hs_cli_load_config(config, &cfg) == -1)
		return 1;
	why = spool_writable(cfg.spool_dir);
	root = json_object_new_object();
	json_object_object_add(root, "config", json_object_new_string(cfg.path));
	json_object_object_add(root, "spool_dir",
	    json_object_new_string(cfg.spool_dir));
	json_object_object_add(root, "spool_writable",
	    json_object_new_boolean(why == NULL));
	json_object_object_add(root, "durable",
	    json_object_new_boolean(cfg.durable));
	json_object_object_add(root, "max_body_bytes",
	    json_object_new_int64((long long)cfg.max_body_bytes));
	json_object_object_add(root, "body_timeout_seconds",
	    json_object_new_int64(cfg.body_timeout_seconds));
	retry = json_object_new_object();
	json_object_object_add(retry, "max_attempts",
	    json_object_new_int64(cfg.retry.max_attempts));
	json_object_object_add(retry, "backoff_seconds",
	    json_object_new_int64(cfg.retry.backoff_seconds));
	json_object_object_add(retry, "backoff_max_seconds",
	    json_object_new_int64(cfg.retry.backoff_max_seconds));
	json_object_object_add(retry, "lease_seconds",
	    json_object_new_int64(cfg.retry.lease_seconds));
	json_object_object_add(retry, "timeout_seconds",
	    json_object_new_int64(cfg.retry.timeout_seconds));
	json_object_object_add(retry, "keep_done_seconds",
	    json_object_new_int64(cfg.retry.keep_done_seconds));
	json_object_object_add(root, "retry", retry);
	eps = json_object_new_object();
	for (i = 0; i < cfg.nendpoints; i++)
		json_object_object_add(eps, cfg.endpoints[i].name,
		    endpoint_json(&cfg.endpoints[i]));
	json_object_object_add(root, "endpoints", eps);
	qs = json_object_new_array();
	/* route targets only: what the config says, not what is on disk */
	for (i = 0; i < cfg.nendpoints; i++)
		for (j = 0; j < cfg.endpoints[i].nroutes; j++) {
			const char *qn = cfg.endpoints[i].routes[j].queue;
			size_t	 k, dup = 0;

			for (k = 0; k < json_object_array_length(qs); k++)
				if (strcmp(json_object_get_string(
				    json_object_array_get_idx(qs, k)), qn) == 0)
					dup = 1;
			if (!dup)
				json_object_array_add(qs,
				    json_object_new_string(qn));
		}
	json_object_object_add(root, "queues", qs);

	if (json)
		hs_cli_print_json(root);
	else {
		printf("config:      %s\n", cfg.path);
		printf("spool_dir:   %s (%s%s)\n", cfg.spool_dir,
		    why ? "not writable: " : "writable", why ? why : "");
		printf("durable:     %s\n", cfg.durable ? "yes" : "no");
		printf("retry:       max_attempts %ld, backoff %ld..%ld s, "
		    "lease %ld s, timeout %ld s, keep_done %ld s\n",
		    cfg.retry.max_attempts, cfg.retry.backoff_seconds,
		    cfg.retry.backoff_max_seconds, cfg.retry.lease_seconds,
		    cfg.retry.timeout_seconds, cfg.retry.keep_done_seconds);
		for (i = 0; i < cfg.nendpoints; i++) {
			const struct hs_endpoint *e = &cfg.endpoints[i];

			printf("endpoint %s: provider %s, %zu secret%s\n",
			    e->name, e->provider->name, e->nkeys,
			    e->nkeys == 1 ? "" : "s");
			if (e->provider == &hs_provider_ignisign)
				printf("  ignisign: app_id %s, app_env %s, "
				    "%s %s, api %s\n",
				    e->app_id ? e->app_id : "(any)",
				    e->app_env ? e->app_env : "(any)",
				    e->app_secret.len ? "app_secret" : "api_key",
				    e->api_key.len || e->app_secret.len ? "set" :
				    "MISSING",
				    e->api_base_url);
			for (j = 0; j < e->nroutes; j++)
				printf("  route %s -> %s\n", e->routes[j].pattern,
				    e->routes[j].queue);
		}
	}
	json_object_put(root);
	for (i = 0; i < cfg.nendpoints; i++)
		if (cfg.endpoints[i].provider == &hs_provider_ignisign &&
		    cfg.endpoints[i].api_key.len == 0 &&
		    cfg.endpoints[i].app_secret.len == 0)
			fprintf(stderr, "hookspool: endpoints.%s.api_key: not "
			    "set; `hookspool verify` cannot release its "
			    "events\n", cfg.endpoints[i].name);
	if (why)
		fprintf(stderr, "hookspool: spool_dir: %s is not writable (%s)\n",
		    cfg.spool_dir, why);
	hs_config_free(&cfg);
	return why ? 1 : 0;
}
