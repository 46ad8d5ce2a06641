/*
 * fuzz_json.c - hs_json_validate() against two other readers:
 *   - a small recursive reference checker written from RFC 8259 and the
 *     Unicode well-formed byte table (Table 3-7), jq-level strict: both
 *     must agree on every input, and on the member count;
 *   - json-c (STRICT): whatever we accept must parse to the last byte,
 *     and hs_event_parse() may refuse it only for a duplicate key.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "fuzz_common.h"
#include "hs_event.h"
#include "hs_json.h"

struct ref {
	const uint8_t	*p, *end;
	size_t		 members;
};

static int	ref_value(struct ref *, int);

static int
more(const struct ref *r)
{
	return r->p < r->end;
}

static void
ref_ws(struct ref *r)
{
	while (more(r) && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' ||
	    *r->p == '\r'))
		r->p++;
}

static int
in(const struct ref *r, size_t off, uint8_t lo, uint8_t hi)
{
	return r->p + off < r->end && r->p[off] >= lo && r->p[off] <= hi;
}

/* Unicode 15, Table 3-7: the well-formed UTF-8 byte sequences. */
static int
ref_utf8(struct ref *r)
{
	uint8_t	 c = *r->p;
	int	 n;

	if (c >= 0xc2 && c <= 0xdf)
		n = in(r, 1, 0x80, 0xbf) ? 2 : 0;
	else if (c == 0xe0)
		n = in(r, 1, 0xa0, 0xbf) && in(r, 2, 0x80, 0xbf) ? 3 : 0;
	else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
		n = in(r, 1, 0x80, 0xbf) && in(r, 2, 0x80, 0xbf) ? 3 : 0;
	else if (c == 0xed)
		n = in(r, 1, 0x80, 0x9f) && in(r, 2, 0x80, 0xbf) ? 3 : 0;
	else if (c == 0xf0)
		n = in(r, 1, 0x90, 0xbf) && in(r, 2, 0x80, 0xbf) &&
		    in(r, 3, 0x80, 0xbf) ? 4 : 0;
	else if (c >= 0xf1 && c <= 0xf3)
		n = in(r, 1, 0x80, 0xbf) && in(r, 2, 0x80, 0xbf) &&
		    in(r, 3, 0x80, 0xbf) ? 4 : 0;
	else if (c == 0xf4)
		n = in(r, 1, 0x80, 0x8f) && in(r, 2, 0x80, 0xbf) &&
		    in(r, 3, 0x80, 0xbf) ? 4 : 0;
	else
		n = 0;
	r->p += n;
	return n ? 0 : -1;
}

