/* test_json.c - the strict validator: what jq reads, and nothing json-c adds. */
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_event.h"
#include "hs_json.h"
#include "check.h"

static int
ok(const char *s)
{
	const char *why;

	return hs_json_validate(s, strlen(s), HS_JSON_MAX_DEPTH, NULL, &why) == 0;
}

static int
okn(const char *s, size_t n)
{
	const char *why;

	return hs_json_validate(s, n, HS_JSON_MAX_DEPTH, NULL, &why) == 0;
}

static int
scan_ok(const char *s, struct hs_json_want *w, size_t n)
{
	const char *why;

	return hs_json_scan(s, strlen(s), w, n, &why) == 0;
}

static void
test_scan(void)
{
	struct hs_json_want w[3] = { { "event", NULL, 0 },
	    { "payload.id", NULL, 0 }, { "data.object.id", NULL, 0 } };
	struct json_object *o, *v;
	const char *why, *paths[] = { "event", "payload.id", "actor", "n" };
	char	 big[4096];
	int	 i, n;

	CHECK(scan_ok("{\"x\":[{\"event\":1}],\"event\":\"e\",\"payload\":"
	    "{\"id\":{\"k\":[1,2]},\"z\":1}}", w, 3), "scan accepts");
	CHECK(w[0].value && w[0].len == 3 && memcmp(w[0].value, "\"e\"", 3) == 0,
	    "top-level string span (not the one inside the array)");
	CHECK(w[1].value && w[1].len == 11 &&
	    memcmp(w[1].value, "{\"k\":[1,2]}", 11) == 0, "nested object span");
	CHECK(w[2].value == NULL, "absent path");
	CHECK(scan_ok("{\"data\":{\"object\":{\"id\":-1.5e3}}}", w, 3) &&
	    w[2].len == 6, "number span");
	CHECK(scan_ok("{\"\\u0065vent\":true}", w, 1) && w[0].len == 4,
	    "escaped key matches its decoded name");
	CHECK(!scan_ok("{\"a\":1,\"a\":2}", w, 0), "duplicate key");
	CHECK(!scan_ok("{\"event\":1,\"\\u0065vent\":2}", w, 0),
	    "duplicate through an escape");
	CHECK(!scan_ok("{\"x\":{\"a\":{},\"b\":1,\"a\":[]}}", w, 0),
	    "nested duplicate");
	CHECK(scan_ok("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}", w, 0),
	    "same key in sibling objects");
	CHECK(!scan_ok("{\"a/b\":1,\"x\":2,\"a\\/b\":3}", w, 0),
	    "duplicate through \\/");
	CHECK(scan_ok("{\"\\u0061\":1,\"\\u0062\":2,\"c\":3,\"\\u0063d\":4}", w, 0),
	    "distinct escaped keys in a small object");
	CHECK(!scan_ok("{\"x\":{\"\\u0061\":1},\"y\":{\"\\u0061\":1,\"b\":2,\"a\":3}}",
	    w, 0), "escaped duplicate in a nested small object");
	CHECK(!scan_ok("{\"a\\u0000b\":1}", w, 0), "\\u0000 in a key refused");
	CHECK(scan_ok("{\"\\ud83d\\ude00\":1,\"\\ud800\":2}", w, 0),
	    "surrogate pair and lone surrogate keys");
	CHECK(!scan_ok("{\"\\ud800\":1,\"\\udbff\":2}", w, 0),
	    "two lone surrogates are the same key (U+FFFD) as json-c sees them");
	/* stored verbatim, as sent: a JavaScript string cut inside an emoji */
	CHECK(scan_ok("{\"a\":\"\\ud83d\",\"b\":\"x\\udc00\\ud83d\\ud83d\"}", w, 0),
	    "lone surrogate escapes in values accepted");
	/* more than 16 members: the sorted path */
	n = snprintf(big, sizeof big, "{");
	for (i = 0; i < 200; i++)
		n += snprintf(big + n, sizeof big - (size_t)n, "\"k%d\":%d,", i, i);
	snprintf(big + n, sizeof big - (size_t)n, "\"k7\":0}");
	CHECK(!scan_ok(big, w, 0), "duplicate among 201 keys");
	big[n - 1] = '}';
	big[n] = '\0';
	CHECK(scan_ok(big, w, 0), "200 distinct keys");

	{
		const char *body = "{\"event\":\"a\",\"payload\":{\"id\":10},"
		    "\"actor\":{\"e\":\"m\"},\"n\":7,\"big\":[1,2,3]}";

		o = hs_event_extract(body, strlen(body), paths, 4, &why);
	}
	CHECK(o != NULL, "extract: %s", o ? "" : why);
	if (o == NULL)
		return;
	CHECK(json_object_object_length(o) == 4, "only the wanted fields");
	v = hs_event_path(o, "payload.id");
	CHECK(v && json_object_get_int(v) == 10, "nested number");
	v = hs_event_path(o, "n");
	CHECK(v && json_object_get_int(v) == 7, "top-level number");
	v = hs_event_path(o, "actor.e");
	CHECK(v && strcmp(json_object_get_string(v), "m") == 0, "object value");
	json_object_put(o);
	CHECK(hs_event_extract("{\"event\":1,\"event\":2}", 21, paths, 1,
	    &why) == NULL && strcmp(why, "duplicate key in JSON object") == 0,
	    "extract refuses duplicates");
}

