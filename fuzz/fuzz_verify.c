/*
 * fuzz_verify.c - each provider's verify() and describe() on fuzzed
 * headers (Stripe-Signature, webhook-signature lists, X-Hub-Signature-256,
 * ...), the codecs and the timestamp window they rest on, and a round
 * trip: what a provider's sign() produces for the fuzzed body must verify.
 *
 * Input: flags, n, then n bytes of "NAME=value" lines, then the body.
 *   flags & 0x07  endpoint (fz_names[])
 *   flags & 0x08  tolerance 0 instead of the endpoint's (window off)
 *   flags & 0x10  timestamp check: past only (Stripe) instead of +-
 *   flags & 0x20  endpoint 8 + (flags & 7): the e-signature platforms
 *                 (DocuSign, Yousign, Zoho Sign, PandaDoc, BoldSign,
 *                 DocuSeal; beyond them, from 0 again). A "QUERY_STRING="
 *                 line reaches PandaDoc's query parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fuzz_common.h"
#include "hs_buf.h"
#include "hs_codec.h"
#include "hs_config.h"
#include "hs_event.h"
#include "hs_json.h"
#include "hs_provider.h"
#include "hs_request.h"
#include "hs_verify.h"

#define MAX_VARS	32

static struct hs_config cfg;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 err[512];

	(void)argc;
	(void)argv;
	if (hs_config_load(fz_setup(NULL), &cfg, err, sizeof err) == -1)
		fz_die("config: %s", err);
	return 0;
}

static void
check_codecs(const uint8_t *d, size_t n, long tolerance, int future_too)
{
	unsigned char bin[256], bin2[256];
	char	 text[520], low[512];
	const char *why = NULL;
	long long ts = -1;
	long	 r, r2;
	size_t	 i;

	if (n % 2 == 0 && n / 2 <= sizeof bin &&
	    hs_hex_decode((const char *)d, n, bin, n / 2) == 0) {
		hs_hex_encode(bin, n / 2, text);
		for (i = 0; i < n; i++)
			low[i] = (char)(d[i] >= 'A' && d[i] <= 'F' ?
			    d[i] - 'A' + 'a' : d[i]);
		if (memcmp(text, low, n) != 0)
			fz_die("hex decode/encode is not a round trip");
	}
	if (n <= 340) {
		r = hs_base64_decode((const char *)d, n, bin, sizeof bin, 0);
		r2 = hs_base64_decode((const char *)d, n, bin2, sizeof bin2, 1);
		if (r >= 0) {
			if (hs_base64_encode(bin, (size_t)r, text) != n ||
			    memcmp(text, d, n) != 0)
				fz_die("strict base64 accepted a "
				    "non-canonical text");
			if (r2 != r || memcmp(bin, bin2, (size_t)r) != 0)
				fz_die("lenient base64 disagrees with strict");
		}
	}
	if (hs_timestamp_ok((const char *)d, n, FZ_NOW, tolerance, future_too,
	    &ts, &why)) {
		for (i = 0; i < n; i++)
			if (d[i] < '0' || d[i] > '9')
				fz_die("timestamp with a non-digit accepted");
		if (n == 0 || n > 12 || (tolerance > 0 &&
		    (FZ_NOW - ts > tolerance ||
		    (future_too && ts - FZ_NOW > tolerance))))
			fz_die("timestamp %lld outside the window accepted",
			    ts);
	} else if (why == NULL)
		fz_die("timestamp refused without a reason");
}

/* "Name: value\n" lines from sign() -> CGI variables */
static int
headers_to_env(const char *h, char vars[][512], int n)
{
	const char *colon, *nl;
	size_t	 i, k;

	for (; *h && n < MAX_VARS; h = nl + 1) {
		if ((nl = strchr(h, '\n')) != NULL && *h == '?') {
			/* "?name=value": the query string (PandaDoc) */
			snprintf(vars[n++], 512, "QUERY_STRING=%.*s",
			    (int)(nl - h - 1), h + 1);
			continue;
		}
		if (nl == NULL ||
		    (colon = memchr(h, ':', (size_t)(nl - h))) == NULL)
			fz_die("sign() wrote a bad header line");
		k = 5;
		memcpy(vars[n], "HTTP_", 5);
		for (i = 0; h + i < colon && k < 500; i++)
			vars[n][k++] = h[i] == '-' ? '_' :
			    (char)(h[i] >= 'a' && h[i] <= 'z' ? h[i] - 32 : h[i]);
		vars[n][k++] = '=';
		for (colon += 2; colon < nl && k < 511; colon++)
			vars[n][k++] = *colon;
		vars[n][k] = '\0';
		n++;
	}
	return n;
}

static void
round_trip(const struct hs_endpoint *ep, const uint8_t *body, size_t len)
{
	static char vars[MAX_VARS][512];
	char	*envp[MAX_VARS + 1];
	struct hs_request req;
	struct hs_buf h;
	const char *why = NULL;
	int	 n, i;

	if (ep->nkeys == 0)
		return;
	hs_buf_init(&h);
	if (ep->provider->sign(ep, &ep->keys[ep->nkeys - 1], (const char *)body,
	    len, FZ_NOW, NULL, &h) == -1)
		fz_die("%s: sign failed", ep->name);
	n = headers_to_env(hs_buf_cstr(&h), vars, 0);
	hs_buf_free(&h);
	for (i = 0; i < n; i++)
		envp[i] = vars[i];
	envp[n] = NULL;
	hs_request_init(&req, envp);
	req.body = (char *)body;
	req.body_len = len;
	if (ep->provider->verify(ep, &req, FZ_NOW, &why) != 0)
		fz_die("%s: own signature refused: %s", ep->name, why);
}

