/*
 * cli_verify.c - `hookspool verify`: Ignisign signs nothing, so each
 * pending event's single-use verificationToken goes back to Ignisign's
 * checking-consumption API. The answer is written to meta (durably)
 * before the event moves, so a crash after the check never costs a
 * genuine event: a rerun acts on the recorded answer without asking again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/crypto.h>

#include "hs_buf.h"
#include "hs_cli.h"
#include "hs_cli_common.h"
#include "hs_json.h"
#include "hs_provider.h"
#include "hs_spool.h"

#define API_PATH	"/v4/tokens/webhook-verification/checking-consumption"
#define RESPONSE_MAX	(64 * 1024)
#define CONNECT_TIMEOUT	10L
#define TOTAL_TIMEOUT	30L
#define FILE_MODE	0640

static const char *const reason_flags[] = { "notFound", "alreadyConsumed",
	"isExpired", "badTarget", "badRelatedId", NULL };

struct verifier {
	const struct hs_config *cfg;
	CURL	*curl;
	int	 verbose;
	long	 released, rejected, left;
	int	 errors;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct hs_buf *b = arg;

	if (b->len + size * n > RESPONSE_MAX)
		return 0;	/* makes curl fail: not an answer we expect */
	return hs_buf_add(b, p, size * n) == 0 ? size * n : 0;
}

/*
 * POSTs the token. Returns 0 with the parsed answer in *out, or -1 with
 * err set (network, HTTP status, not JSON): the event stays pending.
 */
