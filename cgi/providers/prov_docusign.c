/*
 * prov_docusign.c - DocuSign Connect, JSON SIM messages (one event per
 * message, the default data model). HMAC is opt-in per Connect
 * configuration ("Include HMAC Signature"); hookspool requires it. The
 * account sends one X-DocuSign-Signature-N header per Connect key it holds
 * (N = 1, 2, ...), each the standard base64 of HMAC-SHA256 of the raw body
 * keyed with that key's UTF-8 string; "at least one of the computed
 * digests must exactly match". A delivery passes when any of headers
 * 1..100 holds the body's MAC under any configured secret: N above 100,
 * N = 0 and N with a leading zero are not read.
 *
 * The event is `event` (envelope-completed, recipient-completed, ...),
 * the document data.envelopeId. No delivery id is documented, and the one
 * field known to change between retries is retryCount, which every retry
 * increments (so the bytes and the HMAC differ). The dedup key is the
 * body's SHA-256 with retryCount's value cut out (and where it stood): a
 * retry that differs in nothing else is a duplicate, and two bodies that
 * differ anywhere else are two events, as with the plain body hash. A
 * body without retryCount: the plain body hash.
 *
 * Legacy XML messages (XML SIM or aggregate, old envelope-level
 * eventNotification) are refused with 415 and a text that says what to
 * change in the Connect configuration: an XML body is stored by nobody.
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

#define SIG_VARS	"HTTP_X_DOCUSIGN_SIGNATURE_"
#define MAX_SIGS	100	/* headers 1..100 */

/* sign() writes the first header, for the first key */
static const struct hs_body_mac docusign_mac = {
	.header = "X-DocuSign-Signature-1",
	.prefix = "",
	.digest = "SHA256",
	.enc = HS_ENC_BASE64,
};

static int
docusign_accepts(const struct hs_endpoint *ep, const char *content_type,
    const char **why)
{
	(void)ep;
	if (hs_content_type_is_json(content_type))
		return 1;
	if (hs_content_type_is(content_type, "text/xml") ||
	    hs_content_type_is(content_type, "application/xml"))
		*why = "DocuSign XML messages are not accepted: switch the "
		    "Connect configuration to JSON SIM (data format REST v2.1, "
		    "delivery mode SIM)";
	else
		*why = "Content-Type must be application/json";
	return 0;
}

/* "N=value" after the common name: N (1..MAX_SIGS) and *value, else 0 */
static int
sig_number(const char *s, const char **value)
{
	int	 n = 0, digits = 0;

	if (*s == '0')
		return 0;
	for (; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
		n = n * 10 + (*s - '0');
	if (digits == 0 || *s != '=' || n > MAX_SIGS)
		return 0;
	*value = s + 1;
	return n;
}

static int
docusign_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	const char *sig[MAX_SIGS], *v;
	size_t	 siglen[MAX_SIGS], nsig = 0, plen = strlen(SIG_VARS), i, j;
	unsigned char mac[HS_MAC_MAX];
	char	**e;
	int	 n, match = 0;

	(void)now;
	/* one pass over the environment, not a lookup per number */
	for (e = req->envp; e && *e && nsig < MAX_SIGS; e++)
		if (strncmp(*e, SIG_VARS, plen) == 0 &&
		    sig_number(*e + plen, &v) != 0 && *v != '\0') {
			sig[nsig] = v;
			siglen[nsig++] = strlen(v);
		}
	if (nsig == 0) {
		*why = "missing X-DocuSign-Signature-1";
		return -1;
	}
	/* one MAC per key, compared with every header; no early exit */
	for (i = 0; i < ep->nkeys; i++) {
		n = hs_hmac("SHA256", &ep->keys[i], req->body, req->body_len,
		    NULL, 0, NULL, 0, mac);
		for (j = 0; n > 0 && j < nsig; j++)
			match |= hs_sig_matches(sig[j], siglen[j], HS_ENC_BASE64,
			    mac, (size_t)n);
	}
	if (!match) {
		*why = "bad signature";
		return -1;
	}
	return 0;
}

static int
docusign_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	char	 sha[65];
	size_t	 at;
	const char *rest;

	(void)ep;
	if (hs_event_set_name_json(ev, hs_event_path(root, "event"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id_json(ev->document_id,
	    hs_event_path(root, "data.envelopeId"));
	hs_event_set_time_json(ev, hs_event_path(root, "generatedDateTime"));
	if (ev->raw[0] == NULL)
		return 0;	/* no retryCount: the body hash */
	at = (size_t)(ev->raw[0] - req->doc);
	rest = ev->raw[0] + ev->raw_len[0];
	if (hs_sha256_hex2(req->doc, at, rest,
	    (size_t)(req->doc + req->doc_len - rest), sha) == 0)
		snprintf(ev->dedup_extra, sizeof ev->dedup_extra,
		    "retryCount@%zu\n%s", at, sha);
	return 0;
}

static int
docusign_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	(void)ep;
	(void)now;
	(void)delivery_id;
	return hs_provider_body_mac_sign(&docusign_mac, key, body, len,
	    headers);
}

/* A JSON SIM message with the standard data (field names of a captured
 * delivery), a fresh envelope id and the time of signing. */
static int
docusign_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 ts[HS_RFC3339_LEN], id[33];
	size_t	 n;

	(void)ep;
	hs_clock_rfc3339(hs_clock_now(), ts);
	/* DocuSign writes 7 fractional digits */
	n = strlen(ts);
	memmove(ts + n, ts + n - 1, 2);
	ts[n - 1] = '0';
	hs_provider_random_hex(id);
	hs_buf_adds(body, "{\"event\":");
	hs_buf_add_json_string(body, event, strlen(event));
	hs_buf_printf(body, ",\"apiVersion\":\"v2.1\",\"uri\":\"/restapi/v2.1/"
	    "accounts/24dfce13-0c4d-4a4b-9ac1-6d1e5f2a7b31/envelopes/"
	    "%.8s-%.4s-%.4s-%.4s-%.12s\",\"retryCount\":0,"
	    "\"configurationId\":21752918,\"generatedDateTime\":\"%s\","
	    "\"data\":{\"accountId\":\"24dfce13-0c4d-4a4b-9ac1-6d1e5f2a7b31\","
	    "\"userId\":\"8c531060-5a3e-4c1f-b2d7-3e9a0f4b6c12\","
	    "\"envelopeId\":\"%.8s-%.4s-%.4s-%.4s-%.12s\"}}", id, id + 8,
	    id + 12, id + 16, id + 20, ts, id, id + 8, id + 12, id + 16,
	    id + 20);
	return body->oom ? -1 : 0;
}

static const char *const docusign_fields[] = {
	"event", "data.envelopeId", "generatedDateTime", NULL
};

/* read as raw text only: the dedup key leaves it out */
static const char *const docusign_raw_fields[] = { "retryCount", NULL };

const struct hs_provider hs_provider_docusign = {
	.fields = docusign_fields,
	.raw_fields = docusign_raw_fields,
	.name = "docusign",
	.flags = HS_PROV_NEEDS_SECRET,
	.accepts = docusign_accepts,
	.verify = docusign_verify,
	.describe = docusign_describe,
	.sign = docusign_sign,
	.sample = docusign_sample,
};
