/* hs_config.h - the JSON config file: spool, limits, endpoints, routes. */
#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <stddef.h>
#include <sys/stat.h>

#include "hs_source.h"

#define HS_CONFIG_MAX_BYTES	(1 << 20)
#define HS_BODY_HARD_MAX	(64UL << 20)
#define HS_DEFAULT_BODY_MAX	1048576UL
/* Total time allowed for reading a body; Documenso itself gives up at 10 s. */
#define HS_DEFAULT_BODY_TIMEOUT	10
#define HS_BODY_TIMEOUT_MAX	3600
#define HS_DEFAULT_TOLERANCE	300
#define HS_DEFAULT_MAX_PENDING	1000
#define HS_DEFAULT_MAX_PENDING_BYTES (64LL << 20)

struct hs_provider;

/* A secret as key bytes (already base64-decoded where the scheme says so). */
struct hs_key {
	unsigned char	*bytes;
	size_t		 len;
	int		 kind;		/* HS_KEY_*; 0 (a shared secret) by default */
};

/*
 * What a provider's load_key() made of a secret. A provider that knows
 * one kind leaves 0. HS_KEY_SIGNING keys are private signing keys that
 * only `hookspool sign` may load (hs_config_signing_keys); the receiver's
 * config refuses them, naming the key.
 */
#define HS_KEY_SECRET		0	/* HMAC / shared secret */
#define HS_KEY_ED25519_PUB	1	/* 32-byte ed25519 public key */
#define HS_KEY_ED25519_SEED	2	/* 32-byte ed25519 seed (private) */
#define HS_KEY_SIGNING(k)	((k)->kind == HS_KEY_ED25519_SEED)

/* Identifiers the receiver compares (Adobe Sign's client ids). */
struct hs_keylist {
	struct hs_key	*v;
	size_t		 n;
};

struct hs_route {
	char	*pattern;	/* exact event name, fnmatch(3) pattern, or "*" */
	char	*queue;
};

enum hs_encoding { HS_ENC_HEX, HS_ENC_BASE64 };

struct hs_endpoint {
	char		*name;
	const struct hs_provider *provider;
	/* allow_from, trusted_proxies, forwarded_header; source.allow.n == 0:
	 * any source */
	struct hs_source source;
	struct hs_key	*keys;
	size_t		 nkeys;
	struct hs_route	*routes;
	size_t		 nroutes;
	long		 tolerance;	/* seconds; 0 disables the window */
	int		 dedup;

	/* provider "hmac" */
	char		*sig_header;	/* CGI name, e.g. HTTP_X_SIGNATURE */
	const char	*digest;	/* "SHA1", "SHA256", "SHA512" */
	enum hs_encoding encoding;
	char		*sig_prefix;	/* e.g. "sha256=", may be "" */
	char		*event_field;	/* dotted JSON path */
	char		*event_header;	/* CGI name */
	char		*delivery_header; /* CGI name */
	char		*document_id_field;

	/* provider "ignisign" */
	char		*app_id;
	const char	*app_env;	/* one of the option's choices */
	struct hs_key	 api_key;	/* only after hs_config_resolve_api_keys */
	char		*api_key_spec;	/* inline, file: or env: */
	/* old-style credentials: appId + appEnv + app secret, traded for a
	 * JWT at /v4/auth/app-api; exclusive with api_key */
	struct hs_key	 app_secret;	/* only after hs_config_resolve_api_keys */
	char		*app_secret_spec;
	char		*api_base_url;
	/* unauthenticated until verified: how much may wait in pending/
	 * (summed over the queues this endpoint routes to) */
	long		 max_pending;
	long long	 max_pending_bytes;
	long		 api_timeout;	/* seconds for one API request */

	/* provider "adobe-sign": the client ids echoed in every answer,
	 * resolved by the receiver when the config loads */
	struct hs_keylist client_ids;
	/* provider "docuseal": its unsigned test webhook is taken (pending/,
	 * "verified": false) instead of refused */
	int		 accept_unsigned_test;
};

