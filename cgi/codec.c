/* codec.c - hex and base64 written strictly: EVP_DecodeBlock is too lax. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "hs_codec.h"

void
hs_hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
hs_hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hs_hex_decode(const char *in, size_t inlen, unsigned char *out, size_t outlen)
{
	size_t	 i;
	int	 hi, lo;

	if (inlen != 2 * outlen)
		return -1;
	for (i = 0; i < outlen; i++) {
		hi = hs_hex_value((unsigned char)in[2 * i]);
		lo = hs_hex_value((unsigned char)in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long
hs_base64_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outcap, int lenient)
{
	size_t	 pad = 0, data, i, o = 0;
	unsigned long acc = 0;
	int	 bits = 0, v;

	while (pad < 2 && inlen > pad && in[inlen - 1 - pad] == '=')
		pad++;
	data = inlen - pad;
	if (pad && inlen % 4 != 0)
		return -1;
	if (!pad && data % 4 != 0 && !lenient)
		return -1;
	if (data % 4 == 1)
		return -1;
	if (pad && (data % 4) + pad != 4)
		return -1;
	for (i = 0; i < data; i++) {
		if ((v = b64_value((unsigned char)in[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outcap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	if (acc != 0 && !lenient)	/* non-canonical trailing bits */
		return -1;
	return (long)o;
}

size_t
hs_base64_encode(const unsigned char *in, size_t n, char *out)
{
	return (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

int
hs_sha256_hex2(const void *p1, size_t n1, const void *p2, size_t n2,
    char out[65])
{
	static EVP_MD *sha256;
	static EVP_MD_CTX *ctx;
	unsigned char md[SHA256_DIGEST_LENGTH];

	/* SHA256() fetches the implementation on every call; fetch once */
	if (sha256 == NULL)
		sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (ctx == NULL)
		ctx = EVP_MD_CTX_new();
	if (sha256 == NULL || ctx == NULL ||
	    !EVP_DigestInit_ex2(ctx, sha256, NULL) ||
	    !EVP_DigestUpdate(ctx, p1, n1) ||
	    (n2 && !EVP_DigestUpdate(ctx, p2, n2)) ||
	    !EVP_DigestFinal_ex(ctx, md, NULL))
		return -1;
	hs_hex_encode(md, sizeof md, out);
	return 0;
}

void
hs_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	if (hs_sha256_hex2(data, n, NULL, 0, out) == 0)
		return;
	SHA256(data, n, md);
	hs_hex_encode(md, sizeof md, out);
}
