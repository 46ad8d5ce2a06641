/*
 * config.c - loads hookspool.json. Every key is checked: an unknown key is
 * an error (a typo must not silently disable a check), and every message
 * names the key path so the log line tells the user what to fix.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "hs_config.h"
#include "hs_json.h"
#include "hs_provider.h"
#include "hs_fdio.h"
#include "hs_spool.h"

struct ctx {
	char	*err;
	size_t	 errlen;
	struct hs_config *cfg;	/* secret files read are watched here */
	int	 read_errno;	/* a file that could not be read: its errno */
};

static int
fail(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct ctx *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

char *
hs_header_to_cgi(const char *header)
{
	size_t	 i, n = strlen(header);
	char	*out;

	if (n == 0 || n > 100)
		return NULL;
	if ((out = malloc(n + 6)) == NULL)
		return NULL;
	memcpy(out, "HTTP_", 5);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)header[i];

		/* Apache drops names with anything but [A-Za-z0-9-]. */
		if (c == '-')
			out[5 + i] = '_';
		else if (isalnum(c))
			out[5 + i] = (char)toupper(c);
		else {
			free(out);
			return NULL;
		}
	}
	out[5 + n] = '\0';
	return out;
}

static void
key_free(struct hs_key *k)
{
	if (k->bytes) {
		OPENSSL_cleanse(k->bytes, k->len);
		free(k->bytes);
	}
	k->bytes = NULL;
	k->len = 0;
	k->kind = HS_KEY_SECRET;
}

int	hs_config_signing_keys;

/* Reads a small file whole; st (may be NULL) gets its identity. */
static char *
slurp(const char *path, size_t max, size_t *lenp, struct stat *st)
{
	int	 fd, saved;
	char	*buf = NULL;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	/* the identity before the read: a change after it shows next time */
	if (st == NULL || fstat(fd, st) == 0)
		buf = hs_read_all(fd, max, lenp);
	saved = errno;
	close(fd);
	errno = saved;
	return buf;
}

/*
 * A file: secret is part of the config's identity: replacing it (a
 * rotation, a leaked secret revoked) reloads the config as editing the
 * config would.
 */
static int
watch_add(struct ctx *c, const char *path, const struct stat *st)
{
	struct hs_config *cfg = c->cfg;
	struct hs_watch *w;

	if (cfg == NULL)
		return 0;
	if ((w = reallocarray(cfg->watch, cfg->nwatch + 1, sizeof *w)) == NULL)
		return -1;
	cfg->watch = w;
	if ((w[cfg->nwatch].path = strdup(path)) == NULL)
		return -1;
	w[cfg->nwatch++].st = *st;
	return 0;
}

/* Resolves "file:/path", "env:NAME" or an inline secret into a string. */
static char *
resolve_secret(struct ctx *c, const char *where, const char *spec)
{
	char	*s;
	size_t	 len;

	if (strncmp(spec, "file:", 5) == 0) {
		struct stat st;

		if ((s = slurp(spec + 5, 4096, &len, &st)) == NULL) {
			c->read_errno = errno;
			fail(c, "%s: cannot read secret file %s: %s", where,
			    spec + 5, strerror(errno));
			return NULL;
		}
		if (watch_add(c, spec + 5, &st) == -1) {
			OPENSSL_cleanse(s, len);
			free(s);
			fail(c, "%s: out of memory", where);
			return NULL;
		}
		if (len && s[len - 1] == '\n')
			s[--len] = '\0';
		if (len && s[len - 1] == '\r')
			s[--len] = '\0';
		if (strlen(s) != len) {
			OPENSSL_cleanse(s, len);
			free(s);
			fail(c, "%s: secret file %s contains a NUL byte",
			    where, spec + 5);
			return NULL;
		}
	} else if (strncmp(spec, "env:", 4) == 0) {
		const char *v = getenv(spec + 4);

		if (v == NULL) {
			fail(c, "%s: environment variable %s is not set",
			    where, spec + 4);
			return NULL;
		}
		s = strdup(v);
	} else
		s = strdup(spec);
	if (s == NULL) {
		fail(c, "%s: out of memory", where);
		return NULL;
	}
	if (*s == '\0') {
		free(s);
		fail(c, "%s: secret is empty", where);
		return NULL;
	}
	return s;
}

