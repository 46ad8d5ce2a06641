/*
 * prov_yousign.c - Yousign (API v3): X-Yousign-Signature-256 is
 * "sha256=<lower-case hex HMAC-SHA256 of the raw body>", keyed with the
 * subscription's secret_key string. The event is event_name; event_id (a
 * UUID inside the signed body, the same on every retry) is the delivery
 * id and, as Yousign's docs say to, the dedup key. The scheme has no
 * timestamp: event_time is in the signed body but stays the same through
 * retries that span days, so it bounds no replay window. A captured
 * delivery replayed later is a duplicate by its event_id for as long as
 * its marker is kept (`purge` sweeps them). X-Yousign-Issued-At and the
 * retry counter are unsigned and not read.
 *
 * Yousign waits 1 s for the first attempt (10 s for retries): the answer
 * comes after the durable write, so `make bench` measures that latency
 * under load (BENCHMARKS.md, "Yousign's 1 s").
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_clock.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"

static const struct hs_body_mac yousign_mac = {
	.var = "HTTP_X_YOUSIGN_SIGNATURE_256",
	.header = "X-Yousign-Signature-256",
	.prefix = "sha256=",
	.digest = "SHA256",
	.enc = HS_ENC_HEX,
	.missing = "missing X-Yousign-Signature-256",
	.unprefixed = "X-Yousign-Signature-256 lacks sha256=",
};

static int
yousign_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	(void)now;
	return hs_provider_body_mac_verify(ep, req, &yousign_mac, why);
}

static int
yousign_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	(void)ep;
	(void)req;
	if (hs_event_set_name_json(ev, hs_event_path(root, "event_name"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id_json(ev->delivery_id, hs_event_path(root, "event_id"));
	/* inside the signed body: a replay carries the same one */
	memcpy(ev->dedup_extra, ev->delivery_id, sizeof ev->delivery_id);
	hs_event_set_id_json(ev->document_id,
	    hs_event_path(root, "data.signature_request.id"));
	/* Unix seconds as a string, constant through retries */
	hs_event_set_time_json(ev, hs_event_path(root, "event_time"));
	return 0;
}

static int
yousign_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	(void)ep;
	(void)now;
	(void)delivery_id;	/* event_id is in the body */
	return hs_provider_body_mac_sign(&yousign_mac, key, body, len,
	    headers);
}

/* Y2's sample message, with a fresh event_id and the time of signing */
static int
yousign_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 id[33];

	(void)ep;
	hs_provider_random_hex(id);
	hs_buf_printf(body, "{\"event_id\":\"%.8s-%.4s-4%.3s-a%.3s-%.12s\","
	    "\"event_name\":", id, id + 8, id + 12, id + 15, id + 18);
	hs_buf_add_json_string(body, event, strlen(event));
	hs_buf_printf(body, ",\"event_time\":\"%lld\",\"subscription_id\":"
	    "\"8d0e9a35-5bc4-4a25-b19e-0d0bd5e5c8a1\","
	    "\"subscription_description\":\"hookspool\",\"sandbox\":true,"
	    "\"data\":{\"signature_request\":{\"id\":"
	    "\"0f2e3f5b-59a2-4d3c-9c1e-6a2d1a3b4c5d\",\"status\":\"done\","
	    "\"name\":\"contract.pdf\"}}}", (long long)hs_clock_now().tv_sec);
	return body->oom ? -1 : 0;
}

static const char *const yousign_fields[] = {
	"event_name", "event_id", "event_time", "data.signature_request.id",
	NULL
};

const struct hs_provider hs_provider_yousign = {
	.fields = yousign_fields,
	.name = "yousign",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = yousign_verify,
	.describe = yousign_describe,
	.sign = yousign_sign,
	.sample = yousign_sample,
};
