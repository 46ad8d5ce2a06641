/*
 * prov_github.c - GitHub: X-Hub-Signature-256 "sha256=<hex>" over the body;
 * the event name is the X-GitHub-Event header, the delivery id
 * X-GitHub-Delivery (unchanged on redelivery). Neither header is signed,
 * so the dedup key is the body alone (the handler's default): a captured
 * body replayed with a fresh X-GitHub-Delivery is still a duplicate. Every
 * GitHub payload names its own object and time, so two distinct events do
 * not share a body.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_event.h"
#include "hs_provider.h"
#include "hs_request.h"

static const struct hs_body_mac github_mac = {
	.var = "HTTP_X_HUB_SIGNATURE_256",
	.header = "X-Hub-Signature-256",
	.prefix = "sha256=",
	.digest = "SHA256",
	.enc = HS_ENC_HEX,
	.missing = "missing X-Hub-Signature-256",
	.unprefixed = "X-Hub-Signature-256 lacks sha256=",
};

static int
github_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	(void)now;
	return hs_provider_body_mac_verify(ep, req, &github_mac, why);
}

static int
github_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	const char *event = hs_request_var(req, "HTTP_X_GITHUB_EVENT");

	(void)ep;
	if (event == NULL) {
		*why = "missing X-GitHub-Event";
		return HS_DESCRIBE_BAD;
	}
	if (hs_event_set_name(ev, event, strlen(event), why) == -1)
		return HS_DESCRIBE_BAD;
	hs_event_set_id(ev->delivery_id,
	    hs_request_var(req, "HTTP_X_GITHUB_DELIVERY"));
	hs_event_set_actor(ev, hs_event_path(root, "sender.login"));
	hs_event_set_id_json(ev->document_id,
	    hs_event_path(root, "repository.full_name"));
	return 0;
}

static int
github_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	char	 id[33];

	(void)ep;
	(void)now;
	if (delivery_id == NULL) {
		hs_provider_random_hex(id);
		delivery_id = id;
	}
	hs_buf_printf(headers, "X-GitHub-Delivery: %s\n", delivery_id);
	return hs_provider_body_mac_sign(&github_mac, key, body, len, headers);
}

static int
github_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	(void)ep;
	(void)event;
	/* The event travels in X-GitHub-Event; `hookspool sign` adds it. */
	return hs_buf_adds(body, "{\"zen\":\"Design for failure.\","
	    "\"hook_id\":12345678,\"action\":\"opened\",\"repository\":{"
	    "\"id\":1296269,\"full_name\":\"octocat/Hello-World\","
	    "\"private\":false},\"sender\":{\"login\":\"octocat\",\"id\":1}}");
}

static const char *const github_fields[] = {
	"sender.login", "repository.full_name", NULL
};

static int
github_event_header(const struct hs_endpoint *ep, char *out, size_t outlen)
{
	(void)ep;
	snprintf(out, outlen, "X-GitHub-Event");
	return 0;
}

const struct hs_provider hs_provider_github = {
	.fields = github_fields,
	.name = "github",
	.flags = HS_PROV_NEEDS_SECRET,
	.verify = github_verify,
	.describe = github_describe,
	.sign = github_sign,
	.event_header = github_event_header,
	.sample = github_sample,
};
