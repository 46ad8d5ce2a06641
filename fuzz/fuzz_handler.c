/*
 * fuzz_handler.c - the whole request path: hs_handle() with an in-memory
 * body stream against a spool in a temp directory.
 *
 * Input: flags, arg, n, then n bytes of request variables ("NAME=value"
 * lines), then the body.
 *   flags & 0x07  endpoint (fz_names[]; the rest, from FZ_DOCUSIGN on, only
 *                 by a fuzzed PATH_INFO under 0x80, and unsigned)
 *   flags & 0x08  sign: the harness adds the right signature headers, so
 *                 inputs get past verification into JSON, event and spool
 *   flags & 0x10  CONTENT_LENGTH = body length + (int8)arg (else exact)
 *   flags & 0x20  the stream hands out the body 1..7 bytes at a time
 *   flags & 0x40  upper-case hex / svix-* header names
 *   flags & 0x80  no default REQUEST_METHOD, CONTENT_TYPE, PATH_INFO
 *   arg           signing time offset, (int8)arg * 4 seconds
 * The fuzzed variables come before the defaults, so they win (the first
 * match is used); signature headers come first of all when signing.
 *
 * Invariants, each input run twice: a known status; nothing in the spool
 * after anything but 200 accepted/pending, and then exactly one complete
 * envelope (file = head + body verbatim + "}\n") where the answer says;
 * no directory but configured queues and their states; the second run
 * answers the same, or "duplicate" after a stored event on a dedup endpoint.
 */
#include <sys/stat.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fuzz_common.h"
#include "hs_handler.h"

#define MAX_VARS	64
#define OUT_MAX		65536

struct stream {
	const uint8_t	*p;
	size_t		 left;
	size_t		 chunk;		/* 0: as much as asked */
	char		 out[OUT_MAX];
	size_t		 outlen;
};

static struct hs_handler handler;
static const char *spool;

/* what one run left behind */
struct seen {
	int	 files;
	int	 markers;
	char	 path[512];	/* the one event file, if any */
};
static struct seen seen;

static ssize_t
s_read(void *ctx, char *buf, size_t len, const struct timespec *deadline)
{
	struct stream *s = ctx;
	size_t	 n = len < s->left ? len : s->left;

	(void)deadline;
	if (s->chunk && n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->p, n);
	s->p += n;
	s->left -= n;
	return (ssize_t)n;
}

static int
s_write(void *ctx, const char *buf, size_t len)
{
	struct stream *s = ctx;

	if (len > sizeof s->out - s->outlen)
		fz_die("answer too long (%zu bytes)", len);
	memcpy(s->out + s->outlen, buf, len);
	s->outlen += len;
	return 0;
}

static int
allowed_dir(const char *rel, int depth)
{
	static const char *const states[] = { "tmp", "new", "cur",
	    "pending", NULL };
	static const char *const queues[] = { "completed", "docs", "inbox",
	    "documents", "signing", "deploy", "issues", "payments",
	    "standard", "generic", "generic2", "envelopes", "signatures",
	    "zoho", "pandadoc", "esign", NULL };
	const char *slash = strchr(rel, '/'), *leaf;
	size_t	 qlen = slash ? (size_t)(slash - rel) : strlen(rel);
	int	 i;

	if (qlen == 6 && strncmp(rel, ".dedup", 6) == 0) {
		if (depth == 1)
			return 1;
		for (i = 0; i < FZ_NENDPOINTS; i++)
			if (depth == 2 && strcmp(slash + 1, fz_names[i]) == 0)
				return 1;
		return 0;
	}
	for (i = 0; queues[i]; i++)
		if (strlen(queues[i]) == qlen &&
		    strncmp(rel, queues[i], qlen) == 0)
			break;
	if (queues[i] == NULL)
		return 0;
	if (depth == 1)
		return 1;
	leaf = slash + 1;
	for (i = 0; states[i]; i++)
		if (depth == 2 && strcmp(leaf, states[i]) == 0)
			return 1;
	return 0;
}

static int
walk(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = path + strlen(spool) + 1;

	(void)st;
	if (ftw->level == 0)
		return 0;
	if (flag == FTW_D || flag == FTW_DP) {
		if (!allowed_dir(rel, ftw->level))
			fz_die("unexpected directory %s", rel);
		return 0;
	}
	/* the counters file (never its temporary: a leftover is a bug) */
	if (flag == FTW_F && ftw->level == 1 && strcmp(rel, ".counters") == 0)
		return 0;
	if (flag != FTW_F || ftw->level != 3)
		fz_die("unexpected entry %s", rel);
	if (strncmp(rel, ".dedup/", 7) == 0)
		seen.markers++;
	else {
		seen.files++;
		snprintf(seen.path, sizeof seen.path, "%s", path);
	}
	return 0;
}

static int
unlink_files(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_F)
		unlink(path);
	return 0;
}

/* Events go, duplicate markers stay (for the second run). */
static int
unlink_events(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	if (strstr(path + strlen(spool), "/.dedup/") == NULL)
		return unlink_files(path, st, flag, ftw);
	return 0;
}

