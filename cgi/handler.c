/*
 * handler.c - the request pipeline, cheapest refusal first:
 *   config -> method -> endpoint -> source -> length -> content type -> body ->
 *   signature -> strict JSON -> event -> route -> dedup -> spool -> 2xx.
 * Nothing touches the spool before every check has passed. What a sender
 * needs beyond that (a handshake by GET, another content type, a JSON
 * document inside the body, a header or text in the answer) is its
 * provider's reply rule (hs_provider.h), never a case here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
#include "hs_sandbox.h"
#include "hs_source.h"
#include "hs_spool.h"
#include "hs_verify.h"

/* Bodies we refuse are still read (up to this) so the server sees a clean
 * close instead of a reset that it would turn into a 500/502. */
#define DRAIN_CAP	(8ULL << 20)

/* How long a copy of a delivery waits for another copy being written
 * (its fsyncs take milliseconds) before it answers 503. */
#define HS_DEDUP_WAIT_MS	5000

/* One event of a batch (hs_provider.h split). */
struct element {
	struct hs_event	 ev;
	struct json_object *root;
	const char	*doc;		/* its bytes in the body */
	size_t		 len;
	const char	*queue;		/* NULL: not routed, skipped */
	int		 store;		/* routed and not a duplicate */
	struct hs_dedup	 dd;
	struct hs_buf	 head;
	char		 key[65];
	char		 id[HS_SPOOL_ID_MAX];
};

struct run {
	struct hs_handler *h;
	const struct hs_config *cfg;	/* the one this request is served with */
	struct hs_request req;
	const struct hs_io *io;
	const struct hs_endpoint *ep;
	struct hs_event ev;
	struct hs_answer ans;
	struct timespec	 start;
	char		 id[HS_SPOOL_ID_MAX];
	/* a document its provider split() into several events: batch() */
	struct element	*el;
	size_t		 nel;
	const char	**ids;		/* the stored ones', for the answer */
};

void
hs_handler_init(struct hs_handler *h)
{
	memset(h, 0, sizeof *h);
	hs_config_cache_init(&h->configs);
}

void
hs_handler_free(struct hs_handler *h)
{
	hs_counters_close(&h->counters);
	hs_config_cache_free(&h->configs);
}

static int
answer(struct run *r, int status, const char *state, const char *error)
{
	r->ans.status = status;
	r->ans.state = state;
	r->ans.error = error;
	return status;
}

/*
 * allow_from: the endpoint's first check, before a handshake or the body.
 * The address refused is logged (formatted by inet_ntop, so no request
 * byte reaches the log as sent); an unknown client is refused too.
 */
static int
source_refused(struct run *r, const struct hs_endpoint *ep)
{
	unsigned char addr[16];
	char	 text[64], what[200];
	int	 known;

	if (ep->source.allow.n == 0 ||
	    hs_source_allowed(&ep->source, &r->req, addr, &known))
		return 0;
	if (known)
		hs_addr_format(addr, text, sizeof text);
	snprintf(what, sizeof what, "endpoint %s: source %s not in "
	    "allow_from", ep->name, known ? text : "(unknown: no usable "
	    "REMOTE_ADDR or forwarding header)");
	hs_log_msg(what, "refused 403");
	return answer(r, 403, "error", "source address not allowed");
}

/*
 * A FastCGI process serving several configs (a request's own
 * HOOKSPOOL_CONFIG, one per vhost or directory) must be confined for all
 * of them at once: Landlock rules can only be narrowed. So it is confined
 * for the process's own config too, and for those the process
 * environment's HOOKSPOOL_SANDBOX_ALSO lists, colon-separated: they are
 * loaded into the cache now, and one that cannot be is logged and left
 * out (its requests then restart the process, as above).
 */
