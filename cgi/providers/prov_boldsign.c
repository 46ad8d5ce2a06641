/*
 * prov_boldsign.c - BoldSign: X-BoldSign-Signature: t=<unix>, s0=<hex>
 * [, s1=<hex>] over "<t>.<body>", key = the webhook secret's bytes, as the
 * official SDK's WebhookUtility.ValidateSignature (boldsign/api-csharp-sdk):
 * items split on ',' and trimmed, each split on its first '='; s1 is the
 * old secret's signature while a secret is rolled; |now - t| <= 300 s.
 *
 * Adding the URL sends {"event":{"eventType":"Verification",...}}, which
 * needs a 200. Whether BoldSign signs it is not established (the SDK's own
 * example answers it before checking any signature), so that event alone
 * may come unsigned; signed or not, it is acknowledged and never stored.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_codec.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_verify.h"

#define SIG_VAR		"HTTP_X_BOLDSIGN_SIGNATURE"
#define MAX_SIGS	8
#define MAX_ITEMS	32	/* items looked at, whatever they are */

struct bs_header {
	const char	*t;
	size_t		 tlen;
	const char	*sig[MAX_SIGS];
	size_t		 siglen[MAX_SIGS];
	size_t		 nsig;
};

/* "t=1, s0=ab, s1=cd": the first t and up to MAX_SIGS of s0 and s1. */
static void
bs_parse(const char *hdr, struct bs_header *h)
{
	const char *p = hdr, *item, *eq;
	size_t	 len, klen;
	int	 items;

	memset(h, 0, sizeof *h);
	for (items = 0; *p && items < MAX_ITEMS; items++) {
		item = p;
		len = strcspn(p, ",");
		p += len + (p[len] == ',');
		while (len > 0 && (*item == ' ' || *item == '\t')) {
			item++;
			len--;
		}
		while (len > 0 && (item[len - 1] == ' ' ||
		    item[len - 1] == '\t'))
			len--;
		if ((eq = memchr(item, '=', len)) == NULL)
			continue;
		klen = (size_t)(eq - item);
		if (klen == 1 && item[0] == 't' && h->t == NULL) {
			h->t = eq + 1;
			h->tlen = len - 2;
		} else if (klen == 2 && item[0] == 's' && (item[1] == '0' ||
		    item[1] == '1') && h->nsig < MAX_SIGS) {
			h->sig[h->nsig] = eq + 1;
			h->siglen[h->nsig++] = len - 3;
		}
	}
}

/*
 * No header at all passes here: describe() lets only the Verification
 * event through that way (and stores nothing); everything else is 401.
 */
static int
boldsign_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	const char *hdr = hs_request_var(req, SIG_VAR);
	struct bs_header h;
	unsigned char mac[HS_MAC_MAX];
	size_t	 i, k;
	int	 n, match = 0;

	if (hdr == NULL)
		return 0;
	bs_parse(hdr, &h);
	if (h.t == NULL || h.nsig == 0) {
		*why = "X-BoldSign-Signature lacks t= or s0=";
		return -1;
	}
	if (!hs_timestamp_ok(h.t, h.tlen, now, ep->tolerance, 1, NULL, why))
		return -1;
	/* every key against every signature: timing says nothing */
	for (k = 0; k < ep->nkeys; k++) {
		n = hs_hmac("SHA256", &ep->keys[k], h.t, h.tlen, ".", 1,
		    req->body, req->body_len, mac);
		for (i = 0; n > 0 && i < h.nsig; i++)
			match |= hs_sig_matches(h.sig[i], h.siglen[i],
			    HS_ENC_HEX, mac, (size_t)n);
	}
	if (!match) {
		*why = "bad signature";
		return -1;
	}
	return 0;
}

static int
is_verification(struct json_object *root)
{
	struct json_object *t = hs_event_path(root, "event.eventType");

	return json_object_is_type(t, json_type_string) &&
	    strcmp(json_object_get_string(t), "Verification") == 0;
}

