/*
 * prov_documenso.c - Documenso sends the secret itself in X-Documenso-Secret
 * (no HMAC). No delivery id exists. A retry re-sends the stored payload
 * byte for byte with a fresh outer createdAt, so duplicates are recognised
 * by event + SHA-256 of the raw `payload` text. payload.updatedAt is no
 * state stamp: opening and signing touch only Recipient rows, so two
 * recipients' DOCUMENT_SIGNED share id and updatedAt but not payload bytes.
 */
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

static int
documenso_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	const char *secret = hs_request_var(req, "HTTP_X_DOCUMENSO_SECRET");

	(void)now;
	if (secret == NULL) {
		*why = "missing X-Documenso-Secret";
		return -1;
	}
	if (!hs_secret_matches(ep, secret)) {
		*why = "bad secret";
		return -1;
	}
	return 0;
}

static int
documenso_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	struct json_object *doc = hs_event_path(root, "payload"), *t;
	char	 payload_sha[65];

	(void)ep;
	if (hs_event_set_name_json(ev, hs_event_path(root, "event"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	/* Test and resend deliveries before PR #2710 were double-wrapped. */
	if (hs_event_path(doc, "event") &&
	    json_object_is_type(hs_event_path(doc, "payload"),
	    json_type_object))
		doc = hs_event_path(doc, "payload");
	hs_event_set_id_json(ev->document_id, hs_event_path(doc, "id"));
	t = hs_event_path(doc, "updatedAt");
	hs_event_set_time_json(ev, t ? t : hs_event_path(root, "createdAt"));
	/* an unmerged proposal (documenso#3204); kept, never required */
	hs_event_set_id(ev->delivery_id,
	    hs_request_var(req, "HTTP_X_DOCUMENSO_DELIVERY_ID"));
	if (ev->raw[0] == NULL) {
		/* no payload: nothing stable to key on but the body */
		ev->dedup_extra[0] = '\0';
		return 0;
	}
	hs_sha256_hex(ev->raw[0], ev->raw_len[0], payload_sha);
	/*
	 * A second reminder of an unchanged document has the same payload
	 * bytes as the first: only createdAt tells them apart, and it also
	 * changes on a retry. A duplicate is better than a lost reminder.
	 */
	if (strcmp(ev->name, "DOCUMENT_REMINDER_SENT") == 0) {
		char	 created[HS_ID_MAX + 1];

		hs_event_set_id_json(created, hs_event_path(root,
		    "createdAt"));
		snprintf(ev->dedup_extra, sizeof ev->dedup_extra, "%s\n%s\n%s",
		    ev->name, payload_sha, created);
	} else
		snprintf(ev->dedup_extra, sizeof ev->dedup_extra, "%s\n%s",
		    ev->name, payload_sha);
	return 0;
}

static int
documenso_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	(void)ep;
	(void)body;
	(void)len;
	(void)now;
	(void)delivery_id;
	hs_buf_adds(headers, "X-Documenso-Secret: ");
	hs_buf_add(headers, key->bytes, key->len);
	return hs_buf_adds(headers, "\n");
}

static int
documenso_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 ts[HS_RFC3339_LEN];

	(void)ep;
	hs_clock_rfc3339(hs_clock_now(), ts);
	memmove(ts + 23, ts + 26, 2);
	hs_buf_adds(body, "{\"event\":");
	hs_buf_add_json_string(body, event, strlen(event));
	hs_buf_printf(body, ",\"payload\":{\"id\":10,\"envelopeId\":"
	    "\"envelope_abcdefhiklmnorst\",\"externalId\":null,\"userId\":1,"
	    "\"authOptions\":null,\"formValues\":null,\"visibility\":\"EVERYONE\","
	    "\"title\":\"contract.pdf\",\"status\":\"COMPLETED\","
	    "\"createdAt\":\"2024-04-22T11:44:43.341Z\",\"updatedAt\":\"%s\","
	    "\"completedAt\":\"%s\",\"deletedAt\":null,\"teamId\":null,"
	    "\"templateId\":null,\"source\":\"DOCUMENT\",\"documentMeta\":null,"
	    "\"recipients\":[{\"id\":51,\"envelopeId\":"
	    "\"envelope_abcdefhiklmnorst\",\"documentId\":10,\"templateId\":null,"
	    "\"email\":\"signer@example.com\",\"name\":\"John Doe\","
	    "\"token\":\"HkrptwS42ZBXdRKj1TyUo\",\"signedAt\":\"%s\","
	    "\"role\":\"SIGNER\",\"readStatus\":\"OPENED\","
	    "\"signingStatus\":\"SIGNED\",\"sendStatus\":\"SENT\"}]},"
	    "\"createdAt\":\"%s\",\"webhookEndpoint\":"
	    "\"https://your-server.example/webhooks/documenso\"}", ts, ts, ts, ts);
	return body->oom ? -1 : 0;
}

static const char *const documenso_fields[] = {
	"event", "createdAt", "payload.id", "payload.updatedAt",
	"payload.event", "payload.payload.id",
	"payload.payload.updatedAt", NULL
};

/* read as raw text only, never parsed: the dedup key hashes it */
static const char *const documenso_raw_fields[] = { "payload", NULL };

const struct hs_provider hs_provider_documenso = {
	.fields = documenso_fields,
	.raw_fields = documenso_raw_fields,
	.name = "documenso",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = documenso_verify,
	.describe = documenso_describe,
	.sign = documenso_sign,
	.sample = documenso_sample,
};
