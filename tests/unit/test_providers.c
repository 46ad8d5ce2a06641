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
	test_standard_v1a();
	test_stripe();
	test_circularo();
	test_documenso();
	test_hmac();
	test_roundtrip();
	env_reset();
	setup(hs_provider_find("github"), (const char *[]){ NULL });
	return tap_done();
}
