/*
 * prov_circularo.c - Circularo: X-Circularo-Signature is the hex
 * HMAC-SHA256 of the raw body (no prefix, case not documented).
 */
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_clock.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"

static const struct hs_body_mac circularo_mac = {
	.var = "HTTP_X_CIRCULARO_SIGNATURE",
	.header = "X-Circularo-Signature",
	.prefix = "",
	.digest = "SHA256",
	.enc = HS_ENC_HEX,
	.missing = "missing X-Circularo-Signature",
};

static int
circularo_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	(void)now;
	return hs_provider_body_mac_verify(ep, req, &circularo_mac, why);
}

static int
circularo_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	(void)ep;
	(void)req;
	if (hs_event_set_name_json(ev, hs_event_path(root, "event"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id_json(ev->document_id,
	    hs_event_path(root, "documentId"));
	hs_event_set_actor(ev, hs_event_path(root, "actor"));
	hs_event_set_time_json(ev, hs_event_path(root, "timestamp"));
	return 0;
}

static int
circularo_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	(void)ep;
	(void)now;
	(void)delivery_id;
	return hs_provider_body_mac_sign(&circularo_mac, key, body, len,
	    headers);
}

static int
circularo_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 ts[HS_RFC3339_LEN];

	(void)ep;
	hs_clock_rfc3339(hs_clock_now(), ts);
	/* milliseconds, as every other Circularo timestamp */
	memmove(ts + 23, ts + 26, 2);
	hs_buf_adds(body, "{\"documentId\":\"aB3dEfGh12kLmN0pQ\",\"event\":");
	hs_buf_add_json_string(body, event, strlen(event));
	return hs_buf_printf(body, ",\"actor\":\"mary.griffin@circularo.com\","
	    "\"timestamp\":\"%s\"}", ts);
}

static const char *const circularo_fields[] = {
	"event", "documentId", "actor", "timestamp", NULL
};

const struct hs_provider hs_provider_circularo = {
	.fields = circularo_fields,
	.name = "circularo",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = circularo_verify,
	.describe = circularo_describe,
	.sign = circularo_sign,
	.sample = circularo_sample,
};
