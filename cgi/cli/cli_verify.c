/*
 * cli_verify.c - `hookspool verify`: Ignisign signs nothing, so each
 * pending event's single-use verificationToken goes back to Ignisign's
 * checking-consumption API. The answer is written to meta (durably)
 * before the event moves, so a crash after the check never costs a
 * genuine event: a rerun acts on the recorded answer without asking again.
 *
 * A check that may have reached Ignisign but brought back no usable
 * answer (a timeout or a reset after sending, a 5xx, a 2xx that is not an
 * answer, or a crash of verify itself) may have spent the token. It is
 * marked in meta before and after the request, and a later negative
 * answer for that event proves nothing: the event goes to held/ for a
 * person (`verify --release ID` / `verify --reject ID`), never to
 * rejected/ on its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
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
#include "hs_cli_spool.h"
#include "hs_cli_util.h"
#include "hs_json.h"
#include "hs_provider.h"
#include "hs_spool.h"

#define API_PATH	"/v4/tokens/webhook-verification/checking-consumption"
#define AUTH_PATH	"/v4/auth/app-api"	/* appId + appEnv + secret -> JWT */
#define RESPONSE_MAX	(64 * 1024)
#define JWT_MAX		8192
#define CONNECT_TIMEOUT	10L
#define REASON_MAX	500	/* of a person's --reason */

/* How a check ended. */
enum check {
	CHECK_ANSWER,	/* isValid true or false: Ignisign said */
	CHECK_REFUSED,	/* never reached Ignisign, or it refused (4xx): the
			 * token is untouched */
	CHECK_UNKNOWN	/* may have reached it; the answer is lost */
};

static const char *const reason_flags[] = { "notFound", "alreadyConsumed",
	"isExpired", "badTarget", "badRelatedId", NULL };

struct verifier {
	const struct hs_config *cfg;
	CURL	*curl;
	int	 verbose;
	long	 released, rejected, left, held;
	int	 errors;
	/* the Authorization header for auth_ep: its api_key, or the JWT its
	 * app_secret bought, asked for once per run */
	const struct hs_endpoint *auth_ep;
	struct hs_buf auth;
	int	 auth_failed;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct hs_buf *b = arg;

	if (b->len + size * n > RESPONSE_MAX)
		return 0;	/* makes curl fail: not an answer we expect */
	return hs_buf_add(b, p, size * n) == 0 ? size * n : 0;
}

/* Wipes a buffer that held a secret, then frees it. */
static void
buf_wipe(struct hs_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	hs_buf_free(b);
}

/*
 * One POST of body to the endpoint's API at path, with the header line
 * auth (or none). Returns 0 when an HTTP answer came back (*status, and
 * its body in resp), else -1 with err set and *sent saying whether the
 * request may have reached the server.
 */
static int
api_post(struct verifier *v, const struct hs_endpoint *ep, const char *path,
    struct hs_buf *auth, const char *body, size_t blen, long *status,
    struct hs_buf *resp, int *sent, char *err, size_t errlen)
{
	struct curl_slist *hdrs = NULL;
	struct hs_buf url;
	char	 cerr[CURL_ERROR_SIZE] = "";
	curl_off_t pre = 0;
	CURLcode cc;
	int	 rc = -1;

	*status = 0;
	*sent = 0;
	hs_buf_init(&url);
	hs_buf_adds(&url, ep->api_base_url);
	while (url.len && url.data[url.len - 1] == '/')
		url.len--;
	hs_buf_adds(&url, path);
	if (url.oom || (auth && auth->oom)) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (auth)
		hdrs = curl_slist_append(hdrs, hs_buf_cstr(auth));
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");