static size_t
sandbox_also(struct hs_handler *h, const struct hs_config **cfgs,
    size_t max)
{
	const char *list = getenv("HOOKSPOOL_SANDBOX_ALSO");
	const char *stale;
	char	 var[4200], path[4096], err[512], what[4800], *envp[2];
	size_t	 n = 1, len;

	/* the process's own config (its environment's HOOKSPOOL_CONFIG, or
	 * the one beside the binary), which requests without one get */
	envp[0] = NULL;
	if ((cfgs[n] = hs_config_cache_get(&h->configs, envp, path,
	    sizeof path, err, sizeof err, &stale)) != NULL && cfgs[n] != cfgs[0])
		n++;
	while (list && *list && n < max) {
		len = strcspn(list, ":");
		if (len > 0 && len < sizeof path) {
			snprintf(var, sizeof var, "HOOKSPOOL_CONFIG=%.*s",
			    (int)len, list);
			envp[0] = var;
			envp[1] = NULL;
			if ((cfgs[n] = hs_config_cache_get(&h->configs, envp,
			    path, sizeof path, err, sizeof err, &stale)) != NULL)
				n++;
			else {
				snprintf(what, sizeof what, "HOOKSPOOL_SANDBOX_"
				    "ALSO: %.*s left out: %s", (int)len, list,
				    err);
				hs_log_msg("sandbox", what);
			}
		}
		list += len;
		list += *list == ':';
	}
	return n;
}

/*
 * The first config loaded confines the process (hs_sandbox.h). A later
 * one it cannot serve confined (another spool_dir, a secret elsewhere, a
 * config in a directory it may not read) ends it after this request,
 * answered 503 so that the sender retries and a fresh process serves the
 * retry: a 2xx still means on disk, and nothing is written.
 */
static int
sandbox_gate(struct run *r)
{
	struct hs_handler *h = r->h;
	const struct hs_config *cfgs[HS_SANDBOX_MAX_CONFIGS];
	size_t	 n = 1;

	cfgs[0] = r->cfg;
	if (h->confine == HS_CONFINE_SERVER)
		n = sandbox_also(h, cfgs, HS_SANDBOX_MAX_CONFIGS <
		    HS_CONFIG_CACHE_MAX ? HS_SANDBOX_MAX_CONFIGS :
		    HS_CONFIG_CACHE_MAX);
	if (hs_sandbox_enter(cfgs, n, h->confine == HS_CONFINE_CGI) == -1) {
		h->exit_after = 1;
		h->exit_status = 1;
		return answer(r, 500, "error", "server configuration error");
	}
	return 0;
}

static int
sandbox_restart(struct run *r, const char *why)
{
	struct hs_handler *h = r->h;
	char	 what[4800];

	snprintf(what, sizeof what, "config %s: this process's sandbox "
	    "cannot serve it (%s); exiting after this request, answered 503",
	    h->path[0] ? h->path : "(none)", why);
	hs_log_msg("sandbox", what);
	h->exit_after = 1;
	/* EX_TEMPFAIL: a supervisor that restarts on failure only
	 * (Restart=on-failure) restarts it too */
	h->exit_status = 75;
	return answer(r, 503, "error", "receiver restarting; retry");
}

/*
 * A config that could not be read for want of access, in a confined
 * process: the sandbox's refusal, unless the file's own permissions
 * refuse it too. access(2) is not checked by Landlock, so it tells the
 * two apart: the config, or a file the last good config read (a secret
 * rotated with the wrong mode), that access() refuses is a real
 * permission error, which keeps the last good config in service as an
 * unconfined process would.
 */
static int
sandbox_denied(const struct hs_handler *h, const struct hs_config *last)
{
	size_t	 i;

	if (!hs_sandbox_active() ||
	    h->configs.load_errno != EACCES)
		return 0;
	if (access(h->path, R_OK) == -1)
		return 0;
	for (i = 0; last && i < last->nwatch; i++)
		if (access(last->watch[i].path, R_OK) == -1 && errno == EACCES)
			return 0;
	return 1;
}

static int
sandbox_check(struct run *r, const char *stale)
{
	struct hs_handler *h = r->h;
	char	 why[600];
	size_t	 i;

	for (i = 0; i < HS_CONFIG_CACHE_MAX &&
	    h->covered[i] != r->cfg->generation; i++)
		;
	if (i == HS_CONFIG_CACHE_MAX) {
		/* a config loaded since the last look: paths resolved anew */
		if (!hs_sandbox_covers(r->cfg, why, sizeof why))
			return sandbox_restart(r, why);
		h->covered[h->ncovered++ % HS_CONFIG_CACHE_MAX] =
		    r->cfg->generation;
	}
	/* the last good config may not be the one asked for next: a fresh
	 * process loads the new one */
	if (stale && sandbox_denied(h, r->cfg))
		return sandbox_restart(r, stale);
	return 0;
}

