/*
 * envelope.c - our fields as one JSON object; the body is spliced raw.
 * Written by hand (json-c's serialiser cost more than the rest of a small
 * request); the bytes are exactly what json-c printed before, with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE: "key":value in
 * insertion order, null for absent values. Our strings never hold control
 * bytes (event names and ids are checked), so only " and \ get escaped.
 * Only the actor, a value taken from the body, still goes through json-c.
 */
#include <string.h>

#include <json-c/json.h>

#include "hs_envelope.h"

/* ,"key": then the string, or null when absent or empty */
static void
member(struct hs_buf *b, const char *key, const char *val, int null_if_empty)
{
	hs_buf_adds(b, ",\"");
	hs_buf_adds(b, key);
	hs_buf_adds(b, "\":");
	if (val == NULL || (null_if_empty && *val == '\0'))
		hs_buf_adds(b, "null");
	else
		hs_buf_add_json_string(b, val, strlen(val));
}

int
hs_envelope_head(const struct hs_envelope *env, struct hs_buf *out)
{
	const struct hs_event *ev = env->ev;
	const char *actor;

	hs_buf_reserve(out, 512);	/* one allocation for the usual head */
	hs_buf_adds(out, "{\"hookspool\":");
	hs_buf_add_long(out, HS_FORMAT_VERSION);
	member(out, "id", env->id, 0);
	member(out, "endpoint", env->endpoint, 0);
	member(out, "provider", env->provider, 0);
	member(out, "event", ev->name, 0);
	member(out, "queue", env->queue, 0);
	member(out, "received_at", env->received_at, 0);
	hs_buf_adds(out, ev->verified ? ",\"verified\":true" :
	    ",\"verified\":false");
	member(out, "delivery_id", ev->delivery_id, 1);
	member(out, "document_id", ev->document_id, 1);
	hs_buf_adds(out, ",\"actor\":");
	if (ev->actor == NULL)
		hs_buf_adds(out, "null");
	else if ((actor = json_object_to_json_string_ext(ev->actor,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) == NULL)
		return -1;
	else
		hs_buf_adds(out, actor);
	member(out, "occurred_at", ev->occurred_at, 1);
	member(out, "body_sha256", ev->body_sha256, 0);
	hs_buf_adds(out, ",\"body\":");
	return out->oom ? -1 : 0;
}
