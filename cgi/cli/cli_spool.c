/*
 * cli_spool.c - the spool as the batch side sees it: paths, moves
 * between state directories, meta sidecars and event heads. Every state
 * change is one rename(2), so a crash leaves each event in exactly one
 * directory.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_cli.h"
#include "hs_cli_spool.h"
#include "hs_clock.h"
#include "hs_fdio.h"
#include "hs_json.h"
#include "hs_spool.h"

/* The spool_dir of the loaded config: path-based calls below it are
 * resolved one directory at a time, never through a symlink. */
static char	 spool_root[PATH_MAX];

const char *const hs_cli_states[] = {
	HS_STATE_PENDING, HS_STATE_HELD, HS_STATE_NEW, HS_STATE_CUR,
	HS_STATE_DONE, HS_STATE_FAILED, HS_STATE_REJECTED, NULL
};

int
hs_cli_load_config(const char *path, struct hs_config *cfg)
{
	char	 found[PATH_MAX], err[512];

	if (path == NULL) {
		if (hs_config_locate(NULL, found, sizeof found) == -1) {
			fprintf(stderr, "hookspool: no config: use -c PATH, set "
			    "HOOKSPOOL_CONFIG or create "
			    "/etc/hookspool/hookspool.json\n");
			return -1;
		}
		path = found;
	}
	if (hs_config_load(path, cfg, err, sizeof err) == -1) {
		fprintf(stderr, "hookspool: config %s: %s\n", path, err);
		return -1;
	}
	if (hs_config_resolve_api_keys(cfg, err, sizeof err) == -1) {
		fprintf(stderr, "hookspool: config %s: %s\n", path, err);
		hs_config_free(cfg);
		return -1;
	}
	snprintf(spool_root, sizeof spool_root, "%s", cfg->spool_dir);
	return 0;
}

int
hs_cli_state_valid(const char *state)
{
	size_t	 i;

	for (i = 0; hs_cli_states[i]; i++)
		if (strcmp(hs_cli_states[i], state) == 0)
			return 1;
	return 0;
}

int
hs_cli_id_valid(const char *id)
{
	/* ids are ours (hs_spool_new_id): keep to their alphabet */
	return hs_name_valid_max(id, HS_SPOOL_ID_MAX - 1);
}