	curl_easy_reset(v->curl);
	curl_easy_setopt(v->curl, CURLOPT_URL, hs_buf_cstr(&url));
	curl_easy_setopt(v->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(v->curl, CURLOPT_FOLLOWLOCATION, 0L);
	/*
	 * A new connection each time: on a reused one that dies before an
	 * answer, curl silently sends the request again, and a token the
	 * first copy spent would come back "alreadyConsumed" as if that
	 * were the whole story.
	 */
	curl_easy_setopt(v->curl, CURLOPT_FRESH_CONNECT, 1L);
	curl_easy_setopt(v->curl, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(v->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(v->curl, CURLOPT_CONNECTTIMEOUT,
	    ep->api_timeout < CONNECT_TIMEOUT ? ep->api_timeout :
	    CONNECT_TIMEOUT);
	curl_easy_setopt(v->curl, CURLOPT_TIMEOUT, ep->api_timeout);
	curl_easy_setopt(v->curl, CURLOPT_USERAGENT, "hookspool/1");
	curl_easy_setopt(v->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(v->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(v->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(v->curl, CURLOPT_POSTFIELDSIZE, (long)blen);
	curl_easy_setopt(v->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(v->curl, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(v->curl, CURLOPT_ERRORBUFFER, cerr);
	cc = curl_easy_perform(v->curl);
	if (cc != CURLE_OK) {
		/*
		 * The pre-transfer time is set once the connection (and TLS)
		 * is up, just before the request goes out. Zero: a DNS,
		 * connect or handshake failure, so Ignisign never saw it.
		 * Anything later may have been acted on.
		 */
		if (curl_easy_getinfo(v->curl, CURLINFO_PRETRANSFER_TIME_T,
		    &pre) != CURLE_OK || pre > 0)
			*sent = 1;
		snprintf(err, errlen, "%s", cerr[0] ? cerr :
		    curl_easy_strerror(cc));
		goto done;
	}
	*sent = 1;
	curl_easy_getinfo(v->curl, CURLINFO_RESPONSE_CODE, status);
	rc = 0;
done:
	curl_slist_free_all(hdrs);
	hs_buf_free(&url);
	return rc;
}

/* A JWT goes into a header line: base64url parts and dots, nothing else. */
static int
jwt_ok(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > JWT_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("-_.=+/", s[i]) != NULL))
			return 0;
	return 1;
}

/*
 * Old-style credentials: POST {appId, appEnv, secret} to AUTH_PATH (no
 * Authorization) for {"jwtToken": ...}, as the SDK does for an app
 * secret. Fills v->auth with the Bearer header.
 */
static int
fetch_jwt(struct verifier *v, const struct hs_endpoint *ep, char *err,
    size_t errlen)
{
	struct hs_buf body, resp;
	json_tokener *tok = NULL;
	json_object *ans = NULL, *jwt;
	long	 status;
	size_t	 need;
	int	 sent, rc = -1;

	hs_buf_init(&body);
	hs_buf_init(&resp);
	/* sized once: a realloc would leave copies of the secret behind */
	need = 64 + 6 * (strlen(ep->app_id) + strlen(ep->app_env) +
	    ep->app_secret.len);
	if (hs_buf_reserve(&body, need) == -1 ||
	    hs_buf_reserve(&resp, RESPONSE_MAX + 1) == -1) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	hs_buf_adds(&body, "{\"appId\":");
	hs_buf_add_json_string(&body, ep->app_id, strlen(ep->app_id));
	hs_buf_adds(&body, ",\"appEnv\":");
	hs_buf_add_json_string(&body, ep->app_env, strlen(ep->app_env));
	hs_buf_adds(&body, ",\"secret\":");
	hs_buf_add_json_string(&body, (const char *)ep->app_secret.bytes,
	    ep->app_secret.len);
	hs_buf_adds(&body, "}");
	if (body.oom) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (api_post(v, ep, AUTH_PATH, NULL, body.data, body.len, &status,
	    &resp, &sent, err, errlen) == -1)
		goto done;
	if (status < 200 || status > 299) {
		snprintf(err, errlen, "HTTP status %ld", status);
		goto done;
	}
	if ((tok = json_tokener_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	ans = json_tokener_parse_ex(tok, resp.data ? resp.data : "",
	    (int)resp.len);
	if (ans == NULL || !json_object_is_type(ans, json_type_object) ||
	    !json_object_object_get_ex(ans, "jwtToken", &jwt) ||
	    !json_object_is_type(jwt, json_type_string) ||
	    !jwt_ok(json_object_get_string(jwt),
	    (size_t)json_object_get_string_len(jwt))) {
		snprintf(err, errlen, "HTTP status %ld without a jwtToken",
		    status);
		goto done;
	}
	buf_wipe(&v->auth);
	hs_buf_init(&v->auth);
	if (hs_buf_reserve(&v->auth, 32 + (size_t)json_object_get_string_len(
	    jwt)) == -1) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	hs_buf_adds(&v->auth, "Authorization: Bearer ");
	hs_buf_adds(&v->auth, json_object_get_string(jwt));
	OPENSSL_cleanse((char *)json_object_get_string(jwt),
	    (size_t)json_object_get_string_len(jwt));
	rc = 0;
done:
	json_object_put(ans);
	if (tok)
		json_tokener_free(tok);
	buf_wipe(&body);
	buf_wipe(&resp);
	return rc;
}

/*
 * The Authorization header for ep in v->auth: built from the api_key, or
 * a JWT fetched once for this run (again only when Ignisign refuses it).
 * A JWT that cannot be had is reported once; the endpoint's events stay
 * pending, and their tokens are never sent.
 */
static int
get_auth(struct verifier *v, const struct hs_endpoint *ep, int renew)
{
	char	 err[CURL_ERROR_SIZE + 64];

	if (v->auth_ep == ep && !renew)
		return v->auth_failed ? -1 : 0;
	buf_wipe(&v->auth);
	hs_buf_init(&v->auth);
	v->auth_ep = ep;
	v->auth_failed = 0;
	if (ep->app_secret.len == 0) {
		if (hs_buf_reserve(&v->auth, 32 + ep->api_key.len) == 0) {
			hs_buf_adds(&v->auth, "Authorization: Bearer ");
			hs_buf_add(&v->auth, ep->api_key.bytes, ep->api_key.len);
		}
		return v->auth.oom ? -1 : 0;
	}
	if (fetch_jwt(v, ep, err, sizeof err) == 0)
		return 0;
	v->auth_failed = 1;
	v->errors++;
	fprintf(stderr, "hookspool: verify: %s: cannot get a JWT from %s%s: "
	    "%s; its events stay pending\n", ep->name, ep->api_base_url,
	    AUTH_PATH, err);
	return -1;
}

/*
 * POSTs the token as the SDK's checkWebhookToken does. CHECK_ANSWER puts
 * the parsed answer in *out; otherwise err says why.
 */
static enum check
check_token(struct verifier *v, const struct hs_endpoint *ep,
    const char *token, const char *app_id, const char *app_env,
    json_object **out, char *err, size_t errlen)
{
	struct hs_buf resp;
	json_object *req;
	const char *body;
	long	 status;
	int	 sent, renewed = 0;
	enum check rc;

	*out = NULL;
	hs_buf_init(&resp);
	req = json_object_new_object();
	json_object_object_add(req, "token", json_object_new_string(token));
	json_object_object_add(req, "appId", json_object_new_string(app_id));
	json_object_object_add(req, "appEnv", json_object_new_string(app_env));
	body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
again:
	hs_buf_reset(&resp);
	if (api_post(v, ep, API_PATH, &v->auth, body, strlen(body), &status,
	    &resp, &sent, err, errlen) == -1) {
		rc = sent ? CHECK_UNKNOWN : CHECK_REFUSED;
		goto done;
	}
	if ((status == 401 || status == 403) && ep->app_secret.len &&
	    !renewed) {
		/* the JWT may have expired: refused, so the token is unspent */
		renewed = 1;
		if (get_auth(v, ep, 1) == 0)
			goto again;
	}
	if (status >= 200 && status <= 299)
		*out = json_tokener_parse(hs_buf_cstr(&resp));
	if (*out && json_object_is_type(*out, json_type_object) &&
	    json_object_object_get_ex(*out, "isValid", NULL) &&
	    json_object_is_type(json_object_object_get(*out, "isValid"),
	    json_type_boolean)) {
		rc = CHECK_ANSWER;
		goto done;
	}
	json_object_put(*out);
	*out = NULL;
	if (status >= 200 && status <= 299)
		snprintf(err, errlen, "HTTP status %ld without an isValid "
		    "answer", status);
	else
		snprintf(err, errlen, "HTTP status %ld", status);
	/*
	 * A 4xx says the request was not carried out (bad request, auth,
	 * rate limit). A 5xx may come from a proxy, or from a server that
	 * failed after spending the token; a 3xx may follow a done POST;
	 * a 2xx without an answer was carried out: all unknown.
	 */
	rc = status >= 400 && status <= 499 ? CHECK_REFUSED : CHECK_UNKNOWN;
done:
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
parse_body(const struct hs_envelope_file *ev)
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
 * Replaces STATE/ID (pending/ or held/) by a copy saying "verified":true,
 * "verified_scope":"body" (the API confirmed the token, so the body is
 * Ignisign's): tmp/, fsync, rename, never an edit in place. A crash
 * leaves either copy, both complete. Files from before verified_scope
 * was honest ("verified":false,"verified_scope":"body") get the first
 * half only.
 */
static int
mark_verified(const struct hs_config *cfg, const char *queue,
    const char *state, const char *id, const struct hs_envelope_file *ev)
{
	static const char no[] = "\"verified\":false,\"verified_scope\":\"none\"",
	    yes[] = "\"verified\":true,\"verified_scope\":\"body\"";
	char	 tmp[PATH_MAX], dst[PATH_MAX];
	const char *at, *from = no, *to = yes;
	struct iovec iov[3];
	size_t	 pre, fromlen = sizeof no - 1, tolen = sizeof yes - 1;
	int	 fd;

	/* ours, made by json-c: exactly once before ,"body": */
	if ((at = memmem(ev->data, ev->head_len, no, fromlen)) == NULL) {
		from = "\"verified\":false";
		to = "\"verified\":true";
		fromlen = strlen(from);
		tolen = strlen(to);
		if ((at = memmem(ev->data, ev->head_len, from, fromlen)) ==
		    NULL) {
			errno = EINVAL;
			return -1;
		}
	}
	pre = (size_t)(at - ev->data);
	iov[0] = (struct iovec){ ev->data, pre };
	iov[1] = (struct iovec){ (void *)to, tolen };
	iov[2] = (struct iovec){ ev->data + pre + fromlen,
	    ev->len - pre - fromlen };
	if (hs_cli_path(dst, sizeof dst, cfg, queue, state, id) == -1)
		return -1;
	/* tmp/ opened the spool way: a symlinked tmp/ is refused */
	if ((fd = hs_cli_tmp_open(cfg, queue, id, tmp, sizeof tmp)) == -1)
		return -1;
	(void)fchmod(fd, HS_SPOOL_FILE_MODE);	/* the server's group reads it */
	return hs_cli_commit(cfg, fd, tmp, dst, iov, 3);
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

/*
 * The event's meta, or a new one; NULL (the error printed) when there is
 * one we cannot read now: a new one would forget a recorded answer, an
 * interrupted check or the hold reason.
 */
static json_object *
meta_load(const struct hs_config *cfg, const char *queue, const char *id)
{
	json_object *m;

	if ((m = hs_cli_meta_load(cfg, queue, id)) == NULL) {
		if (!hs_cli_meta_absent(errno)) {
			fprintf(stderr, "hookspool: verify: %s/%s/" HS_STATE_META
			    "/%s.json: cannot read meta: %s\n", cfg->spool_dir,
			    queue, id, strerror(errno));
			return NULL;
		}
		m = json_object_new_object();
		json_object_object_add(m, "id", json_object_new_string(id));
		json_object_object_add(m, "queue", json_object_new_string(queue));
	}
	return m;
}

static const char *
vo_str(json_object *vo, const char *key)
{
	json_object *f;

	if (!json_object_object_get_ex(vo, key, &f) ||
	    !json_object_is_type(f, json_type_string))
		return NULL;
	return json_object_get_string(f);
}

/* from/ID (pending/ or held/) -> new/ID, as a copy that says verified. */
static int
release(struct verifier *v, const char *queue, const char *from,
    const char *id, const struct hs_envelope_file *ev)
{
	json_object *f;

	if (json_object_object_get_ex(ev->head, "verified", &f) &&
	    !json_object_get_boolean(f) &&
	    mark_verified(v->cfg, queue, from, id, ev) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot write the "
		    "verified copy: %s\n", id, strerror(errno));
		return -1;
	}
	if (hs_cli_move(v->cfg, queue, from, HS_STATE_NEW, id) == -1) {
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
reject(struct verifier *v, const char *queue, const char *from,
    const char *id, const char *why)
{
	int	 dir;

	/* purge counts from here; never through a symlink */
	if ((dir = hs_cli_dir(v->cfg, queue, from, 0)) != -1) {
		(void)utimensat(dir, id, NULL, AT_SYMLINK_NOFOLLOW);
		close(dir);
	}
	if (hs_cli_move(v->cfg, queue, from, HS_STATE_REJECTED, id) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot move to "
		    "rejected/: %s\n", id, strerror(errno));
		return -1;
	}
	v->rejected++;
	fprintf(stderr, "hookspool: verify: %s rejected: %s\n", id,
	    why ? why : "");
	return 0;
}

/* pending/ID -> held/ID; the held pass that follows reports it. */
static int
hold(struct verifier *v, const char *queue, const char *id)
{
	if (hs_cli_move(v->cfg, queue, HS_STATE_PENDING, HS_STATE_HELD,
	    id) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot move to held/: "
		    "%s\n", id, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * What the SDK's consumeWebhook demands of a message before it spends
 * the token: topic, action, msgNature, verificationToken, appId, appEnv.
 * Returns the first one missing, or NULL.
 */
static const char *
body_missing(json_object *body)
{
	static const char *const need[] = { "verificationToken", "appId",
	    "appEnv", "topic", "action", "msgNature", NULL };
	size_t	 i;

	for (i = 0; need[i]; i++)
		if (body_str(body, need[i]) == NULL)
			return need[i];
	return NULL;
}

static void
one_event(struct verifier *v, const struct hs_endpoint *ep, const char *queue,
    const char *id)
{
	struct hs_envelope_file ev;
	json_object *m = NULL, *vo, *body = NULL, *ans = NULL, *f;
	struct hs_buf why;
	char	 path[PATH_MAX], err[CURL_ERROR_SIZE + 64];
	const char *outcome, *token, *app_id, *app_env, *missing;
	long long now = (long long)time(NULL);
	enum check r;

	hs_buf_init(&why);
	if (hs_cli_path(path, sizeof path, v->cfg, queue, HS_STATE_PENDING,
	    id) == -1 || hs_cli_event_load(path, &ev) == -1) {
		fprintf(stderr, "hookspool: verify: %s: unreadable: %s\n", id,
		    strerror(errno));
		v->errors++;
		return;
	}
	if (strcmp(hs_envelope_str(&ev, "endpoint"), ep->name) != 0)
		goto out;	/* another endpoint's, done in its own pass */
	if (json_object_object_get_ex(ev.head, "verified", &f) &&
	    json_object_get_boolean(f)) {
		/* a crash after the verified copy replaced the original */
		if (release(v, queue, HS_STATE_PENDING, id, &ev) == -1)
			v->errors++;
		goto out;
	}
	if ((m = meta_load(v->cfg, queue, id)) == NULL) {
		v->errors++;	/* left pending, its token unspent */
		goto out;
	}
	vo = verify_meta(m);
	/* an answer recorded before a crash: act on it, never ask again */
	if ((outcome = vo_str(vo, "outcome")) != NULL) {
		if (strcmp(outcome, "valid") == 0 ? release(v, queue,
		    HS_STATE_PENDING, id, &ev) : strcmp(outcome, "held") == 0 ?
		    hold(v, queue, id) : reject(v, queue, HS_STATE_PENDING, id,
		    vo_str(vo, "reason")))
			v->errors++;
		goto out;
	}

	body = parse_body(&ev);
	token = body_str(body, "verificationToken");
	app_id = body_str(body, "appId");
	app_env = body_str(body, "appEnv");
	if ((missing = body_missing(body)) != NULL) {
		/* the SDK refuses such a message unchecked: no real Ignisign
		 * message lacks these, so its token is not worth spending */
		hs_buf_printf(&why, "badly formatted: no %s in the body",
		    missing);
		json_object_object_add(vo, "outcome",
		    json_object_new_string("invalid"));
		json_object_object_add(vo, "reason",
		    json_object_new_string(hs_buf_cstr(&why)));
		json_object_object_add(vo, "checked_at",
		    json_object_new_int64(now));
		if (hs_cli_meta_save(v->cfg, queue, id, m) == -1 ||
		    reject(v, queue, HS_STATE_PENDING, id, hs_buf_cstr(&why)) == -1)
			v->errors++;
		goto out;
	}
	if (get_auth(v, ep, 0) == -1) {
		v->left++;
		goto out;
	}
	/* a check left under way by a crash: its answer is lost */
	if (json_object_object_get_ex(vo, "checking_since", &f)) {
		if (!json_object_object_get_ex(vo, "interrupted_at", NULL)) {
			json_object_object_add(vo, "interrupted_at",
			    json_object_new_int64(json_object_get_int64(f)));
			json_object_object_add(vo, "interrupted",
			    json_object_new_string("verify stopped during the "
			    "check"));
		}
		json_object_object_del(vo, "checking_since");
	}
	/* before the request: if we die during it, the rerun knows */
	json_object_object_add(vo, "checking_since", json_object_new_int64(now));
	json_object_object_add(vo, "checks", json_object_new_int64(
	    hs_cli_meta_int(vo, "checks", 0) + 1));
	if (hs_cli_meta_save(v->cfg, queue, id, m) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot write meta: %s\n",
		    id, strerror(errno));
		v->errors++;
		goto out;
	}
	r = check_token(v, ep, token, app_id, app_env, &ans, err, sizeof err);
	json_object_object_del(vo, "checking_since");
	if (r != CHECK_ANSWER) {
		json_object_object_add(vo, "last_error",
		    json_object_new_string(err));
		json_object_object_add(vo, "last_error_at",
		    json_object_new_int64(now));
		if (r == CHECK_UNKNOWN && !json_object_object_get_ex(vo,
		    "interrupted_at", NULL)) {
			json_object_object_add(vo, "interrupted_at",
			    json_object_new_int64(now));
			json_object_object_add(vo, "interrupted",
			    json_object_new_string(err));
		}
		/* if this save fails, checking_since stays: still "unknown" */
		hs_cli_meta_save(v->cfg, queue, id, m);
		fprintf(stderr, "hookspool: verify: %s: %s; stays pending%s\n",
		    id, err, r == CHECK_UNKNOWN ? " (the check may have spent "
		    "the token)" : "");
		v->errors++;
		v->left++;
		goto out;
	}
	json_object_object_del(vo, "last_error");
	json_object_object_del(vo, "last_error_at");
	json_object_object_add(vo, "checked_at", json_object_new_int64(now));
	json_object_object_add(vo, "response", json_object_get(ans));
	if (json_object_get_boolean(json_object_object_get(ans, "isValid")))
		outcome = "valid";
	else {
		reasons(ans, &why);
		json_object_object_add(vo, "reason",
		    json_object_new_string(hs_buf_cstr(&why)));
		/*
		 * After an interrupted check, "alreadyConsumed" (or expired,
		 * or not found: we cannot tell how Ignisign reports a token
		 * spent by a check whose answer we lost) proves nothing.
		 */
		if (json_object_object_get_ex(vo, "interrupted_at", NULL)) {
			outcome = "held";
			json_object_object_add(vo, "held_at",
			    json_object_new_int64(now));
		} else
			outcome = "invalid";
	}
	json_object_object_add(vo, "outcome", json_object_new_string(outcome));
	/* the token is spent: the answer must be on disk before any move */
	if (hs_cli_meta_save(v->cfg, queue, id, m) == -1) {
		fprintf(stderr, "hookspool: verify: %s: cannot record the answer"
		    " (%s): %s; left pending\n", id, outcome, strerror(errno));
		v->errors++;
		goto out;
	}
	if (strcmp(outcome, "valid") == 0 ? release(v, queue, HS_STATE_PENDING,
	    id, &ev) : strcmp(outcome, "held") == 0 ? hold(v, queue, id) :
	    reject(v, queue, HS_STATE_PENDING, id, hs_buf_cstr(&why)))
		v->errors++;
out:
	hs_buf_free(&why);
	json_object_put(ans);
	json_object_put(body);
	json_object_put(m);
	hs_envelope_free(&ev);
}

/*
 * An event in held/: a person's decision recorded in meta but not yet
 * carried out (a crash of `verify --release/--reject`) is finished here;
 * anything else waits and is reported.
 */
static void
one_held(struct verifier *v, const struct hs_endpoint *ep, const char *queue,
    const char *id)
{
	struct hs_envelope_file ev;
	json_object *m, *vo;
	char	 path[PATH_MAX];
	const char *outcome;

	if (hs_cli_path(path, sizeof path, v->cfg, queue, HS_STATE_HELD,
	    id) == -1 || hs_cli_event_load(path, &ev) == -1) {
		fprintf(stderr, "hookspool: verify: %s: unreadable: %s\n", id,
		    strerror(errno));
		v->errors++;
		return;
	}
	if (strcmp(hs_envelope_str(&ev, "endpoint"), ep->name) != 0) {
		hs_envelope_free(&ev);
		return;
	}
	if ((m = meta_load(v->cfg, queue, id)) == NULL) {
		v->errors++;
		hs_envelope_free(&ev);
		return;
	}
	vo = verify_meta(m);
	outcome = vo_str(vo, "outcome");
	if (outcome && strcmp(outcome, "valid") == 0) {
		if (release(v, queue, HS_STATE_HELD, id, &ev) == -1)
			v->errors++;
	} else if (outcome && strcmp(outcome, "invalid") == 0) {
		if (reject(v, queue, HS_STATE_HELD, id, vo_str(vo,
		    "reason")) == -1)
			v->errors++;
	} else {
		v->held++;
		fprintf(stderr, "hookspool: verify: %s held: %s after an "
		    "interrupted check (%s); the token may have been spent by "
		    "it. Decide with `hookspool verify --release %s` or "
		    "`--reject %s`\n", id, vo_str(vo, "reason") ?
		    vo_str(vo, "reason") : "no answer",
		    vo_str(vo, "interrupted") ? vo_str(vo, "interrupted") : "",
		    id, id);
	}
	json_object_put(m);
	hs_envelope_free(&ev);
}

static void
one_endpoint(struct verifier *v, const struct hs_endpoint *ep)
{
	static const char *const states[] = { HS_STATE_PENDING, HS_STATE_HELD,
	    NULL };
	struct hs_cli_names l;
	char	 dir[PATH_MAX];
	size_t	 r, k, i, s;

	for (r = 0; r < ep->nroutes; r++) {
		const char *queue = ep->routes[r].queue;

		for (k = 0; k < r; k++)	/* each queue once */
			if (strcmp(ep->routes[k].queue, queue) == 0)
				break;
		if (k < r)
			continue;
		/* pending first: what it holds is reported by the held pass */
		for (s = 0; states[s]; s++) {
			if (hs_cli_path(dir, sizeof dir, v->cfg, queue,
			    states[s], NULL) == -1 ||
			    hs_cli_list_dir(dir, &l) == -1) {
				fprintf(stderr, "hookspool: verify: %s/%s: %s\n",
				    queue, states[s], strerror(errno));
				v->errors++;
				continue;
			}
			for (i = 0; i < l.n; i++)
				if (s == 0)
					one_event(v, ep, queue, l.v[i]);
				else
					one_held(v, ep, queue, l.v[i]);
			hs_cli_names_free(&l);
		}
	}
}

/* Who decided, for the record. */
static void
who(char *out, size_t outlen)
{
	struct passwd *pw = getpwuid(getuid());

	if (pw && pw->pw_name && *pw->pw_name)
		snprintf(out, outlen, "%s", pw->pw_name);
	else
		snprintf(out, outlen, "uid %lu", (unsigned long)getuid());
}

/*
 * `verify --release ID` / `--reject ID [--reason TEXT]`: a person's
 * decision on a held event. The decision goes to meta first, then the
 * event moves exactly as `verify` would move it; after a crash between
 * the two, rerunning the command or the next `verify` finishes the move.
 */
static int
decide(struct verifier *v, const char *id, int release_it, const char *text)
{
	struct hs_envelope_file ev;
	json_object *m, *vo, *f;
	struct hs_buf why;
	char	 queue[HS_NAME_MAX + 1], path[PATH_MAX], by[128];
	const char *state, *decision, *cmd = release_it ? "--release" :
	    "--reject";
	char	*clean = NULL;
	int	 rc = 1;

	hs_buf_init(&why);
	if (hs_cli_find_event(v->cfg, id, queue, sizeof queue, &state) == -1) {
		fprintf(stderr, "hookspool: verify %s: no event %s\n", cmd, id);
		return 1;
	}
	if ((m = meta_load(v->cfg, queue, id)) == NULL)
		goto out;
	vo = verify_meta(m);
	decision = vo_str(vo, "decision");
	if (strcmp(state, HS_STATE_HELD) != 0) {
		/* the command rerun after it finished (or crashed late) */
		if (decision && strcmp(decision, release_it ? "released" :
		    "rejected") == 0) {
			printf("%s was already %s; it is in %s/%s\n", id,
			    decision, queue, state);
			rc = 0;
		} else
			fprintf(stderr, "hookspool: verify %s: %s is in %s/, not "
			    "held\n", cmd, id, state);
		goto out;
	}
	if (hs_cli_path(path, sizeof path, v->cfg, queue, state, id) == -1 ||
	    hs_cli_event_load(path, &ev) == -1) {
		fprintf(stderr, "hookspool: verify %s: %s: unreadable: %s\n",
		    cmd, id, strerror(errno));
		goto out;
	}
	if (decision == NULL) {
		who(by, sizeof by);
		if (json_object_object_get_ex(vo, "reason", &f))
			json_object_object_add(vo, "held_reason",
			    json_object_get(f));
		json_object_object_add(vo, "decision", json_object_new_string(
		    release_it ? "released" : "rejected"));
		json_object_object_add(vo, "decided_by",
		    json_object_new_string(by));
		json_object_object_add(vo, "decided_at",
		    json_object_new_int64((long long)time(NULL)));
		json_object_object_add(vo, "outcome", json_object_new_string(
		    release_it ? "valid" : "invalid"));
		if (release_it)
			json_object_object_del(vo, "reason");
		else {
			hs_buf_adds(&why, "rejected by hand");
			if (text && *text) {
				if ((clean = hs_cli_utf8_clean(text,
				    strnlen(text, REASON_MAX))) == NULL) {
					fprintf(stderr, "hookspool: verify: out "
					    "of memory\n");
					goto out_ev;
				}
				hs_buf_printf(&why, ": %s", clean);
			}
			json_object_object_add(vo, "reason",
			    json_object_new_string(hs_buf_cstr(&why)));
		}
		if (hs_cli_meta_save(v->cfg, queue, id, m) == -1) {
			fprintf(stderr, "hookspool: verify %s: %s: cannot write "
			    "meta: %s\n", cmd, id, strerror(errno));
			goto out_ev;
		}
	} else if (strcmp(decision, release_it ? "released" : "rejected")) {
		fprintf(stderr, "hookspool: verify %s: %s was already %s (not "
		    "yet moved); run `hookspool verify` to finish\n", cmd, id,
		    decision);
		goto out_ev;
	}
	if (release_it ? release(v, queue, HS_STATE_HELD, id, &ev) :
	    reject(v, queue, HS_STATE_HELD, id, vo_str(vo, "reason")))
		goto out_ev;
	if (release_it)
		printf("%s released into %s/new\n", id, queue);
	rc = 0;
out_ev:
	hs_envelope_free(&ev);
out:
	free(clean);
	hs_buf_free(&why);
	json_object_put(m);
	return rc;
}

int
hs_cmd_verify(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct verifier v;
	const struct hs_endpoint *only = NULL;
	const char *name = NULL, *id = NULL, *text = NULL;
	char	 lock[PATH_MAX];
	size_t	 i;
	int	 lfd = -1, rc = 0, release_it = -1;

	memset(&v, 0, sizeof v);
	hs_buf_init(&v.auth);
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-v") == 0 ||
		    strcmp(argv[i], "--verbose") == 0)
			v.verbose = 1;
		else if ((strcmp(argv[i], "--release") == 0 ||
		    strcmp(argv[i], "--reject") == 0) && i + 1 <
		    (size_t)argc && id == NULL) {
			release_it = strcmp(argv[i], "--release") == 0;
			id = argv[++i];
		} else if (strcmp(argv[i], "--reason") == 0 && i + 1 <
		    (size_t)argc && text == NULL)
			text = argv[++i];
		else if (argv[i][0] == '-' || name)
			return hs_cli_usage("verify");
		else
			name = argv[i];
	}
	if ((id && name) || (text && release_it != 0))
		return hs_cli_usage("verify");
	if (id && !hs_cli_id_valid(id)) {
		fprintf(stderr, "hookspool: verify: not an event id\n");
		return 2;
	}
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	v.cfg = &cfg;
	if (name && ((only = hs_config_endpoint(&cfg, name)) == NULL ||
	    !(only->provider->flags & HS_PROV_PENDING))) {
		fprintf(stderr, "hookspool: verify: %s is not an endpoint whose "
		    "events wait in pending/ to be verified\n", name);
		rc = 2;
		goto out;
	}
	for (i = 0; id == NULL && i < cfg.nendpoints; i++) {
		const struct hs_endpoint *ep = &cfg.endpoints[i];

		if ((only == NULL || only == ep) &&
		    (ep->provider->flags & HS_PROV_PENDING) &&
		    ep->api_key.len == 0 && ep->app_secret.len == 0) {
			fprintf(stderr, "hookspool: verify: endpoints.%s.api_key:"
			    " required to verify (or app_secret)\n", ep->name);
			rc = 2;
			goto out;
		}
	}
	if (access(cfg.spool_dir, F_OK) == -1) {
		if (id) {
			fprintf(stderr, "hookspool: verify: no event %s\n", id);
			rc = 1;
		}
		goto out;	/* nothing was ever received */
	}
	/* one verify at a time: a token checked twice is a token lost */
	snprintf(lock, sizeof lock, "%s/.verify.lock", cfg.spool_dir);
	if ((lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0660)) == -1) {
		fprintf(stderr, "hookspool: verify: %s: %s\n", lock,
		    strerror(errno));
		rc = 1;
		goto out;
	}
	if (id) {
		/* a person waits for a running verify (its requests time out) */
		if (flock(lfd, LOCK_EX) == -1) {
			fprintf(stderr, "hookspool: verify: %s: %s\n", lock,
			    strerror(errno));
			rc = 1;
		} else
			rc = decide(&v, id, release_it, text);
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
		    (cfg.endpoints[i].provider->flags & HS_PROV_PENDING))
			one_endpoint(&v, &cfg.endpoints[i]);
	if (v.verbose)
		printf("%ld released, %ld rejected, %ld held, %ld left pending\n",
		    v.released, v.rejected, v.held, v.left);
	/* a held event needs a person: say so until one decides */
	rc = v.errors || v.held ? 1 : 0;
	curl_easy_cleanup(v.curl);
	curl_global_cleanup();
out:
	buf_wipe(&v.auth);
	if (lfd != -1)
		close(lfd);
	hs_config_free(&cfg);
	return rc;
}