static void
scan(void)
{
	memset(&seen, 0, sizeof seen);
	if (access(spool, F_OK) == 0)
		nftw(spool, walk, 16, FTW_PHYS);
}

/* The stored file must be our head, the body verbatim, then "}\n". */
static void
check_file(const char *path, const char *id, const uint8_t *body,
    size_t blen)
{
	struct json_object *o, *v;
	struct stat st;
	char	*buf;
	int	 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		fz_die("cannot open %s", path);
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL ||
	    read(fd, buf, (size_t)st.st_size) != st.st_size)
		fz_die("cannot read %s", path);
	close(fd);
	buf[st.st_size] = '\0';
	if ((size_t)st.st_size < blen + 2 ||
	    memcmp(buf + st.st_size - 2, "}\n", 2) != 0 ||
	    memcmp(buf + st.st_size - 2 - blen, body, blen) != 0)
		fz_die("%s: body not stored verbatim", path);
	if ((o = json_tokener_parse(buf)) == NULL)
		fz_die("%s: not JSON", path);
	if (!json_object_object_get_ex(o, "id", &v) ||
	    strcmp(json_object_get_string(v), id) != 0 ||
	    !json_object_object_get_ex(o, "body", &v))
		fz_die("%s: envelope lacks id or body", path);
	json_object_put(o);
	free(buf);
}

struct result {
	int	 status;
	char	 state[32];
};

static void
run(char **envp, const uint8_t *body, size_t blen, size_t cl_read,
    size_t chunk, struct result *res)
{
	static struct stream s;
	struct json_object *o = NULL, *v;
	const char *json, *state, *id = NULL, *queue = NULL;
	char	 line[64];
	int	 status, markers;

	scan();
	if (seen.files != 0)
		fz_die("spool not clean before the run");
	markers = seen.markers;
	s.p = body;
	s.left = blen;
	s.chunk = chunk;
	s.outlen = 0;
	status = hs_handle(&handler, envp, &(struct hs_io){ s_read, s_write,
	    &s });
	switch (status) {
	case 200: case 400: case 401: case 404: case 405: case 411: case 413:
	case 415:
		break;
	default:
		fz_die("status %d", status);
	}
	s.out[s.outlen] = '\0';
	snprintf(line, sizeof line, "Status: %d ", status);
	if (strncmp(s.out, line, strlen(line)) != 0)
		fz_die("answer does not start with \"%s\"", line);
	if ((json = strstr(s.out, "\r\n\r\n")) == NULL ||
	    (o = json_tokener_parse(json + 4)) == NULL ||
	    !json_object_object_get_ex(o, "status", &v))
		fz_die("answer body is not our JSON");
	state = json_object_get_string(v);
	if (json_object_object_get_ex(o, "id", &v))
		id = json_object_get_string(v);
	if (json_object_object_get_ex(o, "queue", &v))
		queue = json_object_get_string(v);

	scan();
	seen.markers -= markers;
	if (status == 200 && (strcmp(state, "accepted") == 0 ||
	    strcmp(state, "pending") == 0)) {
		char	 want[512];

		if (id == NULL || queue == NULL || seen.files != 1 ||
		    seen.markers > 1)
			fz_die("%s: %d files, %d markers", state, seen.files,
			    seen.markers);
		snprintf(want, sizeof want, "%s/%s/%s/%s", spool, queue,
		    state[0] == 'a' ? "new" : "pending", id);
		if (strcmp(want, seen.path) != 0)
			fz_die("stored at %s, answered %s", seen.path, want);
		check_file(seen.path, id, body, cl_read);
	} else if (seen.files != 0 || seen.markers != 0)
		fz_die("status %d %s left %d files, %d markers", status, state,
		    seen.files, seen.markers);
	res->status = status;
	snprintf(res->state, sizeof res->state, "%s", state);
	json_object_put(o);
}

/*
 * inbox/ exists without pending/ before every input, as a queue made by
 * verified events looks when the first unverified one (Ignisign
 * SIGNATURE.*) is routed there.
 */
