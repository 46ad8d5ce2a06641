/*
 * mkbody.c - webhook bodies of an exact size, signed with hex HMAC-SHA256
 * of the raw body: Circularo-style (header X-Circularo-Signature) or, with
 * FLAVOUR yousign, Yousign-style (X-Yousign-Signature-256: sha256=<hex>;
 * bench/post.lua adds the header name and prefix).
 *
 *   mkbody SECRET SIZE COUNT OUT [circularo|yousign]
 *
 * COUNT = 1: writes OUT.json (the body, no trailing newline) and OUT.sig
 *            (the hex signature).
 * COUNT > 1: writes OUT.lines, COUNT lines "SIG<TAB>BODY\n" of distinct
 *            bodies (the sequence number is in documentId, or in Yousign's
 *            event_id and signature request id), for wrk (bench/post.lua)
 *            to cycle through with deduplication on.
 *
 * The body is a strict-JSON object with the documented fields of the
 * sender and an array of small objects filling it up to SIZE bytes, so
 * the JSON validator and json-c see real structure, not one long string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

int	main(int, char **);

static int yousign;	/* the flavour */

static char *
make(size_t size, unsigned long seq, size_t *len)
{
	char	*b, item[64];
	/* what closes the body after the pad's text */
	const char *close = yousign ? "\"}}}" : "\"}";
	size_t	 n, k, c = strlen(close);
	unsigned long i = 0;
	int	 m;

	if ((b = malloc(size + 512)) == NULL)
		return NULL;
	if (yousign)
		/* Yousign's root (webhook-messages), a signature request */
		n = (size_t)snprintf(b, size + 512, "{\"event_id\":"
		    "\"b6c63685-c556-4a30-8fe9-%012lu\",\"event_name\":"
		    "\"signature_request.done\",\"event_time\":\"1700000000\","
		    "\"subscription_id\":\"8d0e9a35-5bc4-4a25-b19e-0d0bd5e5c8a1\","
		    "\"subscription_description\":\"hookspool bench\","
		    "\"sandbox\":false,\"data\":{\"signature_request\":{"
		    "\"id\":\"sr-%012lu\",\"status\":\"done\",\"documents\":[",
		    seq, seq);
	else
		n = (size_t)snprintf(b, size + 512, "{\"documentId\":"
		    "\"bench%012lu\",\"event\":\"documentCompleted\","
		    "\"actor\":\"mary.griffin@circularo.com\","
		    "\"timestamp\":\"2024-06-01T13:10:10.500Z\",\"items\":[",
		    seq);
	/* items while there is room for one more, the pad and the close */
	for (;;) {
		m = snprintf(item, sizeof item, "%s{\"n\":%lu,\"v\":\"lorem "
		    "ipsum\"}", i ? "," : "", i);
		if (n + (size_t)m + 10 + c > size)
			break;
		memcpy(b + n, item, (size_t)m);
		n += (size_t)m;
		i++;
	}
	memcpy(b + n, "],\"pad\":\"", 9);
	n += 9;
	if (n + c > size) {
		free(b);
		return NULL;
	}
	for (k = n; k < size - c; k++)
		b[k] = 'x';
	memcpy(b + size - c, close, c);
	*len = size;
	return b;
}

static void
sign(const char *secret, const char *body, size_t len, char hex[65])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, i;

	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)body, len, mac, &maclen);
	for (i = 0; i < maclen && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", mac[i]);
	hex[64] = '\0';
}

int
main(int argc, char **argv)
{
	char	 path[4096], hex[65], *b;
	unsigned long count, i;
	size_t	 size, len;
	FILE	*f;

	if (argc == 6 && strcmp(argv[5], "yousign") == 0)
		yousign = 1;
	else if (argc != 5 && !(argc == 6 && strcmp(argv[5], "circularo") == 0)) {
		fprintf(stderr, "usage: mkbody SECRET SIZE COUNT OUT "
		    "[circularo|yousign]\n");
		return 2;
	}
	size = strtoul(argv[2], NULL, 10);
	count = strtoul(argv[3], NULL, 10);
	if (size < (yousign ? 400 : 160) || count < 1) {
		fprintf(stderr, "mkbody: SIZE >= 160 (Yousign: 400) and "
		    "COUNT >= 1\n");
		return 2;
	}
	if (count == 1) {
		if ((b = make(size, 0, &len)) == NULL)
			return 1;
		sign(argv[1], b, len, hex);
		snprintf(path, sizeof path, "%s.json", argv[4]);
		if ((f = fopen(path, "w")) == NULL ||
		    fwrite(b, 1, len, f) != len || fclose(f) != 0) {
			perror(path);
			return 1;
		}
		snprintf(path, sizeof path, "%s.sig", argv[4]);
		if ((f = fopen(path, "w")) == NULL ||
		    fprintf(f, "%s", hex) < 0 || fclose(f) != 0) {
			perror(path);
			return 1;
		}
		free(b);
		return 0;
	}
	snprintf(path, sizeof path, "%s.lines", argv[4]);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	for (i = 0; i < count; i++) {
		if ((b = make(size, i + 1, &len)) == NULL)
			return 1;
		sign(argv[1], b, len, hex);
		fprintf(f, "%s\t", hex);
		fwrite(b, 1, len, f);
		fputc('\n', f);
		free(b);
	}
	if (fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}
