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
#include "hs_cli_spool.h"
#include "hs_cli_util.h"
#include "hs_provider.h"
#include "hs_sandbox.h"
#include "hs_spool.h"

/* Back to new/, attempts reset, due now. */
static int
retry_one(const struct hs_config *cfg, const char *queue, const char *state,
    const char *id)
{
	json_object *m;
	struct stat st;
	char	 path[PATH_MAX];
	int	 qfd = -1, sfd = -1, nfd = -1, rc = -1, err = 0;

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
	if ((qfd = hs_cli_dir(cfg, queue, NULL, 0)) == -1 ||
	    (sfd = hs_cli_subdir(cfg, qfd, queue, state, 0)) == -1 ||
	    (nfd = hs_cli_subdir(cfg, qfd, queue, HS_STATE_NEW, 1)) == -1) {
		hs_cli_warn("retry");
		goto out;
	}
	/* only a real event file goes back: never a planted symlink */
	if (fstatat(sfd, id, &st, AT_SYMLINK_NOFOLLOW) == -1)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = S_ISLNK(st.st_mode) ? ELOOP : EMEDIUMTYPE;
	if (err) {
		hs_cli_path(path, sizeof path, cfg, queue, state, id);
		fprintf(stderr, "hookspool: retry: %s: %s\n", path,
		    hs_cli_file_error(err));
		goto out;
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
		goto out;
	}
	json_object_put(m);
	/* due now; the name is a regular file (checked), not followed */
	(void)utimensat(sfd, id, NULL, AT_SYMLINK_NOFOLLOW);
	if (strcmp(state, HS_STATE_NEW) != 0 &&
	    hs_cli_moveat(cfg, queue, sfd, state, nfd, HS_STATE_NEW,
	    id) == -1) {
		hs_cli_warn("retry");
		goto out;
	}
	rc = 0;
out:
	if (nfd != -1)
		close(nfd);
	if (sfd != -1)
		close(sfd);
	if (qfd != -1)
		close(qfd);
	return rc;
}

int
hs_cmd_retry(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct hs_cli_names queues = { NULL, 0 }, l;
	const char *id = NULL, *queue = NULL, *state;
	char	 qbuf[HS_NAME_MAX + 1];
	size_t	 q, i;
	long	 n = 0;
	int	 all = 0, rc = 0, fd;

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
			if (errno == ENOENT)
				fprintf(stderr, "hookspool: retry: no event "
				    "%s\n", id);
			else
				hs_cli_warn("retry");
			rc = 1;
		} else if (retry_one(&cfg, qbuf, state, id) == -1)
			rc = 1;
		else
			printf("%s: back in %s/new\n", id, qbuf);
		hs_config_free(&cfg);
		return rc;
	}
	if (queue == NULL && hs_cli_queues(&cfg, &queues) == -1) {
		hs_cli_warn("retry");
		hs_config_free(&cfg);
		return 1;
	}
	for (q = 0; q < (queue ? 1 : queues.n); q++) {
		const char *qn = queue ? queue : queues.v[q];

		if ((fd = hs_cli_dir(&cfg, qn, HS_STATE_FAILED, 0)) == -1) {
			if (errno != ENOENT) {
				hs_cli_warn("retry");
				rc = 1;
			}
			continue;
		}
		if (hs_cli_list_at(fd, &l) == -1) {
			fprintf(stderr, "hookspool: retry: %s/%s/failed: %s\n",
			    cfg.spool_dir, qn, strerror(errno));
			close(fd);
			rc = 1;
			continue;
		}
		close(fd);
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
	return hs_cli_usage("retry");
}

struct purge {
	const struct hs_config *cfg;
	long long	 older;		/* --older-than, seconds */
	long long	 now;
	long		 done, failed, rejected, tmp, meta, dedup;
	int		 errors;
};

/* A directory the purge needed and could not use (refused or broken). */
static void
purge_error(struct purge *p)
{
	hs_cli_warn("purge");
	p->errors++;
}

