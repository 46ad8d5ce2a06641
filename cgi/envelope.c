/*
 * envelope.c - our fields as one JSON object; the body is spliced raw.
 * Written by hand (json-c's serialiser cost more than the rest of a small
 * request); the bytes are exactly what json-c printed before, with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE: "key":value in
 * insertion order, null for absent values (batch_index and batch_sha256,
 * only for an element of a batch, are left out when absent). Our strings never hold control
 * bytes (event names and ids are checked), so only " and \ get escaped.
 * Only the actor, a value taken from the body, still goes through json-c.
 *
 * The reader is here too, beside the writer it must agree with: the CLI,
 * and anything else that reads the spool, finds the head and the body of a
 * stored event with hs_envelope_read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "hs_envelope.h"
#include "hs_fdio.h"
#include "hs_json.h"

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

const char *
hs_envelope_scope(const struct hs_event *ev)
{
	if (ev->verified_scope)
		return ev->verified_scope;
	return ev->verified ? "body" : "none";
}

int
hs_envelope_head(const struct hs_envelope *env, struct hs_buf *out)
{
	const struct hs_event *ev = env->ev;
	const char *actor, *scope = hs_envelope_scope(ev);

	hs_buf_reserve(out, 512);	/* one allocation for the usual head */
	hs_buf_adds(out, "{\"hookspool\":");
	hs_buf_add_long(out, HS_FORMAT_VERSION);
	member(out, "id", env->id, 0);
	member(out, "endpoint", env->endpoint, 0);
	member(out, "provider", env->provider, 0);
	member(out, "event", ev->name, 0);
	member(out, "queue", env->queue, 0);
	member(out, "received_at", env->received_at, 0);
	/* true only where the body itself was authenticated */
	hs_buf_adds(out, strcmp(scope, "body") == 0 ? ",\"verified\":true" :
	    ",\"verified\":false");
	member(out, "verified_scope", scope, 0);
	hs_buf_adds(out, ev->source_checked ? ",\"source_checked\":true" :
	    ",\"source_checked\":false");
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
	if (ev->batch_sha256[0]) {
		hs_buf_adds(out, ",\"batch_index\":");
		hs_buf_add_long(out, (long)ev->batch_index);
		member(out, "batch_sha256", ev->batch_sha256, 0);
	}
	hs_buf_adds(out, ",\"body\":");
	return out->oom ? -1 : 0;
}

/*
 * Offset of the top-level ,"body": — the head is json-c output (no
 * blanks), but "actor" is the sender's object and may hold a "body" key
 * of its own, so count depth and skip strings.
 */
static long
find_body(const char *s, size_t len)
{
	size_t	 i;
	int	 depth = 0, instr = 0, esc = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				instr = 0;
			continue;
		}
		switch (c) {
		case '"':
			if (depth == 1 && i > 0 && s[i - 1] == ',' &&
			    len - i >= 7 && memcmp(s + i, "\"body\":", 7) == 0)
				return (long)i - 1;
			instr = 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			depth--;
			break;
		}
	}
	return -1;
}

void
hs_envelope_free(struct hs_envelope_file *ev)
{
	free(ev->data);
	json_object_put(ev->head);
	memset(ev, 0, sizeof *ev);
}

int
hs_envelope_read(int fd, struct hs_envelope_file *ev)
{
	struct stat st;
	struct json_tokener *tok = NULL;
	ssize_t	 r;
	long	 off;
	char	 save;

	memset(ev, 0, sizeof *ev);
	if (fstat(fd, &st) == -1)
		return -1;
	if ((unsigned long long)st.st_size > HS_ENVELOPE_FILE_MAX) {
		errno = EFBIG;
		return -1;
	}
	/* a file still growing past its size is not a complete event: EFBIG */
	if ((ev->data = hs_read_all(fd, (size_t)st.st_size, &ev->len)) == NULL)
		return -1;
	if ((off = find_body(ev->data, ev->len)) == -1 ||
	    ev->len < (size_t)off + 8 + 2 ||
	    memcmp(ev->data + ev->len - 2, "}\n", 2) != 0) {
		errno = EINVAL;
		goto fail;
	}
	ev->head_len = (size_t)off;
	ev->body_off = (size_t)off + 8;
	ev->body_len = ev->len - 2 - ev->body_off;
	/* parse the head alone: ',' becomes '}' for a moment */
	if ((tok = json_tokener_new_ex(HS_JSON_MAX_DEPTH + 2)) == NULL)
		goto fail;
	save = ev->data[off];
	ev->data[off] = '}';
	ev->head = json_tokener_parse_ex(tok, ev->data, off + 1);
	ev->data[off] = save;
	json_tokener_free(tok);
	if (ev->head == NULL || !json_object_is_type(ev->head,
	    json_type_object)) {
		errno = EINVAL;
		goto fail;
	}
	return 0;
fail:
	r = errno;
	hs_envelope_free(ev);
	errno = (int)r;
	return -1;
}

const char *
hs_envelope_str(const struct hs_envelope_file *ev, const char *key)
{
	struct json_object *v;

	if (ev->head == NULL || !json_object_object_get_ex(ev->head, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}