/* Every check before the body is read; answers > 0 stop the pipeline. */
static int
check_head(struct run *r, char **envp)
{
	const char *cl = hs_request_var(&r->req, "CONTENT_LENGTH");

	struct hs_handler *h = r->h;
	const struct hs_endpoint *ep;
	const struct hs_provider *prov;
	const char *stale, *why = "unsupported Content-Type";
	char	 what[4200];

	r->cfg = hs_config_cache_get(&h->configs, envp, h->path,
	    sizeof h->path, h->err, sizeof h->err, &stale);
	if (r->cfg == NULL && sandbox_denied(h, NULL)) {
		hs_sandbox_hint(h->path, h->err, sizeof h->err);
		return sandbox_restart(r, h->err);
	}
	if (r->cfg == NULL) {
		snprintf(what, sizeof what, "config %s", h->path[0] ?
		    h->path : "(none)");
		hs_log_msg(what, h->err);
		return answer(r, 500, "error", "server configuration error");
	}
	if (h->confine && (hs_sandbox_entered() ? sandbox_check(r, stale) :
	    sandbox_gate(r)) != 0)
		return r->ans.status;
	if (stale) {
		snprintf(what, sizeof what, "config %s (reload failed; the "
		    "last good config stays in service)", h->path);
		hs_log_msg(what, stale);
	}
	ep = hs_config_endpoint(r->cfg, r->req.endpoint);
	if (r->req.method == NULL || strcmp(r->req.method, "POST") != 0) {
		int	 status;

		if (ep && (status = source_refused(r, ep)) != 0)
			return status;
		if (ep && ep->provider->handshake && (status =
		    ep->provider->handshake(ep, &r->req, &r->ans)) != 0) {
			r->ep = ep;
			return status;
		}
		return answer(r, 405, "error", "method not allowed; use POST");
	}
	if (ep == NULL)
		return answer(r, 404, "error", "unknown endpoint");
	if (source_refused(r, ep) != 0)
		return 403;	/* no reply rule: it never saw this sender */
	r->ep = ep;
	r->ev.source_checked = ep->source.allow.n != 0;
	prov = r->ep->provider;
	if (cl == NULL)
		return answer(r, 411, "error", "Content-Length required");
	if (!r->req.has_length)
		return answer(r, 400, "error", "malformed Content-Length");
	if (r->req.content_length > r->cfg->max_body_bytes)
		return answer(r, 413, "error", "body too large");
	if (prov->accepts ? !prov->accepts(r->ep, r->req.content_type, &why) :
	    !hs_content_type_is_json(r->req.content_type))
		return answer(r, 415, "error", prov->accepts ? why :
		    "Content-Type must be application/json");
	return 0;
}

/*
 * The body fields this endpoint's provider reads: first those json-c
 * parses, then (from *nparse on) those it needs only as raw text.
 */
static size_t
wanted_fields(const struct hs_endpoint *ep, const char **paths, size_t max,
    size_t *nparse)
{
	const char *const *f;
	size_t	 n = 0;

	for (f = ep->provider->fields; f && *f && n < max; f++)
		paths[n++] = *f;
	if (ep->event_field && n < max)
		paths[n++] = ep->event_field;
	if (ep->document_id_field && n < max)
		paths[n++] = ep->document_id_field;
	*nparse = n;
	for (f = ep->provider->raw_fields; f && *f && n < max; f++)
		paths[n++] = *f;
	return n;
}

/*
 * One JSON document (the body, or one element of a batch): the strict
 * pass, the raw fields, the provider's describe(). 0, or the answer.
 */
static int
check_event(struct run *r, const char *doc, size_t len, struct hs_event *ev,
    struct json_object **root)
{
	const struct hs_provider *prov = r->ep->provider;
	const char *why = "bad request", *paths[HS_JSON_MAX_WANT];
	struct hs_json_want spans[HS_JSON_MAX_WANT];
	size_t	 npaths, nparse, i;
	int	 rc;