static int
load_key(struct ctx *c, const char *where, const struct hs_provider *prov,
    const char *spec, struct hs_key *key)
{
	const char *why = NULL;
	char	*s;
	int	 rc = 0;

	if ((s = resolve_secret(c, where, spec)) == NULL)
		return -1;
	if (prov && prov->load_key) {
		if (prov->load_key(s, key, &why) == -1)
			rc = fail(c, "%s: %s", where, why ? why : "bad secret");
		else if (HS_KEY_SIGNING(key) && !hs_config_signing_keys) {
			/* a private key has no business on the receiver */
			key_free(key);
			rc = fail(c, "%s: a private signing key; the receiver "
			    "takes the public key (only `hookspool sign` reads "
			    "private keys)", where);
		}
	} else {
		key->len = strlen(s);
		key->bytes = (unsigned char *)strdup(s);
		if (key->bytes == NULL)
			rc = fail(c, "%s: out of memory", where);
	}
	OPENSSL_cleanse(s, strlen(s));
	free(s);
	return rc;
}

static int
get_long(struct ctx *c, const char *where, json_object *v, long min, long max,
    long *out)
{
	int64_t	 x;

	if (!json_object_is_type(v, json_type_int))
		return fail(c, "%s: must be an integer", where);
	x = json_object_get_int64(v);
	if (x < min || x > max)
		return fail(c, "%s: must be between %ld and %ld", where, min,
		    max);
	*out = (long)x;
	return 0;
}

static int
get_bool(struct ctx *c, const char *where, json_object *v, int *out)
{
	if (!json_object_is_type(v, json_type_boolean))
		return fail(c, "%s: must be true or false", where);
	*out = json_object_get_boolean(v);
	return 0;
}

static int
get_str(struct ctx *c, const char *where, json_object *v, char **out)
{
	if (!json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0 ||
	    strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v))
		return fail(c, "%s: must be a non-empty string", where);
	free(*out);
	if ((*out = strdup(json_object_get_string(v))) == NULL)
		return fail(c, "%s: out of memory", where);
	return 0;
}

static int
get_header(struct ctx *c, const char *where, json_object *v, char **out)
{
	char	*raw = NULL;

	if (get_str(c, where, v, &raw) == -1)
		return -1;
	free(*out);
	*out = hs_header_to_cgi(raw);
	free(raw);
	if (*out == NULL)
		return fail(c, "%s: not a header name Apache passes on "
		    "(letters, digits and '-' only)", where);
	return 0;
}

static int
is_comment(const char *key)
{
	return key[0] == '_';
}

static int
load_routes(struct ctx *c, const char *ep, json_object *obj,
    struct hs_endpoint *e)
{
	size_t	 n;

	if (!json_object_is_type(obj, json_type_object))
		return fail(c, "endpoints.%s.routes: must be an object", ep);
	n = (size_t)json_object_object_length(obj);
	if (n == 0)
		return fail(c, "endpoints.%s.routes: needs at least one route",
		    ep);
	if ((e->routes = calloc(n, sizeof *e->routes)) == NULL)
		return fail(c, "out of memory");
	json_object_object_foreach(obj, key, val) {
		struct hs_route *r = &e->routes[e->nroutes];

		if (!json_object_is_type(val, json_type_string))
			return fail(c, "endpoints.%s.routes.%s: queue must be "
			    "a string", ep, key);
		if (!hs_name_valid(json_object_get_string(val)))
			return fail(c, "endpoints.%s.routes.%s: bad queue name "
			    "(use [A-Za-z0-9._-], no leading dot, at most %d)",
			    ep, key, HS_NAME_MAX);
		if (key[0] == '\0' || strlen(key) > 200)
			return fail(c, "endpoints.%s.routes: empty or overlong "
			    "event pattern", ep);
		r->pattern = strdup(key);
		r->queue = strdup(json_object_get_string(val));
		e->nroutes++;
		if (r->pattern == NULL || r->queue == NULL)
			return fail(c, "out of memory");
	}
	return 0;
}

static int
load_secrets(struct ctx *c, const char *ep, json_object *arr,
    struct hs_endpoint *e)
{
	char	 where[160];
	size_t	 i, n;

