/* hs_provider.h - how each sender signs and names its events (table-driven). */
#ifndef HS_PROVIDER_H
#define HS_PROVIDER_H

#include <stddef.h>

#include "hs_config.h"

struct hs_answer;
struct hs_buf;
struct hs_endpoint;
struct hs_event;
struct hs_json_span;
struct hs_key;
struct hs_request;
struct json_object;

#define HS_PROV_NEEDS_SECRET	0x01	/* config must list secrets */
#define HS_PROV_PENDING		0x02	/* unverified on receipt: spool to pending/ */
/* no timestamp window unless tolerance_seconds is set (a sender whose
 * retries carry the first attempt's time: Dropbox Sign) */
#define HS_PROV_NO_WINDOW	0x04

/*
 * A provider's own config keys (lighttpd's per-module config_plugin_keys_t):
 * config.c reads the common keys and hands every other key of an endpoint
 * to its provider's table; a key no table names is an error.
 */
enum hs_opt_kind {
	HS_OPT_STRING,		/* non-empty string -> char * */
	HS_OPT_ANY_STRING,	/* any string, "" too -> char * */
	HS_OPT_HEADER,		/* header name -> its CGI name, char * */
	HS_OPT_URL,		/* http:// or https:// URL -> char * */
	HS_OPT_SPEC,		/* a secret spec (inline, file:, env:) the CLI
				 * resolves; the receiver never reads it */
	HS_OPT_CHOICE,		/* one of choices[] -> values[i] (const char *) */
	HS_OPT_CHOICE_INT,	/* one of choices[] -> i (int) */
	HS_OPT_LONG,		/* integer in min .. max -> long */
	HS_OPT_LONGLONG,	/* integer in min .. max -> long long */
	HS_OPT_SPEC_LIST,	/* array of 1 .. max specs (inline, file:,
				 * env:) the receiver resolves when the
				 * config loads -> struct hs_keylist */
	HS_OPT_BOOL,		/* true or false -> int */
};

struct hs_option {
	const char	*name;
	enum hs_opt_kind kind;
	size_t		 offset;	/* into struct hs_endpoint */
	long long	 min, max;	/* HS_OPT_LONG* */
	const char *const *choices;	/* HS_OPT_CHOICE*: NULL-terminated */
	const char *const *values;	/* HS_OPT_CHOICE: what each stores */
	const char	*help;		/* one line, for check-config */
};

/* The most events one request may carry (split()): each holds a dedup
 * lock while the batch is stored, so this bounds the fds one request
 * takes; a larger batch is refused (400). */
#define HS_SPLIT_MAX		100

#define HS_DESCRIBE_BAD		(-1)
#define HS_DESCRIBE_AUTH	(-2)
/* a sender's own check call (BoldSign's verification event): 200
 * "acknowledged", nothing stored */
#define HS_DESCRIBE_ACK		(-3)