struct hs_retry {
	long	max_attempts;
	long	backoff_seconds;
	long	backoff_max_seconds;
	long	lease_seconds;
	long	timeout_seconds;
	long	keep_done_seconds;	/* 0: delete handled events */
};

/* "queues": {"NAME": {...}}: what `hookspool run` does by default. */
struct hs_queue_conf {
	char	*name;
	int	 verified_only;	/* hand a handler body-verified events only */
};

/* A file the config was read from, and its identity when read. */
struct hs_watch {
	char		*path;
	struct stat	 st;
};

/* "sandbox": hs_sandbox.h */
#define HS_SANDBOX_AUTO		0	/* confined where the kernel can */
#define HS_SANDBOX_OFF		1
#define HS_SANDBOX_REQUIRED	2	/* refuse to serve unconfined */
/* the config's words for them, by value */
extern const char *const hs_sandbox_modes[3];

struct hs_config {
	char		*path;
	struct stat	 st;		/* identity of the file we loaded */
	struct hs_watch	*watch;		/* the file: secrets it read */
	size_t		 nwatch;
	char		*spool_dir;
	size_t		 max_body_bytes;
	long		 body_timeout_seconds;	/* total, per request */
	int		 durable;
	int		 counters;	/* count answers into <spool>/.counters */
	int		 sandbox;	/* HS_SANDBOX_* */
	/* this load, unique in the process: what was checked against it
	 * (the sandbox) need not be checked again until a reload */
	unsigned long	 generation;
	long long	 verify_now;	/* 0: wall clock */
	struct hs_retry	 retry;
	struct hs_endpoint *endpoints;
	size_t		 nendpoints;
	struct hs_queue_conf *queues;
	size_t		 nqueues;
};

/*
 * Loads and validates path. On failure returns -1 and writes a message
 * that names the offending key (never a secret's value) into err; errno
 * is why the config or a file it names could not be read (EACCES from a
 * sandbox, hs_sandbox.h), or EINVAL for what it says.
 */
int	hs_config_load(const char *path, struct hs_config *cfg,
	    char *err, size_t errlen);
void	hs_config_free(struct hs_config *cfg);

/*
 * Nonzero: hs_config_load() accepts private signing keys (HS_KEY_SIGNING)
 * in secrets. Only `hookspool sign` sets it; everything else, the
 * receiver first, refuses them.
 */
extern int hs_config_signing_keys;

/*
 * Reads the Ignisign API keys and app secrets (the CLI's `verify` needs
 * them; the receiver never does, so the web server needs no access to
 * them). -1 with err.
 */
int	hs_config_resolve_api_keys(struct hs_config *cfg, char *err,
	    size_t errlen);

/* Same inode, device, size and mtime: the same file, unchanged. */
int	hs_config_same_file(const struct stat *a, const struct stat *b);
/* Has the file at cfg->path, or a file: secret it read, changed since? */
int	hs_config_changed(const struct hs_config *cfg);

/*
 * Where the config lives: HOOKSPOOL_CONFIG from the request's environment
 * (SetEnv, fastcgi_param; never an HTTP_ variable), then from the
 * process's (FcgidInitialEnv, bin-environment, spawn-fcgi), then
 * hookspool.json beside the binary, then ../hookspool.json (outside a
 * docroot), then /etc/hookspool/hookspool.json. envp may be NULL.
 * Returns 0 and fills out, or -1 when nothing was found.
 */
int	hs_config_locate(char **envp, char *out, size_t outlen);

const struct hs_endpoint *hs_config_endpoint(const struct hs_config *cfg,
	    const char *name);

/* The queue's settings, or NULL when the config names none for it. */
const struct hs_queue_conf *hs_config_queue(const struct hs_config *cfg,
	    const char *name);

/* "X-Hub-Signature-256" -> "HTTP_X_HUB_SIGNATURE_256"; NULL if invalid. */
char	*hs_header_to_cgi(const char *header);

#endif
