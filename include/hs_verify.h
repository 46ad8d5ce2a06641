/* hs_verify.h - MACs and constant-time comparison shared by the providers. */
#ifndef HS_VERIFY_H
#define HS_VERIFY_H

#include <stddef.h>

#include "hs_config.h"

#define HS_MAC_MAX	64	/* SHA-512 */

/*
 * HMAC(digest, key, part1 || part2 || part3); parts may be NULL/0.
 * Returns the MAC length, or -1.
 */
int	hs_hmac(const char *digest, const struct hs_key *key,
	    const void *p1, size_t n1, const void *p2, size_t n2,
	    const void *p3, size_t n3, unsigned char out[HS_MAC_MAX]);

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

#endif