	if (!json_object_is_type(arr, json_type_array))
		return fail(c, "endpoints.%s.secrets: must be an array of "
		    "strings", ep);
	n = json_object_array_length(arr);
	if (n > 16)
		return fail(c, "endpoints.%s.secrets: at most 16", ep);
	if (n && (e->keys = calloc(n, sizeof *e->keys)) == NULL)
		return fail(c, "out of memory");
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);

		snprintf(where, sizeof where, "endpoints.%s.secrets[%zu]", ep,
		    i);
		if (!json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v))
			return fail(c, "%s: must be a string", where);
		if (load_key(c, where, e->provider, json_object_get_string(v),
		    &e->keys[i]) == -1)
			return -1;
		e->nkeys++;
	}
	return 0;
}

/*
 * An array of specs resolved now, like secrets (file: ones are watched):
 * values the receiver itself compares (Adobe Sign's client ids).
 */
static int
load_spec_list(struct ctx *c, const char *where, const struct hs_option *o,
    json_object *arr, struct hs_keylist *l)
{
	char	 w[200];
	size_t	 i, n;

	if (!json_object_is_type(arr, json_type_array) ||
	    (n = json_object_array_length(arr)) == 0 ||
	    n > (size_t)o->max)
		return fail(c, "%s: must be an array of 1 to %lld strings",
		    where, o->max);
	if (l->v != NULL)
		return fail(c, "%s: given twice", where);
	if ((l->v = calloc(n, sizeof *l->v)) == NULL)
		return fail(c, "out of memory");
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);

		snprintf(w, sizeof w, "%s[%zu]", where, i);
		if (!json_object_is_type(v, json_type_string) ||
		    strlen(json_object_get_string(v)) !=
		    (size_t)json_object_get_string_len(v))
			return fail(c, "%s: must be a string", w);
		if (load_key(c, w, NULL, json_object_get_string(v),
		    &l->v[i]) == -1)
			return -1;
		l->n++;
	}
	return 0;
}

/* The field an option of the endpoint's provider is stored in. */
#define FIELD(e, o, type)	((type *)(void *)((char *)(e) + (o)->offset))

/* One key of the endpoint's provider, by its table entry. */
static int
load_option(struct ctx *c, const char *where, struct hs_endpoint *e,
    const struct hs_option *o, json_object *val)
{
	char	*s = NULL;
	long	 n;
	size_t	 i;

	switch (o->kind) {
	case HS_OPT_STRING:
	case HS_OPT_SPEC:
		return get_str(c, where, val, FIELD(e, o, char *));
	case HS_OPT_ANY_STRING:
		if (!json_object_is_type(val, json_type_string) ||
		    strlen(json_object_get_string(val)) !=
		    (size_t)json_object_get_string_len(val))
			return fail(c, "%s: must be a string", where);
		free(*FIELD(e, o, char *));
		if ((*FIELD(e, o, char *) = strdup(json_object_get_string(val)))
		    == NULL)
			return fail(c, "%s: out of memory", where);
		return 0;
	case HS_OPT_HEADER:
		return get_header(c, where, val, FIELD(e, o, char *));
	case HS_OPT_URL:
		if (get_str(c, where, val, FIELD(e, o, char *)) == -1)
			return -1;
		s = *FIELD(e, o, char *);
		if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
			return fail(c, "%s: must be an http(s) URL", where);
		return 0;
	case HS_OPT_CHOICE:
	case HS_OPT_CHOICE_INT:
		if (get_str(c, where, val, &s) == -1)
			return -1;
		for (i = 0; o->choices[i]; i++)
			if (strcmp(s, o->choices[i]) == 0)
				break;
		free(s);
		if (o->choices[i] == NULL) {
			char	 list[200];
			size_t	 k, len = 0;

			list[0] = '\0';
			for (k = 0; o->choices[k] && len < sizeof list; k++)
				len += (size_t)snprintf(list + len,
				    sizeof list - len, "%s%s", k == 0 ? "" :
				    o->choices[k + 1] ? ", " : " or ",
				    o->choices[k]);
			return fail(c, "%s: must be %s", where, list);
		}
		if (o->kind == HS_OPT_CHOICE)
			*FIELD(e, o, const char *) = o->values[i];
		else
			*FIELD(e, o, int) = (int)i;
		return 0;
	case HS_OPT_LONG:
		return get_long(c, where, val, (long)o->min, (long)o->max,
		    FIELD(e, o, long));
	case HS_OPT_LONGLONG:
		if (get_long(c, where, val, (long)o->min, (long)o->max, &n) == -1)
			return -1;
		*FIELD(e, o, long long) = n;
		return 0;
	case HS_OPT_SPEC_LIST:
		return load_spec_list(c, where, o, val,
		    FIELD(e, o, struct hs_keylist));
	case HS_OPT_BOOL:
		return get_bool(c, where, val, FIELD(e, o, int));
	}
	return fail(c, "%s: unknown option kind", where);
}

