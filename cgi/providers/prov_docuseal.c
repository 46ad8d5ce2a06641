/*
 * prov_docuseal.c - DocuSeal (docusealco/docuseal, since 2.5.3):
 * X-Docuseal-Signature: <unix>.<hex HMAC-SHA256(secret, "<unix>.<body>")>,
 * split on the first '.'; the key is the whole secret string, whsec_
 * included, never base64-decoded (lib/webhook_urls/signatures.rb), and
 * its verifier's window is +-300 s.
 *
 * The dashboard's test webhook (app/jobs/send_test_webhook_request_job.rb)
 * is a form.completed that carries no signature: refused unless the
 * endpoint sets accept_unsigned_test, and then kept apart, in pending/
 * with "verified": false, so that no handler takes it for a real one.
 *
 * No delivery id is sent; the body's timestamp is the event's creation
 * time, the same on every retry, so event_type + timestamp + data.id name
 * one delivery.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_clock.h"
#include "hs_codec.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_verify.h"

#define SIG_VAR		"HTTP_X_DOCUSEAL_SIGNATURE"
#define TEST_EVENT	"form.completed"	/* what the test job sends */

static int
docuseal_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	const char *hdr = hs_request_var(req, SIG_VAR), *dot;
	unsigned char mac[HS_MAC_MAX];
	size_t	 tlen, k;
	int	 n, match = 0;

	if (hdr == NULL) {
		/* describe() keeps it unverified, or refuses it */
		if (ep->accept_unsigned_test)
			return 0;
		*why = "missing X-Docuseal-Signature";
		return -1;
	}
	if ((dot = strchr(hdr, '.')) == NULL) {
		*why = "X-Docuseal-Signature is not <timestamp>.<hex>";
		return -1;
	}
	tlen = (size_t)(dot - hdr);
	if (!hs_timestamp_ok(hdr, tlen, now, ep->tolerance, 1, NULL, why))
		return -1;
	for (k = 0; k < ep->nkeys; k++) {
		n = hs_hmac("SHA256", &ep->keys[k], hdr, tlen, ".", 1,
		    req->body, req->body_len, mac);
		if (n > 0)
			match |= hs_sig_matches(dot + 1, strlen(dot + 1),
			    HS_ENC_HEX, mac, (size_t)n);
	}
	if (!match) {
		*why = "bad signature";
		return -1;
	}
	return 0;
}

