/*
 * prov_ignisign.c - Ignisign signs nothing. Authenticity is proven later by
 * a call back to its API with the single-use verificationToken
 * (`hookspool verify`), so events are spooled unverified into pending/.
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

static int
ignisign_verify(const struct hs_endpoint *ep, const struct hs_request *req,
    long long now, const char **why)
{
	(void)ep;
	(void)req;
	(void)now;
	(void)why;
	return 0;
}

static int
string_field(struct json_object *root, const char *key, size_t max)
{
	struct json_object *v = hs_event_path(root, key);

	return v && json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0 &&
	    (size_t)json_object_get_string_len(v) <= max;
}

static int
ignisign_describe(const struct hs_endpoint *ep, const struct hs_request *req,
    struct json_object *root, struct hs_event *ev, const char **why)
{
	const char *topic, *action, *doc;
	char	 name[2 * HS_EVENT_MAX + 2];
	int	 n;

	(void)req;
	if (!string_field(root, "verificationToken", 512)) {
		*why = "missing verificationToken";
		return HS_DESCRIBE_AUTH;
	}
	if (!string_field(root, "appId", 512) ||
	    !string_field(root, "appEnv", 32)) {
		*why = "missing appId or appEnv";
		return HS_DESCRIBE_AUTH;
	}
	if ((ep->app_id && strcmp(ep->app_id, json_object_get_string(
	    hs_event_path(root, "appId"))) != 0) ||
	    (ep->app_env && strcmp(ep->app_env, json_object_get_string(
	    hs_event_path(root, "appEnv"))) != 0)) {
		*why = "appId or appEnv does not match the config";
		return HS_DESCRIBE_AUTH;
	}
	if (!string_field(root, "topic", 100) ||
	    !string_field(root, "action", 100)) {
		*why = "no event name (topic and action)";
		return HS_DESCRIBE_BAD;
	}
	topic = json_object_get_string(hs_event_path(root, "topic"));
	action = json_object_get_string(hs_event_path(root, "action"));
	n = snprintf(name, sizeof name, "%s.%s", topic, action);
	if (hs_event_set_name(ev, name, (size_t)n, why) == -1)
		return HS_DESCRIBE_BAD;
	doc = "content.signatureRequestId";
	if (hs_event_path(root, doc) == NULL)
		doc = "content.documentId";
	hs_event_set_id_json(ev->document_id, hs_event_path(root, doc));
	return 0;
}

static int
ignisign_sign(const struct hs_endpoint *ep, const struct hs_key *key,
    const char *body, size_t len, long long now, const char *delivery_id,
    struct hs_buf *headers)
{
	(void)ep;
	(void)key;
	(void)body;
	(void)len;
	(void)now;
	(void)delivery_id;
	(void)headers;
	return 0;
}

static int
ignisign_sample(const struct hs_endpoint *ep, const char *event,
    struct hs_buf *body)
{
	char	 topic[101] = "SIGNATURE_PROOF", token[33];
	const char *dot = strchr(event, '.'), *action = "GENERATED";
	const char *app_id = ep && ep->app_id ? ep->app_id :
	    "appId_e5d6bcfb-e9f4-4858-8027-b65e1a170bd7";
	const char *app_env = ep && ep->app_env ? ep->app_env : "DEVELOPMENT";

	if (dot && dot != event && (size_t)(dot - event) < sizeof topic) {
		memcpy(topic, event, (size_t)(dot - event));
		topic[dot - event] = '\0';
		action = dot + 1;
	}
	hs_provider_random_hex(token);
	hs_buf_adds(body, "{\"appId\":");
	hs_buf_add_json_string(body, app_id, strlen(app_id));
	hs_buf_adds(body, ",\"appEnv\":");
	hs_buf_add_json_string(body, app_env, strlen(app_env));
	hs_buf_adds(body, ",\"topic\":");
	hs_buf_add_json_string(body, topic, strlen(topic));
	hs_buf_adds(body, ",\"action\":");
	hs_buf_add_json_string(body, action, strlen(action));
	hs_buf_printf(body, ",\"msgNature\":\"SUCCESS\",\"content\":{"
	    "\"signatureRequestId\":\"672d206d10e44e00125eac63\","
	    "\"documents\":[{\"documentId\":\"672d206d9902ba0012e9a7f0\","
	    "\"documentExternalId\":\"123123123\"}]},"
	    "\"verificationToken\":\"%s\"}", token);
	return body->oom ? -1 : 0;
}

static const char *const ignisign_fields[] = {
	"verificationToken", "appId", "appEnv", "topic", "action",
	"content.signatureRequestId", "content.documentId", NULL
};

static const char *const app_envs[] = { "DEVELOPMENT", "STAGING",
	"PRODUCTION", NULL };

#define OFF(f)	offsetof(struct hs_endpoint, f)
static const struct hs_option ignisign_options[] = {
	{ "app_id", HS_OPT_STRING, OFF(app_id), 0, 0, NULL, NULL,
	    "deliveries for another app are refused (401)" },
	{ "app_env", HS_OPT_CHOICE, OFF(app_env), 0, 0, app_envs, app_envs,
	    "deliveries for another environment are refused (401)" },
	/* Resolved by the CLI only: the web server needs no access to the
	 * key, nor its env: variable. */
	{ "api_key", HS_OPT_SPEC, OFF(api_key_spec), 0, 0, NULL, NULL,
	    "API key for hookspool verify" },
	{ "app_secret", HS_OPT_SPEC, OFF(app_secret_spec), 0, 0, NULL, NULL,
	    "old-style app secret for hookspool verify (instead of api_key)" },
	{ "api_base_url", HS_OPT_URL, OFF(api_base_url), 0, 0, NULL, NULL,
	    "Ignisign's API (https://api.ignisign.io)" },
	{ "api_timeout_seconds", HS_OPT_LONG, OFF(api_timeout), 1, 300, NULL,
	    NULL, "limit of one verify request (30)" },
	{ "max_pending", HS_OPT_LONG, OFF(max_pending), 1, 10000000, NULL,
	    NULL, "events that may wait in pending/ (1000)" },
	{ "max_pending_bytes", HS_OPT_LONGLONG, OFF(max_pending_bytes), 1024,
	    1LL << 40, NULL, NULL, "bytes that may wait in pending/ (64 MiB)" },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL }
};