/* Deletes events in one state that entered it before the cutoff. */
static long
purge_state(struct purge *p, int qfd, const char *queue, const char *state)
{
	struct hs_cli_names l;
	struct stat st;
	char	 path[PATH_MAX];
	long	 n = 0;
	size_t	 i;
	int	 sfd, mfd;

	if ((sfd = hs_cli_subdir(p->cfg, qfd, queue, state, 0)) == -1) {
		if (errno != ENOENT)
			purge_error(p);
		return 0;
	}
	if (hs_cli_list_at(sfd, &l) == -1) {
		hs_cli_path(path, sizeof path, p->cfg, queue, state, NULL);
		hs_cli_note(strerror(errno), path);
		purge_error(p);
		close(sfd);
		return 0;
	}
	mfd = hs_cli_subdir(p->cfg, qfd, queue, HS_STATE_META, 0);
	if (mfd == -1 && errno != ENOENT) {
		/* the events may go, their meta cannot: say so once */
		purge_error(p);
	}
	for (i = 0; i < l.n; i++) {
		if (fstatat(sfd, l.v[i], &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    hs_cli_state_time(&st) > p->now - p->older)
			continue;
		if (!S_ISREG(st.st_mode)) {
			/* not an event: left for a human to look at */
			hs_cli_path(path, sizeof path, p->cfg, queue, state,
			    l.v[i]);
			fprintf(stderr, "hookspool: purge: %s: %s\n", path,
			    hs_cli_file_error(S_ISLNK(st.st_mode) ? ELOOP :
			    EMEDIUMTYPE));
			p->errors++;
			continue;
		}
		if (unlinkat(sfd, l.v[i], 0) == -1) {
			p->errors++;
			continue;
		}
		if (mfd != -1)
			hs_cli_meta_removeat(mfd, l.v[i]);
		n++;
	}
	if (n && p->cfg->durable)
		fsync(sfd);
	if (mfd != -1)
		close(mfd);
	close(sfd);
	hs_cli_names_free(&l);
	return n;
}

/*
 * Old regular files in an open directory, dot names included: tmp/
 * leftovers of a crashed receiver, meta temp files, orphan meta, dedup
 * markers. orphan_queue: for meta/, only delete what no event refers to.
 */
static long
sweep(struct purge *p, int dirfd, long long age, const char *orphan_queue)
{
	DIR	*d;
	struct dirent *de;
	struct stat st;
	char	 id[NAME_MAX + 1], q[HS_NAME_MAX + 1];
	const char *state;
	long	 n = 0;
	int	 fd;

	if ((fd = dup(dirfd)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		p->errors++;
		return 0;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) || st.st_mtim.tv_sec > p->now - age)
			continue;
		if (orphan_queue && de->d_name[0] != '.') {
			size_t len = strlen(de->d_name);

			if (len <= 5 || len - 5 >= sizeof id ||
			    strcmp(de->d_name + len - 5, ".json") != 0)
				continue;
			memcpy(id, de->d_name, len - 5);
			id[len - 5] = '\0';
			/* found, or unknown (a refused directory): keep */
			if (hs_cli_find_event(p->cfg, id, q, sizeof q,
			    &state) == 0 ? strcmp(q, orphan_queue) == 0 :
			    errno != ENOENT)
				continue;
		}
		if (unlinkat(dirfd, de->d_name, 0) == 0)
			n++;
		else
			p->errors++;
	}
	closedir(d);
	return n;
}

/* tmp/ and meta/ of one queue; ENOENT is a queue that never had them. */
static void
sweep_queue(struct purge *p, int qfd, const char *queue)
{
	int	 fd;

	if ((fd = hs_cli_subdir(p->cfg, qfd, queue, HS_STATE_TMP, 0)) != -1) {
		p->tmp += sweep(p, fd, HS_CLI_TMP_SWEEP, NULL);
		close(fd);
	} else if (errno != ENOENT)
		purge_error(p);
	if ((fd = hs_cli_subdir(p->cfg, qfd, queue, HS_STATE_META, 0)) != -1) {
		p->meta += sweep(p, fd, HS_CLI_TMP_SWEEP, queue);
		close(fd);
	} else if (errno != ENOENT)
		purge_error(p);
}

