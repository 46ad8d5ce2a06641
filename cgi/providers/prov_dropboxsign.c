/*
 * prov_dropboxsign.c - Dropbox Sign (formerly HelloSign). The event is
 * POSTed as multipart/form-data, its JSON the form field "json" (what is
 * parsed and stored, byte for byte). event.event_hash is the lowercase hex
 * HMAC-SHA256, keyed with the account's API key, of event_time followed
 * by event_type: only those two fields are authenticated, so the envelope
 * says verified_scope "event". The answer must be 200 with a body holding
 * "Hello API Event Received", or Dropbox Sign counts a failure and retries.
 * Retries carry the first attempt's event_time: no window unless
 * tolerance_seconds is set.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_codec.h"
#include "hs_event.h"
#include "hs_multipart.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_response.h"
#include "hs_verify.h"

#define DROPBOX_FIELD	"json"
#define DROPBOX_REPLY	"Hello API Event Received"

static int
dropbox_accepts(const struct hs_endpoint *ep, const char *content_type,
    const char **why)
{
	char	 boundary[HS_MP_BOUNDARY_MAX + 1];

	(void)ep;
	return hs_multipart_boundary(content_type, boundary, why) == 0;
}

static int
dropbox_extract(const struct hs_endpoint *ep, const struct hs_request *req,
    const char **doc, size_t *doc_len, const char **why)
{
	char	 boundary[HS_MP_BOUNDARY_MAX + 1];

	(void)ep;
	if (hs_multipart_boundary(req->content_type, boundary, why) == -1)
		return -1;
	if (hs_multipart_field(req->body, req->body_len, boundary,
	    DROPBOX_FIELD, doc, doc_len, why) == -1)
		return -1;
	return 0;
}

/* The hash is inside the form's JSON: describe() checks it. */
static int
dropbox_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	(void)ep;
	(void)req;
	(void)now;
	(void)why;
	return 0;
}

