/* verify.c - HMAC, constant-time comparison and timestamp windows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hs_codec.h"
#include "hs_verify.h"

/*
 * A CGI request pays OpenSSL 3's start-up every time. By default the first
 * fetch reads openssl.cnf and copies every legacy cipher and digest name
 * into the name map (OBJ_NAME_do_all), ~4.5M instructions, more than all
 * the rest of a small request; and at exit it frees it all again (~0.15M)
 * just before the kernel would. The receiver fetches by provider name
 * ("HMAC", "SHA256"), which needs none of that. An operator who points
 * OPENSSL_CONF at a configuration (a FIPS provider, say) still gets it.
 */
int
hs_crypto_init_lean(void)
{
	uint64_t opts = OPENSSL_INIT_NO_ADD_ALL_CIPHERS |
	    OPENSSL_INIT_NO_ADD_ALL_DIGESTS | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS |
	    OPENSSL_INIT_NO_ATEXIT;

	if (getenv("OPENSSL_CONF") == NULL)
		opts |= OPENSSL_INIT_NO_LOAD_CONFIG;
	return OPENSSL_init_crypto(opts, NULL) ? 0 : -1;
}

/*
 * One HMAC context per digest, fetched and set up once per process and
 * re-keyed for every MAC: EVP_MAC_fetch() and the digest lookup behind the
 * "digest" parameter cost more than the MAC of a small body.
 */
#define MAC_CACHE	4

static struct {
	char		 digest[16];
	EVP_MAC_CTX	*ctx;
} mac_cache[MAC_CACHE];

/*
 * The context for digest; *cached says whether it lives in the cache (the
 * caller frees one that does not: a full cache or an overlong name).
 */
static EVP_MAC_CTX *
mac_ctx(const char *digest, int *cached)
{
	static EVP_MAC *mac;
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t	 i;

	*cached = 1;
	for (i = 0; i < MAC_CACHE && mac_cache[i].ctx; i++)
		if (strcmp(mac_cache[i].digest, digest) == 0)
			return mac_cache[i].ctx;
	if (mac == NULL && (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)digest,
	    0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		return NULL;
	if (!EVP_MAC_CTX_set_params(ctx, params)) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	/* a full cache (never, with three digests) just is not reused */
	if (i < MAC_CACHE && strlen(digest) < sizeof mac_cache[i].digest) {
		strcpy(mac_cache[i].digest, digest);
		mac_cache[i].ctx = ctx;
	} else
		*cached = 0;
	return ctx;
}

int
hs_hmac_available(const char *digest)
{
	EVP_MAC_CTX *ctx;
	int	 cached;

	if ((ctx = mac_ctx(digest, &cached)) == NULL)
		return 0;
	if (!cached)
		EVP_MAC_CTX_free(ctx);
	return 1;
}

int
hs_hmac(const char *digest, const struct hs_key *key, const void *p1,
    size_t n1, const void *p2, size_t n2, const void *p3, size_t n3,
    unsigned char out[HS_MAC_MAX])
{
	EVP_MAC_CTX *ctx;
	size_t	 outlen = 0;
	int	 rc = -1, cached;

	if (key->len == 0)
		return -1;	/* EVP_MAC_init rejects empty keys anyway */
	if ((ctx = mac_ctx(digest, &cached)) == NULL)
		return -1;
	/* init with a key and no parameters keeps the digest set above */
	if (!EVP_MAC_init(ctx, key->bytes, key->len, NULL))
		goto done;
	if ((n1 && !EVP_MAC_update(ctx, p1, n1)) ||
	    (n2 && !EVP_MAC_update(ctx, p2, n2)) ||
	    (n3 && !EVP_MAC_update(ctx, p3, n3)) ||
	    !EVP_MAC_final(ctx, out, &outlen, HS_MAC_MAX))
		goto done;
	rc = (int)outlen;
done:
	if (!cached)
		EVP_MAC_CTX_free(ctx);
	return rc;
}

int
hs_mac_equal(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	return alen == blen && alen > 0 && CRYPTO_memcmp(a, b, alen) == 0;
}

int
hs_sig_matches(const char *text, size_t textlen, enum hs_encoding enc,
    const unsigned char *mac, size_t maclen)
{
	unsigned char got[HS_MAC_MAX];
	long	 n;

	if (enc == HS_ENC_HEX) {
		if (textlen != 2 * maclen ||
		    hs_hex_decode(text, textlen, got, maclen) == -1)
			return 0;
		n = (long)maclen;
	} else {
		if (textlen > 4 * ((HS_MAC_MAX + 2) / 3))
			return 0;
		n = hs_base64_decode(text, textlen, got, sizeof got, 0);
		if (n < 0)
			return 0;
	}
	return hs_mac_equal(got, (size_t)n, mac, maclen);
}

int
hs_secret_matches(const struct hs_endpoint *ep, const char *value)
{
	unsigned char want[HS_MAC_MAX], got[HS_MAC_MAX];
	struct hs_key vkey;
	size_t	 i, vlen;
	int	 match = 0;

	if (value == NULL || (vlen = strlen(value)) == 0)
		return 0;
	/*
	 * Compare fixed-size digests so neither the secret's length nor the
	 * position of the first differing byte shows in the timing.
	 */
	vkey.bytes = (unsigned char *)"hookspool-compare";
	vkey.len = 17;
	if (hs_hmac("SHA256", &vkey, value, vlen, NULL, 0, NULL, 0, got) != 32)
		return 0;
	for (i = 0; i < ep->nkeys; i++) {
		if (hs_hmac("SHA256", &vkey, ep->keys[i].bytes, ep->keys[i].len,
		    NULL, 0, NULL, 0, want) != 32)
			continue;
		match |= CRYPTO_memcmp(want, got, 32) == 0;
	}
	return match;
}

int
hs_timestamp_ok(const char *text, size_t len, long long now, long tolerance,
    int future_too, long long *ts_out, const char **why)
{
	long long ts = 0;
	size_t	 i;

	if (len == 0 || len > 12) {
		*why = "bad timestamp";
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9') {
			*why = "bad timestamp";
			return 0;
		}
		ts = ts * 10 + (text[i] - '0');
	}
	if (ts_out)
		*ts_out = ts;
	if (tolerance <= 0)
		return 1;
	if (now - ts > tolerance) {
		*why = "timestamp too old";
		return 0;
	}
	if (future_too && ts - now > tolerance) {
		*why = "timestamp in the future";
		return 0;
	}
	return 1;
}