static void
purge_dedup(struct purge *p)
{
	struct hs_cli_names eps;
	char	 path[PATH_MAX];
	size_t	 i;
	int	 root, dd, fd;

	if ((root = hs_spool_open_root(p->cfg->spool_dir, 0)) == -1)
		return;		/* no spool at all: nothing to sweep */
	dd = hs_spool_subdir(root, HS_DEDUP_DIR, 0);
	if (dd == -1) {
		if (errno != ENOENT) {
			snprintf(path, sizeof path, "%s/" HS_DEDUP_DIR,
			    p->cfg->spool_dir);
			hs_cli_note(hs_spool_dir_error(errno), path);
			purge_error(p);
		}
		close(root);
		return;
	}
	close(root);
	if (hs_cli_list_at(dd, &eps) == -1) {
		p->errors++;
		close(dd);
		return;
	}
	for (i = 0; i < eps.n; i++) {
		if ((fd = hs_spool_subdir(dd, eps.v[i], 0)) == -1) {
			snprintf(path, sizeof path, "%s/" HS_DEDUP_DIR "/%s",
			    p->cfg->spool_dir, eps.v[i]);
			hs_cli_note(hs_spool_dir_error(errno), path);
			purge_error(p);
			continue;
		}
		p->dedup += sweep(p, fd, p->older, NULL);
		close(fd);
	}
	close(dd);
	hs_cli_names_free(&eps);
}

