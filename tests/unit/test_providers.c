/*
 * test_providers.c - every provider against the published vectors
 * (GitHub docs, Standard Webhooks library tests, Stripe's algorithm,
 * Convoy's vectors) and the ways a signature must fail.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_event.h"
#include "hs_json.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "check.h"

static struct hs_endpoint ep;
static struct hs_key keys[4];
static char *env[16];
static int nenv;

static void
setup(const struct hs_provider *p, const char *const *secrets)
{
	const char *why;
	size_t	 i;

	for (i = 0; i < ep.nkeys; i++)
		free(keys[i].bytes);
	memset(&ep, 0, sizeof ep);
	memset(keys, 0, sizeof keys);
	ep.name = "t";
	ep.provider = p;
	ep.tolerance = 300;
	ep.digest = "SHA256";
	ep.encoding = HS_ENC_HEX;
	ep.sig_prefix = "";
	ep.keys = keys;
	for (i = 0; secrets[i]; i++) {
		if (p->load_key) {
			if (p->load_key(secrets[i], &keys[i], &why) == -1) {
				printf("FAIL: load_key(%s): %s\n", secrets[i],
				    why);
				tap_failed++;
			}
		} else {
			keys[i].bytes = (unsigned char *)strdup(secrets[i]);
			keys[i].len = strlen(secrets[i]);
		}
		ep.nkeys++;
	}
}

static void
env_reset(void)
{
	while (nenv > 0)
		free(env[--nenv]);
	env[0] = NULL;
}

static void
env_add(const char *name, const char *value)
{
	size_t	 n = strlen(name) + strlen(value) + 2;

	env[nenv] = malloc(n);
	snprintf(env[nenv], n, "%s=%s", name, value);
	env[++nenv] = NULL;
}

/* verify() of body under the current env at time now: 1 pass, 0 fail */
static int
verifies(const char *body, long long now)
{
	struct hs_request req;
	const char *why = NULL;

	hs_request_init(&req, env);
	req.body = (char *)body;
	req.body_len = strlen(body);
	return ep.provider->verify(&ep, &req, now, &why) == 0;
}