static int
docuseal_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	struct json_object *doc;
	char	 ts[HS_ID_MAX + 1], id[HS_ID_MAX + 1];

	(void)ep;
	if (hs_event_set_name_json(ev, hs_event_path(root, "event_type"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	if (hs_request_var(req, SIG_VAR) == NULL) {
		/* only accept_unsigned_test gets here */
		if (strcmp(ev->name, TEST_EVENT) != 0) {
			*why = "missing X-Docuseal-Signature";
			return HS_DESCRIBE_AUTH;
		}
		ev->verified = 0;
	}
	/* form.* describe a submitter, submission.* and template.* their own */
	if (strncmp(ev->name, "form.", 5) == 0) {
		doc = hs_event_path(root, "data.submission.id");
		hs_event_set_id_json(ev->document_id, doc ? doc :
		    hs_event_path(root, "data.submission_id"));
		hs_event_set_actor(ev, hs_event_path(root, "data.email"));
	} else
		hs_event_set_id_json(ev->document_id,
		    hs_event_path(root, "data.id"));
	hs_event_set_time_json(ev, hs_event_path(root, "timestamp"));
	hs_event_set_id_json(ts, hs_event_path(root, "timestamp"));
	hs_event_set_id_json(id, hs_event_path(root, "data.id"));
	/*
	 * All three are signed, but an unsigned test could copy them from a
	 * guess and so mark a real delivery a duplicate: its key stays apart.
	 */
	if (!ev->verified)
		snprintf(ev->dedup_extra, sizeof ev->dedup_extra,
		    "unsigned\n%s", ev->body_sha256);
	else if (ts[0] && id[0])
		snprintf(ev->dedup_extra, sizeof ev->dedup_extra, "%s\n%s\n%s",
		    ev->name, ts, id);
	return 0;
}

static int
docuseal_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	char	 hex[2 * HS_MAC_MAX + 1], ts[24];

	(void)ep;
	(void)delivery_id;
	if (hs_provider_ts_mac_hex(key, now, body, len, ts, hex) == -1)
		return -1;
	/* lib/send_webhook_request.rb's USER_AGENT, for a faithful test */
	return hs_buf_printf(headers, "User-Agent: DocuSeal.com Webhook\n"
	    "X-Docuseal-Signature: %s.%s\n", ts, hex);
}

/*
 * The shapes of lib/submitters/serialize_for_webhook.rb (form.*), the
 * submission and template webhooks of docs/webhooks/, abridged; the
 * timestamp as Rails writes a created_at (milliseconds, Z).
 */
static int
docuseal_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 ts[HS_RFC3339_LEN];

	(void)ep;
	hs_clock_rfc3339(hs_clock_now(), ts);
	memmove(ts + 23, ts + 26, 2);
	hs_buf_adds(body, "{\"event_type\":");
	hs_buf_add_json_string(body, event, strlen(event));
	hs_buf_printf(body, ",\"timestamp\":\"%s\",\"data\":", ts);
	if (strncmp(event, "template.", 9) == 0)
		return hs_buf_printf(body, "{\"id\":7,\"slug\":"
		    "\"iRgjDX7WDK6BRo\",\"name\":\"NDA\",\"schema\":[{"
		    "\"attachment_uuid\":\"d94e615f-76e3-46d5-8f98-36bdacb8664a\","
		    "\"name\":\"nda\"}],\"fields\":[],\"submitters\":[{\"name\":"
		    "\"First Party\",\"uuid\":"
		    "\"2d6d2bf4-1f2a-4c4b-86d0-0c3a1ce7b1d5\"}],"
		    "\"author_id\":1,\"archived_at\":null,\"created_at\":\"%s\","
		    "\"updated_at\":\"%s\",\"source\":\"native\","
		    "\"folder_id\":1,\"external_id\":null}}", ts, ts);
	if (strncmp(event, "submission.", 11) == 0)
		return hs_buf_printf(body, "{\"id\":12,\"name\":null,"
		    "\"source\":\"link\",\"submitters_order\":\"random\","
		    "\"slug\":\"VyL4szTwYoSvXq\",\"status\":\"completed\","
		    "\"audit_log_url\":\"https://docuseal.com/file/audit.pdf\","
		    "\"combined_document_url\":null,\"expire_at\":null,"
		    "\"completed_at\":\"%s\",\"created_at\":\"%s\","
		    "\"updated_at\":\"%s\",\"archived_at\":null,"
		    "\"submitters\":[{\"id\":1,\"email\":\"john@example.com\","
		    "\"status\":\"completed\"}],\"template\":{\"id\":7,"
		    "\"name\":\"NDA\"},\"created_by_user\":{\"id\":1,"
		    "\"email\":\"admin@example.com\"}}}", ts, ts, ts);
	return hs_buf_printf(body, "{\"id\":1,\"submission_id\":12,"
	    "\"email\":\"john@example.com\",\"phone\":null,\"name\":null,"
	    "\"ua\":\"Mozilla/5.0\",\"ip\":\"203.0.113.7\",\"sent_at\":null,"
	    "\"opened_at\":\"%s\",\"completed_at\":\"%s\",\"declined_at\":null,"
	    "\"created_at\":\"%s\",\"updated_at\":\"%s\",\"external_id\":null,"
	    "\"metadata\":{},\"status\":\"completed\",\"role\":\"First Party\","
	    "\"preferences\":{},\"values\":[{\"field\":\"Full Name\","
	    "\"value\":\"John Doe\"}],\"documents\":[{\"name\":\"nda\","
	    "\"url\":\"https://docuseal.com/file/nda.pdf\"}],"
	    "\"audit_log_url\":\"https://docuseal.com/file/audit.pdf\","
	    "\"submission_url\":\"https://docuseal.com/e/VyL4szTwYoSvXq\","
	    "\"template\":{\"id\":7,\"name\":\"NDA\",\"external_id\":null,"
	    "\"folder_name\":\"Default\",\"created_at\":\"%s\","
	    "\"updated_at\":\"%s\"},\"submission\":{\"id\":12,"
	    "\"audit_log_url\":\"https://docuseal.com/file/audit.pdf\","
	    "\"combined_document_url\":null,\"status\":\"completed\","
	    "\"url\":\"https://docuseal.com/e/VyL4szTwYoSvXq\","
	    "\"variables\":{},\"created_at\":\"%s\"}}}", ts, ts, ts, ts, ts,
	    ts, ts);
}

static const char *const docuseal_fields[] = {
	"event_type", "timestamp", "data.id", "data.submission_id",
	"data.submission.id", "data.email", NULL
};

#define OFF(f)	offsetof(struct hs_endpoint, f)
static const struct hs_option docuseal_options[] = {
	{ "accept_unsigned_test", HS_OPT_BOOL, OFF(accept_unsigned_test), 0,
	    0, NULL, NULL, "take the unsigned test webhook into pending/ "
	    "(false)" },
	{ "max_pending", HS_OPT_LONG, OFF(max_pending), 1, 10000000, NULL,
	    NULL, "unsigned tests that may wait in pending/ (1000)" },
	{ "max_pending_bytes", HS_OPT_LONGLONG, OFF(max_pending_bytes), 1024,
	    1LL << 40, NULL, NULL, "bytes that may wait in pending/ (64 MiB)" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL }
};

static const char *
docuseal_weak_auth(const struct hs_endpoint *ep)
{
	if (!ep->accept_unsigned_test)
		return NULL;
	return "accept_unsigned_test takes DocuSeal's unsigned test event "
	    "(pending/, verified_scope \"none\"): set allow_from, or turn it "
	    "off once the webhook is set up";
}

const struct hs_provider hs_provider_docuseal = {
	.weak_auth = docuseal_weak_auth,
	.fields = docuseal_fields,
	.options = docuseal_options,
	.name = "docuseal",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = docuseal_verify,
	.describe = docuseal_describe,
	.sign = docuseal_sign,
	.sample = docuseal_sample,
};
