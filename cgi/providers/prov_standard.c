/*
 * prov_standard.c - Standard Webhooks (and Svix): webhook-id,
 * webhook-timestamp, webhook-signature = space-separated "v1,<base64>"
 * over "<id>.<timestamp>.<body>"; key = base64 of the secret after whsec_.
 * The window is symmetric (+-tolerance), as in the reference libraries.
 *
 * The asymmetric scheme "v1a,<base64>" signs the same content with
 * ed25519; its keys are whpk_<base64 of the 32-byte public key> (what the
 * receiver lists) and whsk_<base64 of the 32-byte seed> (what only
 * `hookspool sign` reads; seed||public, 64 bytes, is taken too when the
 * halves agree). A v1 entry is checked against whsec_ keys only, a v1a
 * entry against whpk_ keys only; one match of either passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_clock.h"
#include "hs_codec.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_verify.h"

#include <openssl/crypto.h>

/* signature list entries read, and of those v1a ones verified (CPU bound) */
#define SW_ITEMS_MAX	64
#define SW_V1A_MAX	8

struct sw_headers {
	const char *id, *ts, *sig;
};

/* webhook-* wins; svix-* is the same scheme under Svix's own names. */
static void
sw_headers(const struct hs_request *req, struct sw_headers *h)
{
	h->id = hs_request_var(req, "HTTP_WEBHOOK_ID");
	h->ts = hs_request_var(req, "HTTP_WEBHOOK_TIMESTAMP");
	h->sig = hs_request_var(req, "HTTP_WEBHOOK_SIGNATURE");
	if (h->id == NULL && h->ts == NULL && h->sig == NULL) {
		h->id = hs_request_var(req, "HTTP_SVIX_ID");
		h->ts = hs_request_var(req, "HTTP_SVIX_TIMESTAMP");
		h->sig = hs_request_var(req, "HTTP_SVIX_SIGNATURE");
	}
}

/*
 * whpk_ (kind HS_KEY_ED25519_PUB, 32 bytes) and whsk_ (HS_KEY_ED25519_SEED,
 * the 32-byte seed). Padding may be left out, as for whsec_.
 */
static int
sw_load_ed25519(const char *secret, struct hs_key *key, const char **why)
{
	unsigned char raw[2 * HS_ED25519_KEY + 3], pub[HS_ED25519_KEY];
	int	 pk = strncmp(secret, "whpk_", 5) == 0;
	size_t	 len;
	long	 n;

	secret += 5;
	len = strlen(secret);
	if (len > 4 * sizeof raw / 3 ||
	    (n = hs_base64_decode(secret, len, raw, sizeof raw, 1)) < 0) {
		*why = pk ? "whpk_ key is not base64" :
		    "whsk_ key is not base64";
		return -1;
	}
	if (pk && n != HS_ED25519_KEY) {
		*why = "whpk_ key is not 32 bytes (an ed25519 public key)";
		goto fail;
	}
	if (!pk && n != HS_ED25519_KEY && n != 2 * HS_ED25519_KEY) {
		*why = "whsk_ key is not 32 bytes (an ed25519 seed) or 64 "
		    "(seed and public key)";
		goto fail;
	}
	if (!pk && (hs_ed25519_public(raw, pub) == -1 ||
	    (n == 2 * HS_ED25519_KEY &&
	    CRYPTO_memcmp(pub, raw + HS_ED25519_KEY, HS_ED25519_KEY) != 0))) {
		*why = "whsk_ key: its public half is not its seed's";
		goto fail;
	}
	if ((key->bytes = malloc(HS_ED25519_KEY)) == NULL) {
		*why = "out of memory";
		goto fail;
	}
	memcpy(key->bytes, raw, HS_ED25519_KEY);
	key->len = HS_ED25519_KEY;
	key->kind = pk ? HS_KEY_ED25519_PUB : HS_KEY_ED25519_SEED;
	OPENSSL_cleanse(raw, sizeof raw);
	return 0;
fail:
	OPENSSL_cleanse(raw, sizeof raw);
	return -1;
}