static int
cidr_add(struct ctx *c, const char *where, const char *file, size_t line,
    struct hs_cidrlist *l, const char *entry)
{
	const char *why;

	if (hs_cidrlist_add(l, entry, &why) == 0)
		return 0;
	if (file)
		return fail(c, "%s: %s line %zu: \"%.64s\": %s", where, file,
		    line, entry, why);
	return fail(c, "%s: \"%.64s\": %s", where, entry, why);
}

/*
 * "file:/path": one entry per line, '#' starts a comment, blank lines
 * skipped (a platform's published ranges, refreshed by cron). Watched
 * like a secret file, so a refresh reloads the config.
 */
static int
cidr_file(struct ctx *c, const char *where, const char *path,
    struct hs_cidrlist *l)
{
	struct stat st;
	char	*text, *line, *next, *hash, *end;
	size_t	 len, lineno = 0;
	int	 rc = 0;

	/* bounded as the config file itself is */
	if ((text = slurp(path, HS_CONFIG_MAX_BYTES, &len, &st)) == NULL) {
		c->read_errno = errno;
		return fail(c, "%s: cannot read %s: %s", where, path,
		    strerror(errno));
	}
	if (strlen(text) != len)
		rc = fail(c, "%s: %s contains a NUL byte", where, path);
	else if (watch_add(c, path, &st) == -1)
		rc = fail(c, "out of memory");
	for (line = text; rc == 0 && line && *line; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		line += strspn(line, " \t\r");
		end = line + strcspn(line, " \t\r");
		if (end[strspn(end, " \t\r")] != '\0') {
			rc = fail(c, "%s: %s line %zu: one entry per line",
			    where, path, lineno);
			break;
		}
		*end = '\0';
		if (*line != '\0')
			rc = cidr_add(c, where, path, lineno, l, line);
	}
	free(text);
	return rc;
}

/* allow_from, trusted_proxies: "entry" or ["entry", ...]; an entry is a
 * CIDR block or "file:/path". An empty result is an error. */
static int
load_cidrs(struct ctx *c, const char *where, json_object *v,
    struct hs_cidrlist *l)
{
	json_object *one;
	const char *s;
	size_t	 i, n;

	if (l->n != 0)
		return fail(c, "%s: given twice", where);
	if (json_object_is_type(v, json_type_string))
		n = 1;
	else if (json_object_is_type(v, json_type_array))
		n = json_object_array_length(v);
	else
		return fail(c, "%s: must be a list of CIDR blocks", where);
	for (i = 0; i < n; i++) {
		one = json_object_is_type(v, json_type_array) ?
		    json_object_array_get_idx(v, i) : v;
		if (!json_object_is_type(one, json_type_string))
			return fail(c, "%s[%zu]: must be a string", where, i);
		s = json_object_get_string(one);
		if (strncmp(s, "file:", 5) == 0) {
			if (cidr_file(c, where, s + 5, l) == -1)
				return -1;
		} else if (cidr_add(c, where, NULL, 0, l, s) == -1)
			return -1;
	}
	if (l->n == 0)
		return fail(c, "%s: empty (no address could send; remove the "
		    "key to allow any)", where);
	return 0;
}

static int
load_forwarded_header(struct ctx *c, const char *where, json_object *v,
    enum hs_forward_header *out)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return fail(c, "%s: must be \"X-Forwarded-For\" or "
		    "\"Forwarded\"", where);
	s = json_object_get_string(v);
	if (strcasecmp(s, hs_forward_header_name(HS_FWD_XFF)) == 0)
		*out = HS_FWD_XFF;
	else if (strcasecmp(s, hs_forward_header_name(HS_FWD_FORWARDED)) == 0)
		*out = HS_FWD_FORWARDED;
	else
		return fail(c, "%s: must be \"X-Forwarded-For\" or "
		    "\"Forwarded\"", where);
	return 0;
}

