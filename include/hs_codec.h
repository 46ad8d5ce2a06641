/* hs_codec.h - strict hex and base64 codecs, SHA-256 helpers. */
#ifndef HS_CODEC_H
#define HS_CODEC_H

#include <stddef.h>

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void	hs_hex_encode(const unsigned char *in, size_t n, char *out);
/* Decodes exactly 2*outlen hex digits (either case). 0 on success, -1 otherwise. */
/* The value of one hex digit, either case; -1 for any other byte. */
int	hs_hex_value(unsigned char c);
int	hs_hex_decode(const char *in, size_t inlen, unsigned char *out, size_t outlen);

/*
 * Strict base64 (RFC 4648 standard alphabet): padding required and
 * non-canonical trailing bits rejected, as signatures must be. lenient
 * accepts a missing '=' tail and stray trailing bits, as the reference
 * libraries do for secrets (Python appends "==" before decoding).
 * Returns the decoded length, or -1.
 */
long	hs_base64_decode(const char *in, size_t inlen, unsigned char *out,
	    size_t outcap, int lenient);
/* Encodes into out (4*ceil(n/3)+1 bytes). Returns the encoded length. */
size_t	hs_base64_encode(const unsigned char *in, size_t n, char *out);

/* SHA-256 of data as 64 lower-case hex digits + NUL. */
void	hs_sha256_hex(const void *data, size_t n, char out[65]);
/* SHA-256 of p1 || p2 (p2 may be NULL/0); -1 when libcrypto fails. */
int	hs_sha256_hex2(const void *p1, size_t n1, const void *p2, size_t n2,
	    char out[65]);

#endif
