/*
 * handler.c - the request pipeline, cheapest refusal first:
 *   config -> method -> endpoint -> length -> content type -> body ->
 *   signature -> strict JSON -> event -> route -> dedup -> spool -> 2xx.
 * Nothing touches the spool before every check has passed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_clock.h"
#include "hs_codec.h"
#include "hs_envelope.h"
#include "hs_event.h"
#include "hs_handler.h"
#include "hs_json.h"
#include "hs_log.h"
#include "hs_provider.h"
#include "hs_response.h"
#include "hs_route.h"
#include "hs_spool.h"
#include "hs_verify.h"

/* Bodies we refuse are still read (up to this) so the server sees a clean
 * close instead of a reset that it would turn into a 500/502. */
#define DRAIN_CAP	(8ULL << 20)

struct run {
	struct hs_handler *h;
	struct hs_request req;
	const struct hs_io *io;
	const struct hs_endpoint *ep;
	struct hs_event ev;
	struct hs_answer ans;
	struct timespec	 start;
	char		 id[HS_SPOOL_ID_MAX];
};

void
hs_handler_init(struct hs_handler *h)
{
	memset(h, 0, sizeof *h);
}

void
hs_handler_free(struct hs_handler *h)
{
	if (h->loaded)
		hs_config_free(&h->cfg);
	h->loaded = 0;
}

static int
ensure_config(struct hs_handler *h, char **envp)
{
	if (h->loaded && !hs_config_changed(&h->cfg))
		return 0;
	hs_handler_free(h);
	if (hs_config_locate(envp, h->path, sizeof h->path) == -1) {
		snprintf(h->err, sizeof h->err, "no config: set "
		    "HOOKSPOOL_CONFIG or put hookspool.json beside the binary "
		    "or one directory above it");
		return -1;
	}
	if (hs_config_load(h->path, &h->cfg, h->err, sizeof h->err) == -1)
		return -1;
	h->loaded = 1;
	return 0;
}

static int
answer(struct run *r, int status, const char *state, const char *error)
{
	r->ans.status = status;
	r->ans.state = state;
	r->ans.error = error;
	return status;
}

/* Every check before the body is read; answers > 0 stop the pipeline. */
static int
check_head(struct run *r, char **envp)
{
	const char *cl = hs_request_var(&r->req, "CONTENT_LENGTH");

	if (ensure_config(r->h, envp) == -1) {
		char	 what[4200];

		snprintf(what, sizeof what, "config %s", r->h->path[0] ?
		    r->h->path : "(none)");
		hs_log_msg(what, r->h->err);
		return answer(r, 500, "error", "server configuration error");
	}
	if (r->req.method == NULL || strcmp(r->req.method, "POST") != 0)
		return answer(r, 405, "error", "method not allowed; use POST");
	if ((r->ep = hs_config_endpoint(&r->h->cfg, r->req.endpoint)) == NULL)
		return answer(r, 404, "error", "unknown endpoint");
	if (cl == NULL)
		return answer(r, 411, "error", "Content-Length required");
	if (!r->req.has_length)
		return answer(r, 400, "error", "malformed Content-Length");
	if (r->req.content_length > r->h->cfg.max_body_bytes)
		return answer(r, 413, "error", "body too large");
	if (!hs_content_type_is_json(r->req.content_type))
		return answer(r, 415, "error",
		    "Content-Type must be application/json");
	return 0;
}

/* The body fields this endpoint's provider reads. */
static size_t
wanted_fields(const struct hs_endpoint *ep, const char **paths, size_t max)
{
	const char *const *f;
	size_t	 n = 0;

	for (f = ep->provider->fields; f && *f && n < max; f++)
		paths[n++] = *f;
	if (ep->event_field && n < max)
		paths[n++] = ep->event_field;
	if (ep->document_id_field && n < max)
		paths[n++] = ep->document_id_field;
	return n;
}

static int
check_body(struct run *r, struct json_object **root)
{
	const struct hs_provider *prov = r->ep->provider;
	const char *why = "bad request", *paths[HS_JSON_MAX_WANT];
	size_t	 npaths;
	int	 rc;

	switch (hs_request_read_body(&r->req, r->io,
	    r->h->cfg.body_timeout_seconds)) {
	case 0:
		break;
	case HS_BODY_TIMEOUT:
		return answer(r, 408, "error", "body not received in time");
	default:
		return answer(r, 400, "error", "truncated body");
	}
	/* A libcrypto that cannot MAC (OPENSSL_CONF naming a FIPS provider
	 * that is not installed, say) is the operator's to fix: not a 401. */
	if (!hs_hmac_available(r->ep->digest))
		return answer(r, 500, "error", "HMAC unavailable");
	if (prov->verify(r->ep, &r->req,
	    hs_clock_verify_now(r->h->cfg.verify_now), &why) == -1)
		return answer(r, 401, "error", why);
	r->ev.verified = !(prov->flags & HS_PROV_PENDING);
	/* One strict pass over the body; json-c sees only what we read. */
	npaths = wanted_fields(r->ep, paths, HS_JSON_MAX_WANT);
	if ((*root = hs_event_extract(r->req.body, r->req.body_len, paths,
	    npaths, &why)) == NULL)
		return answer(r, 400, "error", why);
	rc = prov->describe(r->ep, &r->req, *root, &r->ev, &why);
	if (rc == HS_DESCRIBE_AUTH)
		return answer(r, 401, "error", why);
	if (rc != 0)
		return answer(r, 400, "error", why);
	return 0;
}