/*
 * Long strings are skipped 8 bytes a step: a byte that ends or breaks a
 * string must be seen at every offset from the opening quote, and near
 * the end of the body.
 */
static void
test_string_offsets(void)
{
	static const struct { const char *ins; int valid; const char *what; }
	    cases[] = {
		{ "\"", 0, "unescaped quote (ends the string early)" },
		{ "\x01", 0, "control byte" },
		{ "\x1f", 0, "byte 0x1f" },
		{ "\x7f", 1, "DEL (allowed raw by RFC 8259)" },
		{ "\\n", 1, "escape" },
		{ "\\u00e9", 1, "\\u escape" },
		{ "\\q", 0, "bad escape" },
		{ "\xc3\xa9", 1, "2-byte UTF-8" },
		{ "\xf0\x9f\x98\x80", 1, "4-byte UTF-8" },
		{ "\xc3", 0, "truncated UTF-8" },
		{ "\xff", 0, "byte 0xff" },
	};
	char	 body[128], what[160];
	size_t	 c, off, len;
	int	 valid, fails = 0;

	for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		for (off = 0; off <= 40; off++) {
			/* {"k":"<off x a><ins><a x 9>"} */
			len = (size_t)snprintf(body, sizeof body,
			    "{\"k\":\"%.*s%s%s\"}", (int)off,
			    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			    cases[c].ins, "aaaaaaaaa");
			valid = okn(body, len);
			if (valid != cases[c].valid && fails++ < 5) {
				snprintf(what, sizeof what, "%s at offset %zu",
				    cases[c].what, off);
				CHECK(0, "%s: %s", what, valid ? "accepted" :
				    "refused");
			}
		}
	}
	CHECK(fails == 0, "%d misjudged strings at offsets 0..40", fails);

	/* unterminated strings of every length near the 8-byte steps */
	for (fails = 0, off = 0; off <= 40; off++) {
		len = (size_t)snprintf(body, sizeof body, "{\"k\":\"%.*s",
		    (int)off, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
		if (okn(body, len))
			fails++;
		body[len] = '"';	/* a closing quote but no '}' */
		if (okn(body, len + 1))
			fails++;
	}
	CHECK(fails == 0, "unterminated: %d accepted", fails);
}

/* Strings the envelope writes: escapes exactly as json-c printed them. */
static void
test_json_string_out(void)
{
	static const struct { const char *in; size_t n; const char *out; }
	    cases[] = {
		{ "", 0, "\"\"" },
		{ "plain", 5, "\"plain\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "\"", 1, "\"\\\"\"" },
		{ "x\n\x01\x1f\x7fy", 6, "\"x\\u000a\\u0001\\u001f\\u007fy\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "a/b", 3, "\"a/b\"" },
	};
	struct hs_buf b;
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hs_buf_init(&b);
		hs_buf_adds(&b, "x");
		CHECK(hs_buf_add_json_string(&b, cases[i].in, cases[i].n) == 0,
		    "json string %zu written", i);
		CHECK_STR(hs_buf_cstr(&b) + 1, cases[i].out, "json string");
		CHECK(b.len == 1 + strlen(cases[i].out), "json string %zu length",
		    i);
		hs_buf_free(&b);
	}
}

