/*
 * test_multipart.c - cgi/multipart.c: the boundary parameter (RFC 2046:
 * 1..70 characters, quoted or not, once) and the one field it finds, and
 * the hostile bodies it refuses.
 */
#include <string.h>

#include "hs_multipart.h"
#include "check.h"

static const char *why;

static int
boundary_ok(const char *ct, const char *want)
{
	char	 b[HS_MP_BOUNDARY_MAX + 1];

	if (hs_multipart_boundary(ct, b, &why) == -1)
		return 0;
	return want == NULL || strcmp(b, want) == 0;
}

/* the json field of body under boundary "XyZ": 1 and it equals want */
static int
field_is(const char *body, const char *want)
{
	const char *v;
	size_t	 n;

	if (hs_multipart_field(body, strlen(body), "XyZ", "json", &v, &n,
	    &why) == -1)
		return 0;
	return n == strlen(want) && memcmp(v, want, n) == 0;
}

#define CD	"Content-Disposition: form-data; name=\"json\"\r\n"
#define PART(v)	"--XyZ\r\n" CD "\r\n" v "\r\n"
#define END	"--XyZ--\r\n"

int
main(void)
{
	char	 big[200], line[4096];
	int	 i;

	tap_suite = "test_multipart";
	/* Content-Type */
	CHECK(boundary_ok("multipart/form-data; boundary=XyZ", "XyZ"),
	    "unquoted boundary");
	CHECK(boundary_ok("Multipart/Form-Data;BOUNDARY=\"a b:c\"", "a b:c"),
	    "quoted boundary with space and colon, case-insensitive names");
	CHECK(boundary_ok("multipart/form-data; charset=utf-8; boundary="
	    "------------------------d74496d66958873e", NULL),
	    "curl's boundary after another parameter");
	CHECK(boundary_ok("multipart/form-data; boundary=\"x\\\"y\"", NULL) == 0,
	    "a quote in a boundary is not a bchar");
	CHECK(!boundary_ok("multipart/form-data", NULL), "no boundary");
	CHECK(!boundary_ok("multipart/form-data; boundary=", NULL),
	    "empty boundary");
	CHECK(!boundary_ok("multipart/form-data; boundary=\"\"", NULL),
	    "empty quoted boundary");
	CHECK(!boundary_ok("multipart/form-data; boundary=a; boundary=b", NULL),
	    "two boundaries");
	CHECK(!boundary_ok("multipart/form-data; boundary=\"ab", NULL),
	    "unterminated quote");
	CHECK(!boundary_ok("multipart/form-data; boundary=\"ab \"", NULL),
	    "boundary ending in a space");
	CHECK(!boundary_ok("multipart/mixed; boundary=a", NULL),
	    "multipart/mixed");
	CHECK(!boundary_ok("multipart/form-datax; boundary=a", NULL),
	    "a longer type");
	CHECK(!boundary_ok("application/json", NULL), "JSON");
	CHECK(!boundary_ok(NULL, NULL), "no Content-Type");
	memset(big, 'a', 70);
	big[70] = '\0';
	snprintf(line, sizeof line, "multipart/form-data; boundary=%s", big);
	CHECK(boundary_ok(line, big), "70-character boundary");
	snprintf(line, sizeof line, "multipart/form-data; boundary=%sa", big);
	CHECK(!boundary_ok(line, NULL), "71-character boundary");
	snprintf(line, sizeof line, "multipart/form-data; boundary=\"%sa\"",
	    big);
	CHECK(!boundary_ok(line, NULL), "71-character quoted boundary");
	CHECK(!boundary_ok("multipart/form-data; boundary=a\x01", NULL),
	    "control character");
	CHECK(!boundary_ok("multipart/form-data; boundary = a", NULL),
	    "space around =");

	/* bodies */
	CHECK(field_is(PART("{\"a\":1}") END, "{\"a\":1}"), "one field");
	CHECK(field_is("preamble\r\n" PART("{}") END, "{}"), "preamble skipped");
	CHECK(field_is(PART("{}") "--XyZ--", "{}"), "no CRLF after close");
	CHECK(field_is(PART("{}") END "epilogue --XyZ\r\n", "{}"),
	    "epilogue ignored");
	CHECK(field_is("--XyZ \t\r\n" CD "\r\n{}\r\n" END, "{}"),
	    "transport padding");
	CHECK(field_is("--XyZ\r\nContent-Disposition: form-data; name=\"other\""
	    "\r\n\r\nx\r\n" PART("{\n\"b\":\r\n2}") END, "{\n\"b\":\r\n2}"),
	    "other fields skipped, CRLF and LF inside the value kept");
	CHECK(field_is("--XyZ\r\ncontent-disposition: FORM-DATA; NAME=json\r\n"
	    "Content-Type: application/json\r\n\r\n{}\r\n" END, "{}"),
	    "token name, any case, a part Content-Type");
	CHECK(field_is(PART("") END, ""), "empty field (JSON refuses it later)");
	CHECK(!field_is(PART("{}"), "{}"), "not closed");
	CHECK(!field_is("--XyZ\r\n" CD "\r\n{}", "{}"), "truncated");
	CHECK(!field_is(PART("{}") PART("{}") END, "{}"), "json twice");
	CHECK(!field_is("--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n"
	    "\r\n{}\r\n" END, "{}"), "json missing");
	CHECK(strstr(why, "missing") != NULL, "missing says so");
	CHECK(!field_is("--XyZ\nContent-Disposition: form-data; name=\"json\"\n"
	    "\n{}\n--XyZ--\n", "{}"), "LF-only lines");
	CHECK(!field_is("--XyZ\r\nContent-Disposition: form-data;\n name=\"json\""
	    "\r\n\r\n{}\r\n" END, "{}"), "bare LF in a header");
	CHECK(!field_is("--XyZ\r\nContent-Disposition: form-data;\r\n"
	    " name=\"json\"\r\n\r\n{}\r\n" END, "{}"), "folded header");
	CHECK(!field_is("--XyZ\r\nContent-Disposition: form-data; name=\"json\"; "
	    "name=\"x\"\r\n\r\n{}\r\n" END, "{}"), "named twice");
	CHECK(!field_is("--XyZ\r\n" CD CD "\r\n{}\r\n" END, "{}"),
	    "two Content-Disposition headers");
	CHECK(!field_is("--XyZ\r\n\r\n{}\r\n" END, "{}"),
	    "no Content-Disposition");
	CHECK(!field_is("--XyZ\r\nContent-Disposition: attachment; name=\"json\""
	    "\r\n\r\n{}\r\n" END, "{}"), "not form-data");
	CHECK(!field_is("--XyZ\r\n" CD "Content-Transfer-Encoding: base64\r\n"
	    "\r\ne30=\r\n" END, "{}"), "base64 transfer encoding");
	CHECK(field_is("--XyZ\r\n" CD "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n{}\r\n" END, "{}"), "8bit transfer encoding");
	CHECK(!field_is(PART("{} \r\n--XyZx") END, "{}"),
	    "the boundary inside a part");
	CHECK(!field_is("--XyZx\r\n" CD "\r\n{}\r\n" END, "{}"),
	    "a longer boundary first");
	CHECK(!field_is("--XyZ\r\nContent-Disposition: form-data; name=\"json"
	    "\r\n\r\n{}\r\n" END, "{}"), "unterminated quoted name");
	CHECK(!field_is("--XyZ\r\nContent-Disposition: form-data; name=\"js\0on\""
	    "\r\n\r\n{}\r\n" END, "{}"), "NUL in a header");
	CHECK(!field_is("--XyZ\r\nBad Header: x\r\n" CD "\r\n{}\r\n" END, "{}"),
	    "space in a header name");
	CHECK(!field_is("", "{}"), "empty body");
	CHECK(!field_is("--XyZ--\r\n", "{}"), "no parts");
	CHECK(field_is("--XyZ\r\nContent-Disposition: form-data; name=\"j\\son\""
	    "\r\n\r\n{}\r\n" END, "{}"), "quoted-pair in the name");
	/* bounds */
	snprintf(line, sizeof line, "--XyZ\r\nX-Long: %0*d\r\n" CD "\r\n{}\r\n"
	    END, HS_MP_HEADER_LINE_MAX, 0);
	CHECK(!field_is(line, "{}"), "header line over the bound");
	snprintf(line, sizeof line, "--XyZ\r\nX-Long: %0*d\r\n" CD "\r\n{}\r\n"
	    END, HS_MP_HEADER_LINE_MAX - 8, 0);
	CHECK(field_is(line, "{}"), "header line at the bound");
	line[0] = '\0';
	strcat(line, "--XyZ\r\n");
	for (i = 0; i < HS_MP_MAX_HEADERS; i++)
		strcat(line, "X-A: b\r\n");
	strcat(line, CD "\r\n{}\r\n" END);
	CHECK(!field_is(line, "{}"), "too many headers");
	line[0] = '\0';
	for (i = 0; i < HS_MP_MAX_PARTS; i++)
		strcat(line, "--XyZ\r\nContent-Disposition: form-data; "
		    "name=\"x\"\r\n\r\n\r\n");
	strcat(line, PART("{}") END);
	CHECK(!field_is(line, "{}"), "too many parts");
	return tap_done();
}
