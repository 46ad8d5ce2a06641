/* hs_json.h - strict RFC 8259 validation of a request body. */
#ifndef HS_JSON_H
#define HS_JSON_H

#include <stddef.h>

#define HS_JSON_MAX_DEPTH	64

/*
 * Validates that s[0..n) is exactly one JSON object, strictly: no NaN,
 * no single quotes, no raw control bytes, no NUL, well-formed UTF-8
 * (no overlongs, surrogates or code points above U+10FFFF), nesting at
 * most max_depth. json-c accepts all of those, and the body is stored
 * verbatim, so jq must be able to read every byte we accept.
 * On success returns 0 and, if members != NULL, the total number of
 * object members (used to detect duplicate keys after json-c parsed).
 * On failure returns -1 and points *why at a static reason.
 */
int	hs_json_validate(const char *s, size_t n, int max_depth,
	    size_t *members, const char **why);

#define HS_JSON_MAX_WANT	16

/* A field to locate: a dotted path through objects ("payload.id"). */
struct hs_json_want {
	const char	*path;
	const char	*value;		/* raw JSON text of the value, or NULL */
	size_t		 len;
};

/*
 * hs_json_validate() plus, in the same pass: duplicate keys in any object
 * are refused (keys compared decoded, as json-c and jq see them; a key
 * holding \u0000 is refused too), and the raw text of each wanted path
 * is located, so only those few values need a real parse. nwant at most
 * HS_JSON_MAX_WANT, paths at most 8 segments.
 */
int	hs_json_scan(const char *s, size_t n, struct hs_json_want *want,
	    size_t nwant, const char **why);

/* A span of the body: one element of a top-level array. */
struct hs_json_span {
	const char	*p;
	size_t		 len;
};

/*
 * s[0..n) as a top-level JSON array of objects (PandaDoc's batch): the
 * span of each element, in order, into spans (at most max). Only the
 * array's frame is checked here (brackets, commas, whitespace, each
 * element an object whose braces balance outside strings); each span
 * must still pass hs_json_scan(), and when every one does, the whole is
 * strict JSON too. Returns the number of elements (>= 1), or -1 with
 * *why: not an array, empty, an element that is not an object, more
 * than max elements.
 */
int	hs_json_split_array(const char *s, size_t n, struct hs_json_span *spans,
	    size_t max, const char **why);

/* Length of the UTF-8 sequence at s, 1 for ASCII, 0 if invalid or cut short. */
size_t	hs_utf8_len(const char *s, size_t left);
/* Well-formed UTF-8 (same rules as inside JSON strings)? */
int	hs_utf8_valid(const char *s, size_t n);

#endif