static int
sw_load_key(const char *secret, struct hs_key *key, const char **why)
{
	size_t	 len;
	long	 n;

	if (strncmp(secret, "whpk_", 5) == 0 || strncmp(secret, "whsk_", 5) == 0)
		return sw_load_ed25519(secret, key, why);
	if (strncmp(secret, "whsec_", 6) == 0)
		secret += 6;
	len = strlen(secret);
	if (len == 0 || len > 256) {
		*why = "whsec_ secret is empty or too long";
		return -1;
	}
	if ((key->bytes = malloc(len)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	n = hs_base64_decode(secret, len, key->bytes, len, 1);
	if (n <= 0) {
		free(key->bytes);
		key->bytes = NULL;
		*why = "secret is not base64 (expected whsec_<base64>)";
		return -1;
	}
	key->len = (size_t)n;
	return 0;
}

/*
 * The v1a entries of the list against the whpk_ keys. Public keys: no
 * secret to hide in the timing, so the first match ends the search.
 */
static int
sw_v1a_matches(const struct hs_endpoint *ep, const char *list,
    const char *prefix, size_t pn, const struct hs_request *req)
{
	unsigned char sig[HS_ED25519_SIG + 2];
	const char *p, *item;
	size_t	 len, k;
	long	 n;
	int	 items, tried = 0;

	for (k = 0; k < ep->nkeys; k++)
		if (ep->keys[k].kind == HS_KEY_ED25519_PUB)
			break;
	if (k == ep->nkeys)
		return 0;
	for (p = list, items = 0; *p && items < SW_ITEMS_MAX &&
	    tried < SW_V1A_MAX; items++) {
		while (*p == ' ')
			p++;
		item = p;
		len = strcspn(p, " ");
		p += len;
		/* 64 bytes are 88 characters of padded base64 */
		if (len != 4 + 88 || strncmp(item, "v1a,", 4) != 0)
			continue;
		n = hs_base64_decode(item + 4, 88, sig, sizeof sig, 0);
		if (n != HS_ED25519_SIG)
			continue;
		tried++;
		for (k = 0; k < ep->nkeys; k++)
			if (ep->keys[k].kind == HS_KEY_ED25519_PUB &&
			    hs_ed25519_verify(ep->keys[k].bytes, sig,
			    (size_t)n, prefix, pn, req->body, req->body_len))
				return 1;
	}
	return 0;
}

static int
sw_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	struct sw_headers h;
	unsigned char mac[HS_MAC_MAX];
	const char *p, *item;
	char	 prefix[2 * HS_ID_MAX + 32];
	size_t	 len, k;
	int	 n, pn, match = 0, items = 0;

	sw_headers(req, &h);
	if (h.id == NULL || h.ts == NULL || h.sig == NULL) {
		*why = "missing webhook-id, webhook-timestamp or "
		    "webhook-signature";
		return -1;
	}
	if (strlen(h.id) > HS_ID_MAX || strchr(h.id, '.') != NULL) {
		*why = "bad webhook-id";
		return -1;
	}
	if (!hs_timestamp_ok(h.ts, strlen(h.ts), now, ep->tolerance, 1, NULL,
	    why))
		return -1;
	pn = snprintf(prefix, sizeof prefix, "%s.%s.", h.id, h.ts);
	for (k = 0; k < ep->nkeys; k++) {
		if (ep->keys[k].kind != HS_KEY_SECRET)
			continue;
		n = hs_hmac("SHA256", &ep->keys[k], prefix, (size_t)pn,
		    req->body, req->body_len, NULL, 0, mac);
		for (p = h.sig; n > 0 && *p && items < SW_ITEMS_MAX; items++) {
			while (*p == ' ')
				p++;
			item = p;
			len = strcspn(p, " ");
			p += len;
			if (len > 3 && strncmp(item, "v1,", 3) == 0)
				match |= hs_sig_matches(item + 3, len - 3,
				    HS_ENC_BASE64, mac, (size_t)n);
		}
		items = 0;
	}
	if (!match)
		match = sw_v1a_matches(ep, h.sig, prefix, (size_t)pn, req);
	if (!match) {
		*why = "bad signature";
		return -1;
	}
	return 0;
}

static int
sw_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	struct sw_headers h;
	struct json_object *ts;
	long long secs = 0;

	(void)ep;
	if (hs_event_set_name_json(ev, hs_event_path(root, "type"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	sw_headers(req, &h);
	hs_event_set_id(ev->delivery_id, h.id);
	/* webhook-id is signed, and the spec's idempotency key */
	memcpy(ev->dedup_extra, ev->delivery_id, sizeof ev->delivery_id);
	ts = hs_event_path(root, "timestamp");
	if (ts)
		hs_event_set_time_json(ev, ts);
	else if (h.ts && hs_timestamp_ok(h.ts, strlen(h.ts), 0, 0, 0, &secs,
	    why))
		hs_event_set_time_secs(ev, secs);
	hs_event_set_id_json(ev->document_id, hs_event_path(root, "data.id"));
	return 0;
}

static int
sw_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	unsigned char mac[HS_MAC_MAX], sig[HS_ED25519_SIG];
	char	 b64[2 * HS_MAC_MAX], prefix[2 * HS_ID_MAX + 32], id[40];
	int	 n, pn;

	(void)ep;
	if (delivery_id == NULL) {
		memcpy(id, "msg_", 4);
		hs_provider_random_hex(id + 4);
		delivery_id = id;
	}
	pn = snprintf(prefix, sizeof prefix, "%s.%lld.", delivery_id, now);
	if (pn < 0 || (size_t)pn >= sizeof prefix)
		return -1;
	if (key->kind == HS_KEY_ED25519_SEED) {
		if (hs_ed25519_sign(key->bytes, prefix, (size_t)pn, body, len,
		    sig) == -1)
			return -1;
		hs_base64_encode(sig, sizeof sig, b64);
		return hs_buf_printf(headers, "webhook-id: %s\n"
		    "webhook-timestamp: %lld\nwebhook-signature: v1a,%s\n",
		    delivery_id, now, b64);
	}
	if (key->kind != HS_KEY_SECRET)
		return -1;	/* a public key cannot sign */
	if ((n = hs_hmac("SHA256", key, prefix, (size_t)pn, body, len, NULL, 0,
	    mac)) < 0)
		return -1;
	hs_base64_encode(mac, (size_t)n, b64);
	return hs_buf_printf(headers, "webhook-id: %s\nwebhook-timestamp: %lld\n"
	    "webhook-signature: v1,%s\n", delivery_id, now, b64);
}

static int
sw_sample(const struct hs_endpoint *ep, const char *event, struct hs_buf *body)
{
	char	 ts[HS_RFC3339_LEN];

	(void)ep;
	hs_clock_rfc3339(hs_clock_now(), ts);
	hs_buf_adds(body, "{\"type\":");
	hs_buf_add_json_string(body, event, strlen(event));
	return hs_buf_printf(body, ",\"timestamp\":\"%s\",\"data\":{"
	    "\"id\":\"inv_2kU9HcQzZcC4\",\"status\":\"paid\",\"amount\":4200}}",
	    ts);
}

static const char *const standard_fields[] = {
	"type", "timestamp", "data.id", NULL
};

const struct hs_provider hs_provider_standard = {
	.fields = standard_fields,
	.name = "standard-webhooks",
	.flags = HS_PROV_NEEDS_SECRET,
	.load_key = sw_load_key,
	.verify = sw_verify,
	.describe = sw_describe,
	.sign = sw_sign,
	.sample = sw_sample,
};