/*
 * Ed25519. OpenSSL signs and verifies it only in one shot (no digest, no
 * update), so p1 || p2 is joined into one buffer first. Keys are fetched
 * by name from the default provider, which needs none of the legacy name
 * tables hs_crypto_init_lean() leaves out.
 */
static unsigned char *
ed25519_join(const void *p1, size_t n1, const void *p2, size_t n2,
    size_t *len)
{
	unsigned char *msg;

	if (n1 > SIZE_MAX - n2 - 1 || (msg = malloc(n1 + n2 + 1)) == NULL)
		return NULL;
	if (n1)
		memcpy(msg, p1, n1);
	if (n2)
		memcpy(msg + n1, p2, n2);
	*len = n1 + n2;
	return msg;
}

int
hs_ed25519_verify(const unsigned char pub[HS_ED25519_KEY],
    const unsigned char *sig, size_t siglen, const void *p1, size_t n1,
    const void *p2, size_t n2)
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned char *msg = NULL;
	size_t	 len;
	int	 ok = 0;

	if (siglen != HS_ED25519_SIG)
		return 0;
	if ((msg = ed25519_join(p1, n1, p2, n2, &len)) == NULL ||
	    (pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pub,
	    HS_ED25519_KEY)) == NULL ||
	    (ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey,
	    NULL) != 1)
		goto done;
	ok = EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1;
done:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	free(msg);
	return ok;
}

int
hs_ed25519_sign(const unsigned char seed[HS_ED25519_KEY], const void *p1,
    size_t n1, const void *p2, size_t n2, unsigned char sig[HS_ED25519_SIG])
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned char *msg = NULL;
	size_t	 len, siglen = HS_ED25519_SIG;
	int	 rc = -1;

	if ((msg = ed25519_join(p1, n1, p2, n2, &len)) == NULL ||
	    (pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL,
	    seed, HS_ED25519_KEY)) == NULL ||
	    (ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, pkey,
	    NULL) != 1)
		goto done;
	if (EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 &&
	    siglen == HS_ED25519_SIG)
		rc = 0;
done:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);	/* clears the private key */
	free(msg);
	return rc;
}

int
hs_ed25519_public(const unsigned char seed[HS_ED25519_KEY],
    unsigned char pub[HS_ED25519_KEY])
{
	EVP_PKEY *pkey;
	size_t	 len = HS_ED25519_KEY;
	int	 rc = -1;

	if ((pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL,
	    seed, HS_ED25519_KEY)) == NULL)
		return -1;
	if (EVP_PKEY_get_raw_public_key(pkey, pub, &len) == 1 &&
	    len == HS_ED25519_KEY)
		rc = 0;
	EVP_PKEY_free(pkey);
	return rc;
}

/*
 * An OPENSSL_CONF that asks for FIPS-approved algorithms leaves no Ed25519
 * (OpenSSL 3.0's FIPS provider has none) while HMAC may still work.
 */
int
hs_ed25519_available(void)
{
	static int avail = -1;
	static const unsigned char pub[HS_ED25519_KEY] = { 1 };
	EVP_PKEY *pkey;
	EVP_MD_CTX *ctx;

	if (avail != -1)
		return avail;
	avail = 0;
	if ((pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pub,
	    HS_ED25519_KEY)) == NULL)
		return 0;
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey,
	    NULL) == 1)
		avail = 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return avail;
}
