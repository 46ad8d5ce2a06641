/*
 * prov_adobesign.c - Adobe Acrobat Sign webhooks. Nothing is signed: every
 * request, the GET "verification of intent" sent when a webhook is created
 * or re-activated and every POSTed notification, carries the application's
 * client id in X-AdobeSign-ClientId, and Adobe counts a delivery only when
 * a 2xx answer echoes it (here in the X-AdobeSign-ClientId response
 * header), else it retries for 72 hours and disables the webhook. Only the
 * ids in the endpoint's client_ids are echoed, always the configured
 * string, never the request's bytes; any other id, or none, is 401.
 *
 * The id is an identifier shared with everyone who sees the application's
 * OAuth URLs, not a signature: the event goes to new/ (the request named
 * a configured client id) but the envelope says "verified": false,
 * verified_scope "none": nothing in the body is authenticated. Put
 * allow_from (Adobe's published ranges) or mTLS in front, and fetch the
 * agreement from Adobe's API before acting on it (README).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "hs_buf.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_response.h"
#include "hs_verify.h"

#define ADOBE_HEADER_CGI	"HTTP_X_ADOBESIGN_CLIENTID"
#define ADOBE_HEADER		"X-AdobeSign-ClientId"
#define ADOBE_ID_MAX		256

/*
 * The configured client id the request names, or NULL. Fixed-size
 * digests are compared, every id in turn, so the timing tells neither a
 * configured id's length nor where a guess first differs.
 */
static const struct hs_key *
adobe_match(const struct hs_endpoint *ep, const struct hs_request *req)
{
	const char *value = hs_request_var(req, ADOBE_HEADER_CGI);
	const struct hs_key *found = NULL;
	unsigned char want[HS_MAC_MAX], got[HS_MAC_MAX];
	struct hs_key vkey;
	size_t	 i, vlen;

	if (value == NULL || (vlen = strlen(value)) == 0 ||
	    vlen > ADOBE_ID_MAX)
		return NULL;
	vkey.bytes = (unsigned char *)"hookspool-compare";
	vkey.len = 17;
	if (hs_hmac("SHA256", &vkey, value, vlen, NULL, 0, NULL, 0, got) != 32)
		return NULL;
	for (i = 0; i < ep->client_ids.n; i++) {
		if (hs_hmac("SHA256", &vkey, ep->client_ids.v[i].bytes,
		    ep->client_ids.v[i].len, NULL, 0, NULL, 0, want) != 32)
			continue;
		if (CRYPTO_memcmp(want, got, 32) == 0)
			found = &ep->client_ids.v[i];
	}
	return found;
}

static int
adobe_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	(void)now;
	if (hs_request_var(req, ADOBE_HEADER_CGI) == NULL) {
		*why = "missing X-AdobeSign-ClientId";
		return -1;
	}
	if (adobe_match(ep, req) == NULL) {
		*why = "unknown client id";
		return -1;
	}
	return 0;
}

/* The echo, in every answer to a known client id (only a 2xx counts). */
static void
adobe_reply(const struct hs_endpoint *ep, const struct hs_request *req,
    struct hs_answer *ans)
{
	const struct hs_key *id = adobe_match(ep, req);

	if (id == NULL)
		return;
	ans->header_name = ADOBE_HEADER;
	ans->header_value = (const char *)id->bytes;
}

/* GET: the verification of intent. Other methods stay 405. */
static int
adobe_handshake(const struct hs_endpoint *ep, const struct hs_request *req,
    struct hs_answer *ans)
{
	if (req->method == NULL || strcmp(req->method, "GET") != 0)
		return 0;
	if (adobe_verify(ep, req, 0, &ans->error) == -1) {
		ans->status = 401;
		ans->state = "error";
		return 401;
	}
	ans->status = 200;
	ans->state = "acknowledged";
	ans->error = NULL;
	adobe_reply(ep, req, ans);
	return 200;
}

