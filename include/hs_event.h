/* hs_event.h - what we learned about one delivery: event, ids, verification. */
#ifndef HS_EVENT_H
#define HS_EVENT_H

#include <stddef.h>

struct json_object;

#define HS_EVENT_MAX	200
#define HS_ID_MAX	200
#define HS_TIME_MAX	64
#define HS_EVENT_RAW_MAX 2

struct hs_event {
	char	 name[HS_EVENT_MAX + 1];
	char	 delivery_id[HS_ID_MAX + 1];	/* "" when the sender has none */
	char	 document_id[HS_ID_MAX + 1];	/* "" when unknown */
	char	 occurred_at[HS_TIME_MAX + 1];	/* "" when unknown */
	struct json_object *actor;		/* borrowed from the body, or NULL */
	/* what makes this delivery unique, as the provider knows it (the
	 * dedup key is SHA-256 of endpoint + this); "" means the body hash */
	char	 dedup_extra[3 * HS_ID_MAX + 3];
	/* stored in new/ (1) or held in pending/ until `hookspool verify`
	 * (0): the signature, if any, was checked here */
	int	 verified;
	/*
	 * What that check authenticated, as the spool's verified_scope says:
	 * NULL means "body" when verified, "none" when held. A provider
	 * whose check covers less says so: Dropbox Sign's hash covers the
	 * event's time and type only ("event"), Adobe Acrobat Sign's client
	 * id authenticates nothing ("none"). The spool's "verified" is true
	 * only for "body" (hs_envelope_scope).
	 */
	const char *verified_scope;
	int	 source_checked;		/* allow_from passed */
	char	 body_sha256[65];
	/* one element of a document split() into several events: its place
	 * (0-based) and the SHA-256 of the whole delivery; "" for a
	 * document that is one event (then neither field is written) */
	char	 batch_sha256[65];
	size_t	 batch_index;
	/* raw JSON text of the provider's raw_fields, in order (NULL: absent) */
	const char *raw[HS_EVENT_RAW_MAX];
	size_t	 raw_len[HS_EVENT_RAW_MAX];
};

/*
 * Parses a body already accepted by hs_json_validate() with json-c and
 * rejects duplicate keys. Returns the root object or NULL with *why set.
 * The receiver uses hs_event_extract(); this whole-tree parse is the
 * reference the fuzzers and unit tests check hs_json_scan() against.
 */
struct json_object *hs_event_parse(const char *body, size_t len,
	    size_t members, const char **why);

/*
 * Validates the body strictly (hs_json_scan: syntax, UTF-8, depth,
 * duplicate keys anywhere) and returns a small object holding only the
 * given dotted paths that exist, parsed by json-c; the rest of the body
 * is never built into a tree. NULL with *why when the body is refused.
 */
struct json_object *hs_event_extract(const char *body, size_t len,
	    const char *const *paths, size_t npaths, const char **why);

/*
 * The same, where only paths[0 .. nparse) are parsed; spans (npaths
 * entries, may be NULL) gets the raw text of every path, parsed or not.
 */
struct hs_json_want;
struct json_object *hs_event_extract_raw(const char *body, size_t len,
	    const char *const *paths, size_t npaths, size_t nparse,
	    struct hs_json_want *spans, const char **why);

/* Dotted path lookup ("payload.id"); NULL when any step is missing. */
struct json_object *hs_event_path(struct json_object *root,
	    const char *path);

/*
 * Setters that enforce our bounds: names and ids must be non-empty,
 * printable, free of NUL and at most their maximum. Return -1 with *why.
 */
int	hs_event_set_name(struct hs_event *ev, const char *s, size_t len,
	    const char **why);
int	hs_event_set_name_json(struct hs_event *ev, struct json_object *v,
	    const char **why);
/* string or integer -> text; silently left empty when absent or odd */
void	hs_event_set_id_json(char *dst, struct json_object *v);
void	hs_event_set_id(char *dst, const char *s);
/* ISO string kept as sent; epoch seconds or milliseconds (a number, or a
 * string of exactly 10 or 13 digits) -> RFC 3339 */
void	hs_event_set_time_json(struct hs_event *ev, struct json_object *v);
void	hs_event_set_time_secs(struct hs_event *ev, long long secs);
void	hs_event_set_actor(struct hs_event *ev, struct json_object *v);

#endif
