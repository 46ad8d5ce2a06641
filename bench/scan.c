/*
 * scan.c - the receiver's per-byte work on one body, in process, against
 * json-c parsing the same bytes (what a receiver that builds a tree does,
 * and what hookspool did before cgi/json_strict.c) and SHA-256 over them.
 *
 *   scan BODY...
 *
 * BODY is a file, or "text:SIZE" for a generated object of SIZE bytes
 * whose strings are long (URLs, names), where the 1 MB bench body is
 * mostly short keys and numbers. Each measurement is the best of 7 rounds
 * of at least 30 ms. One line per body:
 *
 *   SCAN name=... bytes=N scan_us=.. jsonc_us=.. sha256_us=..
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "hs_json.h"

int	main(int, char **);

/* The fields the Circularo provider reads (cgi/prov_circularo.c). */
static const char *const paths[] = { "event", "documentId", "actor",
    "timestamp" };
#define NPATHS	(sizeof paths / sizeof paths[0])

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
run_scan(const char *b, size_t n)
{
	struct hs_json_want want[NPATHS];
	const char *why;
	size_t	 i;

	for (i = 0; i < NPATHS; i++)
		want[i].path = paths[i];
	return hs_json_scan(b, n, want, NPATHS, &why);
}

static int
run_jsonc(const char *b, size_t n)
{
	json_tokener *tok = json_tokener_new_ex(HS_JSON_MAX_DEPTH + 1);
	json_object *o;

	if (tok == NULL)
		return -1;
	o = json_tokener_parse_ex(tok, b, (int)n);
	json_tokener_free(tok);
	if (o == NULL)
		return -1;
	json_object_put(o);
	return 0;
}

static int
run_sha256(const char *b, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;

	return EVP_Digest(b, n, md, &mdlen, EVP_sha256(), NULL) == 1 ? 0 : -1;
}

/* Best time of one call, in microseconds; -1 if fn fails. */
static double
best_us(int (*fn)(const char *, size_t), const char *b, size_t n)
{
	double	 best = -1, t0, t;
	long	 iters = 1, i;
	int	 round;

	if (fn(b, n) == -1)
		return -1;
	for (round = 0; round < 7; round++) {
		t0 = now_us();
		for (i = 0; i < iters; i++)
			fn(b, n);
		t = now_us() - t0;
		if (t < 30000 && round == 0) {
			/* calibrate: rerun this round long enough */
			iters = (long)(iters * 30000 / (t > 1 ? t : 1)) + 1;
			round--;
			continue;
		}
		if (best < 0 || t / (double)iters < best)
			best = t / (double)iters;
	}
	return best;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*b = NULL;
	long	 sz;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (b = malloc((size_t)sz + 1)) == NULL ||
	    fread(b, 1, (size_t)sz, f) != (size_t)sz) {
		free(b);
		b = NULL;
	} else
		*len = (size_t)sz;
	if (f)
		fclose(f);
	return b;
}

/* A Documenso-like object of about size bytes with long string values. */
static char *
text_body(size_t size, size_t *len)
{
	char	*b = malloc(size + 512);
	size_t	 n;
	unsigned long i;

	if (b == NULL)
		return NULL;
	n = (size_t)sprintf(b, "{\"event\":\"DOCUMENT_COMPLETED\","
	    "\"createdAt\":\"2024-06-01T13:10:10.500Z\",\"recipients\":[");
	for (i = 0; n + 400 < size; i++)
		n += (size_t)sprintf(b + n, "%s{\"id\":%lu,\"email\":"
		    "\"signer.%lu@example.com\",\"name\":\"Mary Griffin, "
		    "Contract Review Department %lu\",\"signingUrl\":"
		    "\"https://app.documenso.com/sign/3f9c1a7e5b2d4c8a9e0f1b2c3d4e5f6a/"
		    "recipient/%lu?token=a1b2c3d4e5f6\",\"role\":\"SIGNER\"}",
		    i ? "," : "", i, i, i, i);
	n += (size_t)sprintf(b + n, "]}");
	*len = n;
	return b;
}

int
main(int argc, char **argv)
{
	char	*b;
	size_t	 n = 0;
	double	 scan, jsonc, sha;
	int	 i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: scan BODY...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "text:", 5) == 0)
			b = text_body(strtoul(argv[i] + 5, NULL, 10), &n);
		else
			b = slurp(argv[i], &n);
		if (b == NULL) {
			fprintf(stderr, "scan: cannot read %s\n", argv[i]);
			return 1;
		}
		scan = best_us(run_scan, b, n);
		jsonc = best_us(run_jsonc, b, n);
		sha = best_us(run_sha256, b, n);
		if (scan < 0 || jsonc < 0 || sha < 0) {
			fprintf(stderr, "scan: %s: a reader refused it\n",
			    argv[i]);
			rc = 1;
		} else
			printf("SCAN name=%s bytes=%zu scan_us=%.2f "
			    "jsonc_us=%.2f sha256_us=%.2f\n", argv[i], n,
			    scan, jsonc, sha);
		free(b);
	}
	return rc;
}
