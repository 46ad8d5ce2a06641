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
#include "hs_provider.h"
#include "hs_request.h"
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
	test_docusign();
	test_yousign();
	test_zoho_sign();
	test_roundtrip();
	env_reset();
	setup(hs_provider_find("github"), (const char *[]){ NULL });
	return tap_done();
}
