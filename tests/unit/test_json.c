/* test_json.c - the strict validator: what jq reads, and nothing json-c adds. */
#include <string.h>

#include <json-c/json.h>

#include "hs_event.h"
#include "hs_json.h"
#include "tap.h"

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
	CHECK(!scan_ok("{\"a\\u0000b\":1}", w, 0), "\\u0000 in a key refused");
	CHECK(scan_ok("{\"\\ud83d\\ude00\":1,\"\\ud800\":2}", w, 0),
	    "surrogate pair and lone surrogate keys");
	CHECK(!scan_ok("{\"\\ud800\":1,\"\\udbff\":2}", w, 0),
	    "two lone surrogates are the same key (U+FFFD) as json-c sees them");
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
	v = hs_json_get_path(o, "payload.id");
	CHECK(v && json_object_get_int(v) == 10, "nested number");
	v = hs_json_get_path(o, "n");
	CHECK(v && json_object_get_int(v) == 7, "top-level number");
	v = hs_json_get_path(o, "actor.e");
	CHECK(v && strcmp(json_object_get_string(v), "m") == 0, "object value");
	json_object_put(o);
	CHECK(hs_event_extract("{\"event\":1,\"event\":2}", 21, paths, 1,
	    &why) == NULL && strcmp(why, "duplicate key in JSON object") == 0,
	    "extract refuses duplicates");
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
	return tap_done();
}