static void
keylist_free(struct hs_keylist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		key_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Frees what the provider's options allocated. */
static void
free_options(struct hs_endpoint *e)
{
	const struct hs_option *o;

	if (e->provider == NULL)
		return;
	for (o = e->provider->options; o && o->name; o++)
		switch (o->kind) {
		case HS_OPT_STRING:
		case HS_OPT_ANY_STRING:
		case HS_OPT_HEADER:
		case HS_OPT_URL:
		case HS_OPT_SPEC:
			free(*FIELD(e, o, char *));
			*FIELD(e, o, char *) = NULL;
			break;
		case HS_OPT_SPEC_LIST:
			keylist_free(FIELD(e, o, struct hs_keylist));
			break;
		default:
			break;
		}
}

static int
load_endpoint(struct ctx *c, const char *name, json_object *obj,
    struct hs_endpoint *e)
{
	json_object *v;
	char	 where[160];
	long	 tol;
	int	 fwd_header = 0;

	if (!hs_name_valid(name))
		return fail(c, "endpoints.%.64s: bad endpoint name (use "
		    "[A-Za-z0-9._-], no leading dot, at most %d)", name,
		    HS_NAME_MAX);
	if (!json_object_is_type(obj, json_type_object))
		return fail(c, "endpoints.%s: must be an object", name);
	if ((e->name = strdup(name)) == NULL)
		return fail(c, "out of memory");
	e->tolerance = HS_DEFAULT_TOLERANCE;
	/* what an unverified (HS_PROV_PENDING) provider may queue */
	e->max_pending = HS_DEFAULT_MAX_PENDING;
	e->max_pending_bytes = HS_DEFAULT_MAX_PENDING_BYTES;
	e->dedup = 1;
	e->digest = "SHA256";
	e->encoding = HS_ENC_HEX;

	if (!json_object_object_get_ex(obj, "provider", &v) ||
	    !json_object_is_type(v, json_type_string))
		return fail(c, "endpoints.%s.provider: required (a string)",
		    name);
	if ((e->provider = hs_provider_find(json_object_get_string(v))) ==
	    NULL) {
		char	 names[200];

		hs_provider_names(names, sizeof names);
		return fail(c, "endpoints.%s.provider: unknown provider \"%.40s\""
		    " (%s)", name, json_object_get_string(v), names);
	}
	/* tolerance_seconds, read below, still opts in */
	if (e->provider->flags & HS_PROV_NO_WINDOW)
		e->tolerance = 0;

	json_object_object_foreach(obj, key, val) {
		const struct hs_option *opt;

		snprintf(where, sizeof where, "endpoints.%s.%s", name, key);
		if (strcmp(key, "provider") == 0 || is_comment(key)) {
			continue;
		} else if (strcmp(key, "secrets") == 0) {
			if (load_secrets(c, name, val, e) == -1)
				return -1;
		} else if (strcmp(key, "routes") == 0) {
			if (load_routes(c, name, val, e) == -1)
				return -1;
		} else if (strcmp(key, "tolerance_seconds") == 0) {
			if (get_long(c, where, val, 0, 86400 * 7, &tol) == -1)
				return -1;
			e->tolerance = tol;
		} else if (strcmp(key, "dedup") == 0) {
			if (get_bool(c, where, val, &e->dedup) == -1)
				return -1;
		} else if (strcmp(key, "allow_from") == 0) {
			if (load_cidrs(c, where, val, &e->source.allow) == -1)
				return -1;
		} else if (strcmp(key, "trusted_proxies") == 0) {
			if (load_cidrs(c, where, val, &e->source.proxies) == -1)
				return -1;
		} else if (strcmp(key, "forwarded_header") == 0) {
			if (load_forwarded_header(c, where, val,
			    &e->source.header) == -1)
				return -1;
			fwd_header = 1;
		} else if ((opt = hs_provider_option(e->provider, key)) != NULL) {
			if (load_option(c, where, e, opt, val) == -1)
				return -1;
		} else
			return fail(c, "%s: unknown key for provider %s", where,
			    e->provider->name);
	}
	if (e->routes == NULL)
		return fail(c, "endpoints.%s.routes: required", name);
	/* a proxy is trusted only to say who it forwards for: without a list
	 * of who may send, that would decide nothing */
	if ((e->source.proxies.n || fwd_header) && e->source.allow.n == 0)
		return fail(c, "endpoints.%s.%s: needs allow_from", name,
		    e->source.proxies.n ? "trusted_proxies" :
		    "forwarded_header");
	if ((e->provider->flags & HS_PROV_NEEDS_SECRET) && e->nkeys == 0)
		return fail(c, "endpoints.%s.secrets: provider %s needs at least"
		    " one secret", name, e->provider->name);
	if (!(e->provider->flags & HS_PROV_NEEDS_SECRET) && e->nkeys != 0)
		return fail(c, "endpoints.%s.secrets: provider %s signs nothing;"
		    " remove secrets", name, e->provider->name);
	if (e->provider->configure &&
	    e->provider->configure(e, c->err, c->errlen) == -1)
		return -1;
	return 0;
}

static int
load_retry(struct ctx *c, json_object *obj, struct hs_retry *r)
{
	char	 where[80];
	long	*dst;

	if (!json_object_is_type(obj, json_type_object))
		return fail(c, "retry: must be an object");
	json_object_object_foreach(obj, key, val) {
		snprintf(where, sizeof where, "retry.%s", key);
		if (is_comment(key))
			continue;
		if (strcmp(key, "max_attempts") == 0)
			dst = &r->max_attempts;
		else if (strcmp(key, "backoff_seconds") == 0)
			dst = &r->backoff_seconds;
		else if (strcmp(key, "backoff_max_seconds") == 0)
			dst = &r->backoff_max_seconds;
		else if (strcmp(key, "lease_seconds") == 0)
			dst = &r->lease_seconds;
		else if (strcmp(key, "timeout_seconds") == 0)
			dst = &r->timeout_seconds;
		else if (strcmp(key, "keep_done_seconds") == 0)
			dst = &r->keep_done_seconds;
		else
			return fail(c, "%s: unknown key", where);
		if (get_long(c, where, val, 0, 86400L * 365, dst) == -1)
			return -1;
	}
	if (r->max_attempts < 1)
		return fail(c, "retry.max_attempts: must be at least 1");
	return 0;
}

static int
load_queues(struct ctx *c, json_object *obj, struct hs_config *cfg)
{
	struct hs_queue_conf *q;
	char	 where[120];

	if (!json_object_is_type(obj, json_type_object))
		return fail(c, "queues: must be an object");
	if ((cfg->queues = calloc((size_t)json_object_object_length(obj) + 1,
	    sizeof *cfg->queues)) == NULL)
		return fail(c, "out of memory");
	json_object_object_foreach(obj, name, val) {
		if (is_comment(name))
			continue;
		if (!hs_name_valid(name))
			return fail(c, "queues.%.64s: bad queue name", name);
		if (!json_object_is_type(val, json_type_object))
			return fail(c, "queues.%s: must be an object", name);
		q = &cfg->queues[cfg->nqueues++];
		if ((q->name = strdup(name)) == NULL)
			return fail(c, "out of memory");
		json_object_object_foreach(val, key, v) {
			snprintf(where, sizeof where, "queues.%s.%s", name,
			    key);
			if (is_comment(key))
				continue;
			if (strcmp(key, "verified_only") != 0)
				return fail(c, "%s: unknown key", where);
			if (get_bool(c, where, v, &q->verified_only) == -1)
				return -1;
		}
	}
	return 0;
}

const char *const hs_sandbox_modes[3] = { "auto", "off", "required" };

static int
load_sandbox(struct ctx *c, json_object *v, int *out)
{
	int	 m;

	for (m = 0; json_object_is_type(v, json_type_string) && m < 3; m++)
		if (strcmp(json_object_get_string(v), hs_sandbox_modes[m]) == 0) {
			*out = m;
			return 0;
		}
	return fail(c, "sandbox: must be \"auto\", \"required\" or \"off\"");
}

static int
load_root(struct ctx *c, json_object *root, struct hs_config *cfg)
{
	json_object *eps = NULL;
	long	 n;
	size_t	 count;

	if (!json_object_is_type(root, json_type_object))
		return fail(c, "config: top level must be a JSON object");
	json_object_object_foreach(root, key, val) {
		if (is_comment(key))
			continue;
		if (strcmp(key, "spool_dir") == 0) {
			if (get_str(c, key, val, &cfg->spool_dir) == -1)
				return -1;
			if (cfg->spool_dir[0] != '/')
				return fail(c, "spool_dir: must be an absolute "
				    "path");
		} else if (strcmp(key, "max_body_bytes") == 0) {
			if (get_long(c, key, val, 1, (long)HS_BODY_HARD_MAX,
			    &n) == -1)
				return -1;
			cfg->max_body_bytes = (size_t)n;
		} else if (strcmp(key, "body_timeout_seconds") == 0) {
			if (get_long(c, key, val, 1, HS_BODY_TIMEOUT_MAX,
			    &cfg->body_timeout_seconds) == -1)
				return -1;
		} else if (strcmp(key, "sandbox") == 0) {
			if (load_sandbox(c, val, &cfg->sandbox) == -1)
				return -1;
		} else if (strcmp(key, "durable") == 0) {
			if (get_bool(c, key, val, &cfg->durable) == -1)
				return -1;
		} else if (strcmp(key, "counters") == 0) {
			if (get_bool(c, key, val, &cfg->counters) == -1)
				return -1;
		} else if (strcmp(key, "verify_now") == 0) {
			if (get_long(c, key, val, 1, LONG_MAX, &n) == -1)
				return -1;
			cfg->verify_now = n;
		} else if (strcmp(key, "retry") == 0) {
			if (load_retry(c, val, &cfg->retry) == -1)
				return -1;
		} else if (strcmp(key, "queues") == 0) {
			if (cfg->queues != NULL)
				return fail(c, "queues: given twice");
			if (load_queues(c, val, cfg) == -1)
				return -1;
		} else if (strcmp(key, "endpoints") == 0)
			eps = val;
		else
			return fail(c, "%.64s: unknown key", key);
	}
	if (cfg->spool_dir == NULL)
		return fail(c, "spool_dir: required");
	if (eps == NULL || !json_object_is_type(eps, json_type_object) ||
	    json_object_object_length(eps) == 0)
		return fail(c, "endpoints: required (an object with at least one"
		    " endpoint)");
	count = (size_t)json_object_object_length(eps);
	if ((cfg->endpoints = calloc(count, sizeof *cfg->endpoints)) == NULL)
		return fail(c, "out of memory");
	json_object_object_foreach(eps, name, ep) {
		if (is_comment(name)) {
			continue;
		}
		if (load_endpoint(c, name, ep,
		    &cfg->endpoints[cfg->nendpoints++]) == -1)
			return -1;
	}
	if (cfg->nendpoints == 0)	/* "_comment" keys alone */
		return fail(c, "endpoints: required (an object with at least one"
		    " endpoint)");
	return 0;
}

int
hs_config_load(const char *path, struct hs_config *cfg, char *err,
    size_t errlen)
{
	static unsigned long loads;
	struct ctx c = { err, errlen, cfg, 0 };
	json_tokener *tok = NULL;
	json_object *root = NULL;
	const char *why;
	char	*text = NULL;
	size_t	 len = 0;

	memset(cfg, 0, sizeof *cfg);
	cfg->max_body_bytes = HS_DEFAULT_BODY_MAX;
	cfg->body_timeout_seconds = HS_DEFAULT_BODY_TIMEOUT;
	cfg->durable = 1;
	cfg->counters = 1;
	cfg->retry = (struct hs_retry){ 5, 60, 3600, 900, 300, 7 * 86400 };
	if ((cfg->path = strdup(path)) == NULL)
		goto oom;
	if ((text = slurp(path, HS_CONFIG_MAX_BYTES, &len, &cfg->st)) == NULL) {
		c.read_errno = errno;
		fail(&c, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (hs_json_validate(text, len, 32, NULL, &why) == -1) {
		fail(&c, "not valid JSON: %s", why);
		goto fail;
	}
	if ((tok = json_tokener_new_ex(33)) == NULL)
		goto oom;
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (root == NULL) {
		fail(&c, "not valid JSON: %s",
		    json_tokener_error_desc(json_tokener_get_error(tok)));
		goto fail;
	}
	if (load_root(&c, root, cfg) == -1)
		goto fail;
	cfg->generation = ++loads;
	json_object_put(root);
	json_tokener_free(tok);
	OPENSSL_cleanse(text, len);
	free(text);
	return 0;
oom:
	fail(&c, "out of memory");
fail:
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	if (text) {
		OPENSSL_cleanse(text, len);
		free(text);
	}
	hs_config_free(cfg);
	/* hs_config.h: why a file could not be read (the sandbox's EACCES),
	 * else EINVAL */
	errno = c.read_errno ? c.read_errno : EINVAL;
	return -1;
}

void
hs_config_free(struct hs_config *cfg)
{
	size_t	 i, j;

	for (i = 0; i < cfg->nendpoints; i++) {
		struct hs_endpoint *e = &cfg->endpoints[i];

		for (j = 0; j < e->nkeys; j++)
			key_free(&e->keys[j]);
		free(e->keys);
		for (j = 0; j < e->nroutes; j++) {
			free(e->routes[j].pattern);
			free(e->routes[j].queue);
		}
		free(e->routes);
		free(e->name);
		free_options(e);
		hs_cidrlist_free(&e->source.allow);
		hs_cidrlist_free(&e->source.proxies);
		key_free(&e->api_key);
		key_free(&e->app_secret);
	}
	free(cfg->endpoints);
	for (i = 0; i < cfg->nqueues; i++)
		free(cfg->queues[i].name);
	free(cfg->queues);
	for (i = 0; i < cfg->nwatch; i++)
		free(cfg->watch[i].path);
	free(cfg->watch);
	free(cfg->spool_dir);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

int
hs_config_resolve_api_keys(struct hs_config *cfg, char *err, size_t errlen)
{
	struct ctx c = { err, errlen, NULL, 0 };
	char	 where[120];
	size_t	 i;

	for (i = 0; i < cfg->nendpoints; i++) {
		struct hs_endpoint *e = &cfg->endpoints[i];

		if (e->api_key_spec && e->api_key.bytes == NULL) {
			snprintf(where, sizeof where, "endpoints.%s.api_key",
			    e->name);
			if (load_key(&c, where, NULL, e->api_key_spec,
			    &e->api_key) == -1)
				return -1;
		}
		if (e->app_secret_spec && e->app_secret.bytes == NULL) {
			snprintf(where, sizeof where, "endpoints.%s.app_secret",
			    e->name);
			if (load_key(&c, where, NULL, e->app_secret_spec,
			    &e->app_secret) == -1)
				return -1;
		}
	}
	return 0;
}

int
hs_config_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int
hs_config_changed(const struct hs_config *cfg)
{
	struct stat st;
	size_t	 i;

	if (stat(cfg->path, &st) == -1 || !hs_config_same_file(&st, &cfg->st))
		return 1;
	for (i = 0; i < cfg->nwatch; i++)
		if (stat(cfg->watch[i].path, &st) == -1 ||
		    !hs_config_same_file(&st, &cfg->watch[i].st))
			return 1;
	return 0;
}

const struct hs_queue_conf *
hs_config_queue(const struct hs_config *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->nqueues; i++)
		if (strcmp(cfg->queues[i].name, name) == 0)
			return &cfg->queues[i];
	return NULL;
}

const struct hs_endpoint *
hs_config_endpoint(const struct hs_config *cfg, const char *name)
{
	size_t	 i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < cfg->nendpoints; i++)
		if (strcmp(cfg->endpoints[i].name, name) == 0)
			return &cfg->endpoints[i];
	return NULL;
}

static const char *
env_lookup(char **envp, const char *name)
{
	size_t	 n = strlen(name);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

/*
 * A candidate that is not there is skipped; one that is there but cannot
 * be reached (EACCES: /etc/hookspool is 0750 root:hookspool in the
 * package) is taken, so that loading it says "Permission denied" rather
 * than that no config exists.
 */
static int
try_path(const char *path, char *out, size_t outlen)
{
	if (access(path, F_OK) == -1 && (errno == ENOENT || errno == ENOTDIR))
		return -1;
	if (snprintf(out, outlen, "%s", path) >= (int)outlen)
		return -1;
	return 0;
}

int
hs_config_locate(char **envp, char *out, size_t outlen)
{
	const char *v;
	char	 exe[PATH_MAX], cand[PATH_MAX + 32], *slash;
	ssize_t	 n;

	/*
	 * The request's value first: it is the more specific setting (SetEnv
	 * in one vhost or directory of several that share a FastCGI pool),
	 * and only the server's configuration sets it; a client controls
	 * HTTP_* variables only, and those are never consulted. Under plain
	 * CGI both are the same environment.
	 */
	if ((v = env_lookup(envp, "HOOKSPOOL_CONFIG")) != NULL && *v)
		return snprintf(out, outlen, "%s", v) < (int)outlen ? 0 : -1;
	if ((v = getenv("HOOKSPOOL_CONFIG")) != NULL && *v)
		return snprintf(out, outlen, "%s", v) < (int)outlen ? 0 : -1;
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(cand, sizeof cand, "%s/hookspool.json", exe);
			if (try_path(cand, out, outlen) == 0)
				return 0;
			snprintf(cand, sizeof cand, "%s/../hookspool.json", exe);
			if (try_path(cand, out, outlen) == 0)
				return 0;
		}
	}
	return try_path("/etc/hookspool/hookspool.json", out, outlen);
}