	/* One strict pass over the body; json-c sees only what we read. */
	npaths = wanted_fields(r->ep, paths, HS_JSON_MAX_WANT, &nparse);
	if ((*root = hs_event_extract_raw(doc, len, paths, npaths, nparse,
	    spans, &why)) == NULL)
		return answer(r, 400, "error", why);
	for (i = nparse; i < npaths && i - nparse < HS_EVENT_RAW_MAX; i++) {
		ev->raw[i - nparse] = spans[i].value;
		ev->raw_len[i - nparse] = spans[i].len;
	}
	rc = prov->describe(r->ep, &r->req, *root, ev, &why);
	if (rc == HS_DESCRIBE_AUTH)
		return answer(r, 401, "error", why);
	if (rc == HS_DESCRIBE_ACK)
		return answer(r, 200, "acknowledged", NULL);
	if (rc != 0)
		return answer(r, 400, "error", why);
	return 0;
}

static int
check_body(struct run *r, struct json_object **root)
{
	const struct hs_provider *prov = r->ep->provider;
	const char *why = "bad request";
	size_t	 i;

	switch (hs_request_read_body(&r->req, r->io,
	    r->cfg->body_timeout_seconds)) {
	case 0:
		break;
	case HS_BODY_TIMEOUT:
		return answer(r, 408, "error", "body not received in time");
	default:
		return answer(r, 400, "error", "truncated body");
	}
	if (prov->extract && prov->extract(r->ep, &r->req, &r->req.doc,
	    &r->req.doc_len, &why) == -1)
		return answer(r, 400, "error", why);
	/* A libcrypto that cannot MAC (OPENSSL_CONF naming a FIPS provider
	 * that is not installed, say) is the operator's to fix: not a 401. */
	if (!hs_hmac_available(r->ep->digest))
		return answer(r, 500, "error", "HMAC unavailable");
	/* the same for the ed25519 public keys (standard-webhooks v1a) */
	for (i = 0; i < r->ep->nkeys; i++)
		if (r->ep->keys[i].kind == HS_KEY_ED25519_PUB &&
		    !hs_ed25519_available())
			return answer(r, 500, "error", "Ed25519 unavailable");
	r->req.now = hs_clock_verify_now(r->cfg->verify_now);
	if (prov->verify(r->ep, &r->req, r->req.now, &why) == -1)
		return answer(r, 401, "error", why);
	r->ev.verified = !(prov->flags & HS_PROV_PENDING);
	if (prov->split)
		return 0;	/* its elements are checked one by one: batch() */
	hs_sha256_hex(r->req.doc, r->req.doc_len, r->ev.body_sha256);
	return check_event(r, r->req.doc, r->req.doc_len, &r->ev, root);
}

/*
 * SHA-256 of endpoint, NUL, what makes the delivery unique (the
 * provider's dedup_extra, else the body's hash): the marker's file name.
 */
static void
dedup_key(const struct hs_endpoint *ep, const struct hs_event *ev,
    char out[65])
{
	struct hs_buf b;
	const char *key = ev->dedup_extra[0] ? ev->dedup_extra :
	    ev->body_sha256;

	hs_buf_init(&b);
	hs_buf_adds(&b, ep->name);
	hs_buf_add(&b, "", 1);
	hs_buf_adds(&b, key);
	hs_sha256_hex(b.data, b.len, out);
	hs_buf_free(&b);
}

/*
 * Dedup that cannot work (no .dedup directory, no inodes) still stores
 * the event: a duplicate is better than a loss. Said once per process
 * and cause, not once per request.
 */
static void
log_once(const char *what, const char *why)
{
	static const char *said[8];
	size_t	 i;

	for (i = 0; i < sizeof said / sizeof *said && said[i]; i++)
		if (said[i] == why)
			return;
	if (i < sizeof said / sizeof *said)
		said[i] = why;
	hs_log_msg(what, why);
}

/*
 * Senders that sign nothing (Ignisign) wait in pending/ until `hookspool
 * verify` checks them: anyone can post them, so their room is bounded,
 * summed over the queues the endpoint routes to. Concurrent requests may
 * overshoot by the number of receiver processes.
 */
static int
pending_full(const struct run *r)
{
	const struct hs_endpoint *ep = r->ep;
	long	 count = 0;
	long long bytes = 0;
	size_t	 i, j;

	for (i = 0; i < ep->nroutes; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(ep->routes[j].queue, ep->routes[i].queue) == 0)
				break;
		if (j < i)
			continue;	/* counted already */
		if (hs_spool_count(r->cfg->spool_dir, ep->routes[i].queue,
		    HS_STATE_PENDING, &count, &bytes) == -1)
			return 1;	/* cannot tell: do not grow it */
	}
	return count >= ep->max_pending ||
	    bytes + (long long)r->req.doc_len > ep->max_pending_bytes;
}