int
main(void)
{
	static char deep[20001];
	const char *why;
	size_t	 members = 0;
	int	 i;

	tap_suite = "test_json";
	CHECK(ok("{}"), "empty object");
	CHECK(ok(" {\"a\":1} \n"), "surrounding whitespace");
	CHECK(ok("{\"a\":[1,-2.5e+3,0,true,false,null,\"x\",{},[]]}"), "all types");
	CHECK(ok("{\"big\":99999999999999999999999}"), "big integer (kept raw)");
	CHECK(ok("{\"u\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}"), "UTF-8");
	CHECK(ok("{\"e\":\"\\u0041\\n\\\"\\\\\\/\"}"), "escapes");
	CHECK(!ok("[1]"), "top-level array refused");
	CHECK(!ok("\"x\""), "top-level string refused");
	CHECK(!ok(""), "empty body");
	CHECK(!ok("{\"a\":1}{\"b\":2}"), "two objects");
	CHECK(!ok("{\"a\":1} x"), "trailing bytes");
	CHECK(!okn("{\"a\":1}\0junk", 12), "NUL after the object");
	CHECK(!okn("{\"a\":\"x\0y\"}", 11), "NUL inside a string");
	CHECK(!ok("{\"a\":NaN}"), "NaN");
	CHECK(!ok("{\"a\":Infinity}"), "Infinity");
	CHECK(!ok("{\"a\":-Infinity}"), "-Infinity");
	CHECK(!ok("{'a':1}"), "single-quoted key");
	CHECK(!ok("{\"a\":'b'}"), "single-quoted value");
	CHECK(!ok("{\"a\":1,}"), "trailing comma in object");
	CHECK(!ok("{\"a\":[1,]}"), "trailing comma in array");
	CHECK(!ok("{\"a\":01}"), "leading zero");
	CHECK(!ok("{\"a\":1.}"), "bare decimal point");
	CHECK(!ok("{\"a\":.5}"), "missing integer part");
	CHECK(!ok("{\"a\":TRUE}"), "TRUE");
	CHECK(!ok("{\"a\":1 // c\n}"), "comment");
	CHECK(!ok("{\"a\":\"tab\there\"}"), "raw TAB in string");
	CHECK(!ok("{\"a\":\"\x01\"}"), "raw control byte");
	CHECK(!ok("{\"a\":\"\\x41\"}"), "bad escape");
	CHECK(!ok("{\"a\":\"\\u12G4\"}"), "bad \\u escape");
	CHECK(!ok("{\"a\":\"\xc0\x80\"}"), "overlong NUL");
	CHECK(!ok("{\"a\":\"\xe0\x80\xaf\"}"), "overlong 3-byte");
	CHECK(!ok("{\"a\":\"\xed\xa0\x80\"}"), "UTF-16 surrogate in UTF-8");
	CHECK(!ok("{\"a\":\"\xf4\x90\x80\x80\"}"), "above U+10FFFF");
	CHECK(!ok("{\"a\":\"\xff\"}"), "byte 0xFF");
	CHECK(!ok("{\"a\":\"\xc3\"}"), "truncated sequence");
	CHECK(!ok("\xef\xbb\xbf{}"), "UTF-8 BOM");
	CHECK(!ok("{\"a\":1"), "unterminated object");
	CHECK(!ok("{\"a\":\"x}"), "unterminated string");

	for (i = 0; i < 10000; i++)
		deep[i] = '[';
	memmove(deep + 5, deep, 9995);
	memcpy(deep, "{\"a\":", 5);
	CHECK(!okn(deep, 10000), "nested 10,000 deep refused");
	memset(deep, 0, sizeof deep);
	memcpy(deep, "{\"a\":", 5);
	for (i = 0; i < 62; i++)
		deep[5 + i] = '[';
	for (i = 0; i < 62; i++)
		deep[67 + i] = ']';
	deep[129] = '}';
	CHECK(ok(deep), "nested 63 deep accepted");

	CHECK(hs_json_validate("{\"a\":{\"b\":1,\"c\":[{\"d\":2}]}}", 27,
	    HS_JSON_MAX_DEPTH, &members, &why) == 0 && members == 4,
	    "member count %zu", members);
	{
		const char *dup = "{\"a\":1,\"a\":2}";
		const char *nested = "{\"x\":{\"a\":{\"k\":1},\"a\":{\"k\":1}}}";
		const char *fine = "{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}";

		hs_json_validate(dup, strlen(dup), 64, &members, &why);
		CHECK(hs_event_parse(dup, strlen(dup), members, &why) == NULL,
		    "duplicate top-level key refused");
		hs_json_validate(nested, strlen(nested), 64, &members, &why);
		CHECK(hs_event_parse(nested, strlen(nested), members, &why) ==
		    NULL, "duplicate nested key refused");
		hs_json_validate(fine, strlen(fine), 64, &members, &why);
		{
			struct json_object *o = hs_event_parse(fine,
			    strlen(fine), members, &why);
			CHECK(o != NULL, "same key in different objects is fine");
			json_object_put(o);
		}
	}
	test_scan();
	test_string_offsets();
	test_json_string_out();
	return tap_done();
}