int
hs_cmd_purge(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct hs_cli_names queues;
	struct purge p;
	int	 i, json = 0, done = 0, failed = 0, rejected = 0, have = 0, qfd;
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
		hs_cli_warn("purge");
		hs_config_free(&cfg);
		return 1;
	}
	for (q = 0; q < queues.n; q++) {
		const char *qn = queues.v[q];

		if ((qfd = hs_cli_dir(&cfg, qn, NULL, 0)) == -1) {
			if (errno != ENOENT)
				purge_error(&p);
			continue;
		}
		if (done)
			p.done += purge_state(&p, qfd, qn, HS_STATE_DONE);
		if (failed)
			p.failed += purge_state(&p, qfd, qn, HS_STATE_FAILED);
		if (rejected)
			p.rejected += purge_state(&p, qfd, qn,
			    HS_STATE_REJECTED);
		sweep_queue(&p, qfd, qn);
		close(qfd);
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
		json_object_object_add(o, "errors",
		    json_object_new_int64(p.errors));
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
	return hs_cli_usage("purge");
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

/*
 * Who else may read or replace a secret file. Webhook secrets are read by
 * the receiver, which runs as the web server's user: owner or group read
 * is how it gets them, so only others' read is a leak. The Ignisign
 * api_key is read only by `hookspool verify`: group read is a leak too.
 * Anyone but the owner able to write the file, or a directory anyone can
 * write without the sticky bit (the file can be replaced), is a warning
 * for both.
 */
static void
secret_file_check(json_object *warnings, const char *where, const char *spec,
    int group_may_read)
{
	struct stat st, dst;
	char	 dir[PATH_MAX], msg[PATH_MAX + 256], *slash;
	const char *path = spec + 5;
	mode_t	 mode;

	if (strncmp(spec, "file:", 5) != 0 || stat(path, &st) == -1)
		return;		/* inline, env:, or already reported */
	mode = st.st_mode & 07777;
	if (mode & S_IROTH)
		snprintf(msg, sizeof msg, "%s: %s is readable by others (mode "
		    "%04o): chmod o-r", where, path, (unsigned)mode);
	else if (!group_may_read && (mode & S_IRGRP))
		snprintf(msg, sizeof msg, "%s: %s is readable by its group "
		    "(mode %04o); only `hookspool verify` reads it: chmod 600",
		    where, path, (unsigned)mode);
	else if (mode & (S_IWGRP | S_IWOTH))
		snprintf(msg, sizeof msg, "%s: %s is writable by %s (mode "
		    "%04o): chmod go-w", where, path, mode & S_IWOTH ? "others" :
		    "its group", (unsigned)mode);
	else {
		snprintf(dir, sizeof dir, "%s", path);
		if ((slash = strrchr(dir, '/')) == NULL)
			snprintf(dir, sizeof dir, ".");
		else
			slash[slash == dir] = '\0';
		if (stat(dir, &dst) == -1 || !(dst.st_mode & S_IWOTH) ||
		    (dst.st_mode & S_ISVTX))
			return;
		snprintf(msg, sizeof msg, "%s: %s is in %s, which anyone may "
		    "write (the file can be replaced)", where, path, dir);
	}
	fprintf(stderr, "hookspool: warning: %s\n", msg);
	json_object_array_add(warnings, json_object_new_string(msg));
}

/* What check-config warns about: secret files others may read or replace
 * (from the specs as the config file has them; cfg keeps only keys), and
 * a max_body_bytes smaller than what a provider says its sender sends. */
static json_object *
config_warnings(const struct hs_config *cfg)
{
	json_object *warnings = json_object_new_array(), *root, *eps, *v, *one;
	char	 where[HS_NAME_MAX + 64];
	size_t	 i;

	if ((root = json_object_from_file(cfg->path)) == NULL)
		return warnings;
	if (json_object_object_get_ex(root, "endpoints", &eps) &&
	    json_object_is_type(eps, json_type_object)) {
		json_object_object_foreach(eps, name, ep) {
			if (!json_object_is_type(ep, json_type_object))
				continue;
			if (json_object_object_get_ex(ep, "secrets", &v) &&
			    json_object_is_type(v, json_type_array))
				for (i = 0; i < json_object_array_length(v);
				    i++) {
					one = json_object_array_get_idx(v, i);
					if (!json_object_is_type(one,
					    json_type_string))
						continue;
					snprintf(where, sizeof where,
					    "endpoints.%s.secrets[%zu]", name,
					    i);
					secret_file_check(warnings, where,
					    json_object_get_string(one), 1);
				}
			if (json_object_object_get_ex(ep, "api_key", &v) &&
			    json_object_is_type(v, json_type_string)) {
				snprintf(where, sizeof where,
				    "endpoints.%s.api_key", name);
				secret_file_check(warnings, where,
				    json_object_get_string(v), 0);
			}
		}
	}
	json_object_put(root);
	for (i = 0; i < cfg->nendpoints; i++) {
		const struct hs_endpoint *ep = &cfg->endpoints[i];
		const char *weak = ep->provider->weak_auth ?
		    ep->provider->weak_auth(ep) : NULL;
		char	 msg[HS_NAME_MAX + 512];

		if (weak && ep->source.allow.n == 0) {
			snprintf(msg, sizeof msg, "endpoints.%s: no allow_from: "
			    "%s", ep->name, weak);
			fprintf(stderr, "hookspool: warning: %s\n", msg);
			json_object_array_add(warnings,
			    json_object_new_string(msg));
		}
		if (ep->provider->body_hint <= cfg->max_body_bytes)
			continue;
		snprintf(msg, sizeof msg, "endpoints.%s: %s sends bodies of up "
		    "to %llu bytes, max_body_bytes is %lu: larger deliveries "
		    "get 413 and are lost", ep->name, ep->provider->name,
		    ep->provider->body_hint, (unsigned long)cfg->max_body_bytes);
		fprintf(stderr, "hookspool: warning: %s\n", msg);
		json_object_array_add(warnings, json_object_new_string(msg));
	}
	return warnings;
}

/*
 * The value of one of the provider's options as JSON, from the same table
 * the config was read with. A secret spec says only whether it is set.
 */
static json_object *
option_json(const struct hs_endpoint *e, const struct hs_option *opt)
{
	const void *field = (const char *)e + opt->offset;
	const char *str;
	char	 header[128];
	size_t	 i;

	switch (opt->kind) {
	case HS_OPT_SPEC:
		return json_object_new_boolean(*(char *const *)field != NULL);
	case HS_OPT_HEADER:
		if ((str = *(char *const *)field) == NULL)
			return NULL;
		hs_provider_header_name(str, header, sizeof header);
		return json_object_new_string(header);
	case HS_OPT_STRING:
	case HS_OPT_ANY_STRING:
	case HS_OPT_URL:
		str = *(char *const *)field;
		return str ? json_object_new_string(str) : NULL;
	case HS_OPT_CHOICE:
		str = *(const char *const *)field;
		for (i = 0; str && opt->choices[i]; i++)
			if (opt->values[i] == str || strcmp(opt->values[i], str) == 0)
				return json_object_new_string(opt->choices[i]);
		return NULL;
	case HS_OPT_CHOICE_INT:
		return json_object_new_string(opt->choices[*(const int *)field]);
	case HS_OPT_LONG:
		return json_object_new_int64(*(const long *)field);
	case HS_OPT_LONGLONG:
		return json_object_new_int64(*(const long long *)field);
	case HS_OPT_SPEC_LIST:
		/* how many, never the values */
		return json_object_new_int64((int64_t)
		    ((const struct hs_keylist *)field)->n);
	case HS_OPT_BOOL:
		return json_object_new_boolean(*(const int *)field);
	}
	return NULL;
}

static void
provider_options_json(const struct hs_endpoint *e, json_object *o)
{
	const struct hs_option *opt;

	for (opt = e->provider->options; opt && opt->name; opt++)
		json_object_object_add(o, opt->name, option_json(e, opt));
}

/* Does this endpoint's provider wait for `hookspool verify`, with no
 * credentials to verify with? */
static int
verify_unconfigured(const struct hs_endpoint *e)
{
	return (e->provider->flags & HS_PROV_PENDING) && e->api_key.len == 0 &&
	    e->app_secret.len == 0;
}

/* The provider's options in text: "  hmac: header X-Signature, ..." */
static void
print_options(const struct hs_endpoint *e)
{
	const struct hs_option *opt;
	json_object *v;
	int	 n = 0;

	for (opt = e->provider->options; opt && opt->name; opt++) {
		v = option_json(e, opt);
		printf("%s%s %s", n++ ? ", " : "  options: ", opt->name,
		    v ? json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) :
		    "(unset)");
		json_object_put(v);
	}
	if (n)
		printf("\n");
	if (verify_unconfigured(e))
		printf("  verify: no api_key or app_secret: MISSING\n");
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
	/* how many blocks; the lists themselves are in the config */
	json_object_object_add(o, "allow_from", e->source.allow.n ?
	    json_object_new_int64((long long)e->source.allow.n) : NULL);
	json_object_object_add(o, "trusted_proxies", e->source.proxies.n ?
	    json_object_new_int64((long long)e->source.proxies.n) : NULL);
	if (e->source.allow.n)
		json_object_object_add(o, "forwarded_header",
		    json_object_new_string(e->source.proxies.n == 0 ? "none" :
		    hs_forward_header_name(e->source.header)));
	provider_options_json(e, o);
	return o;
}