static int
check_token(struct verifier *v, const struct hs_endpoint *ep,
    const char *token, const char *app_id, const char *app_env,
    json_object **out, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL;
	struct hs_buf resp, auth, url;
	json_object *req;
	char	 cerr[CURL_ERROR_SIZE] = "";
	const char *body;
	size_t	 blen;
	long	 status = 0;
	CURLcode cc;
	int	 rc = -1;

	*out = NULL;
	hs_buf_init(&resp);
	hs_buf_init(&auth);
	hs_buf_init(&url);
	req = json_object_new_object();
	json_object_object_add(req, "token", json_object_new_string(token));
	json_object_object_add(req, "appId", json_object_new_string(app_id));
	json_object_object_add(req, "appEnv", json_object_new_string(app_env));
	body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	blen = strlen(body);
	hs_buf_adds(&url, ep->api_base_url);
	while (url.len && url.data[url.len - 1] == '/')
		url.len--;
	hs_buf_adds(&url, API_PATH);
	hs_buf_adds(&auth, "Authorization: Bearer ");
	hs_buf_add(&auth, ep->api_key.bytes, ep->api_key.len);
	if (url.oom || auth.oom) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	hdrs = curl_slist_append(hdrs, hs_buf_cstr(&auth));
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");

	curl_easy_reset(v->curl);
	curl_easy_setopt(v->curl, CURLOPT_URL, hs_buf_cstr(&url));
	curl_easy_setopt(v->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(v->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(v->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(v->curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(v->curl, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
	curl_easy_setopt(v->curl, CURLOPT_USERAGENT, "hookspool/1");
	curl_easy_setopt(v->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(v->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(v->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(v->curl, CURLOPT_POSTFIELDSIZE, (long)blen);
	curl_easy_setopt(v->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(v->curl, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(v->curl, CURLOPT_ERRORBUFFER, cerr);
	cc = curl_easy_perform(v->curl);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s", cerr[0] ? cerr :
		    curl_easy_strerror(cc));
		goto done;
	}
	curl_easy_getinfo(v->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(err, errlen, "HTTP status %ld", status);
		goto done;
	}
	*out = json_tokener_parse(hs_buf_cstr(&resp));
	if (*out == NULL || !json_object_is_type(*out, json_type_object) ||
	    !json_object_object_get_ex(*out, "isValid", NULL) ||
	    !json_object_is_type(json_object_object_get(*out, "isValid"),
	    json_type_boolean)) {
		json_object_put(*out);
		*out = NULL;
		snprintf(err, errlen, "HTTP status %ld without an isValid "
		    "answer", status);
		goto done;
	}
	rc = 0;
done:
	curl_slist_free_all(hdrs);
	/* the request headers held the API key */
	if (auth.data)
		OPENSSL_cleanse(auth.data, auth.cap);
	hs_buf_free(&auth);
	hs_buf_free(&url);
	hs_buf_free(&resp);
	json_object_put(req);
	return rc;
}

/* "alreadyConsumed,isExpired" from the answer's flags. */
static void
reasons(json_object *ans, struct hs_buf *out)
{
	json_object *f;
	size_t	 i;

	for (i = 0; reason_flags[i]; i++)
		if (json_object_object_get_ex(ans, reason_flags[i], &f) &&
		    json_object_get_boolean(f)) {
			if (out->len)
				hs_buf_adds(out, ",");
			hs_buf_adds(out, reason_flags[i]);
		}
	if (json_object_object_get_ex(ans, "errorStr", &f) &&
	    json_object_is_type(f, json_type_string)) {
		if (out->len)
			hs_buf_adds(out, ": ");
		hs_buf_adds(out, json_object_get_string(f));
	}
	if (out->len == 0)
		hs_buf_adds(out, "isValid false");
}

static json_object *
parse_body(const struct hs_cli_event *ev)
{
	json_tokener *tok;
	json_object *o;

	if ((tok = json_tokener_new_ex(HS_JSON_MAX_DEPTH + 1)) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, ev->data + ev->body_off,
	    (int)ev->body_len);
	json_tokener_free(tok);
	return o;
}

static const char *
body_str(json_object *root, const char *key)
{
	json_object *v;

	if (root == NULL || !json_object_object_get_ex(root, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0)
		return NULL;
	return json_object_get_string(v);
}

/*
 * Replaces pending/ID by a copy saying "verified":true (tmp/, fsync,
 * rename): never an edit in place. A crash leaves either copy, both
 * complete.
 */
static int
mark_verified(const struct hs_config *cfg, const char *queue, const char *id,
    const struct hs_cli_event *ev)
{
	static const char no[] = "\"verified\":false", yes[] = "\"verified\":true";
	char	 tmp[PATH_MAX], dst[PATH_MAX], dir[PATH_MAX];
	const char *at;
	struct iovec iov[3];
	size_t	 pre;
	int	 fd;

	/* ours, made by json-c: exactly once before ,"body": */
	if ((at = memmem(ev->data, ev->head_len, no, sizeof no - 1)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	pre = (size_t)(at - ev->data);
	iov[0] = (struct iovec){ ev->data, pre };
	iov[1] = (struct iovec){ (void *)yes, sizeof yes - 1 };
	iov[2] = (struct iovec){ ev->data + pre + sizeof no - 1,
	    ev->len - pre - (sizeof no - 1) };
	if (hs_cli_path(tmp, sizeof tmp, cfg, queue, HS_STATE_TMP, id) == -1 ||
	    hs_cli_path(dst, sizeof dst, cfg, queue, HS_STATE_PENDING,
	    id) == -1 || hs_cli_path(dir, sizeof dir, cfg, queue,
	    HS_STATE_PENDING, NULL) == -1)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    FILE_MODE);
	if (fd == -1 && errno == EEXIST) {
		/* our own leftover: the receiver never reuses an id */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, FILE_MODE);
	}
	if (fd == -1 && errno == ENOENT &&
	    hs_spool_make_dir(cfg->spool_dir, queue, HS_STATE_TMP) == 0)
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, FILE_MODE);
	if (fd == -1)
		return -1;
	(void)fchmod(fd, FILE_MODE);	/* the server's group reads it */
	return hs_cli_commit(cfg, fd, tmp, dst, dir, iov, 3);
}

static json_object *
verify_meta(json_object *m)
{
	json_object *vo;

	if (!json_object_object_get_ex(m, "verify", &vo) ||
	    !json_object_is_type(vo, json_type_object)) {
		vo = json_object_new_object();
		json_object_object_add(m, "verify", vo);
	}
	return vo;
}

static int
release(struct verifier *v, const char *queue, const char *id,
    const struct hs_cli_event *ev)
{
	json_object *f;

	if (json_object_object_get_ex(ev->head, "verified", &f) &&
	    !json_object_get_boolean(f) &&
	    mark_verified(v->cfg, queue, id, ev) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot write the "
		    "verified copy: %s\n", id, strerror(errno));
		return -1;
	}
	if (hs_cli_move(v->cfg, queue, HS_STATE_PENDING, HS_STATE_NEW,
	    id) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot move to new/: "
		    "%s\n", id, strerror(errno));
		return -1;
	}
	v->released++;
	if (v->verbose)
		printf("%s valid, released into %s/new\n", id, queue);
	return 0;
}

static int
reject(struct verifier *v, const char *queue, const char *id,
    const char *why)
{
	char	 path[PATH_MAX];

	/* purge counts from here */
	if (hs_cli_path(path, sizeof path, v->cfg, queue, HS_STATE_PENDING,
	    id) == 0)
		(void)utimensat(AT_FDCWD, path, NULL, 0);
	if (hs_cli_move(v->cfg, queue, HS_STATE_PENDING, HS_STATE_REJECTED,
	    id) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot move to "
		    "rejected/: %s\n", id, strerror(errno));
		return -1;
	}
	v->rejected++;
	fprintf(stderr, "hookspool: verify: %s rejected: %s\n", id, why);
	return 0;
}

static void
one_event(struct verifier *v, const struct hs_endpoint *ep, const char *queue,
    const char *id)
{
	struct hs_cli_event ev;
	json_object *m = NULL, *vo, *body = NULL, *ans = NULL, *f;
	struct hs_buf why;
	char	 path[PATH_MAX], err[CURL_ERROR_SIZE + 64];
	const char *outcome = NULL, *token, *app_id, *app_env;
	long long now = (long long)time(NULL);
	int	 interrupted;

	hs_buf_init(&why);
	if (hs_cli_path(path, sizeof path, v->cfg, queue, HS_STATE_PENDING,
	    id) == -1 || hs_cli_event_load(path, &ev) == -1) {
		fprintf(stderr, "hookspool: verify: %s: unreadable: %s\n", id,
		    strerror(errno));
		v->errors++;
		return;
	}
	if (strcmp(hs_cli_event_str(&ev, "endpoint"), ep->name) != 0)
		goto out;	/* another endpoint's, done in its own pass */
	if (json_object_object_get_ex(ev.head, "verified", &f) &&
	    json_object_get_boolean(f)) {
		/* a crash after the verified copy replaced the original */
		if (release(v, queue, id, &ev) == -1)
			v->errors++;
		goto out;
	}
	if ((m = hs_cli_meta_load(v->cfg, queue, id)) == NULL) {
		m = json_object_new_object();
		json_object_object_add(m, "id", json_object_new_string(id));
		json_object_object_add(m, "queue", json_object_new_string(queue));
	}
	vo = verify_meta(m);
	if (json_object_object_get_ex(vo, "outcome", &f))
		outcome = json_object_get_string(f);
	if (outcome && strcmp(outcome, "valid") == 0) {
		if (release(v, queue, id, &ev) == -1)
			v->errors++;
		goto out;
	}
	if (outcome && strcmp(outcome, "invalid") == 0) {
		if (reject(v, queue, id, json_object_get_string(
		    json_object_object_get(vo, "reason"))) == -1)
			v->errors++;
		goto out;
	}

	body = parse_body(&ev);
	token = body_str(body, "verificationToken");
	app_id = body_str(body, "appId");
	app_env = body_str(body, "appEnv");
	if (token == NULL || app_id == NULL || app_env == NULL) {
		/* cannot happen for what the receiver spooled; never verifiable */
		json_object_object_add(vo, "outcome",
		    json_object_new_string("invalid"));
		json_object_object_add(vo, "reason", json_object_new_string(
		    "no verificationToken, appId or appEnv in the body"));
		json_object_object_add(vo, "checked_at",
		    json_object_new_int64(now));
		if (hs_cli_meta_save(v->cfg, queue, id, m) == -1 ||
		    reject(v, queue, id, "no verificationToken, appId or "
		    "appEnv in the body") == -1)
			v->errors++;
		goto out;
	}
	/* a check under way: if we die now, the rerun can say why the token
	 * is "alreadyConsumed" */
	interrupted = json_object_object_get_ex(vo, "checking_since", NULL);
	json_object_object_add(vo, "checking_since", json_object_new_int64(now));
	json_object_object_add(vo, "checks", json_object_new_int64(
	    hs_cli_meta_int(vo, "checks", 0) + 1));
	if (hs_cli_meta_save(v->cfg, queue, id, m) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot write meta: %s\n",
		    id, strerror(errno));
		v->errors++;
		goto out;
	}
	if (check_token(v, ep, token, app_id, app_env, &ans, err,
	    sizeof err) == -1) {
		json_object_object_del(vo, "checking_since");
		json_object_object_add(vo, "last_error",
		    json_object_new_string(err));
		json_object_object_add(vo, "last_error_at",
		    json_object_new_int64(now));
		hs_cli_meta_save(v->cfg, queue, id, m);
		fprintf(stderr, "hookspool: verify: %s: %s; stays pending\n", id,
		    err);
		v->errors++;
		v->left++;
		goto out;
	}
	json_object_object_del(vo, "checking_since");
	json_object_object_del(vo, "last_error");
	json_object_object_del(vo, "last_error_at");
	json_object_object_add(vo, "checked_at", json_object_new_int64(now));
	json_object_object_add(vo, "response", json_object_get(ans));
	if (json_object_get_boolean(json_object_object_get(ans, "isValid"))) {
		json_object_object_add(vo, "outcome",
		    json_object_new_string("valid"));
		outcome = "valid";
	} else {
		reasons(ans, &why);
		if (interrupted)
			hs_buf_adds(&why, " (an earlier check was interrupted: "
			    "the event may have been genuine)");
		json_object_object_add(vo, "outcome",
		    json_object_new_string("invalid"));
		json_object_object_add(vo, "reason",
		    json_object_new_string(hs_buf_cstr(&why)));
		outcome = "invalid";
	}
	/* the token is spent: the answer must be on disk before any move */
	if (hs_cli_meta_save(v->cfg, queue, id, m) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot record the answer"
		    " (%s): %s; left pending\n", id, outcome, strerror(errno));
		v->errors++;
		goto out;
	}
	if (strcmp(outcome, "valid") == 0 ? release(v, queue, id, &ev) :
	    reject(v, queue, id, hs_buf_cstr(&why)))
		v->errors++;
out:
	hs_buf_free(&why);
	json_object_put(ans);
	json_object_put(body);
	json_object_put(m);
	hs_cli_event_free(&ev);
}

static void
one_endpoint(struct verifier *v, const struct hs_endpoint *ep)
{
	struct hs_cli_names l;
	char	 dir[PATH_MAX];
	size_t	 r, k, i;

	for (r = 0; r < ep->nroutes; r++) {
		const char *queue = ep->routes[r].queue;

		for (k = 0; k < r; k++)	/* each queue once */
			if (strcmp(ep->routes[k].queue, queue) == 0)
				break;
		if (k < r)
			continue;
		if (hs_cli_path(dir, sizeof dir, v->cfg, queue,
		    HS_STATE_PENDING, NULL) == -1 ||
		    hs_cli_list_dir(dir, &l) == -1) {
			fprintf(stderr, "hookspool: verify: %s/pending: %s\n",
			    queue, strerror(errno));
			v->errors++;
			continue;
		}
		for (i = 0; i < l.n; i++)
			one_event(v, ep, queue, l.v[i]);
		hs_cli_names_free(&l);
	}
}

int
hs_cmd_verify(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct verifier v;
	const struct hs_endpoint *only = NULL;
	const char *name = NULL;
	char	 lock[PATH_MAX];
	size_t	 i;
	int	 lfd = -1, rc = 0;

	memset(&v, 0, sizeof v);
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-v") == 0 ||
		    strcmp(argv[i], "--verbose") == 0)
			v.verbose = 1;
		else if (argv[i][0] == '-' || name) {
			fprintf(stderr, "usage: hookspool verify [-v] "
			    "[ENDPOINT]\n");
			return 2;
		} else
			name = argv[i];
	}
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	v.cfg = &cfg;
	if (name && ((only = hs_config_endpoint(&cfg, name)) == NULL ||
	    only->provider != &hs_provider_ignisign)) {
		fprintf(stderr, "hookspool: verify: %s is not an ignisign "
		    "endpoint\n", name);
		rc = 2;
		goto out;
	}
	for (i = 0; i < cfg.nendpoints; i++) {
		const struct hs_endpoint *ep = &cfg.endpoints[i];

		if ((only == NULL || only == ep) &&
		    ep->provider == &hs_provider_ignisign &&
		    ep->api_key.len == 0) {
			fprintf(stderr, "hookspool: verify: endpoints.%s.api_key:"
			    " required to verify\n", ep->name);
			rc = 2;
			goto out;
		}
	}
	if (access(cfg.spool_dir, F_OK) == -1)
		goto out;	/* nothing was ever received */
	/* one verify at a time: a token checked twice is a token lost */
	snprintf(lock, sizeof lock, "%s/.verify.lock", cfg.spool_dir);
	if ((lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0660)) == -1) {
		fprintf(stderr, "hookspool: verify: %s: %s\n", lock,
		    strerror(errno));
		rc = 1;
		goto out;
	}
	if (flock(lfd, LOCK_EX | LOCK_NB) == -1) {
		if (v.verbose)
			printf("another verify is running\n");
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (v.curl = curl_easy_init()) == NULL) {
		fprintf(stderr, "hookspool: verify: cannot start libcurl\n");
		rc = 1;
		goto out;
	}
	for (i = 0; i < cfg.nendpoints; i++)
		if ((only == NULL || only == &cfg.endpoints[i]) &&
		    cfg.endpoints[i].provider == &hs_provider_ignisign)
			one_endpoint(&v, &cfg.endpoints[i]);
	if (v.verbose)
		printf("%ld released, %ld rejected, %ld left pending\n",
		    v.released, v.rejected, v.left);
	rc = v.errors ? 1 : 0;
	curl_easy_cleanup(v.curl);
	curl_global_cleanup();
out:
	if (lfd != -1)
		close(lfd);
	hs_config_free(&cfg);
	return rc;
}