/*
 * Standard Webhooks v1a: the seed of the endpoint's whpk_ key signs the
 * fuzzed body; that must verify, and with one byte of it changed not.
 */
static void
round_trip_v1a(const struct hs_endpoint *ep, const uint8_t *body, size_t len)
{
	static char vars[MAX_VARS][512];
	char	*envp[MAX_VARS + 1], *copy;
	struct hs_key seed = { (unsigned char *)FZ_V1A_SEED, 32,
	    HS_KEY_ED25519_SEED };
	struct hs_request req;
	struct hs_buf h;
	const char *why = NULL;
	int	 n, i;

	hs_buf_init(&h);
	if (ep->provider->sign(ep, &seed, (const char *)body, len, FZ_NOW, NULL,
	    &h) == -1)
		fz_die("%s: v1a sign failed", ep->name);
	n = headers_to_env(hs_buf_cstr(&h), vars, 0);
	hs_buf_free(&h);
	for (i = 0; i < n; i++)
		envp[i] = vars[i];
	envp[n] = NULL;
	hs_request_init(&req, envp);
	req.body = (char *)body;
	req.body_len = len;
	if (ep->provider->verify(ep, &req, FZ_NOW, &why) != 0)
		fz_die("%s: own v1a signature refused: %s", ep->name, why);
	if (len == 0 || (copy = malloc(len)) == NULL)
		return;
	memcpy(copy, body, len);
	copy[len / 2] ^= 1;
	req.body = copy;
	if (ep->provider->verify(ep, &req, FZ_NOW, &why) == 0)
		fz_die("%s: v1a signature of another body accepted", ep->name);
	free(copy);
}

static void
check_event(const struct hs_event *ev)
{
	size_t	 i, n = strlen(ev->name);

	if (n == 0 || n > HS_EVENT_MAX || !hs_utf8_valid(ev->name, n))
		fz_die("bad event name accepted");
	for (i = 0; i < n; i++)
		if ((unsigned char)ev->name[i] < 0x20 || ev->name[i] == 0x7f)
			fz_die("control character in an event name");
	if (strlen(ev->delivery_id) > HS_ID_MAX ||
	    strlen(ev->document_id) > HS_ID_MAX ||
	    !hs_utf8_valid(ev->delivery_id, strlen(ev->delivery_id)) ||
	    !hs_utf8_valid(ev->document_id, strlen(ev->document_id)))
		fz_die("bad id accepted");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char vars[MAX_VARS][512];
	char	*envp[MAX_VARS + 1];
	const struct hs_endpoint *ep;
	struct hs_request req;
	struct hs_event ev;
	struct json_object *root;
	const uint8_t *end;
	const char *why;
	char	*body;
	size_t	 envlen, blen, members;
	int	 n = 0, i, rc;

	if (size < 2)
		return 0;
	ep = hs_config_endpoint(&cfg, fz_names[((data[0] & 7) |
	    (data[0] & 0x20 ? 8 : 0)) % FZ_NENDPOINTS]);
	envlen = data[1] < size - 2 ? data[1] : size - 2;
	n = fz_env_lines(data + 2, envlen, vars, n, MAX_VARS);
	end = data + 2 + envlen;	/* the body follows the env lines */
	for (i = 0; i < n; i++)
		envp[i] = vars[i];
	envp[n] = NULL;
	blen = size - 2 - envlen;
	if ((body = malloc(blen + 1)) == NULL)
		return 0;
	memcpy(body, end, blen);
	body[blen] = '\0';

	check_codecs(end, blen, data[0] & 8 ? 0 : ep->tolerance,
	    !(data[0] & 0x10));
	for (i = 0; i < n; i++) {
		char	*v = strchr(vars[i], '=') + 1;

		check_codecs((const uint8_t *)v, strlen(v), ep->tolerance, 1);
	}

	hs_request_init(&req, envp);
	req.body = body;
	req.body_len = blen;
	why = NULL;
	rc = ep->provider->verify(ep, &req, FZ_NOW, &why);
	if (rc != 0 && (rc != -1 || why == NULL))
		fz_die("%s: verify returned %d", ep->name, rc);

	if (hs_json_validate(body, blen, HS_JSON_MAX_DEPTH, &members,
	    &why) == 0 && (root = hs_event_parse(body, blen, members,
	    &why)) != NULL) {
		memset(&ev, 0, sizeof ev);
		rc = ep->provider->describe(ep, &req, root, &ev, &why);
		if (rc == 0)
			check_event(&ev);
		else if (rc != HS_DESCRIBE_BAD && rc != HS_DESCRIBE_AUTH &&
		    rc != HS_DESCRIBE_ACK)
			fz_die("%s: describe returned %d", ep->name, rc);
		json_object_put(root);
	}
	round_trip(ep, (const uint8_t *)body, blen);
	if (ep == hs_config_endpoint(&cfg, fz_names[FZ_STANDARD]))
		round_trip_v1a(ep, (const uint8_t *)body, blen);
	free(body);
	return 0;
}
