/* event.c - json-c parse of a validated body and bounded field extraction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_clock.h"
#include "hs_event.h"
#include "hs_json.h"

static size_t
count_members(struct json_object *o)
{
	size_t	 n = 0, i, len;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, k, v) {
			(void)k;
			n += 1 + count_members(v);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			n += count_members(json_object_array_get_idx(o, i));
	}
	return n;
}

struct json_object *
hs_event_parse(const char *body, size_t len, size_t members, const char **why)
{
	json_tokener *tok;
	json_object *root;

	if ((tok = json_tokener_new_ex(HS_JSON_MAX_DEPTH + 1)) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, body, (int)len);
	if (root == NULL || json_tokener_get_parse_end(tok) != len) {
		*why = "malformed JSON";
		json_object_put(root);
		root = NULL;
	} else if (count_members(root) != members) {
		/* json-c keeps the last of duplicate keys; jq does too, but a
		 * sender's intent is ambiguous, so refuse rather than guess. */
		*why = "duplicate key in JSON object";
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

static void
keep_number_text(struct json_object *v, const char *text)
{
	char	*copy = strdup(text);

	if (copy)
		json_object_set_serializer(v,
		    json_object_userdata_to_json_string, copy,
		    json_object_free_userdata);
}

/*
 * Parses one value's raw text (already validated) with json-c. A string
 * without escapes is its bytes between the quotes, which is what json-c
 * would make of it; skipping the tokener there matters, because each
 * json_tokener_parse_ex() call duplicates and frees a locale.
 */
static struct json_object *
parse_value(json_tokener **tok, const char *text, size_t len)
{
	char	 small[256], *buf = small;
	struct json_object *v;

	if (len >= 2 && text[0] == '"' && memchr(text, '\\', len) == NULL)
		return json_object_new_string_len(text + 1, (int)len - 2);
	if (*tok == NULL &&
	    (*tok = json_tokener_new_ex(HS_JSON_MAX_DEPTH + 1)) == NULL)
		return NULL;

	/* a top-level number is only complete with its terminating NUL */
	if (len + 1 > sizeof small && (buf = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	json_tokener_reset(*tok);
	v = json_tokener_parse_ex(*tok, buf, (int)len + 1);
	/* A number keeps its own text (2^64, 1.5, 1e3): an id rendered as
	 * text must be what the sender wrote, not json-c's int64 or double. */
	if (v && (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)))
		keep_number_text(v, buf);
	if (buf != small)
		free(buf);
	return v;
}

/* Puts v at a dotted path in root, creating the objects on the way. */
static int
put_path(struct json_object *root, const char *path, struct json_object *v)
{
	char	 key[128];
	const char *dot;
	struct json_object *next;
	size_t	 n;

	while ((dot = strchr(path, '.')) != NULL) {
		n = (size_t)(dot - path);
		if (n >= sizeof key)
			return -1;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(root, key, &next)) {
			if ((next = json_object_new_object()) == NULL)
				return -1;
			json_object_object_add(root, key, next);
		}
		root = next;
		path = dot + 1;
	}
	return json_object_object_add(root, path, v);
}

struct json_object *
hs_event_extract_raw(const char *body, size_t len, const char *const *paths,
    size_t npaths, size_t nparse, struct hs_json_want *spans,
    const char **why)
{
	struct hs_json_want want[HS_JSON_MAX_WANT];
	struct json_object *root = NULL, *v;
	json_tokener *tok = NULL;
	size_t	 i;

	if (npaths > HS_JSON_MAX_WANT || nparse > npaths) {
		*why = "too many fields";
		return NULL;
	}
	for (i = 0; i < npaths; i++)
		want[i].path = paths[i];
	if (hs_json_scan(body, len, want, npaths, why) == -1)
		return NULL;
	if (spans)
		memcpy(spans, want, sizeof *want * npaths);
	if ((root = json_object_new_object()) == NULL)
		goto oom;
	for (i = 0; i < nparse; i++) {
		if (want[i].value == NULL)
			continue;
		/* json-c's null is a NULL object: absent, like a missing key
		 * (hs_event_path would find nothing either) */
		if (want[i].len == 4 && memcmp(want[i].value, "null", 4) == 0)
			continue;
		if ((v = parse_value(&tok, want[i].value, want[i].len)) == NULL ||
		    put_path(root, paths[i], v) == -1) {
			json_object_put(v);
			goto oom;
		}
	}
	if (tok)
		json_tokener_free(tok);
	return root;
oom:
	*why = "out of memory";
	if (tok)
		json_tokener_free(tok);
	json_object_put(root);
	return NULL;
}

