/*
 * cli_common.c - the spool as the batch side sees it: paths, moves
 * between state directories, meta sidecars and event heads. Every state
 * change is one rename(2), so a crash leaves each event in exactly one
 * directory.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_clock.h"
#include "hs_cli.h"
#include "hs_cli_common.h"
#include "hs_json.h"
#include "hs_spool.h"

#define FILE_MODE	0640
#define EVENT_MAX	(HS_BODY_HARD_MAX + (1UL << 20))

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

static int
list_dir(const char *dir, int dirs_only, struct hs_cli_names *out)
{
	DIR	*d;
	struct dirent *de;
	int	 saved;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((errno = 0, de = readdir(d)) != NULL) {
		/* dot names are temp files, locks and .dedup: never events */
		if (de->d_name[0] == '.')
			continue;
		if (dirs_only && de->d_type != DT_DIR &&
		    de->d_type != DT_UNKNOWN)
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
hs_cli_list_dir(const char *dir, struct hs_cli_names *out)
{
	out->v = NULL;
	out->n = 0;
	return list_dir(dir, 0, out);
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

	out->v = NULL;
	out->n = 0;
	if (list_dir(cfg->spool_dir, 1, out) == -1)
		return -1;
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

/* Where is id? Fills queue and state (pointers into cfg/static tables). */
int
hs_cli_find_event(const struct hs_config *cfg, const char *id, char *queue,
    size_t qlen, const char **state)
{
	struct hs_cli_names queues;
	char	 path[PATH_MAX];
	size_t	 q, s;
	int	 found = 0;

	if (hs_cli_queues(cfg, &queues) == -1)
		return -1;
	for (q = 0; q < queues.n && !found; q++)
		for (s = 0; hs_cli_states[s] && !found; s++)
			if (hs_cli_path(path, sizeof path, cfg, queues.v[q],
			    hs_cli_states[s], id) == 0 &&
			    access(path, F_OK) == 0) {
				snprintf(queue, qlen, "%s", queues.v[q]);
				*state = hs_cli_states[s];
				found = 1;
			}
	hs_cli_names_free(&queues);
	return found ? 0 : -1;
}

int
hs_cli_move(const struct hs_config *cfg, const char *queue, const char *from,
    const char *to, const char *id)
{
	char	 src[PATH_MAX], dst[PATH_MAX], dir[PATH_MAX];

	if (hs_cli_path(src, sizeof src, cfg, queue, from, id) == -1 ||
	    hs_cli_path(dst, sizeof dst, cfg, queue, to, id) == -1 ||
	    hs_cli_path(dir, sizeof dir, cfg, queue, to, NULL) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (hs_spool_rename_noreplace(src, dst) == -1) {
		if (errno != ENOENT || access(src, F_OK) == -1)
			return -1;
		/* the source exists: the destination directory does not */
		if (hs_spool_make_dir(cfg->spool_dir, queue, to) == -1 ||
		    hs_spool_rename_noreplace(src, dst) == -1)
			return -1;
	}
	if (cfg->durable && hs_spool_fsync_dir(dir) == -1)
		return -1;
	return 0;
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

static int
meta_path(char *out, size_t outlen, const struct hs_config *cfg,
    const char *queue, const char *id)
{
	int	 n;

	n = snprintf(out, outlen, "%s/%s/" HS_STATE_META "/%s.json",
	    cfg->spool_dir, queue, id);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

struct json_object *
hs_cli_meta_load(const struct hs_config *cfg, const char *queue,
    const char *id)
{
	char	 path[PATH_MAX];
	json_object *o;

	if (meta_path(path, sizeof path, cfg, queue, id) == -1)
		return NULL;
	if (access(path, F_OK) == -1)
		return NULL;
	/* json_object_from_file reads with read(2) loops of its own */
	if ((o = json_object_from_file(path)) == NULL)
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		errno = EINVAL;
		return NULL;
	}
	return o;
}

int
hs_cli_meta_save(const struct hs_config *cfg, const char *queue,
    const char *id, json_object *meta)
{
	char	 tmp[PATH_MAX], dst[PATH_MAX], dir[PATH_MAX];
	struct iovec iov[2];
	const char *text;
	int	 fd = -1;

	/* the temp name starts with '.' so nothing lists it as meta */
	if (meta_path(dst, sizeof dst, cfg, queue, id) == -1 ||
	    hs_cli_path(dir, sizeof dir, cfg, queue, HS_STATE_META, NULL) == -1 ||
	    snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", dir, id,
	    (long)getpid()) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	text = json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    FILE_MODE);
	if (fd == -1 && errno == ENOENT) {
		if (hs_spool_make_dir(cfg->spool_dir, queue, HS_STATE_META) == -1)
			return -1;
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, FILE_MODE);
	}
	if (fd == -1)
		return -1;
	iov[0] = (struct iovec){ (void *)text, strlen(text) };
	iov[1] = (struct iovec){ (void *)"\n", 1 };
	return hs_cli_commit(cfg, fd, tmp, dst, dir, iov, 2);
}

int
hs_cli_commit(const struct hs_config *cfg, int fd, const char *tmp,
    const char *dst, const char *dir, const struct iovec *iov, int iovcnt)
{
	int	 saved;

	if (hs_writev_all(fd, iov, iovcnt) == -1 ||
	    (cfg->durable && fsync(fd) == -1))
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, dst) == -1)
		goto fail;
	if (cfg->durable && hs_spool_fsync_dir(dir) == -1)
		return -1;
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int
hs_cli_meta_remove(const struct hs_config *cfg, const char *queue,
    const char *id)
{
	char	 path[PATH_MAX];

	if (meta_path(path, sizeof path, cfg, queue, id) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
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

/*
 * Offset of the top-level ,"body": — the head is json-c output (no
 * blanks), but "actor" is the sender's object and may hold a "body" key
 * of its own, so count depth and skip strings.
 */
static long
find_body(const char *s, size_t len)
{
	size_t	 i;
	int	 depth = 0, instr = 0, esc = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				instr = 0;
			continue;
		}
		switch (c) {
		case '"':
			if (depth == 1 && i > 0 && s[i - 1] == ',' &&
			    len - i >= 7 && memcmp(s + i, "\"body\":", 7) == 0)
				return (long)i - 1;
			instr = 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			depth--;
			break;
		}
	}
	return -1;
}