struct hs_provider {
	const char	*name;
	unsigned	 flags;
	/* The body fields describe() reads (dotted, NULL-terminated). */
	const char *const *fields;
	/* Fields describe() needs as raw text only (ev->raw[], in order). */
	const char *const *raw_fields;
	/* The endpoint keys this provider adds (NULL-terminated by name). */
	const struct hs_option *options;
	/*
	 * After every key was read: defaults and the checks that span keys
	 * (required ones, exclusive ones). -1 with a message that names the
	 * key (endpoints.<name>.<key>: ...). NULL: nothing to check.
	 */
	int	(*configure)(struct hs_endpoint *ep, char *err, size_t errlen);
	/*
	 * The reply rules, each the provider's own (NULL: the common rule).
	 * accepts: may a body of this Content-Type come in? NULL: JSON only.
	 * 0 refuses with *why (415).
	 */
	int	(*accepts)(const struct hs_endpoint *ep, const char *content_type,
		    const char **why);
	/*
	 * A request with another method than POST (Adobe's GET verification
	 * of intent): fills ans (status, state, and whatever reply() would)
	 * and returns its status; 0 when it is no handshake (405). NULL: 405.
	 */
	int	(*handshake)(const struct hs_endpoint *ep,
		    const struct hs_request *req, struct hs_answer *ans);
	/*
	 * The JSON document inside the body (a multipart form's field): what
	 * is parsed, described and stored. Points into req->body. -1 with
	 * *why: 400. NULL: the body itself.
	 */
	int	(*extract)(const struct hs_endpoint *ep,
		    const struct hs_request *req, const char **doc,
		    size_t *doc_len, const char **why);
	/*
	 * Called with every answer once the endpoint is known: what this
	 * sender needs to see in it (an echoed header, a body text), set in
	 * ans from the config or static text, never from request bytes.
	 */
	void	(*reply)(const struct hs_endpoint *ep,
		    const struct hs_request *req, struct hs_answer *ans);
	/*
	 * For `hookspool sign`: the multipart/form-data field the sender
	 * puts its JSON in (Dropbox Sign: "json"). NULL: the body is JSON.
	 */
	const char	*form_field;
	/*
	 * The largest body this sender is known to send (Adobe Sign: 10 MB
	 * with documents inline), or 0. check-config warns when the config's
	 * max_body_bytes is smaller: such deliveries get 413 and are lost.
	 */
	unsigned long long body_hint;
	/*
	 * A document that carries several events (PandaDoc's JSON array):
	 * the span of each, in order, into spans (at most HS_SPLIT_MAX).
	 * Each span is then checked strictly, described, routed, deduped
	 * and stored as an event of its own (its own bytes as body, the
	 * envelope's batch_index and batch_sha256 saying where it came
	 * from), every routed one or none. Returns their number (>= 1), or
	 * -1 with *why (400). NULL: the document is one event.
	 */
	int	(*split)(const struct hs_endpoint *ep, const char *doc,
		    size_t len, struct hs_json_span *spans, size_t max,
		    const char **why);
	/* A configured secret string -> key bytes. NULL: the raw bytes. */
	int	(*load_key)(const char *secret, struct hs_key *key,
		    const char **why);
	/* 0 when the request carries a valid signature for one of the keys. */
	int	(*verify)(const struct hs_endpoint *ep,
		    const struct hs_request *req, long long now,
		    const char **why);
	/*
	 * Event name, ids and times from headers and the parsed body.
	 * Returns 0, HS_DESCRIBE_BAD (answer 400) or HS_DESCRIBE_AUTH (401).
	 */
	int	(*describe)(const struct hs_endpoint *ep,
		    const struct hs_request *req, struct json_object *root,
		    struct hs_event *ev, const char **why);
	/*
	 * Appends the headers this sender would attach, one "Name: value\n"
	 * per line (for `hookspool sign` and the tests). A line "?name=value"
	 * is a query parameter instead, appended to the URL (PandaDoc's
	 * ?signature=). delivery_id may be NULL; now is the signing time.
	 */
	int	(*sign)(const struct hs_endpoint *ep, const struct hs_key *key,
		    const char *body, size_t len, long long now,
		    const char *delivery_id, struct hs_buf *headers);
	/*
	 * Senders that name the event in a header rather than the body: that
	 * header's name ("X-GitHub-Event") into out, 0; -1 when the event is
	 * in the body. NULL: always in the body. For `hookspool sign`.
	 */
	int	(*event_header)(const struct hs_endpoint *ep, char *out,
		    size_t outlen);
	/*
	 * For a sender whose check leaves the body unauthenticated on this
	 * endpoint: what `check-config` tells a user who set no allow_from
	 * (one sentence, config text only). NULL, or NULL returned: the
	 * body is signed.
	 */
	const char *(*weak_auth)(const struct hs_endpoint *ep);
	/* A realistic sample body for `hookspool sign` (event substituted). */
	int	(*sample)(const struct hs_endpoint *ep, const char *event,
		    struct hs_buf *body);
};

const struct hs_provider *hs_provider_find(const char *name);
/* "circularo, documenso, ..., hmac": every name the registry knows. */
void	hs_provider_names(char *out, size_t outlen);
/* The option of provider p called name, or NULL. */
const struct hs_option *hs_provider_option(const struct hs_provider *p,
	    const char *name);
/* NULL-terminated list of every provider, for help texts and tests. */
const struct hs_provider *const *hs_provider_all(void);

/*
 * The common scheme, shared by the providers that use it: one header
 * holding [prefix]<hex|base64> MAC of the raw body under one of the keys.
 */
struct hs_body_mac {
	const char	*var;		/* CGI name: "HTTP_X_HUB_SIGNATURE_256" */
	const char	*header;	/* as the sender spells it, for sign() */
	const char	*prefix;	/* "sha256=", or "" */
	const char	*digest;	/* "SHA256" */
	enum hs_encoding enc;
	const char	*missing;	/* *why without the header */
	const char	*unprefixed;	/* *why when it lacks the prefix */
};

/* 0 when the header holds the body's MAC under one of the keys; -1 with
 * *why (m->missing, m->unprefixed or "bad signature"). */
int	hs_provider_body_mac_verify(const struct hs_endpoint *ep,
	    const struct hs_request *req, const struct hs_body_mac *m,
	    const char **why);
/* The MAC alone, for a signature found elsewhere (PandaDoc's query
 * parameter): 1 when sig (hex or base64) is the body's MAC under a key. */
int	hs_provider_body_mac_matches(const struct hs_endpoint *ep,
	    const char *digest, enum hs_encoding enc, const char *sig,
	    size_t siglen, const char *body, size_t len);
/*
 * The timestamped scheme's signature (Stripe, BoldSign, DocuSeal): ts gets
 * now in decimal, hex (room for 2 * HS_MAC_MAX + 1) the HMAC-SHA256 of
 * "<ts>.<body>" under key. -1 when libcrypto cannot MAC.
 */
int	hs_provider_ts_mac_hex(const struct hs_key *key, long long now,
	    const char *body, size_t len, char ts[24], char *hex);
/* Appends "<header>: <prefix><MAC>\n" for key. */
int	hs_provider_body_mac_sign(const struct hs_body_mac *m,
	    const struct hs_key *key, const char *body, size_t len,
	    struct hs_buf *headers);
/* "HTTP_X_HUB_SIGNATURE_256" -> "X-Hub-Signature-256" */
void	hs_provider_header_name(const char *cgi, char *out, size_t outlen);
/* 16 random bytes as 32 hex digits, for sample ids */
void	hs_provider_random_hex(char out[33]);

#endif