static void
reset_inbox(void)
{
	static const char *const dirs[] = { "", "/inbox", "/inbox/tmp",
	    "/inbox/new", "/inbox/cur" };
	char	 path[512];
	size_t	 i;

	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s%s", spool, dirs[i]);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof path, "%s/inbox/pending", spool);
	rmdir(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_setup(&spool);
	hs_handler_init(&handler);
	return 0;
}

/* Appends the headers the sender of endpoint ep would send for msg. */
static int
sign(int ep, int upper, long long ts, const uint8_t *msg, size_t len,
    char vars[][512], int n)
{
	unsigned char mac[64], key[64];
	char	 text[160], pre[64];
	const char *k = fz_secrets[ep];
	size_t	 m, klen;
	int	 pn;

	switch (ep) {
	case FZ_CIRCULARO:
		m = fz_hmac("SHA256", k, strlen(k), msg, len, NULL, 0, mac);
		fz_hex(mac, m, upper, text);
		snprintf(vars[n++], 512, "HTTP_X_CIRCULARO_SIGNATURE=%s", text);
		break;
	case FZ_DOCUMENSO:
		snprintf(vars[n++], 512, "HTTP_X_DOCUMENSO_SECRET=%s", k);
		break;
	case FZ_GITHUB:
		m = fz_hmac("SHA256", k, strlen(k), msg, len, NULL, 0, mac);
		fz_hex(mac, m, upper, text);
		snprintf(vars[n++], 512, "HTTP_X_HUB_SIGNATURE_256=sha256=%s",
		    text);
		break;
	case FZ_STRIPE:
		pn = snprintf(pre, sizeof pre, "%lld.", ts);
		m = fz_hmac("SHA256", k, strlen(k), pre, (size_t)pn, msg, len,
		    mac);
		fz_hex(mac, m, upper, text);
		snprintf(vars[n++], 512, "HTTP_STRIPE_SIGNATURE=t=%lld,v1=%s",
		    ts, text);
		break;
	case FZ_STANDARD:
		klen = fz_standard_key(key);
		pn = snprintf(pre, sizeof pre, "msg_fz%d.%lld.", upper, ts);
		m = fz_hmac("SHA256", key, klen, pre, (size_t)pn, msg, len,
		    mac);
		fz_base64(mac, m, text);
		snprintf(vars[n++], 512, "HTTP_%s_ID=msg_fz%d",
		    upper ? "SVIX" : "WEBHOOK", upper);
		snprintf(vars[n++], 512, "HTTP_%s_TIMESTAMP=%lld",
		    upper ? "SVIX" : "WEBHOOK", ts);
		snprintf(vars[n++], 512, "HTTP_%s_SIGNATURE=v1,%s",
		    upper ? "SVIX" : "WEBHOOK", text);
		break;
	case FZ_HMAC_HEX:
		m = fz_hmac("SHA512", k, strlen(k), msg, len, NULL, 0, mac);
		fz_hex(mac, m, upper, text);
		snprintf(vars[n++], 512, "HTTP_X_SIGNATURE=sha512=%s", text);
		break;
	case FZ_HMAC_B64:
		m = fz_hmac("SHA1", k, strlen(k), msg, len, NULL, 0, mac);
		fz_base64(mac, m, text);
		snprintf(vars[n++], 512, "HTTP_X_SIG=%s", text);
		break;
	}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char vars[MAX_VARS][512];
	char	*envp[MAX_VARS + 1];
	struct result first, second;
	const uint8_t *env, *body;
	size_t	 envlen, blen, cl;
	uint8_t	 flags, arg;
	int	 ep, n = 0, i, dedup;

	if (size < 3)
		return 0;
	reset_inbox();
	flags = data[0];
	arg = data[1];
	envlen = data[2];
	if (envlen > size - 3)
		envlen = size - 3;
	env = data + 3;
	body = env + envlen;
	blen = size - 3 - envlen;
	ep = flags & 7;

	cl = blen;
	if (flags & 0x10) {
		long long d = (long long)blen + (int8_t)arg;

		cl = d < 0 ? 0 : (size_t)d;
	}
	if (flags & 0x08)
		n = sign(ep, flags & 0x40, FZ_NOW + (int8_t)arg * 4, body,
		    cl < blen ? cl : blen, vars, n);
	n = fz_env_lines(env, envlen, vars, n, MAX_VARS - 8);
	if (!(flags & 0x80)) {
		snprintf(vars[n++], 512, "REQUEST_METHOD=POST");
		snprintf(vars[n++], 512, "CONTENT_TYPE=application/json");
		snprintf(vars[n++], 512, "PATH_INFO=/hooks/%s", fz_names[ep]);
	}
	snprintf(vars[n++], 512, "CONTENT_LENGTH=%zu", cl);
	snprintf(vars[n++], 512, "HTTP_X_GITHUB_EVENT=push");
	snprintf(vars[n++], 512, "HTTP_X_EVENT=deploy");
	for (i = 0; i < n; i++)
		envp[i] = vars[i];
	envp[n] = NULL;

	run(envp, body, blen, cl < blen ? cl : blen,
	    flags & 0x20 ? (size_t)(arg % 7) + 1 : 0, &first);
	nftw(spool, unlink_events, 16, FTW_PHYS);
	run(envp, body, blen, cl < blen ? cl : blen,
	    flags & 0x20 ? (size_t)(arg % 7) + 1 : 0, &second);
	/* stripe is configured with "dedup": false */
	dedup = strcmp(first.state, "accepted") == 0 ||
	    strcmp(first.state, "pending") == 0;
	if (first.status != second.status || (strcmp(first.state,
	    second.state) != 0 && !(dedup &&
	    strcmp(second.state, "duplicate") == 0)))
		fz_die("second run %d %s, first %d %s", second.status,
		    second.state, first.status, first.state);
	nftw(spool, unlink_files, 16, FTW_PHYS);
	return 0;
}
