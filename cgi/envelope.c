/* envelope.c - serialises our fields with json-c; the body is spliced raw. */
#include <string.h>

#include <json-c/json.h>

#include "hs_envelope.h"

static json_object *
str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

int
hs_envelope_head(const struct hs_envelope *env, struct hs_buf *out)
{
	const struct hs_event *ev = env->ev;
	json_object *o;
	const char *text;
	size_t	 len;
	int	 rc = -1;

	if ((o = json_object_new_object()) == NULL)
		return -1;
	json_object_object_add(o, "hookspool",
	    json_object_new_int(HS_FORMAT_VERSION));
	json_object_object_add(o, "id", json_object_new_string(env->id));
	json_object_object_add(o, "endpoint",
	    json_object_new_string(env->endpoint));
	json_object_object_add(o, "provider",
	    json_object_new_string(env->provider));
	json_object_object_add(o, "event", json_object_new_string(ev->name));
	json_object_object_add(o, "queue", json_object_new_string(env->queue));
	json_object_object_add(o, "received_at",
	    json_object_new_string(env->received_at));
	json_object_object_add(o, "verified",
	    json_object_new_boolean(ev->verified));
	json_object_object_add(o, "delivery_id", str_or_null(ev->delivery_id));
	json_object_object_add(o, "document_id", str_or_null(ev->document_id));
	json_object_object_add(o, "actor",
	    ev->actor ? json_object_get(ev->actor) : NULL);
	json_object_object_add(o, "occurred_at", str_or_null(ev->occurred_at));
	json_object_object_add(o, "body_sha256",
	    json_object_new_string(ev->body_sha256));
	text = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text == NULL || (len = strlen(text)) < 2 || text[len - 1] != '}')
		goto done;
	hs_buf_add(out, text, len - 1);
	hs_buf_adds(out, ",\"body\":");
	rc = out->oom ? -1 : 0;
done:
	json_object_put(o);
	return rc;
}
