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

/* ---- issue #13: BoldSign and DocuSeal ---- */

/*
 * describe() of body under the current env, as the handler calls it: the
 * provider's fields extracted, ev.verified set first. The rc; ev filled.
 */
static int
describes(const char *body, struct hs_event *ev)
{
	struct hs_request req;
	struct json_object *root;
	const char *why = NULL;
	size_t	 n = 0;
	int	 rc;

	hs_request_init(&req, env);
	req.body = (char *)body;
	req.body_len = strlen(body);
	memset(ev, 0, sizeof *ev);
	ev->verified = 1;
	while (ep.provider->fields[n])
		n++;
	if ((root = hs_event_extract(body, strlen(body), ep.provider->fields,
	    n, &why)) == NULL)
		return 99;
	rc = ep.provider->describe(&ep, &req, root, ev, &why);
	json_object_put(root);
	return rc;
}

static void
test_boldsign(void)
{
	const char *secrets[] = { "test-boldsign-secret", NULL };
	const char *rolled[] = { "new-secret", "test-boldsign-secret", NULL };
	const char *wrong[] = { "test-boldsign-secreT", NULL };
	/* reference sec. 8 vector (formula of WebhookUtility.cs), rechecked
	 * with openssl dgst -sha256 -hmac */
	const char *body = "{\"event\":{\"id\":\"afceddb1-2eed-4301-ae14-"
	    "8b96a6b0393a\",\"created\":1669959514,\"eventType\":\"Completed\","
	    "\"environment\":\"Test\"},\"data\":{\"object\":\"document\","
	    "\"documentId\":\"26b8695f-46d0-4cd4-ba1a-c5a0d595c849\","
	    "\"status\":\"Completed\"}}";
	const char *s0 = "8cd341233fab17b3f0ccd32d4416e02e7706a97307fe5749a4c9"
	    "23735262376c";
	const char *verification = "{\"event\":{\"id\":\"7c872a5b-0000-0000-"
	    "0000-92530a83a8b9\",\"created\":1617180024,\"eventType\":"
	    "\"Verification\",\"environment\":\"Test\"}}";
	const long long t = 1669959514;
	struct hs_event ev;
	char	 hdr[512], bad[65];

	setup(hs_provider_find("boldsign"), secrets);
	CHECK(hs_provider_find("boldsign")->flags & HS_PROV_NEEDS_SECRET,
	    "BS needs a secret");
	snprintf(hdr, sizeof hdr, "t=1669959514, s0=%s", s0);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(verifies(body, t), "BS-1 vector");
	CHECK(verifies(body, t + 300), "BS-1 at +300 s");
	CHECK(!verifies(body, t + 301), "BS-1 stale (+301 s)");
	CHECK(verifies(body, t - 300), "BS-1 at -300 s");
	CHECK(!verifies(body, t - 301), "BS-1 future (-301 s)");
	CHECK(!verifies("{\"event\":{\"id\":\"afceddb1-2eed-4301-ae14-"
	    "8b96a6b0393a\",\"created\":1669959514,\"eventType\":\"Completed\","
	    "\"environment\":\"Live\"},\"data\":{\"object\":\"document\","
	    "\"documentId\":\"26b8695f-46d0-4cd4-ba1a-c5a0d595c849\","
	    "\"status\":\"Completed\"}}", t), "BS-1 tampered byte");
	snprintf(hdr, sizeof hdr, "t=1669959514,s0=%s", s0);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(verifies(body, t), "BS-1 without the space");
	snprintf(hdr, sizeof hdr, " s1=%s , t=1669959514 ,s0=00", s0);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(verifies(body, t), "BS-1 as s1 (rolled secret), any order");
	snprintf(hdr, sizeof hdr, "t=1669959514, s2=%s", s0);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(!verifies(body, t), "BS-1 under s2 is not looked at");
	snprintf(hdr, sizeof hdr, "t=1669959515, s0=%s", s0);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(!verifies(body, t), "BS-1 with another t");
	snprintf(bad, sizeof bad, "%s", s0);
	bad[63] = bad[63] == 'c' ? 'd' : 'c';
	snprintf(hdr, sizeof hdr, "t=1669959514, s0=%s", bad);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(!verifies(body, t), "BS-1 last hex digit changed");
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", "t=1669959514");
	CHECK(!verifies(body, t), "BS malformed: no s0");
	snprintf(hdr, sizeof hdr, "s0=%s", s0);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(!verifies(body, t), "BS malformed: no t");
	snprintf(hdr, sizeof hdr, "t=+1669959514, s0=%s", s0);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(!verifies(body, t), "BS malformed: signed t");
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", "garbage");
	CHECK(!verifies(body, t), "BS malformed: garbage");
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", "");
	CHECK_INT(describes(body, &ev), HS_DESCRIBE_AUTH,
	    "BS empty header is a missing one: 401");

	setup(hs_provider_find("boldsign"), rolled);
	snprintf(hdr, sizeof hdr, "t=1669959514, s0=%s", s0);
	env_reset();
	env_add("HTTP_X_BOLDSIGN_SIGNATURE", hdr);
	CHECK(verifies(body, t), "BS-1 under the second configured secret");
	setup(hs_provider_find("boldsign"), wrong);
	CHECK(!verifies(body, t), "BS-1 wrong key");

	/* the event, and the Verification event's rule */
	setup(hs_provider_find("boldsign"), secrets);
	CHECK_INT(describes(body, &ev), 0, "BS describe");
	CHECK_STR(ev.name, "Completed", "BS event name");
	CHECK_STR(ev.delivery_id, "afceddb1-2eed-4301-ae14-8b96a6b0393a",
	    "BS delivery id = event.id");
	CHECK_STR(ev.dedup_extra, ev.delivery_id, "BS dedup on event.id");
	CHECK_STR(ev.document_id, "26b8695f-46d0-4cd4-ba1a-c5a0d595c849",
	    "BS document id");
	CHECK_STR(ev.occurred_at, "2022-12-02T05:38:34Z", "BS event.created");
	CHECK_INT(describes(verification, &ev), HS_DESCRIBE_ACK,
	    "BS signed Verification: acknowledged");
	env_reset();
	CHECK(verifies(verification, t), "BS unsigned: verify defers");
	CHECK_INT(describes(verification, &ev), HS_DESCRIBE_ACK,
	    "BS unsigned Verification: acknowledged, nothing stored");
	CHECK_INT(describes(body, &ev), HS_DESCRIBE_AUTH,
	    "BS unsigned Completed: 401");
	CHECK_INT(describes("{\"event\":{\"eventType\":\"verification\"}}",
	    &ev), HS_DESCRIBE_AUTH, "BS unsigned 'verification' (case): 401");
	CHECK_INT(describes("{\"event\":{\"eventType\":[\"Verification\"]}}",
	    &ev), HS_DESCRIBE_AUTH, "BS unsigned array eventType: 401");
	CHECK_INT(describes("{\"eventType\":\"Verification\"}", &ev),
	    HS_DESCRIBE_AUTH, "BS unsigned top-level eventType: 401");
}