static int
ref_string(struct ref *r)
{
	int	 i;

	r->p++;
	while (more(r)) {
		uint8_t	 c = *r->p;

		if (c == '"') {
			r->p++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c >= 0x80) {
			if (ref_utf8(r) == -1)
				return -1;
			continue;
		}
		r->p++;
		if (c != '\\')
			continue;
		if (!more(r))
			return -1;
		c = *r->p++;
		if (c == 'u') {
			for (i = 0; i < 4; i++, r->p++)
				if (!in(r, 0, '0', '9') && !in(r, 0, 'a', 'f') &&
				    !in(r, 0, 'A', 'F'))
					return -1;
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
			return -1;
	}
	return -1;
}

static int
digits(struct ref *r)
{
	const uint8_t *start = r->p;

	while (in(r, 0, '0', '9'))
		r->p++;
	return r->p > start ? 0 : -1;
}

static int
ref_number(struct ref *r)
{
	if (more(r) && *r->p == '-')
		r->p++;
	if (in(r, 0, '0', '0'))
		r->p++;
	else if (!in(r, 0, '1', '9') || digits(r) == -1)
		return -1;
	if (more(r) && *r->p == '.') {
		r->p++;
		if (digits(r) == -1)
			return -1;
	}
	if (more(r) && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (more(r) && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (digits(r) == -1)
			return -1;
	}
	return 0;
}

static int
word(struct ref *r, const char *w)
{
	size_t	 n = strlen(w);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return -1;
	r->p += n;
	return 0;
}

/* A container at nesting level depth (the top object is 1). */
static int
ref_container(struct ref *r, int depth)
{
	uint8_t	 close = *r->p == '{' ? '}' : ']';

	if (depth > HS_JSON_MAX_DEPTH)
		return -1;
	r->p++;
	ref_ws(r);
	if (more(r) && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			ref_ws(r);
			if (!more(r) || *r->p != '"' || ref_string(r) == -1)
				return -1;
			ref_ws(r);
			if (!more(r) || *r->p++ != ':')
				return -1;
			r->members++;
		}
		ref_ws(r);
		if (ref_value(r, depth + 1) == -1)
			return -1;
		ref_ws(r);
		if (!more(r))
			return -1;
		if (*r->p == close) {
			r->p++;
			return 0;
		}
		if (*r->p++ != ',')
			return -1;
	}
}

static int
ref_value(struct ref *r, int depth)
{
	if (!more(r))
		return -1;
	switch (*r->p) {
	case '{': case '[':
		return ref_container(r, depth);
	case '"':
		return ref_string(r);
	case 't':
		return word(r, "true");
	case 'f':
		return word(r, "false");
	case 'n':
		return word(r, "null");
	default:
		return ref_number(r);
	}
}

static int
ref_validate(const uint8_t *d, size_t n, size_t *members)
{
	struct ref r = { d, d + n, 0 };

	ref_ws(&r);
	if (!more(&r) || *r.p != '{' || ref_container(&r, 1) == -1)
		return -1;
	ref_ws(&r);
	*members = r.members;
	return r.p == r.end ? 0 : -1;
}

/*
 * hs_json_split_array (PandaDoc's batches): the spans lie inside the
 * input, in order, each an object; and when every element is strict JSON
 * (one level shallower), json-c's strict parser takes the whole array: a
 * batch stored element by element was well-formed JSON as a whole.
 */
#define SPLIT_MAX	128
static void
check_split(const uint8_t *data, size_t size)
{
	struct hs_json_span sp[SPLIT_MAX];
	const char *in = (const char *)data, *prev = in, *why = NULL;
	size_t	 m = 0;
	int	 k, i, all_strict = 1;

	if ((k = hs_json_split_array(in, size, sp, SPLIT_MAX, &why)) <= 0)
		return;
	for (i = 0; i < k; i++) {
		if (sp[i].p < prev || sp[i].len < 2 ||
		    sp[i].p + sp[i].len > in + size)
			fz_die("split: span %d outside the input or out of "
			    "order", i);
		if (sp[i].p[0] != '{' || sp[i].p[sp[i].len - 1] != '}')
			fz_die("split: span %d is not an object", i);
		prev = sp[i].p + sp[i].len;
		if (hs_json_validate(sp[i].p, sp[i].len, HS_JSON_MAX_DEPTH - 1,
		    &m, &why) != 0)
			all_strict = 0;
	}
	if (all_strict) {
		struct json_tokener *tok;
		struct json_object *o;

		if ((tok = json_tokener_new_ex(HS_JSON_MAX_DEPTH + 1)) == NULL)
			return;
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
		o = json_tokener_parse_ex(tok, in, (int)size);
		if (o == NULL || json_tokener_get_parse_end(tok) != size)
			fz_die("split: every element strict, but json-c "
			    "refuses the array: %s", json_tokener_error_desc(
			    json_tokener_get_error(tok)));
		json_object_put(o);
		json_tokener_free(tok);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok;
	struct json_object *o;
	const char *why = NULL;
	size_t	 m1 = 0, m2 = 0;
	int	 ours, theirs, dup_jc;

	check_split(data, size);
	ours = hs_json_validate((const char *)data, size, HS_JSON_MAX_DEPTH,
	    &m1, &why);
	theirs = ref_validate(data, size, &m2);
	if (ours != theirs)
		fz_die("hs_json_validate says %d (%s), the reference %d",
		    ours, ours ? why : "ok", theirs);
	if (ours != 0)
		return 0;
	if (m1 != m2)
		fz_die("member count %zu, the reference %zu", m1, m2);

	if ((tok = json_tokener_new_ex(HS_JSON_MAX_DEPTH + 1)) == NULL)
		return 0;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (o == NULL || json_tokener_get_parse_end(tok) != size)
		fz_die("accepted, but json-c says: %s",
		    json_tokener_error_desc(json_tokener_get_error(tok)));
	json_object_put(o);
	json_tokener_free(tok);

	if ((o = hs_event_parse((const char *)data, size, m1, &why)) == NULL &&
	    strcmp(why, "duplicate key in JSON object") != 0)
		fz_die("accepted, but hs_event_parse says: %s", why);
	dup_jc = o == NULL;
	json_object_put(o);

	/*
	 * hs_json_scan()'s own duplicate-key check (the receiver's path) must
	 * agree with json-c's view (member counts), except that it refuses a
	 * key holding \u0000, which json-c cuts short.
	 */
	{
		static struct hs_json_want want[2] = {
			{ "event", NULL, 0 }, { "a.b", NULL, 0 } };
		int	 scan = hs_json_scan((const char *)data, size, want, 2,
		    &why);

		if (scan != 0 && strcmp(why, "NUL in a JSON key") == 0)
			return 0;
		if ((scan != 0) != dup_jc)
			fz_die("hs_json_scan says %d (%s), json-c duplicate %d",
			    scan, scan ? why : "ok", dup_jc);
		if (scan == 0 && want[0].value && (want[0].value <
		    (const char *)data || want[0].value + want[0].len >
		    (const char *)data + size))
			fz_die("wanted value outside the body");
	}
	return 0;
}
