/*
 * prov_hmac.c - the escape hatch for any other sender: a configured header
 * holding [prefix]<hex|base64> HMAC-SHA1/256/512 of the raw body, the
 * event from a JSON field or a header.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"

/* The endpoint's scheme; header (for sign) written into name. */
static struct hs_body_mac
hmac_scheme(const struct hs_endpoint *ep, char *name, size_t namelen)
{
	if (name)
		hs_provider_header_name(ep->sig_header, name, namelen);
	return (struct hs_body_mac){
		.var = ep->sig_header,
		.header = name,
		.prefix = ep->sig_prefix,
		.digest = ep->digest,
		.enc = ep->encoding,
		.missing = "missing signature header",
		.unprefixed = "signature header lacks the configured prefix",
	};
}

static int
hmac_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	struct hs_body_mac m = hmac_scheme(ep, NULL, 0);

	(void)now;
	return hs_provider_body_mac_verify(ep, req, &m, why);
}

static int
hmac_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	const char *name;

	if (ep->event_header) {
		if ((name = hs_request_var(req, ep->event_header)) == NULL) {
			*why = "missing event header";
			return HS_DESCRIBE_BAD;
		}
		if (hs_event_set_name(ev, name, strlen(name), why) == -1)
			return HS_DESCRIBE_BAD;
	} else if (hs_event_set_name_json(ev,
	    hs_event_path(root, ep->event_field), why) == -1)
		return HS_DESCRIBE_BAD;
	if (ep->delivery_header)
		hs_event_set_id(ev->delivery_id,
		    hs_request_var(req, ep->delivery_header));
	/*
	 * The delivery header is not signed: with it alone, a captured body
	 * replayed under a fresh id would pass as new, and we do not know
	 * that this sender's distinct events never share a body. Both
	 * together: a retry is a duplicate, distinct events never merge.
	 */
	if (ev->delivery_id[0])
		snprintf(ev->dedup_extra, sizeof ev->dedup_extra, "%s\n%s",
		    ev->delivery_id, ev->body_sha256);
	if (ep->document_id_field)
		hs_event_set_id_json(ev->document_id,
		    hs_event_path(root, ep->document_id_field));
	return 0;
}

static int
hmac_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	char	 name[128], id[33];
	struct hs_body_mac m = hmac_scheme(ep, name, sizeof name);

	(void)now;
	if (hs_provider_body_mac_sign(&m, key, body, len, headers) == -1)
		return -1;
	if (ep->delivery_header) {
		if (delivery_id == NULL) {
			hs_provider_random_hex(id);
			delivery_id = id;
		}
		hs_provider_header_name(ep->delivery_header, name, sizeof name);
		hs_buf_printf(headers, "%s: %s\n", name, delivery_id);
	}
	return headers->oom ? -1 : 0;
}

/* {"a":{"b":"<event>"}} for event_field "a.b" */
static int
hmac_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	const char *path = ep && ep->event_field ? ep->event_field : "event";
	const char *dot;
	int	 depth = 0;

	hs_buf_adds(body, "{");
	if (ep && ep->event_header)
		path = "event";
	while ((dot = strchr(path, '.')) != NULL) {
		hs_buf_add_json_string(body, path, (size_t)(dot - path));
		hs_buf_adds(body, ":{");
		path = dot + 1;
		depth++;
	}
	hs_buf_add_json_string(body, path, strlen(path));
	hs_buf_adds(body, ":");
	hs_buf_add_json_string(body, event, strlen(event));
	while (depth--)
		hs_buf_adds(body, "}");
	return hs_buf_adds(body, ",\"data\":{\"id\":\"obj_1\",\"status\":\"ok\"}}");
}

/* event_field and document_id_field come from the config */
static const char *const hmac_fields[] = { NULL };

static const char *const algorithm_words[] = { "sha1", "sha256", "sha512",
	NULL };
static const char *const algorithm_digests[] = { "SHA1", "SHA256", "SHA512" };
static const char *const encoding_words[] = { "hex", "base64", NULL };

#define OFF(f)	offsetof(struct hs_endpoint, f)
static const struct hs_option hmac_options[] = {
	{ "header", HS_OPT_HEADER, OFF(sig_header), 0, 0, NULL, NULL,
	    "the signature header (required)" },
	{ "algorithm", HS_OPT_CHOICE, OFF(digest), 0, 0, algorithm_words,
	    algorithm_digests, "sha1, sha256 (default) or sha512" },
	{ "encoding", HS_OPT_CHOICE_INT, OFF(encoding), 0, 0, encoding_words,
	    NULL, "hex (default) or base64" },
	{ "prefix", HS_OPT_ANY_STRING, OFF(sig_prefix), 0, 0, NULL, NULL,
	    "text before the MAC in the header, e.g. sha256=" },
	{ "event_field", HS_OPT_STRING, OFF(event_field), 0, 0, NULL, NULL,
	    "dotted body path of the event name" },
	{ "event_header", HS_OPT_HEADER, OFF(event_header), 0, 0, NULL, NULL,
	    "header holding the event name (instead of event_field)" },
	{ "delivery_id_header", HS_OPT_HEADER, OFF(delivery_header), 0, 0, NULL,
	    NULL, "header holding the delivery id" },
	{ "document_id_field", HS_OPT_STRING, OFF(document_id_field), 0, 0,
	    NULL, NULL, "dotted body path of the document id" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL }
};

static int
hmac_configure(struct hs_endpoint *ep, char *err, size_t errlen)
{
	if (ep->sig_header == NULL) {
		snprintf(err, errlen, "endpoints.%s.header: required for "
		    "provider hmac", ep->name);
		return -1;
	}
	if (ep->event_field == NULL && ep->event_header == NULL) {
		snprintf(err, errlen, "endpoints.%s.event_field: provider hmac "
		    "needs event_field or event_header", ep->name);
		return -1;
	}
	if (ep->sig_prefix == NULL && (ep->sig_prefix = strdup("")) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
hmac_event_header(const struct hs_endpoint *ep, char *out, size_t outlen)
{
	if (ep->event_header == NULL)
		return -1;
	hs_provider_header_name(ep->event_header, out, outlen);
	return 0;
}

const struct hs_provider hs_provider_hmac = {
	.fields = hmac_fields,
	.options = hmac_options,
	.configure = hmac_configure,
	.name = "hmac",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = hmac_verify,
	.describe = hmac_describe,
	.sign = hmac_sign,
	.event_header = hmac_event_header,
	.sample = hmac_sample,
};