static void
test_docuseal(void)
{
	const char *secrets[] = { "whsec_q83vEjRWeJq83vEjRWeJq83vEjRWeJq8",
		NULL };
	const char *wrong[] = { "q83vEjRWeJq83vEjRWeJq83vEjRWeJq8", NULL };
	const char *ref[] = { "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2Vj",
		NULL };
	/*
	 * Made by DocuSeal's own signer: lib/webhook_urls/signatures.rb at
	 * docusealco/docuseal a2d8b85 (added in 45ae954), run with ruby 3.1:
	 * Signatures.sign(secret, body: {...}.to_json, timestamp: 1785761630).
	 */
	const char *body = "{\"event_type\":\"submission.completed\","
	    "\"timestamp\":\"2026-08-03T12:53:50.123Z\",\"data\":{\"id\":12,"
	    "\"status\":\"completed\",\"name\":\"\xc3\x9cn\xc3\xaf" "code <&>\"}}";
	const char *good = "1785761630.78b19cfad01d4631db2fc8e0098dcbb2b7d57a20"
	    "b45cd8866483815d02485d16";
	/* reference sec. 9 vector, the same signer */
	const char *body2 = "{\"event_type\":\"form.completed\",\"timestamp\":"
	    "\"2024-01-01T00:00:00.000Z\",\"data\":{\"id\":1}}";
	const char *good2 = "1700000000.a87359f31d7ef29b5b818952d858b0878c3b48"
	    "ecd102ff7b827e360faa789864";
	const char *form = "{\"event_type\":\"form.completed\",\"timestamp\":"
	    "\"2026-08-03T12:53:50Z\",\"data\":{\"id\":1,\"submission_id\":12,"
	    "\"email\":\"john@example.com\",\"submission\":{\"id\":12}}}";
	const long long t = 1785761630;
	struct hs_event ev;
	char	 hdr[256];

	setup(hs_provider_find("docuseal"), secrets);
	CHECK(hs_provider_find("docuseal")->flags & HS_PROV_NEEDS_SECRET,
	    "DS needs a secret");
	CHECK(hs_provider_option(hs_provider_find("docuseal"),
	    "accept_unsigned_test") != NULL, "DS option accept_unsigned_test");
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", good);
	CHECK(verifies(body, t), "DS-1 vector from signatures.rb");
	CHECK(verifies(body, t + 300), "DS-1 at +300 s");
	CHECK(!verifies(body, t + 301), "DS-1 stale (+301 s)");
	CHECK(verifies(body, t - 300), "DS-1 at -300 s");
	CHECK(!verifies(body, t - 301), "DS-1 future (-301 s)");
	CHECK(!verifies("{\"event_type\":\"submission.completed\","
	    "\"timestamp\":\"2026-08-03T12:53:50.123Z\",\"data\":{\"id\":13,"
	    "\"status\":\"completed\",\"name\":\"\xc3\x9cn\xc3\xaf" "code <&>\"}}",
	    t), "DS-1 tampered byte");
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", "1785761631.78b19cfad01d4631db2fc8"
	    "e0098dcbb2b7d57a20b45cd8866483815d02485d16");
	CHECK(!verifies(body, t), "DS-1 with another timestamp");
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", good + 11);
	CHECK(!verifies(body, t), "DS malformed: hex alone");
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", "1785761630.");
	CHECK(!verifies(body, t), "DS malformed: no hex");
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", ".78b19cfad01d4631db2fc8e0098dcbb2"
	    "b7d57a20b45cd8866483815d02485d16");
	CHECK(!verifies(body, t), "DS malformed: no timestamp");
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", "t=1785761630,v1=78b19cfad01d4631"
	    "db2fc8e0098dcbb2b7d57a20b45cd8866483815d02485d16");
	CHECK(!verifies(body, t), "DS malformed: Stripe-style");
	env_reset();
	CHECK(!verifies(body, t), "DS missing header: refused");
	setup(hs_provider_find("docuseal"), wrong);
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", good);
	CHECK(!verifies(body, t), "DS key without whsec_ is a wrong key");
	setup(hs_provider_find("docuseal"), ref);
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", good2);
	CHECK(verifies(body2, 1700000000), "DS-2 reference vector");

	/* events, ids, and the unsigned test */
	setup(hs_provider_find("docuseal"), secrets);
	env_reset();
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", good);
	CHECK_INT(describes(body, &ev), 0, "DS describe submission.*");
	CHECK_STR(ev.name, "submission.completed", "DS event name");
	CHECK_STR(ev.document_id, "12", "DS submission.*: data.id");
	CHECK_STR(ev.delivery_id, "", "DS sends no delivery id");
	CHECK_STR(ev.dedup_extra, "submission.completed\n"
	    "2026-08-03T12:53:50.123Z\n12", "DS dedup key");
	CHECK_STR(ev.occurred_at, "2026-08-03T12:53:50.123Z", "DS timestamp");
	CHECK(ev.verified, "DS signed: verified");
	CHECK_INT(describes(form, &ev), 0, "DS describe form.*");
	CHECK_STR(ev.document_id, "12", "DS form.*: data.submission.id");
	env_reset();
	CHECK(!verifies(form, t), "DS unsigned test refused by default");
	ep.accept_unsigned_test = 1;
	CHECK(verifies(form, t), "DS unsigned test passes verify when "
	    "accepted");
	CHECK_INT(describes(form, &ev), 0, "DS unsigned test described");
	CHECK(!ev.verified, "DS unsigned test: verified false");
	CHECK(strncmp(ev.dedup_extra, "unsigned\n", 9) == 0,
	    "DS unsigned test: its own dedup key");
	CHECK_INT(describes(body, &ev), HS_DESCRIBE_AUTH,
	    "DS unsigned submission.completed: 401 even when tests are taken");
	snprintf(hdr, sizeof hdr, "%s", good);
	hdr[20] = hdr[20] == 'f' ? 'e' : 'f';
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", hdr);
	CHECK(!verifies(body, t), "DS bad signature refused even when tests "
	    "are taken");
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
	test_boldsign();
	test_docuseal();
	test_roundtrip();
	env_reset();
	setup(hs_provider_find("github"), (const char *[]){ NULL });
	return tap_done();
}