/* 503 when an unverified event would overfill pending/; else 0. */
static int
pending_refused(struct run *r)
{
	if (r->ev.verified || !pending_full(r))
		return 0;
	hs_log_msg("pending", "pending/ is full for this endpoint "
	    "(max_pending, max_pending_bytes): run hookspool verify");
	return answer(r, 503, "error", "too many events awaiting "
	    "verification; retry later");
}

/*
 * What a dedup_begin result other than NEW or DUP means for the answer,
 * the same for one event and for a batch: BUSY and REFUSE answer 503,
 * OFF stores anyway (said once). 0 when storing may go on.
 */
static int
dedup_refused(struct run *r, int rc, const char *why)
{
	switch (rc) {
	case HS_DEDUP_BUSY:
		return answer(r, 503, "error", "the same delivery is being "
		    "stored; retry later");
	case HS_DEDUP_REFUSE:
		hs_log_msg("dedup", why);
		return answer(r, 503, "error", "could not store the event; "
		    "retry later");
	case HS_DEDUP_OFF:
		log_once("dedup disabled, duplicates are stored", why);
		break;
	}
	return 0;
}

static int
spool(struct run *r, const char *queue)
{
	struct hs_envelope env;
	struct hs_buf head;
	struct hs_dedup dd = { -1, -1, "" };
	struct iovec iov[3];
	char	 received[HS_RFC3339_LEN], key[65];
	const char *why = NULL, *state;
	int	 rc;

	if (pending_refused(r))
		return r->ans.status;
	if (r->ep->dedup) {
		dedup_key(r->ep, &r->ev, key);
		rc = hs_spool_dedup_begin(r->cfg->spool_dir, r->ep->name,
		    key, HS_DEDUP_WAIT_MS, &dd, &why);
		if (rc == HS_DEDUP_DUP)
			return answer(r, 200, "duplicate", NULL);
		if (dedup_refused(r, rc, why) != 0)
			return r->ans.status;
	}
	hs_clock_rfc3339(r->start, received);
	hs_spool_new_id(r->start, r->id);
	env = (struct hs_envelope){ r->id, r->ep->name, r->ep->provider->name,
	    queue, received, &r->ev };
	hs_buf_init(&head);
	if (hs_envelope_head(&env, &head) == -1) {
		hs_buf_free(&head);
		hs_spool_dedup_end(&dd, NULL);
		return answer(r, 500, "error", "out of memory");
	}
	iov[0] = (struct iovec){ head.data, head.len };
	iov[1] = (struct iovec){ (void *)r->req.doc, r->req.doc_len };
	iov[2] = (struct iovec){ (void *)HS_ENVELOPE_TAIL,
	    strlen(HS_ENVELOPE_TAIL) };
	state = r->ev.verified ? HS_STATE_NEW : HS_STATE_PENDING;
	rc = hs_spool_deliver(r->cfg->spool_dir, queue, state, r->id, iov, 3,
	    r->cfg->durable, &why);
	hs_buf_free(&head);
	if (rc == -1) {
		/* a waiting copy of this delivery takes its turn now */
		hs_spool_dedup_end(&dd, NULL);
		hs_log_msg("spool", why);
		return answer(r, 503, "error", "could not store the event; "
		    "retry later");
	}
	if (hs_spool_dedup_end(&dd, r->id) == -1)
		log_once("dedup", "cannot write a duplicate marker");
	r->ans.id = r->id;
	r->ans.queue = queue;
	return answer(r, 200, r->ev.verified ? "accepted" : "pending", NULL);
}

/*
 * Dedup for each routed element of a batch: one that is on disk already
 * (or twice in this batch) is not stored again. 0, or the answer (503)
 * with every lock taken so far let go.
 */
