/*
 * fuzz_multipart.c - cgi/multipart.c on hostile input (Dropbox Sign's
 * multipart/form-data): the Content-Type's boundary parameter and the one
 * field a body holds, with the invariants a caller relies on, and a round
 * trip: a form built around a fuzzed value gives that value back.
 *
 * Input: n, then n bytes of Content-Type, then the body.
 *   A boundary the Content-Type yields is used for the body; without one,
 *   "XyZ".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "hs_multipart.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int
bchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("'()+_,-./:=? ",
	    c) != NULL);
}

static void
check_boundary(const char *b)
{
	size_t	 i, n = strlen(b);

	if (n == 0 || n > HS_MP_BOUNDARY_MAX)
		fz_die("boundary of length %zu accepted", n);
	for (i = 0; i < n; i++)
		if (!bchar((unsigned char)b[i]))
			fz_die("boundary with byte 0x%02x accepted",
			    (unsigned char)b[i]);
	if (b[n - 1] == ' ')
		fz_die("boundary ending in a space accepted");
}

static void
check_field(const char *body, size_t len, const char *b)
{
	char	 delim[HS_MP_BOUNDARY_MAX + 5];
	const char *v, *why = NULL;
	size_t	 vlen, dlen;

	if (hs_multipart_field(body, len, b, "json", &v, &vlen, &why) == -1) {
		if (why == NULL)
			fz_die("refused without a reason");
		return;
	}
	dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", b);
	if (v < body || v > body + len || vlen > (size_t)(body + len - v))
		fz_die("field outside the body");
	if (vlen + dlen > (size_t)(body + len - v) ||
	    memcmp(v + vlen, delim, dlen) != 0)
		fz_die("field not followed by a delimiter");
	if (v - body < 4 || memcmp(v - 4, "\r\n\r\n", 4) != 0)
		fz_die("field not after its header block");
	if (memmem(v, vlen, delim, dlen) != NULL)
		fz_die("field holds a delimiter");
}

/* A clean form around value (if the delimiter is not in it) round-trips. */
static void
round_trip(const char *value, size_t vlen, const char *b)
{
	char	 delim[HS_MP_BOUNDARY_MAX + 5], *form;
	const char *v, *why;
	size_t	 n, got, dlen;

	dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", b);
	if (memmem(value, vlen, delim, dlen) != NULL)
		return;
	if ((form = malloc(vlen + 4 * HS_MP_BOUNDARY_MAX + 200)) == NULL)
		return;
	n = (size_t)sprintf(form, "--%s\r\nContent-Disposition: form-data; "
	    "name=\"other\"\r\n\r\nx\r\n--%s\r\nContent-Disposition: "
	    "form-data; name=\"json\"\r\n\r\n", b, b);
	memcpy(form + n, value, vlen);
	n += vlen;
	n += (size_t)sprintf(form + n, "\r\n--%s--\r\n", b);
	/* "\r\n--" cannot straddle the value and the close delimiter:
	 * the boundary has no CR */
	if (hs_multipart_field(form, n, b, "json", &v, &got, &why) == -1)
		fz_die("clean form refused: %s", why);
	if (got != vlen || memcmp(v, value, vlen) != 0)
		fz_die("round trip changed the field");
	free(form);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 ct[256], b[HS_MP_BOUNDARY_MAX + 1];
	const char *body, *why;
	size_t	 n, len;

	if (size < 1)
		return 0;
	n = data[0];
	if (n > size - 1)
		n = size - 1;
	if (n >= sizeof ct)
		n = sizeof ct - 1;
	memcpy(ct, data + 1, n);
	ct[n] = '\0';
	body = (const char *)data + 1 + n;
	len = size - 1 - n;
	if (hs_multipart_boundary(ct, b, &why) == 0)
		check_boundary(b);
	else
		snprintf(b, sizeof b, "XyZ");
	check_field(body, len, b);
	if (len <= 4096)
		round_trip(body, len, b);
	return 0;
}
