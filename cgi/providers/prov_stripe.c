/*
 * prov_stripe.c - Stripe-Signature: t=<unix>,v1=<hex>[,v1=...] over
 * "<t>.<body>"; the key is the whole secret string, whsec_ included.
 * Like Stripe's libraries, only too-old timestamps are refused.
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

#define MAX_ITEMS	16

static int
stripe_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	const char *hdr = hs_request_var(req, "HTTP_STRIPE_SIGNATURE");
	const char *p, *item, *t = NULL, *v1[MAX_ITEMS];
	size_t	 tlen = 0, v1len[MAX_ITEMS], nv1 = 0, len, i, k;
	unsigned char mac[HS_MAC_MAX];
	int	 n, match = 0, items = 0;

	if (hdr == NULL) {
		*why = "missing Stripe-Signature";
		return -1;
	}
	for (p = hdr; *p && items < 4 * MAX_ITEMS; items++) {
		item = p;
		len = strcspn(p, ",");
		p += len + (p[len] == ',');
		if (len > 2 && item[0] == 't' && item[1] == '=' && t == NULL) {
			t = item + 2;
			tlen = len - 2;
		} else if (len > 3 && strncmp(item, "v1=", 3) == 0 &&
		    nv1 < MAX_ITEMS) {
			v1[nv1] = item + 3;
			v1len[nv1++] = len - 3;
		}
	}
	if (t == NULL || nv1 == 0) {
		*why = "Stripe-Signature lacks t= or v1=";
		return -1;
	}
	if (!hs_timestamp_ok(t, tlen, now, ep->tolerance, 0, NULL, why))
		return -1;
	for (k = 0; k < ep->nkeys; k++) {
		n = hs_hmac("SHA256", &ep->keys[k], t, tlen, ".", 1, req->body,
		    req->body_len, mac);
		for (i = 0; n > 0 && i < nv1; i++)
			match |= hs_sig_matches(v1[i], v1len[i], HS_ENC_HEX,
			    mac, (size_t)n);
	}
	if (!match) {
		*why = "bad signature";
		return -1;
	}
	return 0;
}

static int
stripe_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	(void)ep;
	(void)req;
	if (hs_event_set_name_json(ev, hs_event_path(root, "type"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id_json(ev->delivery_id, hs_event_path(root, "id"));
	/* the id is inside the signed body: a replay carries the same one */
	memcpy(ev->dedup_extra, ev->delivery_id, sizeof ev->delivery_id);
	hs_event_set_id_json(ev->document_id,
	    hs_event_path(root, "data.object.id"));
	hs_event_set_time_json(ev, hs_event_path(root, "created"));
	return 0;
}

static int
stripe_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	char	 hex[2 * HS_MAC_MAX + 1], ts[24];

	(void)ep;
	(void)delivery_id;
	if (hs_provider_ts_mac_hex(key, now, body, len, ts, hex) == -1)
		return -1;
	return hs_buf_printf(headers, "Stripe-Signature: t=%s,v1=%s\n", ts,
	    hex);
}

static int
stripe_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 id[33];

	(void)ep;
	hs_provider_random_hex(id);
	id[24] = '\0';
	hs_buf_printf(body, "{\"id\":\"evt_%s\",\"object\":\"event\","
	    "\"api_version\":\"2024-06-20\",\"created\":%lld,\"data\":{"
	    "\"object\":{\"id\":\"pi_3MtwBwLkdIwHu7ix28a3tqPa\","
	    "\"object\":\"payment_intent\",\"amount\":2000,\"currency\":\"usd\","
	    "\"status\":\"succeeded\"}},\"livemode\":false,"
	    "\"pending_webhooks\":1,\"request\":{\"id\":null,"
	    "\"idempotency_key\":null},\"type\":", id, (long long)time(NULL));
	hs_buf_add_json_string(body, event, strlen(event));
	return hs_buf_adds(body, "}");
}

static const char *const stripe_fields[] = {
	"type", "id", "data.object.id", "created", NULL
};

const struct hs_provider hs_provider_stripe = {
	.fields = stripe_fields,
	.name = "stripe",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = stripe_verify,
	.describe = stripe_describe,
	.sign = stripe_sign,
	.sample = stripe_sample,
};