static int
batch_dedup(struct run *r)
{
	struct element *e;
	const char *why = NULL;
	size_t	 i, j;
	int	 rc;

	for (i = 0; i < r->nel; i++) {
		e = &r->el[i];
		e->store = e->queue != NULL;
		if (!e->store || !r->ep->dedup)
			continue;
		dedup_key(r->ep, &e->ev, e->key);
		for (j = 0; j < i; j++)
			if (r->el[j].queue && strcmp(r->el[j].key, e->key) == 0)
				break;
		if (j < i) {
			e->store = 0;	/* its own lock would wait on ours */
			continue;
		}
		rc = hs_spool_dedup_begin(r->cfg->spool_dir, r->ep->name,
		    e->key, HS_DEDUP_WAIT_MS, &e->dd, &why);
		if (rc == HS_DEDUP_DUP)
			e->store = 0;
		else if (dedup_refused(r, rc, why) != 0)
			goto fail;
	}
	return 0;
fail:
	for (j = 0; j < i; j++)
		hs_spool_dedup_end(&r->el[j].dd, NULL);
	return r->ans.status;
}

/* Every routed element not yet on disk, all of them or none. */
static int
batch_spool(struct run *r)
{
	struct hs_spool_item *items = NULL;
	struct iovec *iov = NULL;
	struct hs_envelope env;
	struct element *e;
	char	 received[HS_RFC3339_LEN];
	const char *why = NULL, *state;
	size_t	 i, n = 0;
	int	 rc = -1;

	if (pending_refused(r))
		return r->ans.status;
	if (batch_dedup(r) != 0)
		return r->ans.status;
	state = r->ev.verified ? HS_STATE_NEW : HS_STATE_PENDING;
	hs_clock_rfc3339(r->start, received);
	items = calloc(r->nel, sizeof *items);
	iov = calloc(3 * r->nel, sizeof *iov);
	r->ids = calloc(r->nel, sizeof *r->ids);
	if (items == NULL || iov == NULL || r->ids == NULL) {
		why = "out of memory";
		goto done;
	}
	for (i = 0; i < r->nel; i++) {
		if (!(e = &r->el[i])->store)
			continue;
		hs_spool_new_id(r->start, e->id);
		env = (struct hs_envelope){ e->id, r->ep->name,
		    r->ep->provider->name, e->queue, received, &e->ev };
		if (hs_envelope_head(&env, &e->head) == -1) {
			why = "out of memory";
			goto done;
		}
		iov[3 * n] = (struct iovec){ e->head.data, e->head.len };
		iov[3 * n + 1] = (struct iovec){ (void *)e->doc, e->len };
		iov[3 * n + 2] = (struct iovec){ (void *)HS_ENVELOPE_TAIL,
		    strlen(HS_ENVELOPE_TAIL) };
		items[n] = (struct hs_spool_item){ e->queue, state, e->id,
		    &iov[3 * n], 3 };
		r->ids[n++] = e->id;
	}
	if (n == 0) {
		rc = 0;
		answer(r, 200, "duplicate", NULL);
		goto done;
	}
	if ((rc = hs_spool_deliver_all(r->cfg->spool_dir, items, n,
	    r->cfg->durable, &why)) == -1)
		hs_log_msg("spool", why);
done:
	for (i = 0; i < r->nel; i++) {
		e = &r->el[i];
		if (e->store && hs_spool_dedup_end(&e->dd,
		    rc == 0 ? e->id : NULL) == -1)
			log_once("dedup", "cannot write a duplicate marker");
	}
	free(items);
	free(iov);
	if (rc == -1) {
		if (why && strcmp(why, "out of memory") == 0)
			return answer(r, 500, "error", "out of memory");
		return answer(r, 503, "error", "could not store the events; "
		    "retry later");
	}
	if (n == 0)
		return r->ans.status;
	r->ans.ids = r->ids;
	r->ans.nids = n;
	return answer(r, 200, r->ev.verified ? "accepted" : "pending", NULL);
}

/*
 * A document its provider splits into several events (PandaDoc's array):
 * each element checked, described and routed on its own; nothing is
 * stored unless every element passed, and then every routed one is
 * stored or none (hs_spool_deliver_all).
 */
