/*
 * prov_pandadoc.c - PandaDoc: the query parameter signature=<hex
 * HMAC-SHA256(shared key, raw body)>, no header and no timestamp; the
 * body is a JSON array of {"event","data"} notifications, each stored as
 * an event of its own (split). The reference is
 * developers.pandadoc.com/docs/webhook-verification and webhook-setup.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_codec.h"
#include "hs_event.h"
#include "hs_json.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_verify.h"

/* Bounds on what is parsed: the whole query string, its parameters,
 * and a signature (64 hex digits; room for a longer one to be refused
 * as a bad signature, not cut). */
#define QUERY_MAX	2048
#define PARAMS_MAX	32
#define SIG_MAX		128

/*
 * s[0..len) with %XX decoded into out (a query string is copied as it
 * came when it holds no '%'). -1 for a malformed escape or a NUL, -2
 * for more than outlen - 1 bytes.
 */
static int
query_decode(const char *s, size_t len, char *out, size_t outlen,
    size_t *outn)
{
	size_t	 i, n = 0;
	int	 hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (len - i < 3 ||
			    (hi = hs_hex_value((unsigned char)s[i + 1])) == -1 ||
			    (lo = hs_hex_value((unsigned char)s[i + 2])) == -1)
				return -1;
			c = hi << 4 | lo;
			i += 2;
		}
		if (c == '\0')
			return -1;
		if (n + 1 >= outlen)
			return -2;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	*outn = n;
	return 0;
}

/*
 * The one signature parameter of QUERY_STRING into sig. Other parameters
 * (the registered URL's own) are skipped, but every name is decoded, so
 * that "%73ignature" cannot pass as a second, unseen signature.
 */
static int
query_signature(const struct hs_request *req, char sig[SIG_MAX],
    size_t *siglen, const char **why)
{
	const char *qs = hs_request_var(req, "QUERY_STRING"), *p, *eq, *amp;
	char	 name[16];
	size_t	 len, nlen, vlen;
	int	 seen = 0, params = 0, rc;

	if (qs == NULL) {
		*why = "missing signature query parameter";
		return -1;
	}
	if (strlen(qs) > QUERY_MAX) {
		*why = "query string too long";
		return -1;
	}
	for (p = qs; ; p = amp + 1) {
		if (++params > PARAMS_MAX) {
			*why = "too many query parameters";
			return -1;
		}
		amp = p + strcspn(p, "&");
		len = (size_t)(amp - p);
		eq = memchr(p, '=', len);
		nlen = eq ? (size_t)(eq - p) : len;
		/* a name too long to be "signature" cannot be it; one
		 * that cannot be decoded might be: refused */
		if ((rc = query_decode(p, nlen, name, sizeof name,
		    &vlen)) == -1) {
			*why = "malformed query parameter name";
			return -1;
		}
		if (rc == 0 && strcmp(name, "signature") == 0) {
			if (seen++) {
				*why = "duplicate signature parameter";
				return -1;
			}
			vlen = eq ? len - nlen - 1 : 0;
			if (vlen == 0) {
				*why = "empty signature parameter";
				return -1;
			}
			if (query_decode(eq + 1, vlen, sig, SIG_MAX,
			    siglen) != 0) {
				*why = "malformed signature parameter";
				return -1;
			}
		}
		if (*amp == '\0')
			break;
	}
	if (!seen) {
		*why = "missing signature query parameter";
		return -1;
	}
	return 0;
}

static int
pandadoc_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	char	 sig[SIG_MAX];
	size_t	 siglen;

	(void)now;
	if (query_signature(req, sig, &siglen, why) == -1)
		return -1;
	if (!hs_provider_body_mac_matches(ep, "SHA256", HS_ENC_HEX, sig,
	    siglen, req->body, req->body_len)) {
		*why = "bad signature";
		return -1;
	}
	return 0;
}

/* One element of the array: {"event": ..., "data": {"id": ...}}. */
static int
pandadoc_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	(void)ep;
	(void)req;
	if (hs_event_set_name_json(ev, hs_event_path(root, "event"),
	    why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id_json(ev->document_id, hs_event_path(root, "data.id"));
	hs_event_set_time_json(ev, hs_event_path(root, "data.date_modified"));
	/* no event id in the body: the handler keys each element by the
	 * delivery's hash and its place (never merges two notifications) */
	return 0;
}

static int
pandadoc_split(const struct hs_endpoint *ep, const char *doc, size_t len,
    struct hs_json_span *spans, size_t max, const char **why)
{
	(void)ep;
	return hs_json_split_array(doc, len, spans, max, why);
}

static int
pandadoc_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	unsigned char mac[HS_MAC_MAX];
	char	 hex[2 * HS_MAC_MAX + 1];
	int	 n;

	(void)ep;
	(void)now;
	(void)delivery_id;
	if ((n = hs_hmac("SHA256", key, body, len, NULL, 0, NULL, 0,
	    mac)) < 0)
		return -1;
	hs_hex_encode(mac, (size_t)n, hex);
	return hs_buf_printf(headers, "?signature=%s\n", hex);
}

/* After the documented request_body of a document_state_changed. */
static int
pandadoc_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 id[33];

	(void)ep;
	hs_provider_random_hex(id);
	id[22] = '\0';
	hs_buf_adds(body, "[{\"event\":");
	hs_buf_add_json_string(body, event, strlen(event));
	hs_buf_printf(body, ",\"data\":{\"id\":\"%s\","
	    "\"name\":\"Document from PandaDoc Template\","
	    "\"date_created\":\"2024-07-31T16:06:09.114744Z\","
	    "\"date_modified\":\"2024-07-31T16:06:09.157758Z\","
	    "\"status\":\"document.completed\",\"recipients\":[{"
	    "\"id\":\"TM2nqhKYgPmJA9hUPDKHrr\",\"email\":\"josh@example.com\","
	    "\"recipient_type\":\"CC\",\"has_completed\":false}],"
	    "\"template\":{\"id\":\"7Xfnrk7dTaWJ78wNUrg3rr\","
	    "\"name\":\"Sample Template\"},\"version\":\"2\"}}]", id);
	return body->oom ? -1 : 0;
}

static const char *const pandadoc_fields[] = {
	"event", "data.id", "data.date_modified", NULL
};

const struct hs_provider hs_provider_pandadoc = {
	.fields = pandadoc_fields,
	.name = "pandadoc",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = pandadoc_verify,
	.split = pandadoc_split,
	.describe = pandadoc_describe,
	.sign = pandadoc_sign,
	.sample = pandadoc_sample,
};