static void
test_github(void)
{
	const char *secrets[] = { "It's a Secret to Everybody", NULL };
	const char *good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d"
	    "7586c22c46f4379c8b043e17";

	setup(hs_provider_find("github"), secrets);
	env_reset();
	env_add("HTTP_X_HUB_SIGNATURE_256", good);
	CHECK(verifies("Hello, World!", 0), "GH-1 published vector");
	CHECK(!verifies("Hello, World?", 0), "GH-1 tampered body");
	env_reset();
	env_add("HTTP_X_HUB_SIGNATURE_256", good + 7);
	CHECK(!verifies("Hello, World!", 0), "GH-1 without sha256= prefix");
	env_reset();
	env_add("HTTP_X_HUB_SIGNATURE_256", "sha256=757107ea");
	CHECK(!verifies("Hello, World!", 0), "GH-1 truncated signature");
	env_reset();
	CHECK(!verifies("Hello, World!", 0), "GH-1 missing header");
	env_reset();
	env_add("HTTP_X_HUB_SIGNATURE", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59");
	CHECK(!verifies("Hello, World!", 0), "legacy sha1 header alone is not enough");
}

static void
test_standard(void)
{
	const char *sw1[] = { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", NULL };
	const char *sw2[] = { "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", NULL };
	const char *body1 = "{\"test\": 2432232314}";
	const char *good1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
	char	 multi[256];

	setup(hs_provider_find("standard-webhooks"), sw1);
	CHECK_INT(keys[0].len, 24, "SW-1 key is base64-decoded (24 bytes)");
	env_reset();
	env_add("HTTP_WEBHOOK_ID", "msg_p5jXN8AQM9LWM0D4loKWxJek");
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1614265330");
	env_add("HTTP_WEBHOOK_SIGNATURE", good1);
	CHECK(verifies(body1, 1614265330), "SW-1 published vector");
	CHECK(verifies(body1, 1614265330 + 300), "SW-1 at +300 s");
	CHECK(!verifies(body1, 1614265330 + 301), "SW-1 too old (+301 s)");
	CHECK(!verifies(body1, 1614265330 - 301), "SW-1 too new (-301 s)");
	CHECK(!verifies("{\"test\": 2432232315}", 1614265330), "SW-1 tampered");

	env_reset();
	env_add("HTTP_WEBHOOK_ID", "msg_p5jXN8AQM9LWM0D4loKWxJek");
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1614265330");
	env_add("HTTP_WEBHOOK_SIGNATURE",
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=");
	CHECK(!verifies(body1, 1614265330), "SW-1 last base64 char changed");

	snprintf(multi, sizeof multi, "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/"
	    "9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= %s",
	    good1);
	env_reset();
	env_add("HTTP_WEBHOOK_ID", "msg_p5jXN8AQM9LWM0D4loKWxJek");
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1614265330");
	env_add("HTTP_WEBHOOK_SIGNATURE", multi);
	CHECK(verifies(body1, 1614265330), "SW-1 valid among decoys");

	env_reset();
	env_add("HTTP_WEBHOOK_ID", "msg_p5jXN8AQM9LWM0D4loKWxJek");
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1614265330");
	env_add("HTTP_WEBHOOK_SIGNATURE",
	    "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	CHECK(!verifies(body1, 1614265330), "correct MAC under v2 fails");
	env_reset();
	env_add("HTTP_WEBHOOK_ID", "msg_p5jXN8AQM9LWM0D4loKWxJek");
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1614265330");
	env_add("HTTP_WEBHOOK_SIGNATURE", "invalid_signature");
	CHECK(!verifies(body1, 1614265330), "no comma fails");
	env_reset();
	env_add("HTTP_WEBHOOK_ID", "msg_p5jXN8AQM9LWM0D4loKWxJek");
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1614265330");
	env_add("HTTP_WEBHOOK_SIGNATURE", "v1,invalid_signature");
	CHECK(!verifies(body1, 1614265330), "v1,invalid_signature fails");
	env_reset();
	env_add("HTTP_WEBHOOK_ID", "msg_p5jXN8AQM9LWM0D4loKWxJek");
	env_add("HTTP_WEBHOOK_TIMESTAMP", "hello");
	env_add("HTTP_WEBHOOK_SIGNATURE", good1);
	CHECK(!verifies(body1, 1614265330), "timestamp 'hello' fails");
	env_reset();
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1614265330");
	env_add("HTTP_WEBHOOK_SIGNATURE", good1);
	CHECK(!verifies(body1, 1614265330), "missing webhook-id fails");

	/* the svix-* aliases */
	env_reset();
	env_add("HTTP_SVIX_ID", "msg_p5jXN8AQM9LWM0D4loKWxJek");
	env_add("HTTP_SVIX_TIMESTAMP", "1614265330");
	env_add("HTTP_SVIX_SIGNATURE", good1);
	CHECK(verifies(body1, 1614265330), "SW-1 via svix-* headers");

	setup(hs_provider_find("standard-webhooks"), sw2);
	env_reset();
	env_add("HTTP_WEBHOOK_ID", "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk");
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1649367553");
	env_add("HTTP_WEBHOOK_SIGNATURE",
	    "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
	CHECK(verifies("{\"email\":\"test@example.com\",\"username\":"
	    "\"test_user\"}", 1649367553), "SW-2 published vector (Rust)");

	/* secrets pasted without padding or prefix */
	{
		const char *unpadded[] = { "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", NULL };
		const char *bare[] = { "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", NULL };
		struct hs_key k = { 0 };
		const char *why;

		setup(hs_provider_find("standard-webhooks"), unpadded);
		CHECK_INT(keys[0].len, 23, "unpadded secret decodes");
		setup(hs_provider_find("standard-webhooks"), bare);
		CHECK_INT(keys[0].len, 24, "secret without whsec_ decodes");
		CHECK(hs_provider_find("standard-webhooks")->load_key("whsec_", &k, &why) == -1,
		    "whsec_ alone is refused");
		CHECK(hs_provider_find("standard-webhooks")->load_key("whsec_!!!!", &k, &why) ==
		    -1, "non-base64 secret is refused");
	}
}

static void
test_stripe(void)
{
	const char *secrets[] = { "whsec_test_secret", NULL };
	const char *body = "{\"id\":\"evt_test_webhook\",\"object\":\"event\"}";
	const char *good = "t=1614265330,v1=3c5817089d739023dd6190f70a3757e04f"
	    "7a2fd8b5dab12c2e000f51970dccff";
	char	 hdr[256];

	setup(hs_provider_find("stripe"), secrets);
	env_reset();
	env_add("HTTP_STRIPE_SIGNATURE", good);
	CHECK(verifies(body, 1614265330), "Stripe derived vector");
	CHECK(verifies(body, 1614265330 + 300), "Stripe at age 300 s");
	CHECK(!verifies(body, 1614265330 + 301), "Stripe too old (301 s)");
	CHECK(verifies(body, 1614265330 - 3600), "Stripe: future is not refused");
	CHECK(!verifies("{\"id\":\"evt_test_webhook\",\"object\":\"evenT\"}",
	    1614265330), "Stripe tampered");
	snprintf(hdr, sizeof hdr, "%s,v1=potato", good);
	env_reset();
	env_add("HTTP_STRIPE_SIGNATURE", hdr);
	CHECK(verifies(body, 1614265330), "Stripe with ,v1=potato appended");
	env_reset();
	env_add("HTTP_STRIPE_SIGNATURE", "bad_header");
	CHECK(!verifies(body, 1614265330), "Stripe bad_header");
	env_reset();
	env_add("HTTP_STRIPE_SIGNATURE", "t=1614265330,v0=3c5817089d739023dd61"
	    "90f70a3757e04f7a2fd8b5dab12c2e000f51970dccff");
	CHECK(!verifies(body, 1614265330), "Stripe v0 only");
	ep.tolerance = 0;
	env_reset();
	env_add("HTTP_STRIPE_SIGNATURE", good);
	CHECK(verifies(body, 1914265330), "Stripe tolerance 0 disables window");
}

static void
test_circularo(void)
{
	const char *secrets[] = { "wrong", "optionalHMAC", NULL };
	const char *body = "{\"documentId\":\"aB3dEfGh12\",\"event\":"
	    "\"documentSigned\",\"actor\":\"mary.griffin@circularo.com\","
	    "\"timestamp\":\"2024-06-01T13:10:10.500Z\"}";
	const char *good = "acf18ef8e31dd4e1086ae32dea1c319581b95502730b38494c8"
	    "a78717770da9a";
	char	 upper[65];
	size_t	 i;

	setup(hs_provider_find("circularo"), secrets);
	env_reset();
	env_add("HTTP_X_CIRCULARO_SIGNATURE", good);
	CHECK(verifies(body, 0), "Circularo vector, second secret (rotation)");
	for (i = 0; i < 64; i++)
		upper[i] = (char)(good[i] >= 'a' ? good[i] - 32 : good[i]);
	upper[64] = '\0';
	env_reset();
	env_add("HTTP_X_CIRCULARO_SIGNATURE", upper);
	CHECK(verifies(body, 0), "Circularo upper-case hex");
	upper[10] = upper[10] == 'A' ? 'B' : 'A';
	env_reset();
	env_add("HTTP_X_CIRCULARO_SIGNATURE", upper);
	CHECK(!verifies(body, 0), "Circularo one hex digit changed");
	env_reset();
	env_add("HTTP_X_CIRCULARO_SIGNATURE", "acf18ef8");
	CHECK(!verifies(body, 0), "Circularo wrong length");
	env_reset();
	env_add("HTTP_X_CIRCULARO_SIGNATURE", good);
	CHECK(!verifies("{\"documentId\":\"aB3dEfGh13\"}", 0),
	    "Circularo tampered body");
	{
		const char *only_wrong[] = { "optionalHMAC2", NULL };

		setup(hs_provider_find("circularo"), only_wrong);
		env_reset();
		env_add("HTTP_X_CIRCULARO_SIGNATURE", good);
		CHECK(!verifies(body, 0), "Circularo wrong secret");
	}
}

static void
test_documenso(void)
{
	const char *secrets[] = { "my-shared-secret", NULL };

	setup(hs_provider_find("documenso"), secrets);
	env_reset();
	env_add("HTTP_X_DOCUMENSO_SECRET", "my-shared-secret");
	CHECK(verifies("{}", 0), "Documenso exact secret");
	env_reset();
	env_add("HTTP_X_DOCUMENSO_SECRET", "my-shared-secre");
	CHECK(!verifies("{}", 0), "Documenso prefix of the secret");
	env_reset();
	env_add("HTTP_X_DOCUMENSO_SECRET", "my-shared-secret ");
	CHECK(!verifies("{}", 0), "Documenso secret plus a space");
	env_reset();
	env_add("HTTP_X_DOCUMENSO_SECRET", "");
	CHECK(!verifies("{}", 0), "Documenso empty header never matches");
	env_reset();
	CHECK(!verifies("{}", 0), "Documenso missing header");
}

static void
test_hmac(void)
{
	const char *secrets[] = { "convoy-webhook-secret", NULL };
	const char *body = "{\"event\":\"charge.success\",\"amount\":1000,"
	    "\"currency\":\"NGN\"}";

	setup(hs_provider_find("hmac"), secrets);
	ep.sig_header = "HTTP_X_CONVOY_SIGNATURE";
	env_reset();
	env_add("HTTP_X_CONVOY_SIGNATURE", "244449b7f48cbc2709060c9dcdc2b3aa47a"
	    "78f540430579015c579fb12defbb4");
	CHECK(verifies(body, 0), "Convoy simple_sha256_hex_valid");
	ep.encoding = HS_ENC_BASE64;
	env_reset();
	env_add("HTTP_X_CONVOY_SIGNATURE",
	    "JERJt/SMvCcJBgydzcKzqkenj1QEMFeQFcV5+xLe+7Q=");
	CHECK(verifies(body, 0), "Convoy simple_sha256_base64_valid");
	ep.sig_prefix = "sha256=";
	CHECK(!verifies(body, 0), "configured prefix is required");
}

/* #13: PandaDoc, ?signature= hex HMAC-SHA256 of the body; a JSON array */
static void
test_pandadoc(void)
{
	const struct hs_provider *p = hs_provider_find("pandadoc");
	const char *secrets[] = { "test-shared-key", NULL };
	/* esign-platforms.md section 3: a self-made vector from the
	 * documented formula (recomputed with openssl dgst -hmac) */
	const char *body = "[{\"event\":\"document_state_changed\",\"data\":"
	    "{\"id\":\"doc1\",\"status\":\"document.completed\"}}]";
	const char *good = "75ebeddf569f0ac18e7e64d5eae785a5e084d919c484f605"
	    "ca8810af03e81751";
	struct hs_json_span spans[4];
	struct json_object *root;
	struct hs_event ev;
	struct hs_request req;
	const char *why = NULL;
	char	 q[4200];
	size_t	 i;

	CHECK(p != NULL, "PD: provider pandadoc registered");
	if (p == NULL)
		return;
	CHECK(p->split != NULL, "PD: splits its array");
	setup(p, secrets);
	env_reset();
	snprintf(q, sizeof q, "signature=%s", good);
	env_add("QUERY_STRING", q);
	CHECK(verifies(body, 0), "PD-1 vector");
	CHECK(!verifies("[{\"event\":\"document_state_changed\"}]", 0),
	    "PD-1 tampered body");
	env_reset();
	snprintf(q, sizeof q, "a=1&signature=%s&b=", good);
	env_add("QUERY_STRING", q);
	CHECK(verifies(body, 0), "PD: among the URL's own parameters");
	env_reset();
	snprintf(q, sizeof q, "signature=%%37%%35%s", good + 2);
	env_add("QUERY_STRING", q);
	CHECK(verifies(body, 0), "PD: a percent-encoded value is decoded");
	env_reset();
	snprintf(q, sizeof q, "signature=%s&signature=%s", good, good);
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: two signature parameters refused");
	env_reset();
	snprintf(q, sizeof q, "signature=%s&%%73ignature=00", good);
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: an encoded second name refused");
	env_reset();
	snprintf(q, sizeof q, "signature=%s&sig%%zzture=1", good);
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: a malformed escape in a name refused");
	env_reset();
	snprintf(q, sizeof q, "signature=%%7%s", good + 1);
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: a malformed escape in the value");
	env_reset();
	env_add("QUERY_STRING", "signature=");
	CHECK(!verifies(body, 0), "PD: empty signature");
	env_reset();
	env_add("QUERY_STRING", "signature");
	CHECK(!verifies(body, 0), "PD: signature without a value");
	env_reset();
	snprintf(q, sizeof q, "Signature=%s", good);
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: the name is case-sensitive");
	env_reset();
	snprintf(q, sizeof q, "signature=%s", good);
	q[20] = q[20] == '0' ? '1' : '0';
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: one digit changed");
	env_reset();
	snprintf(q, sizeof q, "signature=%.40s", good);
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: truncated signature");
	env_reset();
	snprintf(q, sizeof q, "signature=%s", good);
	for (i = strlen(q); i < 2100; i++)
		q[i] = 'x';
	q[i] = '\0';
	q[strlen(good) + 10] = '&';
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: an overlong query string refused");
	env_reset();
	snprintf(q, sizeof q, "signature=%s%s", good, good);
	env_add("QUERY_STRING", q);
	CHECK(!verifies(body, 0), "PD: an overlong signature");
	env_reset();
	env_add("HTTP_X_PD_SIGNATURE", good);
	CHECK(!verifies(body, 0), "PD: a header is not where it signs");

	CHECK_INT(p->split(&ep, body, strlen(body), spans, 4, &why), 1,
	    "PD: split one element");
	CHECK(spans[0].p == body + 1 && spans[0].len == strlen(body) - 2,
	    "PD: the span is the element's bytes");
	CHECK_INT(p->split(&ep, " [ {\"a\":\"]}\"} ,{}\n] ", 20, spans, 4,
	    &why), 2, "PD: blanks, a bracket inside a string");
	CHECK(spans[0].len == 10 && strncmp(spans[0].p, "{\"a\":\"]}\"}", 10)
	    == 0, "PD: the string's ]} not counted");
	CHECK_INT(p->split(&ep, "[]", 2, spans, 4, &why), -1, "PD: empty array");
	CHECK_INT(p->split(&ep, "[{},1]", 6, spans, 4, &why), -1,
	    "PD: a number element");
	CHECK_INT(p->split(&ep, "[{},[]]", 7, spans, 4, &why), -1,
	    "PD: an array element");
	CHECK_INT(p->split(&ep, "{}", 2, spans, 4, &why), -1, "PD: an object");
	CHECK_INT(p->split(&ep, "[{},]", 5, spans, 4, &why), -1,
	    "PD: a trailing comma");
	CHECK_INT(p->split(&ep, "[{}", 3, spans, 4, &why), -1, "PD: unclosed");
	CHECK_INT(p->split(&ep, "[{}] {}", 7, spans, 4, &why), -1,
	    "PD: trailing bytes");
	CHECK_INT(p->split(&ep, "[{},{},{},{},{}]", 16, spans, 4, &why), -1,
	    "PD: more elements than room");

	memset(&ev, 0, sizeof ev);
	memset(&req, 0, sizeof req);
	root = json_tokener_parse("{\"event\":\"document_state_changed\","
	    "\"data\":{\"id\":\"aahcZhiB6pKRbjagoZrrrr\",\"date_modified\":"
	    "\"2024-07-31T16:06:09.157758Z\"}}");
	CHECK_INT(p->describe(&ep, &req, root, &ev, &why), 0, "PD: describe");
	CHECK_STR(ev.name, "document_state_changed", "PD: event");
	CHECK_STR(ev.document_id, "aahcZhiB6pKRbjagoZrrrr", "PD: data.id");
	CHECK_STR(ev.occurred_at, "2024-07-31T16:06:09.157758Z",
	    "PD: data.date_modified");
	CHECK_STR(ev.dedup_extra, "", "PD: no id of its own for dedup");
	json_object_put(root);
	root = json_tokener_parse("{\"data\":{}}");
	CHECK_INT(p->describe(&ep, &req, root, &ev, &why), HS_DESCRIBE_BAD,
	    "PD: an element without event");
	json_object_put(root);
}

/* sign() and verify() must agree for every provider that signs. */
static void
test_roundtrip(void)
{
	const struct hs_provider *const *p;
	const char *secrets[] = { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", NULL };
	struct hs_buf hdrs, body;
	char	*line, *save, *colon, name[128];

	for (p = hs_provider_all(); *p; p++) {
		if (!((*p)->flags & HS_PROV_NEEDS_SECRET))
			continue;
		setup(*p, secrets);
		ep.sig_header = "HTTP_X_SIGNATURE";
		ep.event_field = "event";
		hs_buf_init(&hdrs);
		hs_buf_init(&body);
		(*p)->sample(&ep, "thing.happened", &body);
		CHECK((*p)->sign(&ep, &keys[0], body.data, body.len, 1700000000,
		    NULL, &hdrs) == 0, "%s: sign", (*p)->name);
		env_reset();
		for (line = strtok_r((char *)hs_buf_cstr(&hdrs), "\n", &save);
		    line; line = strtok_r(NULL, "\n", &save)) {
			size_t i, o = 5;

			if (line[0] == '?') {	/* a query parameter */
				env_add("QUERY_STRING", line + 1);
				continue;
			}
			colon = strchr(line, ':');
			memcpy(name, "HTTP_", 5);
			for (i = 0; line + i < colon; i++)
				name[o++] = line[i] == '-' ? '_' :
				    (char)(line[i] >= 'a' && line[i] <= 'z' ?
				    line[i] - 32 : line[i]);
			name[o] = '\0';
			env_add(name, colon + 2);
		}
		CHECK(verifies(body.data, 1700000000), "%s: sign/verify "
		    "round trip", (*p)->name);
		hs_buf_free(&hdrs);
		hs_buf_free(&body);
	}
}

int
main(void)
{
	tap_suite = "test_providers";
	test_github();
	test_standard();
	test_stripe();
	test_circularo();
	test_documenso();
	test_hmac();
	test_pandadoc();	/* #13 */
	test_roundtrip();
	env_reset();
	setup(hs_provider_find("github"), (const char *[]){ NULL });
	return tap_done();
}
