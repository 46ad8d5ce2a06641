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

/* Well-formed UTF-8 (same rules as inside JSON strings)? */
int	hs_utf8_valid(const char *s, size_t n);

#endif
