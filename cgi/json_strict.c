/*
 * json_strict.c - an iterative strict JSON validator. It builds nothing:
 * json-c does the parsing afterwards; this pass only decides whether the
 * bytes are JSON that every consumer (jq, Python, Node) reads the same way.
 *
 * It runs over every byte of every body, so it is written for speed: the
 * cursor is a local the compiler keeps in a register, each helper takes it
 * and returns the new one (NULL on error, with the reason in s->why), and
 * only rare cases (escapes, non-ASCII, errors) leave the inlined fast path.
 */
#include <stdint.h>
#include <string.h>

#include "hs_json.h"
#include "hs_json_track.h"

typedef const unsigned char *cur_t;

struct scan {
	cur_t		 end;
	const char	*why;
	int		 escaped;	/* the last string held a backslash */
};

static cur_t
fail_at(struct scan *s, const char *why)
{
	s->why = why;
	return NULL;
}

/* Compact JSON has no whitespace: one compare settles most calls. */
static inline cur_t
skip_ws(cur_t p, cur_t end)
{
	while (p < end && *p <= ' ' &&
	    (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * Length of the UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), 1 for ASCII, 0 if invalid or cut
 * short. The one UTF-8 validator: the scanner and the CLI's printing both
 * use it.
 */
static inline size_t
utf8_seq(cur_t p, size_t left)
{
	size_t	 need, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 1; cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 2; cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 3; cp = p[0] & 0x07;
	} else
		return 0;
	if (left < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need + 1;
}

size_t
hs_utf8_len(const char *s, size_t left)
{
	return left ? utf8_seq((cur_t)s, left) : 0;
}

/* One UTF-8 sequence starting at p (a byte >= 0x80). */
static cur_t
scan_utf8(struct scan *s, cur_t p)
{
	size_t	 n = utf8_seq(p, (size_t)(s->end - p));

	return n ? p + n : fail_at(s, "invalid UTF-8");
}

/* String bytes that need no look: printable ASCII but '"' and '\\'. */
static const unsigned char str_plain[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1,
};

static const unsigned char is_hex[256] = {
	['0' ... '9'] = 1, ['a' ... 'f'] = 1, ['A' ... 'F'] = 1,
};

/* The rest of a string from its first byte that is not plain. */
static __attribute__((noinline)) cur_t
scan_string_rest(struct scan *s, cur_t p)
{
	cur_t	 end = s->end;
	int	 i;

	while (p < end) {
		if (str_plain[*p]) {
			p++;
			continue;
		}
		if (*p == '"')
			return p + 1;
		if (*p < 0x20)
			return fail_at(s, *p ? "control character in string" :
			    "NUL byte in body");
		if (*p >= 0x80) {
			if ((p = scan_utf8(s, p)) == NULL)
				return NULL;
			continue;
		}
		/* a backslash */
		s->escaped = 1;
		if (++p >= end)
			break;
		switch (*p) {
		case '"': case '\\': case '/': case 'b':
		case 'f': case 'n': case 'r': case 't':
			p++;
			continue;
		case 'u':
			p++;
			for (i = 0; i < 4; i++, p++)
				if (p >= end || !is_hex[*p])
					return fail_at(s, "bad \\u escape");
			continue;
		default:
			return fail_at(s, "bad escape in string");
		}
	}
	return fail_at(s, "unterminated string");
}

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * The high bit of each byte of x that is not plain ('"', '\\', < 0x20 or
 * >= 0x80). Bits above the lowest may be false alarms (borrows); the
 * lowest is exact, which is all the caller uses.
 */
static inline uint64_t
word_special(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	return ((q - ONES) & ~q) | ((b - ONES) & ~b) |
	    ((x - ONES * 0x20) & ~x) | (x & HIGHS);
}

/*
 * Skips plain bytes 8 at a time; stops at the first byte that is not
 * plain, or with fewer than 8 bytes left.
 */
static inline cur_t
skip_plain_words(cur_t p, cur_t end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t word, special;

	for (; end - p >= 8; p += 8) {
		memcpy(&word, p, 8);		/* byte 0 is the low byte */
		if ((special = word_special(word) & HIGHS) != 0)
			return p + (__builtin_ctzll(special) >> 3);
	}
#else
	(void)end;
#endif
	return p;
}

/*
 * A string whose opening quote is at p; returns just past its closer.
 * Keys and most values are short: byte by byte first; a string still
 * going after 8 bytes continues 8 bytes a step.
 */
static inline cur_t
scan_string(struct scan *s, cur_t p)
{
	cur_t	 end = s->end, stop;

	s->escaped = 0;
	p++;
	stop = end - p > 8 ? p + 8 : end;
	while (p < stop && str_plain[*p])
		p++;
	if (p == stop) {
		p = skip_plain_words(p, end);
		while (p < end && str_plain[*p])
			p++;
	}
	if (p < end && *p == '"')
		return p + 1;
	return scan_string_rest(s, p);
}

static inline cur_t
skip_digits(cur_t p, cur_t end)
{
	while (p < end && (unsigned)(*p - '0') <= 9)
		p++;
	return p;
}

static inline int
digit_at(cur_t p, cur_t end)
{
	return p < end && (unsigned)(*p - '0') <= 9;
}

static inline cur_t
scan_number(struct scan *s, cur_t p)
{
	cur_t	 end = s->end;

	if (*p == '-')
		p++;
	if (!digit_at(p, end))
		goto bad;
	if (*p == '0')
		p++;
	else
		p = skip_digits(p, end);
	if (p < end && *p == '.') {
		if (!digit_at(++p, end))
			goto bad;
		p = skip_digits(p, end);
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!digit_at(p, end))
			goto bad;
		p = skip_digits(p, end);
	}
	return p;
bad:
	return fail_at(s, "malformed number");
}

static cur_t
scan_literal(struct scan *s, cur_t p, const char *word, size_t n)
{
	if ((size_t)(s->end - p) < n || memcmp(p, word, n) != 0)
		return fail_at(s, "unexpected character");
	return p + n;
}

/* A scalar value or the opening of a container ('{' or '[' in *opened). */
static inline cur_t
scan_value_start(struct scan *s, cur_t p, char *opened)
{
	*opened = 0;
	if (p >= s->end)
		return fail_at(s, "unexpected end of body");
	switch (*p) {
	case '{':
	case '[':
		*opened = (char)*p;
		return p + 1;
	case '"':
		return scan_string(s, p);
	case 't':
		return scan_literal(s, p, "true", 4);
	case 'f':
		return scan_literal(s, p, "false", 5);
	case 'n':
		return scan_literal(s, p, "null", 4);
	case '\0':
		return fail_at(s, "NUL byte in body");
	default:
		if (*p == '-' || (unsigned)(*p - '0') <= 9)
			return scan_number(s, p);
		return fail_at(s, "unexpected character");
	}
}

int
hs_utf8_valid(const char *str, size_t n)
{
	struct scan s = { (cur_t)str + n, NULL, 0 };
	cur_t	 p = (cur_t)str;

	while (p != NULL && p < s.end)
		p = *p < 0x80 ? p + 1 : scan_utf8(&s, p);
	return p != NULL;
}

/* The scanner; with t, also duplicate keys and wanted fields. */
static int
scan_body(const char *str, size_t n, int max_depth, size_t *members,
    struct hs_json_track *t, const char **why)
{
	struct scan s = { (cur_t)str + n, NULL, 0 };
	cur_t	 start = (cur_t)str, end = s.end, p = start, mark;
	char	 stack[HS_JSON_MAX_DEPTH + 1];
	int	 depth = 0;
	size_t	 count = 0;
	char	 opened;

#define OFF(x)	((size_t)((x) - start))
	if (max_depth < 1 || max_depth > HS_JSON_MAX_DEPTH)
		max_depth = HS_JSON_MAX_DEPTH;
	if (memchr(str, '\0', n) != NULL) {
		s.why = "NUL byte in body";
		goto fail;
	}
	p = skip_ws(p, end);
	if (p >= end || *p != '{') {
		s.why = "body is not a JSON object";
		goto fail;
	}
	if (t && hs_json_track_open(t, 0, '{', OFF(p)) == -1)
		goto track_fail;
	p++;
	stack[depth++] = '{';
	p = skip_ws(p, end);
	/* state: just opened a container; may close immediately */
	if (p < end && *p == '}') {
		p++;
		depth--;
		goto done;
	}
	for (;;) {
		/* expecting a member (object) or an element (array) */
		if (stack[depth - 1] == '{') {
			p = skip_ws(p, end);
			if (p >= end || *p != '"') {
				s.why = "expected a string key";
				goto fail;
			}
			mark = p;
			if ((p = scan_string(&s, p)) == NULL)
				goto fail;
			if (t && hs_json_track_key(t, depth - 1, OFF(mark) + 1,
			    (size_t)(p - mark) - 2, s.escaped) == -1)
				goto track_fail;
			p = skip_ws(p, end);
			if (p >= end || *p != ':') {
				s.why = "expected ':'";
				goto fail;
			}
			p++;
			count++;
		}
		p = skip_ws(p, end);
		mark = p;
		if ((p = scan_value_start(&s, p, &opened)) == NULL)
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
			p = skip_ws(p, end);
			if (p < end && *p == (opened == '{' ? '}' : ']')) {
				p++;
				depth--;
				if (t && hs_json_track_close(t, depth,
				    OFF(p)) == -1)
					goto track_fail;
			} else
				continue;
		} else if (t && (t->leaf | t->child))
			hs_json_track_scalar(t, OFF(mark), OFF(p));
		/* after a value: ',' or a closer, possibly several closers */
		for (;;) {
			p = skip_ws(p, end);
			if (p >= end) {
				s.why = "unexpected end of body";
				goto fail;
			}
			if (*p == ',') {
				p++;
				break;
			}
			if (*p == (stack[depth - 1] == '{' ? '}' : ']')) {
				p++;
				depth--;
				if (t && hs_json_track_close(t, depth,
				    OFF(p)) == -1)
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
	if (skip_ws(p, end) != end) {
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

/*
 * The end of the object whose '{' is at p: brackets matched by kind,
 * strings skipped by the scanner's own string rule (so a brace or bracket
 * inside a string is never counted). Its contents are checked later; a
 * closer of the wrong kind ends nothing (fuzz_json found "{...]" taken
 * for an element).
 */
static cur_t
object_end(struct scan *s, cur_t p)
{
	cur_t	 end = s->end;
	char	 want[HS_JSON_MAX_DEPTH];
	int	 depth = 0;

	while (p < end) {
		switch (*p) {
		case '"':
			if ((p = scan_string(s, p)) == NULL)
				return NULL;
			continue;
		case '{':
		case '[':
			if (depth == HS_JSON_MAX_DEPTH)
				return fail_at(s, "JSON nested too deep");
			want[depth++] = *p == '{' ? '}' : ']';
			break;
		case '}':
		case ']':
			if (depth == 0 || want[depth - 1] != (char)*p)
				return fail_at(s, "mismatched brackets");
			if (--depth == 0)
				return p + 1;
			break;
		case '\0':
			return fail_at(s, "NUL byte in body");
		}
		p++;
	}
	return fail_at(s, "unexpected end of body");
}

int
hs_json_split_array(const char *str, size_t n, struct hs_json_span *spans,
    size_t max, const char **why)
{
	struct scan s = { (cur_t)str + n, NULL, 0 };
	cur_t	 end = s.end, p, q;
	size_t	 count = 0;

	p = skip_ws((cur_t)str, end);
	if (p >= end || *p != '[') {
		*why = "body is not a JSON array";
		return -1;
	}
	p = skip_ws(p + 1, end);
	if (p < end && *p == ']') {
		*why = "empty array: no events";
		return -1;
	}
	for (;;) {
		if (p >= end || *p != '{') {
			*why = "an array element is not a JSON object";
			return -1;
		}
		if (count == max) {
			*why = "too many events in one delivery";
			return -1;
		}
		if ((q = object_end(&s, p)) == NULL) {
			*why = s.why;
			return -1;
		}
		spans[count].p = (const char *)p;
		spans[count++].len = (size_t)(q - p);
		p = skip_ws(q, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == ']')
			break;
		*why = p < end ? "expected ',' or ']'" :
		    "unexpected end of body";
		return -1;
	}
	if (skip_ws(p + 1, end) != end) {
		*why = "trailing bytes after the JSON array";
		return -1;
	}
	return (int)count;
}