static int
adobe_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	const char *doc;

	(void)ep;
	(void)req;
	/* the client id is known to whoever saw one answer: it proves
	 * nothing about the body */
	ev->verified_scope = "none";
	if (hs_event_set_name_json(ev, hs_event_path(root, "event"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id_json(ev->delivery_id,
	    hs_event_path(root, "webhookNotificationId"));
	/* "helpful in identifying duplicate notifications" (Adobe) */
	memcpy(ev->dedup_extra, ev->delivery_id, sizeof ev->delivery_id);
	doc = "agreement.id";
	if (hs_event_path(root, doc) == NULL)
		doc = hs_event_path(root, "widget.id") ? "widget.id" :
		    "megaSign.id";
	hs_event_set_id_json(ev->document_id, hs_event_path(root, doc));
	hs_event_set_time_json(ev, hs_event_path(root, "eventDate"));
	hs_event_set_actor(ev, hs_event_path(root, "actingUserEmail"));
	return 0;
}

/* The header Adobe sends: the first configured client id. */
static int
adobe_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	(void)key;
	(void)body;
	(void)len;
	(void)now;
	(void)delivery_id;
	if (ep == NULL || ep->client_ids.n == 0)
		return 0;
	return hs_buf_printf(headers, "%s: %s\n", ADOBE_HEADER,
	    (const char *)ep->client_ids.v[0].bytes);
}

/* After A2's sample notification. */
static int
adobe_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 id[33];

	(void)ep;
	hs_provider_random_hex(id);
	hs_buf_printf(body, "{\"webhookId\":"
	    "\"9b7fc222-0c74-478b-9bde-8ac70a2dd163\",\"webhookName\":"
	    "\"cjones_preview_acct_05_23_2024_1\",\"webhookNotificationId\":"
	    "\"%.8s-%.4s-%.4s-%.4s-%.12s\",\"webhookUrlInfo\":{\"url\":"
	    "\"https://example.com/webhooks/adobe\"},\"webhookScope\":"
	    "\"ACCOUNT\",\"event\":", id, id + 8, id + 12, id + 16, id + 20);
	hs_buf_add_json_string(body, event, strlen(event));
	hs_buf_adds(body, ",\"eventDate\":\"2024-05-30T22:57:28Z\","
	    "\"eventResourceType\":\"agreement\","
	    "\"actingUserEmail\":\"cjones@adobe.com\",\"agreement\":{"
	    "\"id\":\"CBJCHBCAABAA2XhaLGV0pKssKU03QXTcTXS4ebPyoSL_\","
	    "\"name\":\"sample_1page_user_guide_05_30_2024_1\","
	    "\"signatureType\":\"ESIGN\",\"status\":\"OUT_FOR_SIGNATURE\","
	    "\"senderEmail\":\"cjones@adobe.com\"}}");
	return body->oom ? -1 : 0;
}

static const char *const adobe_fields[] = {
	"event", "webhookNotificationId", "agreement.id", "widget.id",
	"megaSign.id", "eventDate", "actingUserEmail", NULL
};

#define OFF(f)	offsetof(struct hs_endpoint, f)
static const struct hs_option adobe_options[] = {
	/* Resolved by the receiver itself: it compares and echoes them. */
	{ "client_ids", HS_OPT_SPEC_LIST, OFF(client_ids), 1, 16, NULL, NULL,
	    "the application client ids echoed (inline, file: or env:)" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL }
};

static int
adobe_configure(struct hs_endpoint *ep, char *err, size_t errlen)
{
	size_t	 i, j;

	if (ep->client_ids.n == 0) {
		snprintf(err, errlen, "endpoints.%s.client_ids: required (the "
		    "client ids Adobe Sign sends and expects back)", ep->name);
		return -1;
	}
	/* an id the answer could not carry would fail every delivery */
	for (i = 0; i < ep->client_ids.n; i++) {
		const struct hs_key *k = &ep->client_ids.v[i];

		for (j = 0; j < k->len; j++)
			if (k->bytes[j] < 0x21 || k->bytes[j] > 0x7e)
				break;
		if (j < k->len || k->len > ADOBE_ID_MAX) {
			snprintf(err, errlen, "endpoints.%s.client_ids[%zu]: "
			    "must be 1 to %d printable ASCII characters, no "
			    "space", ep->name, i, ADOBE_ID_MAX);
			return -1;
		}
	}
	return 0;
}

static const char *
adobe_weak_auth(const struct hs_endpoint *ep)
{
	(void)ep;
	return "Adobe Acrobat Sign signs nothing (anyone who learns the client"
	    " id can send): set allow_from to Adobe's published ranges or put"
	    " mTLS in front, and fetch the agreement from Adobe's API before "
	    "acting on an event";
}

const struct hs_provider hs_provider_adobesign = {
	.weak_auth = adobe_weak_auth,
	.fields = adobe_fields,
	.options = adobe_options,
	.configure = adobe_configure,
	.body_hint = 10485760,
	.name = "adobe-sign",
	.handshake = adobe_handshake,
	.reply = adobe_reply,
	.verify = adobe_verify,
	.describe = adobe_describe,
	.sign = adobe_sign,
	.sample = adobe_sample,
};
