/*
 * json_strict.c - an iterative strict JSON validator. It builds nothing:
 * json-c does the parsing afterwards; this pass only decides whether the
 * bytes are JSON that every consumer (jq, Python, Node) reads the same way.
 */
#include <stdint.h>
#include <string.h>

#include "hs_json.h"
#include "hs_json_track.h"

struct scan {
	const unsigned char *p;
	const unsigned char *end;
	const char	*why;
};

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* One UTF-8 sequence starting at s->p (a byte >= 0x80). */
static int
scan_utf8(struct scan *s)
{
	const unsigned char *p = s->p;
	size_t	 left = (size_t)(s->end - p), need, i;
	uint32_t cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 1; cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 2; cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 3; cp = p[0] & 0x07;
	} else
		goto bad;
	if (left < need + 1)
		goto bad;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		goto bad;
	s->p += need + 1;
	return 0;
bad:
	s->why = "invalid UTF-8";
	return -1;
}

/* String bytes that need no look: printable ASCII but '"' and '\\'. */
static const unsigned char str_plain[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1,
};

static int
scan_string(struct scan *s)
{
	const unsigned char *p;
	unsigned char c;
	int	 i;

	s->p++;			/* opening quote */
	while (s->p < s->end) {
		/* the common run first: one table look per byte */
		for (p = s->p; p < s->end && str_plain[*p]; p++)
			;
		if ((s->p = p) == s->end)
			break;
		c = *p;

		if (c == '"') {
			s->p++;
			return 0;
		}
		if (c < 0x20) {
			s->why = c ? "control character in string" :
			    "NUL byte in body";
			return -1;
		}
		if (c >= 0x80) {
			if (scan_utf8(s) == -1)
				return -1;
			continue;
		}
		if (c == '\\') {
			if (++s->p >= s->end)
				break;
			switch (*s->p) {
			case '"': case '\\': case '/': case 'b':
			case 'f': case 'n': case 'r': case 't':
				s->p++;
				continue;
			case 'u':
				s->p++;
				for (i = 0; i < 4; i++, s->p++) {
					if (s->p >= s->end ||
					    !strchr("0123456789abcdefABCDEF",
					    *s->p) || *s->p == 0) {
						s->why = "bad \\u escape";
						return -1;
					}
				}
				continue;
			default:
				s->why = "bad escape in string";
				return -1;
			}
		}
		s->p++;
	}
	s->why = "unterminated string";
	return -1;
}

static int
is_digit(const struct scan *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static int
scan_number(struct scan *s)
{
	if (*s->p == '-')
		s->p++;
	if (!is_digit(s))
		goto bad;
	if (*s->p == '0')
		s->p++;
	else
		while (is_digit(s))
			s->p++;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!is_digit(s))
			goto bad;
		while (is_digit(s))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!is_digit(s))
			goto bad;
		while (is_digit(s))
			s->p++;
	}
	return 0;
bad:
	s->why = "malformed number";
	return -1;
}

static int
scan_literal(struct scan *s, const char *word)
{
	size_t	 n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) {
		s->why = "unexpected character";
		return -1;
	}
	s->p += n;
	return 0;
}

/* A scalar value or the opening of a container. */
static int
scan_value_start(struct scan *s, char *opened)
{
	*opened = 0;
	if (s->p >= s->end) {
		s->why = "unexpected end of body";
		return -1;
	}
	switch (*s->p) {
	case '{':
	case '[':
		*opened = (char)*s->p++;
		return 0;
	case '"':
		return scan_string(s);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	case '\0':
		s->why = "NUL byte in body";
		return -1;
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return scan_number(s);
		s->why = "unexpected character";
		return -1;
	}
}

int
hs_utf8_valid(const char *str, size_t n)
{
	struct scan s = { (const unsigned char *)str,
	    (const unsigned char *)str + n, NULL };

	while (s.p < s.end) {
		if (*s.p < 0x80)
			s.p++;
		else if (scan_utf8(&s) == -1)
			return 0;
	}
	return 1;
}