/* What a receiver would get on this host (hs_sandbox.h). */
struct sandbox_probe {
	int		 abi;		/* Landlock, 0: none usable */
	int		 seccomp;
	const char	*fs_why, *sc_why;
	const char	*shortfall;	/* the first missing part, or NULL */
};

static void
probe_sandbox(struct sandbox_probe *p)
{
	memset(p, 0, sizeof *p);
	p->abi = hs_sandbox_landlock_abi(&p->fs_why);
	p->seccomp = hs_sandbox_seccomp_ok(&p->sc_why);
	p->shortfall = !p->abi ? p->fs_why : !p->seccomp ? p->sc_why : NULL;
}

static json_object *
sandbox_json(const struct hs_config *cfg, const struct sandbox_probe *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mode",
	    json_object_new_string(hs_sandbox_modes[cfg->sandbox]));
	json_object_object_add(o, "landlock_abi", json_object_new_int(p->abi));
	json_object_object_add(o, "seccomp",
	    json_object_new_boolean(p->seccomp));
	json_object_object_add(o, "unavailable", p->shortfall ?
	    json_object_new_string(p->shortfall) : NULL);
	return o;
}

static void
print_sandbox(const struct hs_config *cfg, const struct sandbox_probe *p)
{
	printf("sandbox:     %s; this host: ", hs_sandbox_modes[cfg->sandbox]);
	if (p->abi)
		printf("Landlock ABI %d", p->abi);
	else
		printf("no %s", p->fs_why);
	printf(", %s%s\n", p->seccomp ? "seccomp" : "no ",
	    p->seccomp ? "" : p->sc_why);
}