static int
boldsign_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	struct json_object *doc;

	(void)ep;
	if (is_verification(root))
		return HS_DESCRIBE_ACK;
	if (hs_request_var(req, SIG_VAR) == NULL) {
		*why = "missing X-BoldSign-Signature";
		return HS_DESCRIBE_AUTH;
	}
	if (hs_event_set_name_json(ev, hs_event_path(root, "event.eventType"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id_json(ev->delivery_id, hs_event_path(root, "event.id"));
	/* event.id is inside the signed body: a replay carries the same one */
	memcpy(ev->dedup_extra, ev->delivery_id, sizeof ev->delivery_id);
	/* document events name a document, template events a template */
	doc = hs_event_path(root, "data.documentId");
	hs_event_set_id_json(ev->document_id, doc ? doc :
	    hs_event_path(root, "data.templateId"));
	hs_event_set_time_json(ev, hs_event_path(root, "event.created"));
	hs_event_set_actor(ev, hs_event_path(root, "context.actor"));
	return 0;
}

static int
boldsign_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	char	 hex[2 * HS_MAC_MAX + 1], ts[24];

	(void)ep;
	(void)delivery_id;
	if (hs_provider_ts_mac_hex(key, now, body, len, ts, hex) == -1)
		return -1;
	/* the space after the comma is in every example BoldSign shows */
	return hs_buf_printf(headers, "X-BoldSign-Signature: t=%s, s0=%s\n",
	    ts, hex);
}

/* 32 random hex digits as a UUID's 8-4-4-4-12 */
static void
random_uuid(char out[37])
{
	char	 hex[33];

	hs_provider_random_hex(hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
	    hex + 12, hex + 16, hex + 20);
}

/*
 * A document event as in BoldSign's sample event data; "Verification"
 * gives the bare event the Verify button sends.
 */
static int
boldsign_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 id[37];
	long long now = (long long)time(NULL);

	(void)ep;
	random_uuid(id);
	hs_buf_printf(body, "{\"event\":{\"id\":\"%s\",\"created\":%lld,"
	    "\"eventType\":", id, now);
	hs_buf_add_json_string(body, event, strlen(event));
	hs_buf_adds(body, ",\"clientId\":null,\"environment\":\"Test\"}");
	if (strcmp(event, "Verification") == 0)
		return hs_buf_adds(body, "}");
	hs_buf_adds(body, ",\"context\":{\"eventType\":");
	hs_buf_add_json_string(body, event, strlen(event));
	return hs_buf_printf(body, ",\"actor\":{\"userType\":\"Sender\","
	    "\"id\":\"626ef377-a8b5-4ac8-9f3b-5b4e9cfb8c83\",\"name\":"
	    "\"Alex Gayle\",\"emailAddress\":\"alexgayle@cubeflakes.com\"},"
	    "\"previousState\":null},\"data\":{\"object\":\"document\","
	    "\"documentId\":\"26b8695f-46d0-4cd4-ba1a-c5a0d595c849\","
	    "\"messageTitle\":\"API Test Document\",\"documentDescription\":"
	    "\"Please sign this\",\"status\":\"InProgress\",\"senderDetail\":{"
	    "\"name\":\"Alex Gayle\",\"emailAddress\":"
	    "\"alexgayle@cubeflakes.com\"},\"signerDetails\":[{\"signerName\":"
	    "\"Richard\",\"signerRole\":\"\",\"signerEmail\":"
	    "\"richard@cubeflakes.com\",\"status\":\"NotCompleted\","
	    "\"isViewed\":false,\"order\":1}],\"createdDate\":%lld,"
	    "\"expiryDate\":%lld,\"enableSigningOrder\":false,"
	    "\"isDeleted\":false,\"labels\":[]}}", now, now + 60 * 86400);
}

static const char *const boldsign_fields[] = {
	"event.eventType", "event.id", "event.created", "data.documentId",
	"data.templateId", "context.actor", NULL
};

const struct hs_provider hs_provider_boldsign = {
	.fields = boldsign_fields,
	.name = "boldsign",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = boldsign_verify,
	.describe = boldsign_describe,
	.sign = boldsign_sign,
	.sample = boldsign_sample,
};
