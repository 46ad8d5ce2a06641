/* fuzz_common.c - the shared fixture of the harnesses (see fuzz_common.h). */
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fuzz_common.h"

const char *const fz_names[FZ_NENDPOINTS] = {
	"circularo", "documenso", "ignisign", "github", "stripe", "svix",
	"hmac-hex", "hmac-b64", "docusign", "yousign", "zoho-sign",
	"pandadoc", "boldsign", "docuseal"
};

const char *const fz_secrets[FZ_NENDPOINTS] = {
	"Gh1!f5dFs0dA", "my-shared-secret", NULL,
	"It's a Secret to Everybody", "whsec_test_secret",
	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "generic-hex-secret",
	"generic-b64-secret", "test-connect-key", "test-yousign-secret",
	"thisisthesamplekeyfortestingpurposes", "test-shared-key",
	"test-boldsign-secret", "whsec_q83vEjRWeJq83vEjRWeJq83vEjRWeJq8"
};

static char	 dir[64];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void
cleanup(void)
{
	if (dir[0])
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fz_setup(const char **spool)
{
	static char conf[128], sp[128];
	char	 now[32];
	FILE	*f;

	snprintf(dir, sizeof dir, "/tmp/hs-fuzz-XXXXXX");
	if (mkdtemp(dir) == NULL)
		fz_die("mkdtemp failed");
	atexit(cleanup);
	snprintf(conf, sizeof conf, "%s/hookspool.json", dir);
	snprintf(sp, sizeof sp, "%s/spool", dir);
	if ((f = fopen(conf, "w")) == NULL)
		fz_die("cannot write %s", conf);
	fprintf(f, "{\"spool_dir\": \"%s\", \"durable\": false,"
	    " \"max_body_bytes\": 65536, \"endpoints\": {\n"
	    "\"circularo\": {\"provider\": \"circularo\", \"secrets\": [\"%s\"],"
	    " \"routes\": {\"documentCompleted\": \"completed\","
	    " \"doc*\": \"docs\", \"*\": \"inbox\"}},\n"
	    "\"documenso\": {\"provider\": \"documenso\", \"secrets\": [\"%s\"],"
	    " \"routes\": {\"DOCUMENT_*\": \"documents\"}},\n"
	    "\"ignisign\": {\"provider\": \"ignisign\","
	    " \"app_id\": \"appId_e5d6bcfb-e9f4-4858-8027-b65e1a170bd7\","
	    " \"app_env\": \"DEVELOPMENT\", \"routes\": {\"SIGNATURE.*\": \"inbox\","
	    " \"*\": \"signing\"}},\n"
	    "\"github\": {\"provider\": \"github\", \"secrets\": [\"second\", \"%s\"],"
	    " \"routes\": {\"push\": \"deploy\", \"issue?\": \"issues\"}},\n"
	    "\"stripe\": {\"provider\": \"stripe\", \"secrets\": [\"%s\"],"
	    " \"dedup\": false, \"routes\": {\"*\": \"payments\"}},\n"
	    "\"svix\": {\"provider\": \"standard-webhooks\", \"secrets\": ["
	    "\"" FZ_V1A_PUBLIC "\", \"%s\"],"
	    " \"routes\": {\"*\": \"standard\"}},\n"
	    "\"hmac-hex\": {\"provider\": \"hmac\", \"header\": \"X-Signature\","
	    " \"algorithm\": \"sha512\", \"encoding\": \"hex\", \"prefix\": \"sha512=\","
	    " \"event_header\": \"X-Event\", \"delivery_id_header\": \"X-Delivery\","
	    " \"secrets\": [\"%s\"], \"routes\": {\"*\": \"generic\"}},\n"
	    "\"hmac-b64\": {\"provider\": \"hmac\", \"header\": \"X-Sig\","
	    " \"algorithm\": \"sha1\", \"encoding\": \"base64\","
	    " \"event_field\": \"data.type\", \"document_id_field\": \"data.id\","
	    " \"tolerance_seconds\": 0, \"secrets\": [\"%s\"],"
	    " \"routes\": {\"[a-m]*\": \"generic2\"}},\n"
	    "\"docusign\": {\"provider\": \"docusign\", \"secrets\": [\"old\", \"%s\"],"
	    " \"routes\": {\"envelope-*\": \"envelopes\"}},\n"
	    "\"yousign\": {\"provider\": \"yousign\", \"secrets\": [\"%s\"],"
	    " \"routes\": {\"*\": \"signatures\"}},\n"
	    "\"zoho-sign\": {\"provider\": \"zoho-sign\", \"secrets\": [\"%s\"],"
	    " \"routes\": {\"Request*\": \"zoho\"}},\n"
	    "\"pandadoc\": {\"provider\": \"pandadoc\", \"secrets\": [\"%s\"],"
	    " \"routes\": {\"document_*\": \"pandadoc\"}},\n"
	    "\"boldsign\": {\"provider\": \"boldsign\", \"secrets\": [\"%s\"],"
	    " \"routes\": {\"*\": \"esign\"}},\n"
	    "\"docuseal\": {\"provider\": \"docuseal\", \"secrets\": [\"%s\"],"
	    " \"accept_unsigned_test\": true, \"routes\": {\"form.*\": \"esign\"}}"
	    "\n}}\n", sp,
	    fz_secrets[FZ_CIRCULARO], fz_secrets[FZ_DOCUMENSO],
	    fz_secrets[FZ_GITHUB], fz_secrets[FZ_STRIPE],
	    fz_secrets[FZ_STANDARD], fz_secrets[FZ_HMAC_HEX],
	    fz_secrets[FZ_HMAC_B64], fz_secrets[FZ_DOCUSIGN],
	    fz_secrets[FZ_YOUSIGN], fz_secrets[FZ_ZOHO_SIGN],
	    fz_secrets[FZ_PANDADOC], fz_secrets[FZ_BOLDSIGN],
	    fz_secrets[FZ_DOCUSEAL]);
	if (fclose(f) != 0)
		fz_die("cannot write %s", conf);
	snprintf(now, sizeof now, "%lld", FZ_NOW);
	setenv("HOOKSPOOL_CONFIG", conf, 1);
	setenv("HOOKSPOOL_NOW", now, 1);
	if (spool)
		*spool = sp;
	return conf;
}

void
fz_die(const char *fmt, ...)
{
	va_list	 ap;

	printf("INVARIANT BROKEN: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	abort();
}

size_t
fz_hmac(const char *digest, const void *key, size_t klen, const void *a,
    size_t alen, const void *b, size_t blen, unsigned char *out)
{
	unsigned char *msg;
	unsigned int n = 0;

	if ((msg = malloc(alen + blen + 1)) == NULL)
		fz_die("out of memory");
	if (alen)
		memcpy(msg, a, alen);
	if (blen)
		memcpy(msg + alen, b, blen);
	if (HMAC(EVP_get_digestbyname(digest), key, (int)klen, msg,
	    alen + blen, out, &n) == NULL)
		fz_die("HMAC failed");
	free(msg);
	return n;
}

int
fz_env_lines(const uint8_t *p, size_t len, char vars[][512], int n, int max)
{
	const uint8_t *end = p + len, *nl;
	size_t	 l;

	while (p < end && n < max) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = (size_t)((nl ? nl : end) - p);
		if (l >= 512)
			l = 511;
		memcpy(vars[n], p, l);
		vars[n][l] = '\0';
		if (strchr(vars[n], '=') != NULL)
			n++;
		p = nl ? nl + 1 : end;
	}
	return n;
}

void
fz_hex(const unsigned char *in, size_t n, int upper, char *out)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t	 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void
fz_base64(const unsigned char *in, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

size_t
fz_standard_key(unsigned char *out)
{
	const char *b64 = fz_secrets[FZ_STANDARD] + 6;

	/* 32 characters, no padding: exactly 24 bytes */
	return (size_t)EVP_DecodeBlock(out, (const unsigned char *)b64,
	    (int)strlen(b64));
}
