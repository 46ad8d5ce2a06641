/*
 * prov_zoho_sign.c - Zoho Sign: X-ZS-WEBHOOK-SIGNATURE is the standard
 * base64 of HMAC-SHA256 of the raw body, keyed with the webhook's secret
 * as its UTF-8 bytes (Zoho's page writes "HMAC SHA-256(payload+secret_key)";
 * its own vector shows it is a keyed HMAC, nothing appended). The event is
 * notifications.operation_type, the document requests.request_id.
 *
 * Zoho calls the HMAC optional: a webhook is created with or without a
 * secret. hookspool requires one (config: at least one secret; request:
 * the header, else 401). Anyone who can create the webhook can give it a
 * secret, and an unsigned Zoho delivery can be proven by nothing else:
 * no token to check back as with Ignisign, so pending/ would never drain,
 * and verified:false in new/ would hand every forged POST to the
 * handlers.
 *
 * No delivery id and no timestamp are sent, and no field is documented as
 * unique: the dedup key is the body's SHA-256.
 */
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_clock.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"

static const struct hs_body_mac zoho_mac = {
	.var = "HTTP_X_ZS_WEBHOOK_SIGNATURE",
	.header = "X-ZS-WEBHOOK-SIGNATURE",
	.prefix = "",
	.digest = "SHA256",
	.enc = HS_ENC_BASE64,
	.missing = "missing X-ZS-WEBHOOK-SIGNATURE",
};

static int
zoho_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	(void)now;
	return hs_provider_body_mac_verify(ep, req, &zoho_mac, why);
}

static int
zoho_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	(void)ep;
	(void)req;
	if (hs_event_set_name_json(ev, hs_event_path(root,
	    "notifications.operation_type"), why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id_json(ev->document_id,
	    hs_event_path(root, "requests.request_id"));
	hs_event_set_actor(ev, hs_event_path(root,
	    "notifications.performed_by_email"));
	/* milliseconds */
	hs_event_set_time_json(ev, hs_event_path(root,
	    "notifications.performed_at"));
	return 0;
}

static int
zoho_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	(void)ep;
	(void)now;
	(void)delivery_id;
	return hs_provider_body_mac_sign(&zoho_mac, key, body, len, headers);
}

/* the root Zoho's page shows, with the fields its deliveries carry */
static int
zoho_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	struct timespec now = hs_clock_now();

	(void)ep;
	hs_buf_adds(body, "{\"requests\":{\"request_name\":\"contract.pdf\","
	    "\"request_id\":\"2000000123456\",\"request_status\":\"inprogress\","
	    "\"actions\":[{\"action_id\":\"2000000123460\",\"action_type\":"
	    "\"SIGN\",\"recipient_email\":\"signer@example.com\","
	    "\"action_status\":\"SIGNED\"}]},\"notifications\":{"
	    "\"operation_type\":");
	hs_buf_add_json_string(body, event, strlen(event));
	return hs_buf_printf(body, ",\"performed_by_email\":"
	    "\"signer@example.com\",\"performed_at\":%lld}}",
	    (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
}

static const char *const zoho_fields[] = {
	"notifications.operation_type", "requests.request_id",
	"notifications.performed_by_email", "notifications.performed_at",
	NULL
};

const struct hs_provider hs_provider_zoho_sign = {
	.fields = zoho_fields,
	.name = "zoho-sign",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = zoho_verify,
	.describe = zoho_describe,
	.sign = zoho_sign,
	.sample = zoho_sample,
};