static int
batch(struct run *r)
{
	const struct hs_provider *prov = r->ep->provider;
	struct hs_json_span spans[HS_SPLIT_MAX];
	struct element *e;
	char	 batch_sha256[65];
	const char *why = "bad request";
	size_t	 i, routed = 0;
	int	 n;

	if ((n = prov->split(r->ep, r->req.doc, r->req.doc_len, spans,
	    HS_SPLIT_MAX, &why)) < 1)
		return answer(r, 400, "error", why);
	if ((r->el = calloc((size_t)n, sizeof *r->el)) == NULL)
		return answer(r, 500, "error", "out of memory");
	r->nel = (size_t)n;
	hs_sha256_hex(r->req.doc, r->req.doc_len, batch_sha256);
	for (i = 0; i < r->nel; i++) {
		e = &r->el[i];
		e->dd = (struct hs_dedup){ -1, -1, "" };
		hs_buf_init(&e->head);
		e->ev.verified = r->ev.verified;
		e->ev.source_checked = r->ev.source_checked;
		e->doc = spans[i].p;
		e->len = spans[i].len;
		e->ev.batch_index = i;
		memcpy(e->ev.batch_sha256, batch_sha256, sizeof batch_sha256);
		hs_sha256_hex(spans[i].p, spans[i].len, e->ev.body_sha256);
		switch (check_event(r, spans[i].p, spans[i].len, &e->ev,
		    &e->root)) {
		case 0:
			break;
		case 200:	/* acknowledged: nothing of it to store */
			continue;
		default:
			return r->ans.status;
		}
		/* no id of its own: what makes it unique is its place in
		 * this delivery (a redelivered batch is a duplicate; two
		 * elements are never merged) */
		if (e->ev.dedup_extra[0] == '\0')
			snprintf(e->ev.dedup_extra, sizeof e->ev.dedup_extra,
			    "%s\n%zu", batch_sha256, i);
		if ((e->queue = hs_route_find(r->ep, e->ev.name)) != NULL &&
		    routed++ == 0)	/* the log names the first */
			memcpy(r->ev.name, e->ev.name, sizeof r->ev.name);
	}
	if (routed == 0)
		return answer(r, 200, "ignored", NULL);
	return batch_spool(r);
}

int
hs_handle(struct hs_handler *h, char **envp, const struct hs_io *io)
{
	struct run r;
	struct json_object *root = NULL;
	struct timespec end;
	const char *queue;
	size_t	 i;

	memset(&r, 0, sizeof r);
	r.h = h;
	r.io = io;
	r.start = hs_clock_now();
	hs_request_init(&r.req, envp);

	if (check_head(&r, envp) != 0) {
		if (r.req.has_length)
			hs_request_drain(io, r.req.content_length, DRAIN_CAP,
			    r.cfg ? r.cfg->body_timeout_seconds :
			    HS_DEFAULT_BODY_TIMEOUT);
		goto out;
	}
	if (check_body(&r, &root) != 0)
		goto out;
	if (r.ep->provider->split) {
		batch(&r);
		goto out;
	}
	if ((queue = hs_route_find(r.ep, r.ev.name)) == NULL) {
		answer(&r, 200, "ignored", NULL);
		goto out;
	}
	spool(&r, queue);
out:
	if (r.ep && r.ep->provider->reply)
		r.ep->provider->reply(r.ep, &r.req, &r.ans);
	hs_response_send(io, &r.ans);
	end = hs_clock_now();
	/* after the answer: counting never delays or fails it. A name the
	 * config does not know counts as "(unknown)", never as itself */
	if (r.cfg && r.cfg->counters) {
		const struct hs_endpoint *known = hs_config_endpoint(r.cfg,
		    r.req.endpoint);

		hs_counters_count(&h->counters, r.cfg->spool_dir,
		    known ? known->name : NULL, r.ans.status, r.ans.state,
		    r.ans.error, (uint64_t)end.tv_sec * 1000000 +
		    (uint64_t)end.tv_nsec / 1000);
	}
	hs_log_request(&(struct hs_log_line){
	    .endpoint = r.req.endpoint,
	    .event = r.ev.name[0] ? r.ev.name : NULL,
	    .status = r.ans.status,
	    .outcome = r.ans.state,
	    .id = r.ans.nids ? r.ans.ids[0] : r.ans.id,	/* a batch: its first */
	    .queue = r.ans.queue,
	    .error = r.ans.error,
	    .micros = (end.tv_sec - r.start.tv_sec) * 1000000L +
		(end.tv_nsec - r.start.tv_nsec) / 1000,
	});
	json_object_put(root);
	for (i = 0; i < r.nel; i++) {
		json_object_put(r.el[i].root);
		hs_buf_free(&r.el[i].head);
	}
	free(r.el);
	free(r.ids);
	hs_request_free(&r.req);
	return r.ans.status;
}
