/* hs_verify.h - MACs and constant-time comparison shared by the providers. */
#ifndef HS_VERIFY_H
#define HS_VERIFY_H

#include <stddef.h>

#include "hs_config.h"

#define HS_MAC_MAX	64	/* SHA-512 */

/*
 * The receiver's OpenSSL start-up: no openssl.cnf (unless OPENSSL_CONF is
 * set in the process environment), no legacy cipher/digest name tables,
 * no error strings, no clean-up at exit. Call once, before any other
 * libcrypto call; the CLI does not (libcurl's TLS wants the full set).
 * Returns 0, or -1.
 */
int	hs_crypto_init_lean(void);

/*
 * HMAC(digest, key, part1 || part2 || part3); parts may be NULL/0.
 * Returns the MAC length, or -1.
 */
int	hs_hmac(const char *digest, const struct hs_key *key,
	    const void *p1, size_t n1, const void *p2, size_t n2,
	    const void *p3, size_t n3, unsigned char out[HS_MAC_MAX]);

/* 1 if HMAC with this digest can be computed here (cached), else 0. */
int	hs_hmac_available(const char *digest);

/* Equal length and CRYPTO_memcmp() == 0. */
int	hs_mac_equal(const unsigned char *a, size_t alen,
	    const unsigned char *b, size_t blen);

/*
 * Decodes a received signature text (hex either case, or strict base64)
 * into raw bytes and compares it in constant time with mac.
 * Returns 1 on a match, 0 otherwise.
 */
int	hs_sig_matches(const char *text, size_t textlen, enum hs_encoding enc,
	    const unsigned char *mac, size_t maclen);

/* Constant-time comparison of a shared-secret header against every key. */
int	hs_secret_matches(const struct hs_endpoint *ep, const char *value);

/*
 * Timestamp window: digits only; with tolerance > 0, |now - ts| must be
 * within it (future_too) or now - ts within it (past only, Stripe).
 */
int	hs_timestamp_ok(const char *text, size_t len, long long now,
	    long tolerance, int future_too, long long *ts_out,
	    const char **why);

/*
 * Ed25519 (RFC 8032, pure: the message itself, no pre-hash), one-shot as
 * OpenSSL requires. The message is p1 || p2 (either may be empty).
 */
#define HS_ED25519_KEY	32
#define HS_ED25519_SIG	64
/* 1 when sig (exactly 64 bytes) is pub's signature of p1 || p2, else 0. */
int	hs_ed25519_verify(const unsigned char pub[HS_ED25519_KEY],
	    const unsigned char *sig, size_t siglen, const void *p1, size_t n1,
	    const void *p2, size_t n2);
/* The seed's signature of p1 || p2 into sig. 0, or -1. */
int	hs_ed25519_sign(const unsigned char seed[HS_ED25519_KEY],
	    const void *p1, size_t n1, const void *p2, size_t n2,
	    unsigned char sig[HS_ED25519_SIG]);
/* 1 if this libcrypto verifies Ed25519 (cached), else 0. */
int	hs_ed25519_available(void);
/* The public key of a seed. 0, or -1. */
int	hs_ed25519_public(const unsigned char seed[HS_ED25519_KEY],
	    unsigned char pub[HS_ED25519_KEY]);

#endif
