/*
 * fuzz_common.h - what the libFuzzer harnesses share: a config with an
 * endpoint of every provider in a private spool, the pinned clock, and the
 * secrets so a harness can sign its input itself.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points (-Wmissing-prototypes) */
int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_NOW		1700000000LL	/* HOOKSPOOL_NOW for every harness */

/* fuzz_handler signs for the first eight (3 bits of its flags) */
enum fz_endpoint {
	FZ_CIRCULARO, FZ_DOCUMENSO, FZ_IGNISIGN, FZ_GITHUB, FZ_STRIPE,
	FZ_STANDARD, FZ_HMAC_HEX, FZ_HMAC_B64, FZ_DOCUSIGN, FZ_YOUSIGN,
	FZ_ZOHO_SIGN, FZ_PANDADOC, FZ_BOLDSIGN, FZ_DOCUSEAL, FZ_NENDPOINTS
};

extern const char *const fz_names[FZ_NENDPOINTS];
extern const char *const fz_secrets[FZ_NENDPOINTS];	/* NULL: none */

/*
 * Creates a temp directory holding hookspool.json and spool/, sets
 * HOOKSPOOL_CONFIG and HOOKSPOOL_NOW, removes it all at exit.
 * Returns the config path; *spool gets the spool directory.
 */
const char *fz_setup(const char **spool);

/* Reports a broken invariant (stdout survives -close_fd_mask=2), aborts. */
void	fz_die(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* HMAC with OpenSSL's one-shot API (not the code under test). */
size_t	fz_hmac(const char *digest, const void *key, size_t klen,
	    const void *a, size_t alen, const void *b, size_t blen,
	    unsigned char *out);
/*
 * Appends the NAME=VALUE lines of p[0..len) to vars from vars[n] on (each
 * cut to 511 bytes, lines without '=' skipped) while n < max; returns n.
 */
int	fz_env_lines(const uint8_t *p, size_t len, char vars[][512], int n,
	    int max);
void	fz_hex(const unsigned char *in, size_t n, int upper, char *out);
void	fz_base64(const unsigned char *in, size_t n, char *out);

/*
 * Standard Webhooks v1a: the svix endpoint also lists this whpk_ key (the
 * test vector's, Go PR #253); its seed, for the harness to sign with.
 */
#define FZ_V1A_PUBLIC	"whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g="
#define FZ_V1A_SEED	"TESTSIGNINGKEYDONOTUSETHISFORANY"

/* The Standard Webhooks key: base64 of fz_secrets[FZ_STANDARD] after whsec_. */
size_t	fz_standard_key(unsigned char *out);

#endif