/* SHA-256 of endpoint, NUL, key: the marker's file name. */
static void
dedup_key(const struct run *r, char out[65])
{
	struct hs_buf b;
	const char *key = r->ev.delivery_id[0] ? r->ev.delivery_id :
	    r->ev.dedup_extra[0] ? r->ev.dedup_extra : r->ev.body_sha256;

	hs_buf_init(&b);
	hs_buf_adds(&b, r->ep->name);
	hs_buf_add(&b, "", 1);
	hs_buf_adds(&b, key);
	hs_sha256_hex(b.data, b.len, out);
	hs_buf_free(&b);
}

static int
spool(struct run *r, const char *queue)
{
	struct hs_envelope env;
	struct hs_buf head;
	struct iovec iov[3];
	char	 received[HS_RFC3339_LEN], key[65];
	const char *why = NULL, *state;
	int	 dedup = r->ep->dedup;

	if (dedup) {
		dedup_key(r, key);
		if (hs_spool_dedup_seen(r->h->cfg.spool_dir, r->ep->name, key))
			return answer(r, 200, "duplicate", NULL);
	}
	hs_clock_rfc3339(r->start, received);
	hs_spool_new_id(r->start, r->id);
	env = (struct hs_envelope){ r->id, r->ep->name, r->ep->provider->name,
	    queue, received, &r->ev };
	hs_buf_init(&head);
	if (hs_envelope_head(&env, &head) == -1) {
		hs_buf_free(&head);
		return answer(r, 500, "error", "out of memory");
	}
	iov[0] = (struct iovec){ head.data, head.len };
	iov[1] = (struct iovec){ r->req.body, r->req.body_len };
	iov[2] = (struct iovec){ (void *)HS_ENVELOPE_TAIL,
	    strlen(HS_ENVELOPE_TAIL) };
	state = r->ev.verified ? HS_STATE_NEW : HS_STATE_PENDING;
	if (hs_spool_deliver(r->h->cfg.spool_dir, queue, state, r->id, iov, 3,
	    r->h->cfg.durable, &why) == -1) {
		hs_buf_free(&head);
		hs_log_msg("spool", why);
		return answer(r, 503, "error", "could not store the event; "
		    "retry later");
	}
	hs_buf_free(&head);
	if (dedup)
		hs_spool_dedup_mark(r->h->cfg.spool_dir, r->ep->name, key,
		    r->id);
	r->ans.id = r->id;
	r->ans.queue = queue;
	return answer(r, 200, r->ev.verified ? "accepted" : "pending", NULL);
}

int
hs_handle(struct hs_handler *h, char **envp, const struct hs_io *io)
{
	struct run r;
	struct json_object *root = NULL;
	struct timespec end;
	const char *queue;

	memset(&r, 0, sizeof r);
	r.h = h;
	r.io = io;
	r.start = hs_clock_now();
	hs_request_init(&r.req, envp);

	if (check_head(&r, envp) != 0) {
		if (r.req.has_length)
			hs_request_drain(io, r.req.content_length, DRAIN_CAP,
			    h->loaded ? h->cfg.body_timeout_seconds :
			    HS_DEFAULT_BODY_TIMEOUT);
		goto out;
	}
	if (check_body(&r, &root) != 0)
		goto out;
	hs_sha256_hex(r.req.body, r.req.body_len, r.ev.body_sha256);
	if ((queue = hs_route_find(r.ep, r.ev.name)) == NULL) {
		answer(&r, 200, "ignored", NULL);
		goto out;
	}
	spool(&r, queue);
out:
	hs_response_send(io, &r.ans);
	end = hs_clock_now();
	hs_log_request(&(struct hs_log_line){
	    .endpoint = r.req.endpoint,
	    .event = r.ev.name[0] ? r.ev.name : NULL,
	    .status = r.ans.status,
	    .outcome = r.ans.state,
	    .id = r.ans.id,
	    .queue = r.ans.queue,
	    .error = r.ans.error,
	    .micros = (end.tv_sec - r.start.tv_sec) * 1000000L +
		(end.tv_nsec - r.start.tv_nsec) / 1000,
	});
	json_object_put(root);
	hs_request_free(&r.req);
	return r.ans.status;
}