void
hs_cli_event_free(struct hs_cli_event *ev)
{
	free(ev->data);
	json_object_put(ev->head);
	memset(ev, 0, sizeof *ev);
}

int
hs_cli_event_read(int fd, struct hs_cli_event *ev)
{
	struct stat st;
	json_tokener *tok = NULL;
	ssize_t	 r;
	long	 off;
	char	 save;

	memset(ev, 0, sizeof *ev);
	if (fstat(fd, &st) == -1)
		return -1;
	if ((unsigned long long)st.st_size > EVENT_MAX) {
		errno = EFBIG;
		return -1;
	}
	/* a file still growing past its size is not a complete event: EFBIG */
	if ((ev->data = hs_read_all(fd, (size_t)st.st_size, &ev->len)) == NULL)
		return -1;
	if ((off = find_body(ev->data, ev->len)) == -1 ||
	    ev->len < (size_t)off + 8 + 2 ||
	    memcmp(ev->data + ev->len - 2, "}\n", 2) != 0) {
		errno = EINVAL;
		goto fail;
	}
	ev->head_len = (size_t)off;
	ev->body_off = (size_t)off + 8;
	ev->body_len = ev->len - 2 - ev->body_off;
	/* parse the head alone: ',' becomes '}' for a moment */
	if ((tok = json_tokener_new_ex(HS_JSON_MAX_DEPTH + 2)) == NULL)
		goto fail;
	save = ev->data[off];
	ev->data[off] = '}';
	ev->head = json_tokener_parse_ex(tok, ev->data, off + 1);
	ev->data[off] = save;
	json_tokener_free(tok);
	if (ev->head == NULL || !json_object_is_type(ev->head,
	    json_type_object)) {
		errno = EINVAL;
		goto fail;
	}
	return 0;
fail:
	r = errno;
	hs_cli_event_free(ev);
	errno = (int)r;
	return -1;
}

int
hs_cli_event_load(const char *path, struct hs_cli_event *ev)
{
	int	 fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	rc = hs_cli_event_read(fd, ev);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

const char *
hs_cli_event_str(const struct hs_cli_event *ev, const char *key)
{
	json_object *v;

	if (ev->head == NULL || !json_object_object_get_ex(ev->head, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

int
hs_cli_parse_count(const char *s, long long max, long long *out)
{
	char	*end;
	long long v;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int
hs_cli_parse_duration(const char *s, long long *secs)
{
	char	*end;
	long long v, mul = 1;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || v < 0)
		return -1;
	if (*end == 's')
		mul = 1;
	else if (*end == 'm')
		mul = 60;
	else if (*end == 'h')
		mul = 3600;
	else if (*end == 'd')
		mul = 86400;
	else if (*end == 'w')
		mul = 7 * 86400;
	else if (*end != '\0')
		return -1;
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > 100LL * 365 * 86400 / mul)
		return -1;
	*secs = v * mul;
	return 0;
}

void
hs_cli_fmt_time(long long t, char *out, size_t outlen)
{
	char	 buf[HS_RFC3339_LEN];

	if (hs_clock_rfc3339_secs(t, buf) == -1)
		snprintf(buf, sizeof buf, "%lld", t);
	snprintf(out, outlen, "%s", buf);
}

void
hs_cli_fmt_age(long long s, char *out, size_t outlen)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, outlen, "%llds", s);
	else if (s < 7200)
		snprintf(out, outlen, "%lldm", s / 60);
	else if (s < 2 * 86400)
		snprintf(out, outlen, "%lldh", s / 3600);
	else
		snprintf(out, outlen, "%lldd", s / 86400);
}

/* Length of a valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t	 need, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

char *
hs_cli_utf8_clean(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	char	*out;
	size_t	 i = 0, o = 0, n;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	while (i < len) {
		n = utf8_len(u + i, len - i);
		if (n == 0 || (n == 1 && u[i] == 0)) {
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

void
hs_cli_print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}