int
hs_cli_path(char *out, size_t outlen, const struct hs_config *cfg,
    const char *queue, const char *state, const char *id)
{
	int	 n;

	if (state == NULL)
		n = snprintf(out, outlen, "%s/%s", cfg->spool_dir, queue);
	else if (id == NULL)
		n = snprintf(out, outlen, "%s/%s/%s", cfg->spool_dir, queue,
		    state);
	else
		n = snprintf(out, outlen, "%s/%s/%s/%s", cfg->spool_dir, queue,
		    state, id);
	/* n < 0 cannot happen: snprintf of strings fails only past INT_MAX */
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

static long long
id_secs(const char *id)
{
	long long v = 0;
	size_t	 i;

	for (i = 0; isdigit((unsigned char)id[i]) && i < 18; i++)
		v = v * 10 + (id[i] - '0');
	return i > 0 && id[i] == '.' ? v : -1;
}

int
hs_cli_id_cmp(const char *a, const char *b)
{
	long long x = id_secs(a), y = id_secs(b);

	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(a, b);
}

/*
 * What the last failing spool access refused, for the message: the path
 * and why. Errors are reported where they are noticed, so one slot does.
 */
static char	 note_path[PATH_MAX];
static const char *note_why = "";

static void __attribute__((format(printf, 2, 3)))
note(const char *why, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(note_path, sizeof note_path, fmt, ap);
	va_end(ap);
	note_why = why;
}

void
hs_cli_note(const char *why, const char *path)
{
	note(why, "%s", path);
}

void
hs_cli_warn(const char *cmd)
{
	fprintf(stderr, "hookspool: %s: %s: %s\n", cmd, note_path, note_why);
}

const char *
hs_cli_file_error(int err)
{
	if (err == ELOOP)
		return "is a symbolic link (refused: an event file must be a "
		    "regular file, and is never followed)";
	if (err == EMEDIUMTYPE)
		return "is not a regular file (refused)";
	return strerror(err);
}

int
hs_cli_dir(const struct hs_config *cfg, const char *queue, const char *state,
    int create)
{
	int	 root, qfd, saved;

	if ((root = hs_spool_open_root(cfg->spool_dir, create)) == -1) {
		note(hs_spool_dir_error(errno), "%s", cfg->spool_dir);
		return -1;
	}
	qfd = hs_spool_subdir(root, queue, create);
	saved = errno;
	close(root);
	if (qfd == -1) {
		note(hs_spool_dir_error(saved), "%s/%s", cfg->spool_dir, queue);
		errno = saved;
		return -1;
	}
	if (state == NULL)
		return qfd;
	root = hs_cli_subdir(cfg, qfd, queue, state, create);
	saved = errno;
	close(qfd);
	errno = saved;
	return root;
}

int
hs_cli_subdir(const struct hs_config *cfg, int qfd, const char *queue,
    const char *state, int create)
{
	int	 fd;

	if ((fd = hs_spool_subdir(qfd, state, create)) == -1)
		note(hs_spool_dir_error(errno), "%s/%s/%s", cfg->spool_dir,
		    queue, state);
	return fd;
}

/*
 * The directory holding the last component of path (a path that
 * hs_cli_path built), opened from spool_dir down with O_NOFOLLOW; *base
 * is that last component. Paths outside the spool are refused.
 */
static int
path_parent(const char *path, const char **base)
{
	char	 comp[NAME_MAX + 1];
	const char *p, *slash;
	size_t	 rl = strlen(spool_root), n;
	int	 fd, next, saved;

	if (rl == 0 || strncmp(path, spool_root, rl) != 0 || path[rl] != '/') {
		note("is not inside spool_dir (refused)", "%s", path);
		errno = EXDEV;
		return -1;
	}
	if ((fd = hs_spool_open_root(spool_root, 0)) == -1) {
		note(hs_spool_dir_error(errno), "%s", spool_root);
		return -1;
	}
	for (p = path + rl;;) {
		while (*p == '/')
			p++;
		if ((slash = strchr(p, '/')) == NULL)
			break;
		n = (size_t)(slash - p);
		/* n == 0 cannot happen (the slashes were skipped): a guard */
		if (n == 0 || n >= sizeof comp) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		next = hs_spool_subdir(fd, comp, 0);
		saved = errno;
		close(fd);
		if (next == -1) {
			note(hs_spool_dir_error(saved), "%.*s",
			    (int)(slash - path), path);
			errno = saved;
			return -1;
		}
		fd = next;
		p = slash;
	}
	if (*p == '\0' || strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	*base = p;
	return fd;
}

static int
name_cmp(const void *a, const void *b)
{
	return hs_cli_id_cmp(*(char *const *)a, *(char *const *)b);
}

void
hs_cli_names_free(struct hs_cli_names *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
names_add(struct hs_cli_names *l, const char *name)
{
	char	**nv;

	if ((l->n & (l->n - 1)) == 0) {
		nv = realloc(l->v, (l->n ? l->n * 2 : 16) * sizeof *nv);
		if (nv == NULL)
			return -1;
		l->v = nv;
	}
	if ((l->v[l->n] = strdup(name)) == NULL)
		return -1;
	l->n++;
	return 0;
}

/* Lists an open directory (the fd stays the caller's). */
static int
list_fd(int dirfd, int dirs_only, struct hs_cli_names *out)
{
	DIR	*d;
	struct dirent *de;
	int	 fd, saved;

	if ((fd = dup(dirfd)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	rewinddir(d);	/* the dup shares its offset with dirfd */
	while ((errno = 0, de = readdir(d)) != NULL) {
		/* dot names are temp files, locks and .dedup: never events */
		if (de->d_name[0] == '.')
			continue;
		/* a symlink is listed so that opening it refuses it aloud */
		if (dirs_only && de->d_type != DT_DIR &&
		    de->d_type != DT_UNKNOWN && de->d_type != DT_LNK)
			continue;
		if (names_add(out, de->d_name) == -1)
			goto fail;
	}
	if (errno != 0)
		goto fail;
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, name_cmp);
	return 0;
fail:
	saved = errno;
	closedir(d);
	hs_cli_names_free(out);
	errno = saved;
	return -1;
}

int
hs_cli_list_at(int dirfd, struct hs_cli_names *out)
{
	out->v = NULL;
	out->n = 0;
	return list_fd(dirfd, 0, out);
}

int
hs_cli_list_dir(const char *dir, struct hs_cli_names *out)
{
	const char *base;
	int	 parent, fd, rc, saved;

	out->v = NULL;
	out->n = 0;
	if ((parent = path_parent(dir, &base)) == -1)
		return errno == ENOENT ? 0 : -1;
	fd = hs_spool_subdir(parent, base, 0);
	saved = errno;
	close(parent);
	if (fd == -1) {
		if (saved == ENOENT)
			return 0;
		note(hs_spool_dir_error(saved), "%s", dir);
		errno = saved;
		return -1;
	}
	rc = list_fd(fd, 0, out);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
hs_cli_queue_routed(const struct hs_config *cfg, const char *queue)
{
	size_t	 i, j;

	for (i = 0; i < cfg->nendpoints; i++)
		for (j = 0; j < cfg->endpoints[i].nroutes; j++)
			if (strcmp(cfg->endpoints[i].routes[j].queue,
			    queue) == 0)
				return 1;
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
hs_cli_queues(const struct hs_config *cfg, struct hs_cli_names *out)
{
	size_t	 i, j, k, o;
	int	 root, rc;

	out->v = NULL;
	out->n = 0;
	if ((root = hs_spool_open_root(cfg->spool_dir, 0)) == -1 &&
	    errno != ENOENT) {
		note(hs_spool_dir_error(errno), "%s", cfg->spool_dir);
		return -1;
	}
	if (root != -1) {
		rc = list_fd(root, 1, out);
		close(root);
		if (rc == -1) {
			note(strerror(errno), "%s", cfg->spool_dir);
			return -1;
		}
	}
	for (i = 0; i < cfg->nendpoints; i++)
		for (j = 0; j < cfg->endpoints[i].nroutes; j++)
			if (names_add(out,
			    cfg->endpoints[i].routes[j].queue) == -1)
				goto fail;
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, str_cmp);
	/* drop duplicates and anything that cannot be a queue name */
	for (k = o = 0; k < out->n; k++) {
		if (!hs_name_valid(out->v[k]) ||
		    (o > 0 && strcmp(out->v[o - 1], out->v[k]) == 0)) {
			free(out->v[k]);
			continue;
		}
		out->v[o++] = out->v[k];
	}
	out->n = o;
	return 0;
fail:
	hs_cli_names_free(out);
	return -1;
}

/*
 * Where is id? Fills queue and state (pointers into static tables). Not
 * found: -1 with errno ENOENT, or, when a queue or state directory was
 * refused on the way (a symlink), that directory's errno and note.
 */
int
hs_cli_find_event(const struct hs_config *cfg, const char *id, char *queue,
    size_t qlen, const char **state)
{
	struct hs_cli_names queues;
	struct stat st;
	char	 refused_path[PATH_MAX] = "";
	const char *refused_why = NULL;
	size_t	 q, s;
	int	 found = 0, qfd, sfd, refused_err = 0;

	if (hs_cli_queues(cfg, &queues) == -1)
		return -1;
	for (q = 0; q < queues.n && !found; q++) {
		if ((qfd = hs_cli_dir(cfg, queues.v[q], NULL, 0)) == -1) {
			if (errno != ENOENT && refused_why == NULL) {
				refused_err = errno;
				refused_why = note_why;
				snprintf(refused_path, sizeof refused_path,
				    "%s", note_path);
			}
			continue;
		}
		for (s = 0; hs_cli_states[s] && !found; s++) {
			sfd = hs_cli_subdir(cfg, qfd, queues.v[q],
			    hs_cli_states[s], 0);
			if (sfd == -1) {
				if (errno != ENOENT && refused_why == NULL) {
					refused_err = errno;
					refused_why = note_why;
					snprintf(refused_path,
					    sizeof refused_path, "%s",
					    note_path);
				}
				continue;
			}
			if (fstatat(sfd, id, &st, AT_SYMLINK_NOFOLLOW) == 0) {
				snprintf(queue, qlen, "%s", queues.v[q]);
				*state = hs_cli_states[s];
				found = 1;
			}
			close(sfd);
		}
		close(qfd);
	}
	hs_cli_names_free(&queues);
	if (found)
		return 0;
	if (refused_why != NULL) {
		note(refused_why, "%s", refused_path);
		errno = refused_err;
	} else
		errno = ENOENT;
	return -1;
}

int
hs_cli_moveat(const struct hs_config *cfg, const char *queue, int fromfd,
    const char *from, int tofd, const char *to, const char *id)
{
	if (hs_spool_renameat_noreplace(fromfd, id, tofd, id) == -1) {
		note(strerror(errno), "%s/%s/%s/%s -> %s/", cfg->spool_dir,
		    queue, from, id, to);
		return -1;
	}
	if (cfg->durable && fsync(tofd) == -1) {
		note(strerror(errno), "%s/%s/%s (fsync)", cfg->spool_dir,
		    queue, to);
		return -1;
	}
	return 0;
}

int
hs_cli_move(const struct hs_config *cfg, const char *queue, const char *from,
    const char *to, const char *id)
{
	int	 qfd, ffd = -1, tfd = -1, rc = -1, saved;

	if ((qfd = hs_cli_dir(cfg, queue, NULL, 0)) == -1)
		return -1;
	if ((ffd = hs_cli_subdir(cfg, qfd, queue, from, 0)) == -1 ||
	    (tfd = hs_cli_subdir(cfg, qfd, queue, to, 1)) == -1)
		goto out;
	rc = hs_cli_moveat(cfg, queue, ffd, from, tfd, to, id);
out:
	saved = errno;
	if (tfd != -1)
		close(tfd);
	if (ffd != -1)
		close(ffd);
	close(qfd);
	errno = saved;
	return rc;
}

long long
hs_cli_id_time(const char *id, const struct stat *st)
{
	long long t = id_secs(id);

	return t > 0 ? t : (long long)st->st_mtim.tv_sec;
}

long long
hs_cli_state_time(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec;
}

#define META_MAX	(1UL << 20)

static int
meta_name(char *out, size_t outlen, const char *id)
{
	int	 n = snprintf(out, outlen, "%s.json", id);

	/* n < 0 cannot happen: snprintf of a string fails only past INT_MAX */
	if (n < 0 || (size_t)n >= outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

json_object *
hs_cli_meta_loadat(int metafd, const char *id)
{
	char	 name[NAME_MAX + 1], *text = NULL;
	json_object *o = NULL;
	size_t	 len;
	int	 fd, saved;

	if (meta_name(name, sizeof name, id) == -1)
		return NULL;
	if ((fd = hs_cli_open_file(metafd, name, O_RDONLY)) == -1)
		return NULL;
	text = hs_read_all(fd, META_MAX, &len);
	saved = errno;
	close(fd);
	if (text == NULL) {
		errno = saved;
		return NULL;
	}
	o = json_tokener_parse(text);
	free(text);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		errno = EINVAL;
		return NULL;
	}
	return o;
}

int
hs_cli_meta_absent(int err)
{
	return err == ENOENT || err == EINVAL || err == EFBIG ||
	    err == ELOOP || err == EMEDIUMTYPE;
}

json_object *
hs_cli_meta_load(const struct hs_config *cfg, const char *queue,
    const char *id)
{
	json_object *o;
	int	 mfd, saved;

	if ((mfd = hs_cli_dir(cfg, queue, HS_STATE_META, 0)) == -1)
		return NULL;
	o = hs_cli_meta_loadat(mfd, id);
	saved = errno;
	if (o == NULL && (saved == ELOOP || saved == EMEDIUMTYPE))
		note(hs_cli_file_error(saved), "%s/%s/" HS_STATE_META "/%s.json",
		    cfg->spool_dir, queue, id);
	close(mfd);
	errno = saved;
	return o;
}

int
hs_cli_meta_saveat(const struct hs_config *cfg, int metafd, const char *id,
    json_object *meta, int sync)
{
	char	 tmp[NAME_MAX + 1], dst[NAME_MAX + 1];
	const char *text, *why;
	struct iovec iov[2];
	unsigned flags = 0;
	int	 fd, n;

	/* the temp name starts with '.' so nothing lists it as meta; n < 0
	 * cannot happen (snprintf fails only past INT_MAX) */
	n = snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", id, (long)getpid());
	if (meta_name(dst, sizeof dst, id) == -1 || n < 0 ||
	    (size_t)n >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	text = json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	iov[0] = (struct iovec){ (void *)text, strlen(text) };
	iov[1] = (struct iovec){ (void *)"\n", 1 };
	if (cfg->durable && sync != HS_CLI_META_LAZY)
		flags |= HS_COMMIT_SYNC_FILE;
	if (cfg->durable && sync == HS_CLI_META_DURABLE)
		flags |= HS_COMMIT_SYNC_DIR;
	/* O_EXCL: a name there already (a crashed run's, or a hard link
	 * the spool's writer planted) is removed, never written through */
	fd = openat(metafd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW | O_NONBLOCK, HS_SPOOL_FILE_MODE);
	if (fd == -1 && errno == EEXIST) {
		unlinkat(metafd, tmp, 0);
		fd = openat(metafd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, HS_SPOOL_FILE_MODE);
	}
	if (fd == -1)
		return -1;
	/* a replacement: renameat replaces a symlink planted as <id>.json,
	 * never follows it */
	return hs_spool_commit(fd, metafd, tmp, metafd, dst, iov, 2, flags,
	    &why);
}

int
hs_cli_meta_save(const struct hs_config *cfg, const char *queue,
    const char *id, json_object *meta)
{
	int	 mfd, rc, saved;

	if ((mfd = hs_cli_dir(cfg, queue, HS_STATE_META, 1)) == -1)
		return -1;
	rc = hs_cli_meta_saveat(cfg, mfd, id, meta, HS_CLI_META_DURABLE);
	saved = errno;
	close(mfd);
	errno = saved;
	return rc;
}

int
hs_cli_commit(const struct hs_config *cfg, int fd, const char *tmp,
    const char *dst, const struct iovec *iov, int iovcnt)
{
	const char *tbase = NULL, *dbase = NULL, *why;
	int	 tdir, ddir = -1, saved, rc = -1;

	if ((tdir = path_parent(tmp, &tbase)) == -1 ||
	    (ddir = path_parent(dst, &dbase)) == -1) {
		saved = errno;
		close(fd);
		/* tmp's directory did not open: try once more, or the whole
		 * copy stays in tmp/ */
		if (tdir == -1)
			tdir = path_parent(tmp, &tbase);
		if (tdir != -1)
			unlinkat(tdir, tbase, 0);
		errno = saved;
		goto out;
	}
	rc = hs_spool_commit(fd, tdir, tbase, ddir, dbase, iov, iovcnt,
	    cfg->durable ? HS_COMMIT_DURABLE : 0, &why);
out:
	saved = errno;
	if (tdir != -1)
		close(tdir);
	if (ddir != -1)
		close(ddir);
	errno = saved;
	return rc;
}

int
hs_cli_tmp_open(const struct hs_config *cfg, const char *queue,
    const char *id, char *tmp, size_t tmplen)
{
	int	 dir, fd, saved;

	if (hs_cli_path(tmp, tmplen, cfg, queue, HS_STATE_TMP, id) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((dir = hs_cli_dir(cfg, queue, HS_STATE_TMP, 1)) == -1)
		return -1;
	fd = openat(dir, id, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, HS_SPOOL_FILE_MODE);
	if (fd == -1 && errno == EEXIST) {
		/* our own leftover (the receiver never reuses an id); the
		 * name is removed, never followed */
		unlinkat(dir, id, 0);
		fd = openat(dir, id, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, HS_SPOOL_FILE_MODE);
	}
	saved = errno;
	close(dir);
	errno = saved;
	return fd;
}

int
hs_cli_meta_removeat(int metafd, const char *id)
{
	char	 name[NAME_MAX + 1];

	if (meta_name(name, sizeof name, id) == -1)
		return -1;
	if (unlinkat(metafd, name, 0) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

int
hs_cli_meta_remove(const struct hs_config *cfg, const char *queue,
    const char *id)
{
	int	 mfd, rc, saved;

	if ((mfd = hs_cli_dir(cfg, queue, HS_STATE_META, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	rc = hs_cli_meta_removeat(mfd, id);
	saved = errno;
	close(mfd);
	errno = saved;
	return rc;
}

long long
hs_cli_meta_int(json_object *meta, const char *key, long long dflt)
{
	json_object *v;

	if (meta == NULL || !json_object_object_get_ex(meta, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return dflt;
	return (long long)json_object_get_int64(v);
}

long long
hs_cli_next_attempt(const struct stat *st, json_object *meta)
{
	long long t = hs_cli_meta_int(meta, "next_attempt_at", 0);

	/* mtime is the fast path (Postfix); meta covers files we may not
	 * touch (another user's file in a shared group spool) */
	if ((long long)st->st_mtim.tv_sec > t)
		t = st->st_mtim.tv_sec;
	return t;
}

int
hs_cli_open_file(int dirfd, const char *name, int flags)
{
	struct stat st;
	int	 fd, saved;

	/* O_NONBLOCK: a FIFO planted in the spool must not hang us */
	fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EMEDIUMTYPE;
		goto fail;
	}
	(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
hs_cli_event_loadat(int dirfd, const char *name, struct hs_envelope_file *ev)
{
	int	 fd, rc, saved;

	memset(ev, 0, sizeof *ev);
	if ((fd = hs_cli_open_file(dirfd, name, O_RDONLY)) == -1)
		return -1;
	rc = hs_envelope_read(fd, ev);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

const char *
hs_cli_event_scope(const struct hs_envelope_file *ev)
{
	json_object *v = NULL;
	const char *scope = hs_envelope_str(ev, "verified_scope");

	json_object_object_get_ex(ev->head, "verified", &v);
	if (json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v) &&
	    (*scope == '\0' || strcmp(scope, "body") == 0))
		return "body";
	return strcmp(scope, "event") == 0 ? "event" : "none";
}

int
hs_cli_event_load(const char *path, struct hs_envelope_file *ev)
{
	const char *base;
	int	 parent, rc, saved;

	memset(ev, 0, sizeof *ev);
	if ((parent = path_parent(path, &base)) == -1)
		return -1;
	rc = hs_cli_event_loadat(parent, base, ev);
	saved = errno;
	close(parent);
	errno = saved;
	return rc;
}

/* An entry of a state directory that is not a regular file: never read,
 * never followed, always reported. */
void
hs_cli_not_an_event(const struct hs_config *cfg, const char *cmd,
    const char *queue, const char *state, const char *id, int err)
{
	char	 path[PATH_MAX];

	hs_cli_path(path, sizeof path, cfg, queue, state, id);
	fprintf(stderr, "hookspool: %s: %s: %s\n", cmd, path,
	    hs_cli_file_error(err));
}

/* A queue's directory and its meta/ (-1 there: no meta to show). */
int
hs_cli_open_queue(const struct hs_config *cfg, const char *cmd,
    const char *queue, int *mfd)
{
	int	 qfd;

	*mfd = -1;
	if ((qfd = hs_cli_dir(cfg, queue, NULL, 0)) == -1) {
		if (errno == ENOENT)
			return -2;
		hs_cli_warn(cmd);
		return -1;
	}
	if ((*mfd = hs_cli_subdir(cfg, qfd, queue, HS_STATE_META, 0)) == -1 &&
	    errno != ENOENT) {
		hs_cli_warn(cmd);
		close(qfd);
		return -1;
	}
	return qfd;
}