struct json_object *
hs_event_extract(const char *body, size_t len, const char *const *paths,
    size_t npaths, const char **why)
{
	return hs_event_extract_raw(body, len, paths, npaths, npaths, NULL,
	    why);
}

struct json_object *
hs_event_path(struct json_object *root, const char *path)
{
	char	 key[128];
	const char *dot;
	size_t	 n;

	while (root && *path) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n == 0 || n >= sizeof key ||
		    !json_object_is_type(root, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(root, key, &root))
			return NULL;
		path += n + (dot != NULL);
	}
	return root;
}

/* No control bytes, and UTF-8: header values are raw bytes, not JSON. */
static int
printable(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return hs_utf8_valid(s, len);
}

int
hs_event_set_name(struct hs_event *ev, const char *s, size_t len,
    const char **why)
{
	if (s == NULL || len == 0) {
		*why = "no event name";
		return -1;
	}
	if (len > HS_EVENT_MAX) {
		*why = "event name too long";
		return -1;
	}
	if (!printable(s, len)) {
		*why = "event name has control characters or bad UTF-8";
		return -1;
	}
	memcpy(ev->name, s, len);
	ev->name[len] = '\0';
	return 0;
}

int
hs_event_set_name_json(struct hs_event *ev, struct json_object *v,
    const char **why)
{
	if (v == NULL || !json_object_is_type(v, json_type_string)) {
		*why = "no event name";
		return -1;
	}
	return hs_event_set_name(ev, json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), why);
}

void
hs_event_set_id(char *dst, const char *s)
{
	size_t	 len;

	dst[0] = '\0';
	if (s == NULL || (len = strlen(s)) == 0 || len > HS_ID_MAX ||
	    !printable(s, len))
		return;
	memcpy(dst, s, len + 1);
}

void
hs_event_set_id_json(char *dst, struct json_object *v)
{
	dst[0] = '\0';
	if (v == NULL)
		return;
	if (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)) {
		/* the number's own text (kept by hs_event_extract; json-c's
		 * tokener keeps a double's text too) */
		const char *t = json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN);

		if (t && strlen(t) <= HS_ID_MAX)
			hs_event_set_id(dst, t);
	} else if (json_object_is_type(v, json_type_string) &&
	    strlen(json_object_get_string(v)) ==
	    (size_t)json_object_get_string_len(v))
		hs_event_set_id(dst, json_object_get_string(v));
}

void
hs_event_set_time_secs(struct hs_event *ev, long long secs)
{
	char	 buf[HS_RFC3339_LEN];

	if (hs_clock_rfc3339_secs(secs, buf) == 0)
		snprintf(ev->occurred_at, sizeof ev->occurred_at, "%s", buf);
}

void
hs_event_set_time_json(struct hs_event *ev, struct json_object *v)
{
	int64_t	 n;
	const char *s;
	size_t	 len, i;

	ev->occurred_at[0] = '\0';
	if (v == NULL)
		return;
	if (json_object_is_type(v, json_type_int)) {
		n = json_object_get_int64(v);
		/* 13 digits: JavaScript milliseconds */
		hs_event_set_time_secs(ev, n > 99999999999LL ? n / 1000 : n);
		return;
	}
	/* epoch seconds or milliseconds as a string (Yousign's event_time):
	 * exactly 10 or 13 digits, which no ISO 8601 date-time is (its time
	 * follows a T) */
	if (json_object_is_type(v, json_type_string) &&
	    ((len = (size_t)json_object_get_string_len(v)) == 10 || len == 13)) {
		s = json_object_get_string(v);
		for (i = 0, n = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			n = n * 10 + (s[i] - '0');
		if (i == len) {
			hs_event_set_time_secs(ev, len == 13 ? n / 1000 : n);
			return;
		}
	}
	if (json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) <= HS_TIME_MAX &&
	    strlen(json_object_get_string(v)) ==
	    (size_t)json_object_get_string_len(v) &&
	    printable(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v)))
		strcpy(ev->occurred_at, json_object_get_string(v));
}

void
hs_event_set_actor(struct hs_event *ev, struct json_object *v)
{
	ev->actor = NULL;
	if (v == NULL || json_object_is_type(v, json_type_null))
		return;
	if (json_object_is_type(v, json_type_string) ||
	    json_object_is_type(v, json_type_object) ||
	    json_object_is_type(v, json_type_int))
		ev->actor = v;
}