int
hs_cmd_check_config(const char *config, int argc, char **argv)
{
	struct sandbox_probe sbx;
	struct hs_config cfg;
	json_object *root, *eps, *retry, *qs;
	const char *why;
	size_t	 i, j;
	int	 json = 0, refused = 0;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc != 1)
		return hs_cli_usage("check-config");
	if (hs_cli_load_config(config, &cfg) == -1)
		return 1;
	why = spool_writable(cfg.spool_dir);
	probe_sandbox(&sbx);
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
	qs = json_object_new_array();
	for (i = 0; i < cfg.nqueues; i++)
		if (cfg.queues[i].verified_only)
			json_object_array_add(qs,
			    json_object_new_string(cfg.queues[i].name));
	json_object_object_add(root, "verified_only_queues", qs);
	json_object_object_add(root, "warnings", config_warnings(&cfg));
	json_object_object_add(root, "sandbox", sandbox_json(&cfg, &sbx));

	if (json)
		hs_cli_print_json(root);
	else {
		printf("config:      %s\n", cfg.path);
		printf("spool_dir:   %s (%s%s)\n", cfg.spool_dir,
		    why ? "not writable: " : "writable", why ? why : "");
		printf("durable:     %s\n", cfg.durable ? "yes" : "no");
		print_sandbox(&cfg, &sbx);
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
			print_options(e);
			if (e->source.allow.n)
				printf("  allow_from: %zu block%s%s%s\n",
				    e->source.allow.n, e->source.allow.n == 1 ?
				    "" : "s", e->source.proxies.n ?
				    ", client from " : "", e->source.proxies.n ?
				    hs_forward_header_name(e->source.header) : "");
			for (j = 0; j < e->nroutes; j++)
				printf("  route %s -> %s\n", e->routes[j].pattern,
				    e->routes[j].queue);
		}
		for (i = 0; i < cfg.nqueues; i++)
			if (cfg.queues[i].verified_only)
				printf("queue %s: run hands out body-verified "
				    "events only\n", cfg.queues[i].name);
	}
	json_object_put(root);
	for (i = 0; i < cfg.nendpoints; i++)
		if (verify_unconfigured(&cfg.endpoints[i]))
			fprintf(stderr, "hookspool: endpoints.%s.api_key: not "
			    "set; `hookspool verify` cannot release its "
			    "events\n", cfg.endpoints[i].name);
	if (why)
		fprintf(stderr, "hookspool: spool_dir: %s is not writable (%s)\n",
		    cfg.spool_dir, why);
	if (cfg.sandbox == HS_SANDBOX_REQUIRED && sbx.shortfall) {
		fprintf(stderr, "hookspool: sandbox: \"required\" but %s: the "
		    "receiver will refuse to serve on this host\n",
		    sbx.shortfall);
		refused = 1;
	}
	hs_config_free(&cfg);
	return why || refused ? 1 : 0;
}