/* The scanner; with t, also duplicate keys and wanted fields. */
static int
scan_body(const char *str, size_t n, int max_depth, size_t *members,
    struct hs_json_track *t, const char **why)
{
	struct scan s = { (const unsigned char *)str,
	    (const unsigned char *)str + n, NULL };
	const unsigned char *start = s.p, *mark;
	char	 stack[HS_JSON_MAX_DEPTH + 1];
	int	 depth = 0;
	size_t	 count = 0;
	char	 opened;

#define OFF(p)	((size_t)((p) - start))
	if (max_depth < 1 || max_depth > HS_JSON_MAX_DEPTH)
		max_depth = HS_JSON_MAX_DEPTH;
	if (memchr(str, '\0', n) != NULL) {
		s.why = "NUL byte in body";
		goto fail;
	}
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{') {
		s.why = "body is not a JSON object";
		goto fail;
	}
	if (t && hs_json_track_open(t, 0, '{', OFF(s.p)) == -1)
		goto track_fail;
	s.p++;
	stack[depth++] = '{';
	skip_ws(&s);
	/* state: just opened a container; may close immediately */
	if (s.p < s.end && *s.p == '}') {
		s.p++;
		depth--;
		goto done;
	}
	for (;;) {
		/* expecting a member (object) or an element (array) */
		if (stack[depth - 1] == '{') {
			skip_ws(&s);
			if (s.p >= s.end || *s.p != '"') {
				s.why = "expected a string key";
				goto fail;
			}
			mark = s.p;
			if (scan_string(&s) == -1)
				goto fail;
			if (t && hs_json_track_key(t, depth - 1, OFF(mark) + 1,
			    (size_t)(s.p - mark) - 2) == -1)
				goto track_fail;
			skip_ws(&s);
			if (s.p >= s.end || *s.p != ':') {
				s.why = "expected ':'";
				goto fail;
			}
			s.p++;
			count++;
		}
		skip_ws(&s);
		mark = s.p;
		if (scan_value_start(&s, &opened) == -1)
			goto fail;
		if (opened) {
			if (depth >= max_depth) {
				s.why = "JSON nested too deep";
				goto fail;
			}
			if (t && hs_json_track_open(t, depth, opened,
			    OFF(mark)) == -1)
				goto track_fail;
			stack[depth++] = opened;
			skip_ws(&s);
			if (s.p < s.end && *s.p == (opened == '{' ? '}' : ']')) {
				s.p++;
				depth--;
				if (t && hs_json_track_close(t, depth,
				    OFF(s.p)) == -1)
					goto track_fail;
			} else
				continue;
		} else if (t)
			hs_json_track_scalar(t, OFF(mark), OFF(s.p));
		/* after a value: ',' or a closer, possibly several closers */
		for (;;) {
			skip_ws(&s);
			if (s.p >= s.end) {
				s.why = "unexpected end of body";
				goto fail;
			}
			if (*s.p == ',') {
				s.p++;
				break;
			}
			if (*s.p == (stack[depth - 1] == '{' ? '}' : ']')) {
				s.p++;
				depth--;
				if (t && hs_json_track_close(t, depth,
				    OFF(s.p)) == -1)
					goto track_fail;
				if (depth == 0)
					goto done;
				continue;
			}
			s.why = "expected ',' or a closing bracket";
			goto fail;
		}
	}
#undef OFF
done:
	skip_ws(&s);
	if (s.p != s.end) {
		s.why = "trailing bytes after the JSON object";
		goto fail;
	}
	if (members)
		*members = count;
	return 0;
track_fail:
	s.why = t->why;
fail:
	if (why)
		*why = s.why ? s.why : "malformed JSON";
	return -1;
}

int
hs_json_validate(const char *str, size_t n, int max_depth, size_t *members,
    const char **why)
{
	return scan_body(str, n, max_depth, members, NULL, why);
}

int
hs_json_scan(const char *str, size_t n, struct hs_json_want *want,
    size_t nwant, const char **why)
{
	struct hs_json_track t;
	int	 rc;

	if (hs_json_track_init(&t, str, want, nwant) == -1) {
		*why = "too many fields";
		return -1;
	}
	rc = scan_body(str, n, HS_JSON_MAX_DEPTH, NULL, &t, why);
	hs_json_track_free(&t);
	return rc;
}
