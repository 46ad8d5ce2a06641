/*
 * test_providers.c - every provider against the published vectors
 * (GitHub docs, Standard Webhooks library tests, Stripe's algorithm,
 * Convoy's vectors, Zoho Sign's page) or vectors computed from the
 * documented formula (DocuSign, Yousign), and the ways a signature must
 * fail.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hs_buf.h"
#include "hs_event.h"
#include "hs_json.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_response.h"
#include "check.h"

static struct hs_endpoint ep;
static struct hs_key keys[4];
static char *env[128];
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

static const char *last_why;	/* verifies()'s last refusal */

/* verify() of body under the current env at time now: 1 pass, 0 fail */
static int
verifies(const char *body, long long now)
{
	struct hs_request req;

	last_why = NULL;
	hs_request_init(&req, env);
	req.body = (char *)body;
	req.body_len = strlen(body);
	return ep.provider->verify(&ep, &req, now, &last_why) == 0;
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

/*
 * --- Standard Webhooks v1a (ed25519) -----------------------------------
 * The vector of Go PR #253 TestAsymmetricWebhookSign (standard-webhooks/
 * standard-webhooks), reproduced with Python cryptography 48 and with
 * openssl pkeyutl -sign -rawin: seed "TESTSIGNINGKEYDONOTUSETHISFORANY".
 */
#define V1A_ID		"msg_p5jXN8AQM9LWM0D4loKWxJek"
#define V1A_TS		"1614265330"
#define V1A_BODY	"{\"test\": 2432232314}"
#define V1A_SIG		"tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6" \
			"KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag=="
#define V1A_PUB		"whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g="
#define V1A_SEED	"whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk="
/* seed "ANOTHERKEYFORTESTSDONOTUSEITEVER": its key and its signature */
#define V1A_PUB2	"whpk_28baPkFY36qwHaDD9TdIAQFQKzZkIoyE/a1QFlKOVm8="
#define V1A_SIG2	"Rjx4NFMrtD9v2hO9y7jR/1JoVeRilW0NLSEMs5aBU44B6nIoY6VA" \
			"R0pGPUZDtCnTHcfgdC62XR6COQKBKqvtCg=="

static void
v1a_env(const char *sig)
{
	env_reset();
	env_add("HTTP_WEBHOOK_ID", V1A_ID);
	env_add("HTTP_WEBHOOK_TIMESTAMP", V1A_TS);
	env_add("HTTP_WEBHOOK_SIGNATURE", sig);
}

/* appends s to the string in buf (size bytes), truncating */
static void
v1a_cat(char *buf, const char *s, size_t size)
{
	size_t	 n = strlen(buf);

	snprintf(buf + n, size - n, "%s", s);
}

static void
test_standard_v1a(void)
{
	const struct hs_provider *sw = hs_provider_find("standard-webhooks");
	const char *pub[] = { V1A_PUB, NULL };
	const char *pub2[] = { V1A_PUB2, NULL };
	const char *both[] = { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", V1A_PUB,
	    NULL };
	const char *sec[] = { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", NULL };
	const char *seed[] = { V1A_SEED, NULL };
	const char *v1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
	const char *why;
	struct hs_key k = { 0 };
	struct hs_buf h;
	char	 sig[1200], bad[200];
	long long now = 1614265330;
	int	 i;

	setup(sw, pub);
	CHECK_INT(keys[0].kind, HS_KEY_ED25519_PUB, "V1A whpk_ is a public key");
	CHECK_INT(keys[0].len, 32, "V1A whpk_ decodes to 32 bytes");
	v1a_env("v1a," V1A_SIG);
	CHECK(verifies(V1A_BODY, now), "V1A Go PR #253 vector");
	CHECK(verifies(V1A_BODY, now + 300), "V1A at +300 s");
	CHECK(!verifies(V1A_BODY, now + 301), "V1A stale (+301 s)");
	CHECK(!verifies(V1A_BODY, now - 301), "V1A future (-301 s)");
	CHECK(!verifies("{\"test\": 2432232315}", now), "V1A tampered body");
	env_reset();
	env_add("HTTP_WEBHOOK_ID", V1A_ID);
	env_add("HTTP_WEBHOOK_TIMESTAMP", "1614265331");
	env_add("HTTP_WEBHOOK_SIGNATURE", "v1a," V1A_SIG);
	CHECK(!verifies(V1A_BODY, now), "V1A signature bound to the timestamp");

	/* one byte of the signature flipped (first character: 't' -> 'u') */
	snprintf(bad, sizeof bad, "v1a,%s", V1A_SIG);
	bad[4] = 'u';
	v1a_env(bad);
	CHECK(!verifies(V1A_BODY, now), "V1A tampered signature byte");
	v1a_env("v1a," V1A_SIG2);
	CHECK(!verifies(V1A_BODY, now), "V1A another key's signature");
	v1a_env("v1," V1A_SIG);
	CHECK(!verifies(V1A_BODY, now), "V1A signature labelled v1 fails");
	/* malformed: not base64, unpadded, a byte short, a byte long, empty */
	snprintf(bad, sizeof bad, "v1a,%s", V1A_SIG);
	bad[10] = '!';
	v1a_env(bad);
	CHECK(!verifies(V1A_BODY, now), "V1A non-base64 character");
	snprintf(bad, sizeof bad, "v1a,%.86s", V1A_SIG);
	v1a_env(bad);
	CHECK(!verifies(V1A_BODY, now), "V1A unpadded signature");
	v1a_env("v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6"
	    "KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8");
	CHECK(!verifies(V1A_BODY, now), "V1A 63-byte signature");
	v1a_env("v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6"
	    "KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8AgAA");
	CHECK(!verifies(V1A_BODY, now), "V1A 65-byte signature");
	v1a_env("v1a,");
	CHECK(!verifies(V1A_BODY, now), "V1A empty signature");
	v1a_env("v1a");
	CHECK(!verifies(V1A_BODY, now), "V1A bare identifier");

	/* kinds never cross: v1a vs whsec_, v1 vs whpk_ */
	setup(sw, sec);
	v1a_env("v1a," V1A_SIG);
	CHECK(!verifies(V1A_BODY, now), "V1A against a whsec_ key fails");
	setup(sw, pub);
	v1a_env(v1);
	CHECK(!verifies(V1A_BODY, now), "v1 against a whpk_ key fails");
	/* HMAC-SHA256 keyed by the public key's 32 bytes (openssl dgst) */
	v1a_env("v1,lqMORi96+xH4tqYKZyT1Cmf58EkXivra9UBiBKjmn/g=");
	CHECK(!verifies(V1A_BODY, now), "v1 HMAC under the public key's "
	    "bytes fails");
	setup(sw, pub2);
	v1a_env("v1a," V1A_SIG);
	CHECK(!verifies(V1A_BODY, now), "V1A under the wrong whpk_ key");

	/* both kinds on one endpoint, mixed lists */
	setup(sw, both);
	v1a_env("v1a," V1A_SIG);
	CHECK(verifies(V1A_BODY, now), "V1A on a whsec_+whpk_ endpoint");
	v1a_env(v1);
	CHECK(verifies(V1A_BODY, now), "v1 on a whsec_+whpk_ endpoint");
	v1a_env("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a," V1A_SIG);
	CHECK(verifies(V1A_BODY, now), "V1A after a wrong v1");
	snprintf(sig, sizeof sig, "v1a,%s %s", V1A_SIG2, v1);
	v1a_env(sig);
	CHECK(verifies(V1A_BODY, now), "v1 after a wrong v1a");
	snprintf(sig, sizeof sig, "v1a,%s v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ"
	    "/9tdO6mc=", V1A_SIG2);
	v1a_env(sig);
	CHECK(!verifies(V1A_BODY, now), "wrong v1a and wrong v1 fail");
	setup(sw, pub2);
	snprintf(sig, sizeof sig, "%s v1a,%s", v1, V1A_SIG);
	v1a_env(sig);
	CHECK(!verifies(V1A_BODY, now), "right v1 + v1a, keys of neither");
	{
		const char *rot[] = { V1A_PUB2, V1A_PUB, NULL };

		setup(sw, rot);
		snprintf(sig, sizeof sig, "v1a,%s v1a,%s", V1A_SIG2, V1A_SIG);
		v1a_env(sig);
		CHECK(verifies(V1A_BODY, now), "V1A rotation: two keys, two "
		    "signatures");
	}

	/* the bound: at most 8 well-formed v1a entries are verified */
	setup(sw, pub);
	for (i = 0, sig[0] = '\0'; i < 7; i++)
		v1a_cat(sig, "v1a," V1A_SIG2 " ", sizeof sig);
	v1a_cat(sig, "v1a," V1A_SIG, sizeof sig);
	v1a_env(sig);
	CHECK(verifies(V1A_BODY, now), "V1A as the 8th v1a entry");
	snprintf(sig, sizeof sig, "v1a," V1A_SIG2 " ");
	for (i = 0; i < 7; i++)
		v1a_cat(sig, "v1a," V1A_SIG2 " ", sizeof sig);
	v1a_cat(sig, "v1a," V1A_SIG, sizeof sig);
	v1a_env(sig);
	CHECK(!verifies(V1A_BODY, now), "V1A as the 9th v1a entry is not "
	    "read");
	for (i = 0, sig[0] = '\0'; i < 20; i++)
		v1a_cat(sig, "v1a,x ", sizeof sig);
	v1a_cat(sig, "v1a," V1A_SIG, sizeof sig);
	v1a_env(sig);
	CHECK(verifies(V1A_BODY, now), "malformed v1a entries do not count");

	/* key loading: kinds told apart, bad ones refused */
	CHECK(sw->load_key("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248cw==",
	    &k, &why) == -1 && strstr(why, "32 bytes") != NULL,
	    "whpk_ of 31 bytes is refused");
	CHECK(sw->load_key("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/gA",
	    &k, &why) == -1, "whpk_ of 33 bytes is refused");
	CHECK(sw->load_key("whpk_", &k, &why) == -1, "whpk_ alone is refused");
	CHECK(sw->load_key("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QV!SlJa248c/g=",
	    &k, &why) == -1, "whpk_ not base64 is refused");
	CHECK(sw->load_key("whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk",
	    &k, &why) == 0 && k.kind == HS_KEY_ED25519_SEED && k.len == 32,
	    "whsk_ (32-byte seed, unpadded) loads as a seed");
	free(k.bytes);
	memset(&k, 0, sizeof k);
	CHECK(sw->load_key("whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTllmU3h"
	    "6Dt1JKqLSahf2FBSTeius6i4rdBVBKUlrbjxz+A==", &k, &why) == 0 &&
	    k.kind == HS_KEY_ED25519_SEED && k.len == 32 &&
	    memcmp(k.bytes, "TESTSIGNINGKEYDONOTUSETHISFORANY", 32) == 0,
	    "whsk_ (seed||public, 64 bytes) loads its seed");
	free(k.bytes);
	memset(&k, 0, sizeof k);
	CHECK(sw->load_key("whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlnbxto"
	    "+QVjfqrAdoMP1N0gBAVArNmQijIT9rVAWUo5Wbw==", &k, &why) == -1,
	    "whsk_ whose public half is another key's is refused");
	CHECK(sw->load_key("whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlkA",
	    &k, &why) == -1, "whsk_ of 33 bytes is refused");
	setup(sw, sec);
	CHECK_INT(keys[0].kind, HS_KEY_SECRET, "whsec_ stays a shared secret");

	/* sign(): a whsk_ key signs v1a, the vector byte for byte */
	setup(sw, seed);
	hs_buf_init(&h);
	CHECK(sw->sign(&ep, &keys[0], V1A_BODY, strlen(V1A_BODY), now, V1A_ID,
	    &h) == 0, "V1A sign");
	CHECK_STR(hs_buf_cstr(&h), "webhook-id: " V1A_ID "\nwebhook-timestamp: "
	    V1A_TS "\nwebhook-signature: v1a," V1A_SIG "\n",
	    "V1A sign gives the Go PR's signature");
	hs_buf_free(&h);
	v1a_env("v1a," V1A_SIG);
	CHECK(!verifies(V1A_BODY, now), "a whsk_ key never verifies");
	setup(sw, pub);
	hs_buf_init(&h);
	CHECK(sw->sign(&ep, &keys[0], V1A_BODY, strlen(V1A_BODY), now, V1A_ID,
	    &h) == -1, "a whpk_ key cannot sign");
	hs_buf_free(&h);
}
/* --- end of Standard Webhooks v1a ------------------------------------- */

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

/* The hmac provider's other options: event and delivery id from headers,
 * the document id field, nested event fields, and the config checks. */
static void
test_hmac_options(void)
{
	const char *secrets[] = { "convoy-webhook-secret", NULL };
	const char *body = "{\"event\":\"charge.success\",\"data\":{\"id\":\"doc-7\"}}";
	const char *why = NULL;
	struct hs_request req;
	struct hs_event ev;
	struct hs_buf hdrs, sample;
	struct json_object *root;
	char	 err[256];

	setup(hs_provider_find("hmac"), secrets);
	/* configure: the checks that span keys */
	CHECK(hs_provider_find("hmac")->configure(&ep, err, sizeof err) == -1 &&
	    strcmp(err, "endpoints.t.header: required for provider hmac") == 0,
	    "no header: refused, naming the key: %s", err);
	ep.sig_header = "HTTP_X_SIG";
	CHECK(hs_provider_find("hmac")->configure(&ep, err, sizeof err) == -1 &&
	    strstr(err, "endpoints.t.event_field: provider hmac needs "
	    "event_field or event_header") != NULL,
	    "neither event_field nor event_header: refused: %s", err);
	ep.event_header = "HTTP_X_EVENT";
	ep.sig_prefix = NULL;
	CHECK(hs_provider_find("hmac")->configure(&ep, err, sizeof err) == 0 &&
	    ep.sig_prefix != NULL && ep.sig_prefix[0] == '\0',
	    "no prefix configured: the empty prefix");
	free((char *)ep.sig_prefix);
	ep.sig_prefix = "";

	/* verify: each refusal says which */
	env_reset();
	hs_request_init(&req, env);
	req.body = (char *)body;
	req.body_len = strlen(body);
	CHECK(hs_provider_find("hmac")->verify(&ep, &req, 0, &why) == -1 &&
	    strcmp(why, "missing signature header") == 0,
	    "no signature header: %s", why);
	env_add("HTTP_X_SIG", "00");
	hs_request_init(&req, env);
	req.body = (char *)body;
	req.body_len = strlen(body);
	CHECK(hs_provider_find("hmac")->verify(&ep, &req, 0, &why) == -1 &&
	    strcmp(why, "bad signature") == 0, "wrong MAC: %s", why);

	/* describe: the event from its header */
	root = json_tokener_parse(body);
	memset(&ev, 0, sizeof ev);
	snprintf(ev.body_sha256, sizeof ev.body_sha256, "%064d", 0);
	CHECK(hs_provider_find("hmac")->describe(&ep, &req, root, &ev, &why) ==
	    HS_DESCRIBE_BAD && strcmp(why, "missing event header") == 0,
	    "event_header configured, not sent: 400, %s", why);
	env_reset();
	env_add("HTTP_X_EVENT", "order.paid");
	env_add("HTTP_X_DELIVERY", "dlv-1");
	hs_request_init(&req, env);
	ep.delivery_header = "HTTP_X_DELIVERY";
	ep.document_id_field = "data.id";
	CHECK_INT(hs_provider_find("hmac")->describe(&ep, &req, root, &ev, &why), 0,
	    "describe");
	CHECK_STR(ev.name, "order.paid", "the event from the header, not the body");
	CHECK_STR(ev.delivery_id, "dlv-1", "delivery id from its header");
	CHECK_STR(ev.document_id, "doc-7", "document id from data.id");
	CHECK(strncmp(ev.dedup_extra, "dlv-1\n0000", 10) == 0,
	    "dedup: delivery id and body hash together (an unsigned id alone "
	    "would let a replay pass as new)");
	env_reset();
	env_add("HTTP_X_EVENT", "");
	hs_request_init(&req, env);
	memset(&ev, 0, sizeof ev);
	CHECK_INT(hs_provider_find("hmac")->describe(&ep, &req, root, &ev, &why),
	    HS_DESCRIBE_BAD, "an empty event header: 400");
	memset(&ev, 0, sizeof ev);
	env_reset();
	env_add("HTTP_X_EVENT", "x");
	hs_request_init(&req, env);
	CHECK(hs_provider_find("hmac")->describe(&ep, &req, root, &ev, &why) == 0 &&
	    ev.delivery_id[0] == '\0' && ev.dedup_extra[0] == '\0',
	    "no delivery header sent: dedup by the body hash alone");
	json_object_put(root);

	/* sign: base64, the delivery header (a fresh id when none given) */
	ep.encoding = HS_ENC_BASE64;
	hs_buf_init(&hdrs);
	CHECK(hs_provider_find("hmac")->sign(&ep, &keys[0], body, strlen(body), 0, NULL,
	    &hdrs) == 0, "sign");
	{
		const char *h = hs_buf_cstr(&hdrs), *d;

		CHECK(strncmp(h, "X-Sig: ", 7) == 0 && strchr(h, '=') != NULL,
		    "base64 MAC in X-Sig: %s", h);
		d = strstr(h, "X-Delivery: ");
		CHECK(d != NULL && strlen(d) == 12 + 32 + 1,
		    "a random 32-hex delivery id: %s", h);
	}
	hs_buf_free(&hdrs);
	hs_buf_init(&hdrs);
	hs_provider_find("hmac")->sign(&ep, &keys[0], body, strlen(body), 0, "given-id",
	    &hdrs);
	CHECK(strstr(hs_buf_cstr(&hdrs), "X-Delivery: given-id\n") != NULL,
	    "the given delivery id");
	hs_buf_free(&hdrs);

	/* sample: a nested event_field, or "event" when the header names it */
	hs_buf_init(&sample);
	hs_provider_find("hmac")->sample(&ep, "e.v", &sample);
	CHECK(strncmp(hs_buf_cstr(&sample), "{\"event\":\"e.v\",", 15) == 0,
	    "event_header: the sample's event field is \"event\": %s",
	    hs_buf_cstr(&sample));
	hs_buf_free(&sample);
	ep.event_header = NULL;
	ep.event_field = "meta.kind.name";
	hs_buf_init(&sample);
	hs_provider_find("hmac")->sample(&ep, "e.v", &sample);
	CHECK_STR(hs_buf_cstr(&sample), "{\"meta\":{\"kind\":{\"name\":\"e.v\"}},"
	    "\"data\":{\"id\":\"obj_1\",\"status\":\"ok\"}}",
	    "event_field a.b.c: nested objects");
	hs_buf_free(&sample);
	env_reset();
}

/* Ignisign's sample (what `hookspool sign ignisign` sends) is a body its
 * own describe() accepts, with the event and ids it names. */
static void
test_ignisign_sample(void)
{
	const struct hs_provider *p = hs_provider_find("ignisign");
	struct hs_request req;
	struct hs_event ev;
	struct hs_buf body, hdrs;
	struct json_object *root;
	const char *why = NULL;

	CHECK(p != NULL, "ignisign registered");
	if (p == NULL)
		return;
	setup(p, (const char *[]){ NULL });
	ep.app_id = "appId_test";
	ep.app_env = "PRODUCTION";
	env_reset();
	hs_request_init(&req, env);

	hs_buf_init(&body);
	CHECK_INT(p->sample(&ep, "DOCUMENT_REQUEST.FINALIZED", &body), 0, "sample");
	root = json_tokener_parse(hs_buf_cstr(&body));
	memset(&ev, 0, sizeof ev);
	CHECK(root != NULL && p->describe(&ep, &req, root, &ev, &why) == 0,
	    "its own sample describes: %s", hs_buf_cstr(&body));
	CHECK_STR(ev.name, "DOCUMENT_REQUEST.FINALIZED", "topic.action");
	CHECK_STR(ev.document_id, "672d206d10e44e00125eac63",
	    "document id from content.signatureRequestId");
	CHECK(strstr(hs_buf_cstr(&body), "\"appId\":\"appId_test\",\"appEnv\":"
	    "\"PRODUCTION\"") != NULL, "the configured appId and appEnv");
	json_object_put(root);
	hs_buf_free(&body);

	/* no dot: the default event; NULL endpoint: the default app */
	hs_buf_init(&body);
	p->sample(NULL, "anything", &body);
	root = json_tokener_parse(hs_buf_cstr(&body));
	ep.app_id = NULL;
	ep.app_env = NULL;
	memset(&ev, 0, sizeof ev);
	CHECK(root != NULL && p->describe(&ep, &req, root, &ev, &why) == 0,
	    "default sample describes");
	CHECK_STR(ev.name, "SIGNATURE_PROOF.GENERATED", "the default event");
	CHECK(strstr(hs_buf_cstr(&body), "\"appEnv\":\"DEVELOPMENT\"") != NULL,
	    "default appEnv DEVELOPMENT");
	json_object_put(root);
	hs_buf_free(&body);

	/* Ignisign signs nothing: its token is checked by calling back */
	hs_buf_init(&hdrs);
	CHECK(p->sign(&ep, NULL, "{}", 2, 0, NULL, &hdrs) == 0 && hdrs.len == 0,
	    "sign adds no header");
	hs_buf_free(&hdrs);
}

/* ---- issue #13: BoldSign and DocuSeal ---- */

/*
 * describe() of body under the current env, as the handler calls it: the
 * provider's fields extracted, ev.verified set first. The rc; ev filled.
 */
static int
describes_env(const char *body, struct hs_event *ev)
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
	CHECK_INT(describes_env(body, &ev), HS_DESCRIBE_AUTH,
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
	CHECK_INT(describes_env(body, &ev), 0, "BS describe");
	CHECK_STR(ev.name, "Completed", "BS event name");
	CHECK_STR(ev.delivery_id, "afceddb1-2eed-4301-ae14-8b96a6b0393a",
	    "BS delivery id = event.id");
	CHECK_STR(ev.dedup_extra, ev.delivery_id, "BS dedup on event.id");
	CHECK_STR(ev.document_id, "26b8695f-46d0-4cd4-ba1a-c5a0d595c849",
	    "BS document id");
	CHECK_STR(ev.occurred_at, "2022-12-02T05:38:34Z", "BS event.created");
	CHECK_INT(describes_env(verification, &ev), HS_DESCRIBE_ACK,
	    "BS signed Verification: acknowledged");
	env_reset();
	CHECK(verifies(verification, t), "BS unsigned: verify defers");
	CHECK_INT(describes_env(verification, &ev), HS_DESCRIBE_ACK,
	    "BS unsigned Verification: acknowledged, nothing stored");
	CHECK_INT(describes_env(body, &ev), HS_DESCRIBE_AUTH,
	    "BS unsigned Completed: 401");
	CHECK_INT(describes_env("{\"event\":{\"eventType\":\"verification\"}}",
	    &ev), HS_DESCRIBE_AUTH, "BS unsigned 'verification' (case): 401");
	CHECK_INT(describes_env("{\"event\":{\"eventType\":[\"Verification\"]}}",
	    &ev), HS_DESCRIBE_AUTH, "BS unsigned array eventType: 401");
	CHECK_INT(describes_env("{\"eventType\":\"Verification\"}", &ev),
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
	CHECK_INT(describes_env(body, &ev), 0, "DS describe submission.*");
	CHECK_STR(ev.name, "submission.completed", "DS event name");
	CHECK_STR(ev.document_id, "12", "DS submission.*: data.id");
	CHECK_STR(ev.delivery_id, "", "DS sends no delivery id");
	CHECK_STR(ev.dedup_extra, "submission.completed\n"
	    "2026-08-03T12:53:50.123Z\n12", "DS dedup key");
	CHECK_STR(ev.occurred_at, "2026-08-03T12:53:50.123Z", "DS timestamp");
	CHECK(ev.verified, "DS signed: verified");
	CHECK_INT(describes_env(form, &ev), 0, "DS describe form.*");
	CHECK_STR(ev.document_id, "12", "DS form.*: data.submission.id");
	env_reset();
	CHECK(!verifies(form, t), "DS unsigned test refused by default");
	ep.accept_unsigned_test = 1;
	CHECK(verifies(form, t), "DS unsigned test passes verify when "
	    "accepted");
	CHECK_INT(describes_env(form, &ev), 0, "DS unsigned test described");
	CHECK(!ev.verified, "DS unsigned test: verified false");
	CHECK(strncmp(ev.dedup_extra, "unsigned\n", 9) == 0,
	    "DS unsigned test: its own dedup key");
	CHECK_INT(describes_env(body, &ev), HS_DESCRIBE_AUTH,
	    "DS unsigned submission.completed: 401 even when tests are taken");
	snprintf(hdr, sizeof hdr, "%s", good);
	hdr[20] = hdr[20] == 'f' ? 'e' : 'f';
	env_add("HTTP_X_DOCUSEAL_SIGNATURE", hdr);
	CHECK(!verifies(body, t), "DS bad signature refused even when tests "
	    "are taken");
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
	/* found by fuzz_json: a "]" closed the element's "{" */
	CHECK_INT(p->split(&ep, "[{\"a\":{\"b\":1}]]", 15, spans, 4, &why),
	    -1, "PD: an element closed by the wrong bracket");
	CHECK_INT(p->split(&ep, "[{\"a\":{]}]", 10, spans, 4, &why), -1,
	    "PD: brackets crossed inside an element");
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

/* DocuSign Connect: self-made vector of the reference (key
 * test-connect-key), cross-checked with openssl dgst -hmac | base64 */
static void
test_docusign(void)
{
	const char *secrets[] = { "test-connect-key", NULL };
	const char *rotated[] = { "old-connect-key", "test-connect-key", NULL };
	const char *body = "{\"event\":\"envelope-completed\",\"apiVersion\":"
	    "\"v2.1\",\"uri\":\"/restapi/v2.1/accounts/a1/envelopes/e1\","
	    "\"retryCount\":0,\"configurationId\":1,\"generatedDateTime\":"
	    "\"2025-05-30T18:03:50.4233752Z\",\"data\":{\"accountId\":\"a1\","
	    "\"userId\":\"u1\",\"envelopeId\":\"e1\"}}";
	const char *good = "WlrQl9TEDXkkRh3HXIvLZB2Nl+nWLvQI9EoCjHiPWME=";
	/* the same body's MAC under old-connect-key: another account key */
	const char *other = "HM2xLFnGcJoq/awjQswXUsJR9iGLzAsTMqCsHAoqwJY=";
	char	 name[64];
	int	 i;

	setup(hs_provider_find("docusign"), secrets);
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_1", good);
	CHECK(verifies(body, 0), "DocuSign vector in header 1");
	CHECK(!verifies("{\"event\":\"envelope-completed\"}", 0),
	    "DocuSign tampered body");
	CHECK_STR(last_why, "bad signature", "DocuSign tampered: why");
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_1", other);
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_2", good);
	CHECK(verifies(body, 0), "DocuSign: header 2 matches, header 1 "
	    "holds an unknown key's MAC");
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_1", other);
	CHECK(!verifies(body, 0), "DocuSign: only an unknown key's MAC");
	setup(hs_provider_find("docusign"), rotated);
	CHECK(verifies(body, 0), "DocuSign: a second secret (rotation)");
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_3", good);
	CHECK(verifies(body, 0), "DocuSign: header 3 alone (1 and 2 absent)");

	setup(hs_provider_find("docusign"), secrets);
	env_reset();
	CHECK(!verifies(body, 0), "DocuSign: no header");
	CHECK_STR(last_why, "missing X-DocuSign-Signature-1",
	    "DocuSign: no header: why");
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_1", "");
	CHECK(!verifies(body, 0), "DocuSign: an empty header is none");
	CHECK_STR(last_why, "missing X-DocuSign-Signature-1",
	    "DocuSign: empty header: why");
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_100", good);
	CHECK(verifies(body, 0), "DocuSign: header 100 is read");
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_101", good);
	CHECK(!verifies(body, 0), "DocuSign: header 101 is not read");
	CHECK_STR(last_why, "missing X-DocuSign-Signature-1",
	    "DocuSign: header 101: why");
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_0", good);
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_01", good);
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_1X", good);
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_", good);
	env_add("HTTP_X_DOCUSIGN_SIGNATURE", good);
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_1000", good);
	CHECK(!verifies(body, 0), "DocuSign: -0, -01, -1X, -, no number and "
	    "-1000 are not signature headers");
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_1",
	    "WlrQl9TEDXkkRh3HXIvLZB2Nl+nWLvQI9EoCjHiPWME");
	CHECK(!verifies(body, 0), "DocuSign: base64 without its padding");
	env_reset();
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_1", "5a5ad097d4c40d7924461dc75c8bcb"
	    "641d8d97e9d62ef408f44a028c788f58c1");
	CHECK(!verifies(body, 0), "DocuSign: the MAC in hex");
	/* every number 1..100 taken by a wrong MAC, the good one last */
	env_reset();
	for (i = 1; i < 100; i++) {
		snprintf(name, sizeof name, "HTTP_X_DOCUSIGN_SIGNATURE_%d", i);
		env_add(name, other);
	}
	CHECK(!verifies(body, 0), "DocuSign: 99 wrong headers");
	env_add("HTTP_X_DOCUSIGN_SIGNATURE_100", good);
	CHECK(verifies(body, 0), "DocuSign: 99 wrong headers, then 100 good");
	env_reset();
}

/* Yousign: self-made vector of the reference (secret test-yousign-secret) */
static void
test_yousign(void)
{
	const char *secrets[] = { "test-yousign-secret", NULL };
	const char *body = "{\"event_id\":\"b6c63685-c556-4a30-8fe9-"
	    "b6f2b187d936\",\"event_name\":\"signature_request.done\","
	    "\"event_time\":\"1670855889\",\"subscription_id\":\"s1\","
	    "\"subscription_description\":\"d\",\"sandbox\":false,\"data\":{"
	    "\"signature_request\":{\"id\":\"sr1\",\"status\":\"done\"}}}";
	const char *good = "sha256=5d724b030a5fecb7157045fdb6707cf56753172c8f"
	    "3246705f1471162e9556a1";

	setup(hs_provider_find("yousign"), secrets);
	env_reset();
	env_add("HTTP_X_YOUSIGN_SIGNATURE_256", good);
	CHECK(verifies(body, 0), "Yousign vector");
	CHECK(!verifies("{\"event_id\":\"b6c63685\"}", 0), "Yousign tampered");
	env_reset();
	env_add("HTTP_X_YOUSIGN_SIGNATURE_256", good + 7);
	CHECK(!verifies(body, 0), "Yousign without sha256=");
	CHECK_STR(last_why, "X-Yousign-Signature-256 lacks sha256=",
	    "Yousign without sha256=: why");
	env_reset();
	CHECK(!verifies(body, 0), "Yousign missing header");
	CHECK_STR(last_why, "missing X-Yousign-Signature-256",
	    "Yousign missing header: why");
	env_reset();
	env_add("HTTP_X_HUB_SIGNATURE_256", good);
	CHECK(!verifies(body, 0), "Yousign: GitHub's header is not Yousign's");
}

/* Zoho Sign: the vector on Zoho's HMAC page, payload exactly as printed
 * there, stray "{{" included: only those bytes reproduce the signature */
static void
test_zoho_sign(void)
{
	const char *secrets[] = { "thisisthesamplekeyfortestingpurposes", NULL };
	const char *printed = "{{\"requests\":{\"request_name\":\"Test Name\"},"
	    "\"notifications\":{\"operation_type\":\"RequestSigningSuccess\"}}";
	const char *good = "drbSrM4H816RYKpZiRBLddUa0yHaTrwjtY04sIZFZus=";

	setup(hs_provider_find("zoho-sign"), secrets);
	env_reset();
	env_add("HTTP_X_ZS_WEBHOOK_SIGNATURE", good);
	CHECK(verifies(printed, 0), "Zoho Sign published vector, as printed");
	CHECK(!verifies(printed + 1, 0), "Zoho Sign vector without the stray "
	    "brace does not match");
	env_reset();
	env_add("HTTP_X_ZS_WEBHOOK_SIGNATURE", "76b6d2acce07f35e9160aa5989104b"
	    "75d51ad321da4ebc23b58d38b0864566eb");
	CHECK(!verifies(printed, 0), "Zoho Sign: the MAC in hex");
	env_reset();
	CHECK(!verifies(printed, 0), "Zoho Sign: no header (required when "
	    "secrets are set)");
	CHECK_STR(last_why, "missing X-ZS-WEBHOOK-SIGNATURE",
	    "Zoho Sign: no header: why");
	{
		const char *wrong[] = { "thisisthesamplekeyfortestingpurpose",
		    NULL };

		setup(hs_provider_find("zoho-sign"), wrong);
		env_reset();
		env_add("HTTP_X_ZS_WEBHOOK_SIGNATURE", good);
		CHECK(!verifies(printed, 0), "Zoho Sign: wrong secret");
	}
	CHECK(hs_provider_find("zoho-sign")->flags & HS_PROV_NEEDS_SECRET,
	    "Zoho Sign: an endpoint needs a secret");
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

/* --- e-signature platforms (#13) ------------------------------------ */

/* describe() of body (after verify() under the current env): its code */
static int
describes(const char *body, long long now, struct hs_event *ev)
{
	struct hs_request req;
	struct json_object *root;
	const char *why = NULL, *paths[16];
	size_t	 n;
	int	 rc;

	for (n = 0; ep.provider->fields[n]; n++)
		paths[n] = ep.provider->fields[n];
	memset(ev, 0, sizeof *ev);
	hs_request_init(&req, env);
	req.body = (char *)body;
	req.body_len = strlen(body);
	req.doc = req.body;
	req.doc_len = req.body_len;
	req.now = now;
	if ((root = hs_event_extract(body, strlen(body), paths, n,
	    &why)) == NULL) {
		printf("extract: %s\n", why);
		return 99;
	}
	rc = ep.provider->describe(&ep, &req, root, ev, &why);
	json_object_put(root);
	return rc;
}

static void
test_dropbox(void)
{
	const char *secrets[] = { "wrong-key",
	    "324e3b0840f065eb51f3fd63231d0d33daa35d4ed10d27718839e81737065782",
	    NULL };
	/* the official example (EventCallbackExample.py): time + type */
	const char *good = "{\"event\":{\"event_time\":\"1669926463\","
	    "\"event_type\":\"account_confirmed\",\"event_hash\":"
	    "\"ff8b03439122f9160500c3fb855bdee5a9ccba5fff27d3b258745d8f3074832f\","
	    "\"event_metadata\":{\"related_signature_id\":null}},"
	    "\"signature_request\":{\"signature_request_id\":\"fa5c8a0b\"}}";
	char	 body[1024], *p;
	struct hs_event ev, ev2;
	const struct hs_provider *dp = hs_provider_find("dropbox-sign");

	CHECK(dp != NULL, "dropbox-sign is registered");
	if (dp == NULL)
		return;
	CHECK(dp->flags & HS_PROV_NEEDS_SECRET, "Dropbox Sign needs its API key");
	setup(dp, secrets);
	ep.tolerance = 0;
	env_reset();
	CHECK_INT(describes(good, 1700000000, &ev), 0,
	    "Dropbox Sign official vector, second key");
	CHECK_STR(ev.name, "account_confirmed", "Dropbox event_type");
	CHECK_STR(ev.verified_scope, "event", "Dropbox verified_scope");
	CHECK_STR(ev.document_id, "fa5c8a0b", "Dropbox signature_request_id");
	CHECK_STR(ev.occurred_at, "2022-12-01T20:27:43Z", "Dropbox event_time");
	CHECK_STR(ev.delivery_id, "", "Dropbox has no delivery id");
	CHECK_INT(strlen(ev.dedup_extra), 64, "Dropbox dedup key is a digest");
	/* upper-case hex is the same bytes */
	snprintf(body, sizeof body, "%s", good);
	p = strstr(body, "ff8b0343");
	memcpy(p, "FF8B0343", 8);
	CHECK_INT(describes(body, 0, &ev2), 0, "Dropbox upper-case hash");
	CHECK_STR(ev2.dedup_extra, ev.dedup_extra, "dedup key ignores hash case");
	memcpy(p, "ff8b0344", 8);
	CHECK_INT(describes(body, 0, &ev2), HS_DESCRIBE_AUTH,
	    "Dropbox one hex digit changed");
	snprintf(body, sizeof body, "%s", good);
	p = strstr(body, "1669926463");
	p[9] = '4';
	CHECK_INT(describes(body, 0, &ev2), HS_DESCRIBE_AUTH,
	    "Dropbox event_time changed");
	snprintf(body, sizeof body, "%s", good);
	p = strstr(body, "account_confirmed");
	p[0] = 'A';
	CHECK_INT(describes(body, 0, &ev2), HS_DESCRIBE_AUTH,
	    "Dropbox event_type changed");
	/* the body outside time and type is not covered: scope "event" */
	snprintf(body, sizeof body, "%s", good);
	p = strstr(body, "fa5c8a0b");
	p[0] = 'e';
	CHECK_INT(describes(body, 0, &ev2), 0,
	    "Dropbox: other fields are not signed (scope event)");
	CHECK(strcmp(ev2.dedup_extra, ev.dedup_extra) != 0,
	    "dedup key includes the signature request id");
	CHECK_INT(describes("{\"event\":{\"event_time\":\"1669926463\","
	    "\"event_type\":\"account_confirmed\"}}", 0, &ev2),
	    HS_DESCRIBE_AUTH, "Dropbox missing event_hash: 401");
	CHECK_INT(describes("{\"event\":{\"event_time\":1669926463,"
	    "\"event_type\":\"account_confirmed\",\"event_hash\":\"ff\"}}",
	    0, &ev2), HS_DESCRIBE_BAD, "Dropbox numeric event_time: 400");
	CHECK_INT(describes("{\"event\":{\"event_time\":\"1669926463\","
	    "\"event_type\":\"account_confirmed\",\"event_hash\":"
	    "\"ff8b03439122f9160500c3fb855bdee5a9ccba5fff27d3b258745d8f30748\"}}",
	    0, &ev2), HS_DESCRIBE_AUTH, "Dropbox truncated hash");
	/* no window by default (retries keep event_time); opt in */
	CHECK_INT(describes(good, 1900000000, &ev2), 0,
	    "Dropbox: old event_time accepted without tolerance");
	ep.tolerance = 300;
	CHECK_INT(describes(good, 1669926463 + 301, &ev2), HS_DESCRIBE_AUTH,
	    "Dropbox tolerance_seconds: too old");
	CHECK_INT(describes(good, 1669926463 - 301, &ev2), HS_DESCRIBE_AUTH,
	    "Dropbox tolerance_seconds: in the future");
	CHECK_INT(describes(good, 1669926463 + 299, &ev2), 0,
	    "Dropbox tolerance_seconds: inside");
	{
		const char *only_wrong[] = { "324e3b08", NULL };

		setup(dp, only_wrong);
		CHECK_INT(describes(good, 0, &ev2), HS_DESCRIBE_AUTH,
		    "Dropbox wrong API key");
	}
	/* accepts(): multipart/form-data with a boundary only */
	{
		const char *why;

		CHECK(dp->accepts(&ep, "multipart/form-data; boundary=x", &why),
		    "Dropbox accepts multipart");
		CHECK(!dp->accepts(&ep, "application/json", &why),
		    "Dropbox refuses JSON");
		CHECK(!dp->accepts(&ep, NULL, &why), "Dropbox: no Content-Type");
	}
	/* the sample hashes with the first key and describes cleanly */
	{
		struct hs_buf b;

		setup(dp, secrets + 1);
		ep.tolerance = 0;
		hs_buf_init(&b);
		CHECK(dp->sample(&ep, "signature_request_signed", &b) == 0,
		    "Dropbox sample");
		CHECK_INT(describes(hs_buf_cstr(&b), 0, &ev2), 0,
		    "Dropbox sample carries a valid event_hash");
		CHECK_STR(ev2.name, "signature_request_signed", "sample event");
		hs_buf_free(&b);
		CHECK_STR(dp->form_field, "json", "Dropbox form field");
	}
}

static void
test_adobe(void)
{
	const struct hs_provider *ap = hs_provider_find("adobe-sign");
	struct hs_key ids[2] = {
		{ (unsigned char *)"CBJCHBCAABAAclientA", 19, 0 },
		{ (unsigned char *)"UB7E5BXCXY", 10, 0 },
	};
	struct hs_answer ans;
	struct hs_request req;
	struct hs_event ev;
	const char *body = "{\"webhookId\":\"9b7fc222\",\"webhookNotificationId\":"
	    "\"d20d758a-f8b2-41b7-8c20-016312de7978\",\"event\":"
	    "\"AGREEMENT_CREATED\",\"eventDate\":\"2024-05-30T22:57:28Z\","
	    "\"actingUserEmail\":\"cjones@adobe.com\",\"agreement\":{\"id\":"
	    "\"CBJCHBCAABAA2XhaLGV0pKssKU03QXTcTXS4ebPyoSL_\"}}";
	char	 copy[32];

	CHECK(ap != NULL, "adobe-sign is registered");
	if (ap == NULL)
		return;
	CHECK(!(ap->flags & (HS_PROV_NEEDS_SECRET | HS_PROV_PENDING)),
	    "Adobe signs nothing and is not pending");
	setup(ap, (const char *[]){ NULL });
	ep.client_ids.v = ids;
	ep.client_ids.n = 2;
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", "UB7E5BXCXY");
	CHECK(verifies(body, 0), "Adobe: a configured client id");
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", "UB7E5BXCX");
	CHECK(!verifies(body, 0), "Adobe: a prefix of a client id");
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", "ub7e5bxcxy");
	CHECK(!verifies(body, 0), "Adobe: client ids are case-sensitive");
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", "");
	CHECK(!verifies(body, 0), "Adobe: empty client id");
	env_reset();
	CHECK(!verifies(body, 0), "Adobe: no client id");

	/* the echo is the configured string, not the request's bytes */
	snprintf(copy, sizeof copy, "CBJCHBCAABAAclientA");
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", copy);
	hs_request_init(&req, env);
	memset(&ans, 0, sizeof ans);
	ans.status = 200;
	ap->reply(&ep, &req, &ans);
	CHECK_STR(ans.header_name, "X-AdobeSign-ClientId", "Adobe echo header");
	CHECK(ans.header_value == (const char *)ids[0].bytes,
	    "Adobe echo points at the configured id");
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", "someone-else");
	hs_request_init(&req, env);
	memset(&ans, 0, sizeof ans);
	ap->reply(&ep, &req, &ans);
	CHECK(ans.header_name == NULL, "Adobe: no echo for an unknown id");

	/* handshake: GET only */
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", "UB7E5BXCXY");
	env_add("REQUEST_METHOD", "GET");
	hs_request_init(&req, env);
	memset(&ans, 0, sizeof ans);
	CHECK_INT(ap->handshake(&ep, &req, &ans), 200, "Adobe GET handshake");
	CHECK_STR(ans.header_value, "UB7E5BXCXY", "Adobe handshake echo");
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", "UB7E5BXCXZ");
	env_add("REQUEST_METHOD", "GET");
	hs_request_init(&req, env);
	memset(&ans, 0, sizeof ans);
	CHECK_INT(ap->handshake(&ep, &req, &ans), 401,
	    "Adobe GET with an unknown id");
	CHECK(ans.header_name == NULL, "no echo on a refused handshake");
	env_reset();
	env_add("REQUEST_METHOD", "GET");
	hs_request_init(&req, env);
	memset(&ans, 0, sizeof ans);
	CHECK_INT(ap->handshake(&ep, &req, &ans), 401, "Adobe GET without id");
	env_reset();
	env_add("HTTP_X_ADOBESIGN_CLIENTID", "UB7E5BXCXY");
	env_add("REQUEST_METHOD", "PUT");
	hs_request_init(&req, env);
	memset(&ans, 0, sizeof ans);
	CHECK_INT(ap->handshake(&ep, &req, &ans), 0, "Adobe PUT stays 405");

	env_reset();
	CHECK_INT(describes(body, 0, &ev), 0, "Adobe describe");
	CHECK_STR(ev.name, "AGREEMENT_CREATED", "Adobe event");
	CHECK_STR(ev.delivery_id, "d20d758a-f8b2-41b7-8c20-016312de7978",
	    "Adobe webhookNotificationId");
	CHECK_STR(ev.dedup_extra, ev.delivery_id, "Adobe dedup on it");
	CHECK_STR(ev.document_id, "CBJCHBCAABAA2XhaLGV0pKssKU03QXTcTXS4ebPyoSL_",
	    "Adobe agreement.id");
	CHECK_STR(ev.occurred_at, "2024-05-30T22:57:28Z", "Adobe eventDate");
	CHECK_STR(ev.verified_scope, "none", "Adobe verified_scope: the "
	    "client id authenticates nothing");
	CHECK_INT(describes("{\"event\":\"WIDGET_CREATED\",\"widget\":{\"id\":"
	    "\"W1\"}}", 0, &ev), 0, "Adobe widget event");
	CHECK_STR(ev.document_id, "W1", "Adobe widget.id");
	CHECK_INT(describes("{\"agreement\":{\"id\":\"x\"}}", 0, &ev),
	    HS_DESCRIBE_BAD, "Adobe without event: 400");
	ep.client_ids.v = NULL;
	ep.client_ids.n = 0;
}

int
main(void)
{
	tap_suite = "test_providers";
	test_github();
	test_standard();
	test_standard_v1a();
	test_stripe();
	test_circularo();
	test_documenso();
	test_hmac();
	test_hmac_options();
	test_ignisign_sample();
	test_boldsign();
	test_docuseal();
	test_pandadoc();	/* #13 */
	test_docusign();
	test_yousign();
	test_zoho_sign();
	test_roundtrip();
	test_dropbox();
	test_adobe();
	env_reset();
	setup(hs_provider_find("github"), (const char *[]){ NULL });
	return tap_done();
}