static int
ignisign_configure(struct hs_endpoint *ep, char *err, size_t errlen)
{
	if (ep->app_secret_spec && ep->api_key_spec) {
		snprintf(err, errlen, "endpoints.%s.app_secret: set api_key or "
		    "app_secret, not both", ep->name);
		return -1;
	}
	/* the JWT request names the app; an skv2_ key carries it itself */
	if (ep->app_secret_spec && (ep->app_id == NULL || ep->app_env == NULL)) {
		snprintf(err, errlen, "endpoints.%s.app_secret: needs app_id and "
		    "app_env", ep->name);
		return -1;
	}
	if (ep->api_timeout == 0)
		ep->api_timeout = 30;
	if (ep->api_base_url == NULL &&
	    (ep->api_base_url = strdup("https://api.ignisign.io")) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static const char *
ignisign_weak_auth(const struct hs_endpoint *ep)
{
	(void)ep;
	return "Ignisign signs nothing: events wait in pending/ until "
	    "`hookspool verify` confirms their token; set allow_from to "
	    "Ignisign's ranges so forged ones cannot fill pending/, and handle "
	    "verified events only";
}

const struct hs_provider hs_provider_ignisign = {
	.weak_auth = ignisign_weak_auth,
	.fields = ignisign_fields,
	.options = ignisign_options,
	.configure = ignisign_configure,
	.name = "ignisign",
	.flags = HS_PROV_PENDING,
	.verify = ignisign_verify,
	.describe = ignisign_describe,
	.sign = ignisign_sign,
	.sample = ignisign_sample,
};