static const char *
string_at(struct json_object *root, const char *path, size_t *len)
{
	struct json_object *v = hs_event_path(root, path);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

static int
dropbox_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	unsigned char mac[HS_MAC_MAX];
	const char *t, *type, *hash;
	size_t	 tlen, typelen, hashlen, k;
	long long ts;
	struct hs_buf key;
	int	 n, match = 0;

	if ((hash = string_at(root, "event.event_hash", &hashlen)) == NULL) {
		*why = "missing event.event_hash";
		return HS_DESCRIBE_AUTH;
	}
	if ((t = string_at(root, "event.event_time", &tlen)) == NULL ||
	    (type = string_at(root, "event.event_type", &typelen)) == NULL) {
		*why = "event.event_time and event.event_type must be strings";
		return HS_DESCRIBE_BAD;
	}
	/* Every key is tried even after a match: timing says nothing. */
	for (k = 0; k < ep->nkeys; k++) {
		n = hs_hmac("SHA256", &ep->keys[k], t, tlen, type, typelen,
		    NULL, 0, mac);
		if (n > 0)
			match |= hs_sig_matches(hash, hashlen, HS_ENC_HEX, mac,
			    (size_t)n);
	}
	if (!match) {
		*why = "bad signature";
		return HS_DESCRIBE_AUTH;
	}
	/* digits only; the window only when tolerance_seconds asks for it */
	if (!hs_timestamp_ok(t, tlen, req->now, ep->tolerance, 1, &ts,
	    why))
		return HS_DESCRIBE_AUTH;
	ev->verified_scope = "event";
	if (hs_event_set_name(ev, type, typelen, why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_time_secs(ev, ts);
	hs_event_set_id_json(ev->document_id,
	    hs_event_path(root, "signature_request.signature_request_id"));
	/*
	 * No event id exists: time, type, signature request and signature
	 * together (what Dropbox Sign's docs suggest), each bounded and
	 * separated, hashed to fit.
	 */
	hs_buf_init(&key);
	hs_buf_add(&key, t, tlen);
	hs_buf_add(&key, "", 1);
	hs_buf_add(&key, type, typelen);
	hs_buf_add(&key, "", 1);
	hs_buf_adds(&key, ev->document_id);
	hs_buf_add(&key, "", 1);
	hs_event_set_id_json(ev->delivery_id, hs_event_path(root,
	    "event.event_metadata.related_signature_id"));
	hs_buf_adds(&key, ev->delivery_id);
	ev->delivery_id[0] = '\0';	/* not a delivery id: none is sent */
	if (key.oom) {
		hs_buf_free(&key);
		*why = "out of memory";
		return HS_DESCRIBE_BAD;
	}
	hs_sha256_hex(key.data, key.len, ev->dedup_extra);
	hs_buf_free(&key);
	return 0;
}

/* Every answer says it; only a 200 counts for Dropbox Sign. */
static void
dropbox_reply(const struct hs_endpoint *ep, const struct hs_request *req,
    struct hs_answer *ans)
{
	(void)ep;
	(void)req;
	if (ans->status == 200)
		ans->message = DROPBOX_REPLY;
}

/* The hash is in the body (sample() puts it there); no header. */
static int
dropbox_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	(void)ep;
	(void)key;
	(void)body;
	(void)len;
	(void)now;
	(void)delivery_id;
	(void)headers;
	return 0;
}

/*
 * After H1's EventCallbackSignatureRequestSigned.json, hashed with the
 * endpoint's first secret (an all-zero hash without one).
 */
static int
dropbox_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	unsigned char mac[HS_MAC_MAX];
	char	 t[24], hash[2 * HS_MAC_MAX + 1];
	int	 tn;

	tn = snprintf(t, sizeof t, "%lld", (long long)time(NULL));
	memset(hash, '0', 64);
	hash[64] = '\0';
	if (ep && ep->nkeys && hs_hmac("SHA256", &ep->keys[0], t, (size_t)tn,
	    event, strlen(event), NULL, 0, mac) == 32)
		hs_hex_encode(mac, 32, hash);
	hs_buf_printf(body, "{\"event\":{\"event_time\":\"%s\","
	    "\"event_type\":", t);
	hs_buf_add_json_string(body, event, strlen(event));
	hs_buf_printf(body, ",\"event_hash\":\"%s\",\"event_metadata\":{"
	    "\"related_signature_id\":\"ad4d8a769b555fa5ef38691465d426682bf2c992\","
	    "\"reported_for_account_id\":\"63522885f9261e2b04eea043933ee7313eb674fd\","
	    "\"reported_for_app_id\":null}},\"signature_request\":{"
	    "\"signature_request_id\":\"fa5c8a0b0f492d768749333ad6fcc214c111e967\","
	    "\"title\":\"Purchase Agreement\",\"is_complete\":false,"
	    "\"is_declined\":false,\"has_error\":false,\"signatures\":[{"
	    "\"signature_id\":\"78caf2a1d01cd39cea2bc1cbb340dac3\","
	    "\"signer_email_address\":\"john@example.com\","
	    "\"signer_name\":\"John Doe\",\"status_code\":\"signed\"}],"
	    "\"client_id\":null}}", hash);
	return body->oom ? -1 : 0;
}

static const char *const dropbox_fields[] = {
	"event.event_time", "event.event_type", "event.event_hash",
	"event.event_metadata.related_signature_id",
	"signature_request.signature_request_id", NULL
};

static const char *
dropbox_weak_auth(const struct hs_endpoint *ep)
{
	(void)ep;
	return "Dropbox Sign's event_hash covers the event's time and type, "
	    "not the body: set allow_from to Dropbox Sign's ranges, and "
	    "re-fetch the signature request from its API before acting";
}

const struct hs_provider hs_provider_dropboxsign = {
	.weak_auth = dropbox_weak_auth,
	.fields = dropbox_fields,
	.name = "dropbox-sign",
	.flags = HS_PROV_NEEDS_SECRET | HS_PROV_NO_WINDOW,
	.form_field = DROPBOX_FIELD,
	.accepts = dropbox_accepts,
	.extract = dropbox_extract,
	.reply = dropbox_reply,
	.verify = dropbox_verify,
	.describe = dropbox_describe,
	.sign = dropbox_sign,
	.sample = dropbox_sample,
};
