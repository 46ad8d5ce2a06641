/*
 * json_track.c - what the strict scanner (json_strict.c) learns on its way
 * through a body: duplicate keys, and where the few fields a provider reads
 * are. Building a json-c tree of a whole 1 MB body cost ~40 ms; this pass
 * lets the receiver parse only the values it uses.
 */
#include <stdlib.h>
#include <string.h>

#include "hs_json_track.h"

#define FNV_OFFSET	14695981039346656037ULL
#define FNV_PRIME	1099511628211ULL

int
hs_json_track_init(struct hs_json_track *t, const char *base,
    struct hs_json_want *want, size_t nwant)
{
	size_t	 i;
	const char *p, *dot;

	memset(t, 0, sizeof *t);
	t->base = base;
	t->want = want;
	t->nwant = nwant;
	if (nwant > HS_JSON_MAX_WANT)
		return -1;
	for (i = 0; i < nwant; i++) {
		want[i].value = NULL;
		want[i].len = 0;
		for (p = want[i].path; ; p = dot + 1) {
			if (t->nseg[i] == HS_JSON_MAX_SEGS)
				return -1;
			dot = strchr(p, '.');
			t->seg[i][t->nseg[i]] = p;
			t->seglen[i][t->nseg[i]++] = dot ? (size_t)(dot - p) :
			    strlen(p);
			if (dot == NULL)
				break;
		}
	}
	return 0;
}

void
hs_json_track_free(struct hs_json_track *t)
{
	free(t->keys);
	free(t->scratch);
	t->keys = NULL;
	t->scratch = NULL;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;	/* the scanner let only hex digits through */
}

static unsigned
hex4(const char *p)
{
	return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 |
	    hexval(p[2]) << 4 | hexval(p[3]));
}

static size_t
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decodes a raw key (already validated) into out, which holds len bytes
 * (escapes only ever shrink). Lone surrogates become U+FFFD, as json-c
 * makes them. Returns the decoded length, or -1 for \u0000.
 */
static long
decode_key(const char *in, size_t len, char *out)
{
	size_t	 i = 0, o = 0;
	unsigned cp, lo;

	while (i < len) {
		if (in[i] != '\\') {
			out[o++] = in[i++];
			continue;
		}
		switch (in[i + 1]) {
		case 'b': out[o++] = '\b'; i += 2; continue;
		case 'f': out[o++] = '\f'; i += 2; continue;
		case 'n': out[o++] = '\n'; i += 2; continue;
		case 'r': out[o++] = '\r'; i += 2; continue;
		case 't': out[o++] = '\t'; i += 2; continue;
		case 'u': break;
		default: out[o++] = in[i + 1]; i += 2; continue;
		}
		cp = hex4(in + i + 2);
		i += 6;
		if (cp == 0)
			return -1;
		if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= len &&
		    in[i] == '\\' && in[i + 1] == 'u' &&
		    (lo = hex4(in + i + 2)) >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		} else if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 0xfffd;
		o += put_utf8(out + o, cp);
	}
	return (long)o;
}

/* The decoded text of key k in t->scratch (+ off); NULL on \u0000. */
static const char *
key_text(struct hs_json_track *t, const struct hs_json_key *k, size_t off,
    size_t *len)
{
	long	 n;

	if (!k->escaped) {
		*len = k->len;
		return t->base + k->off;
	}
	if (off + k->len > t->capscratch) {
		size_t	 cap = 2 * (off + k->len) + 64;
		char	*p = realloc(t->scratch, cap);

		if (p == NULL)
			return NULL;
		t->scratch = p;
		t->capscratch = cap;
	}
	if ((n = decode_key(t->base + k->off, k->len, t->scratch + off)) < 0)
		return NULL;
	*len = (size_t)n;
	return t->scratch + off;
}

int
hs_json_track_grow(struct hs_json_track *t)
{
	size_t	 cap = t->capkeys ? 2 * t->capkeys : 64;
	struct hs_json_key *k;

	if ((k = realloc(t->keys, cap * sizeof *k)) == NULL) {
		t->why = "out of memory";
		return -1;
	}
	t->keys = k;
	t->capkeys = cap;
	return 0;
}

int
hs_json_track_key_match(struct hs_json_track *t, int depth,
    const struct hs_json_key *k)
{
	struct hs_json_frame *f = &t->frame[depth];
	const char *text;
	size_t	 tlen, i;
	uint32_t match = 0;

	/* \u0000 is refused in every key, wanted or not */
	if ((text = key_text(t, k, 0, &tlen)) == NULL) {
		t->why = "NUL in a JSON key";
		return -1;
	}
	for (i = 0; f->mask && i < t->nwant; i++) {
		if (!(f->mask & (1U << i)) || t->seglen[i][depth] != tlen ||
		    memcmp(t->seg[i][depth], text, tlen) != 0)
			continue;
		match |= 1U << i;
	}
	for (i = 0; match && i < t->nwant; i++) {
		if (!(match & (1U << i)))
			continue;
		if (t->nseg[i] == depth + 1)
			t->leaf |= 1U << i;
		else
			t->child |= 1U << i;
	}
	return 0;
}

static void
finish(struct hs_json_track *t, uint32_t wants, size_t start, size_t end)
{
	size_t	 i;

	for (i = 0; wants && i < t->nwant; i++) {
		if (!(wants & (1U << i)))
			continue;
		t->want[i].value = t->base + start;
		t->want[i].len = end - start;
	}
}

int
hs_json_track_open(struct hs_json_track *t, int depth, char kind,
    size_t value_start)
{
	struct hs_json_frame *f = &t->frame[depth];

	f->kind = kind;
	f->value_start = value_start;
	f->keys_start = t->nkeys;
	if (depth == 0) {
		f->mask = t->nwant ? (uint32_t)((1ULL << t->nwant) - 1) : 0;
		f->finish = 0;
	} else {
		/* paths run through objects only; arrays end them */
		f->mask = kind == '{' ? t->child : 0;
		f->finish = t->leaf;
	}
	t->leaf = t->child = 0;
	return 0;
}

void
hs_json_track_scalar(struct hs_json_track *t, size_t start, size_t end)
{
	finish(t, t->leaf, start, end);
	t->leaf = t->child = 0;
}

static int
cmp_hash(const void *a, const void *b)
{
	const struct hs_json_key *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/*
 * Keys decode to the same text? 1 yes, 0 no, -1 out of memory. (A key
 * holding \u0000, the decoder's other failure, was refused on arrival.)
 */
static int
same_key_decoded(struct hs_json_track *t, const struct hs_json_key *a,
    const struct hs_json_key *b)
{
	const char *ta, *tb;
	size_t	 la, lb;

	/* a decodes at scratch[0], b behind it (decoding never grows) */
	if (key_text(t, a, 0, &la) == NULL ||
	    (tb = key_text(t, b, a->len, &lb)) == NULL)
		return -1;
	ta = a->escaped ? t->scratch : t->base + a->off;	/* after realloc */
	return la == lb && memcmp(ta, tb, la) == 0;
}

/* Raw key texts equal? Decides for keys that hold no escape. */
static inline int
same_raw_key(const struct hs_json_track *t, const struct hs_json_key *a,
    const struct hs_json_key *b)
{
	return a->len == b->len && (a->len == 0 ||
	    (t->base[a->off] == t->base[b->off] &&
	    memcmp(t->base + a->off, t->base + b->off, a->len) == 0));
}

static int
same_key(struct hs_json_track *t, const struct hs_json_key *a,
    const struct hs_json_key *b)
{
	if (a->escaped || b->escaped)
		return same_key_decoded(t, a, b);
	return same_raw_key(t, a, b);
}

/* FNV-1a of the decoded key; -1 out of memory. */
static int
hash_key(struct hs_json_track *t, struct hs_json_key *k)
{
	const char *text;
	size_t	 tlen, i;
	uint64_t h = FNV_OFFSET;

	if ((text = key_text(t, k, 0, &tlen)) == NULL)
		return -1;
	for (i = 0; i < tlen; i++)
		h = (h ^ (unsigned char)text[i]) * FNV_PRIME;
	k->hash = h;
	return 0;
}

/*
 * Any two equal keys among keys[from..nkeys)? 1 yes, 0 no, -1 out of
 * memory. Small objects without escapes (nearly all) compare every pair
 * of raw keys. Otherwise each key is decoded once, for its hash, and only
 * keys of equal hash are compared: a body of many keys costs n log n, and
 * a body of escaped keys is not decoded again for every pair.
 */
static int
has_duplicate(struct hs_json_track *t, size_t from)
{
	struct hs_json_key *k = t->keys + from;
	size_t	 n = t->nkeys - from, i, j;
	int	 escaped = 0, same;

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++)
		escaped |= k[i].escaped;
	if (n <= 16 && !escaped) {
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (same_raw_key(t, &k[i], &k[j]))
					return 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (hash_key(t, &k[i]) == -1)
			return -1;
	qsort(k, n, sizeof *k, cmp_hash);
	for (i = 0; i + 1 < n; i++)
		for (j = i + 1; j < n && k[j].hash == k[i].hash; j++)
			if ((same = same_key(t, &k[i], &k[j])) != 0)
				return same;
	return 0;
}

int
hs_json_track_close(struct hs_json_track *t, int depth, size_t end)
{
	struct hs_json_frame *f = &t->frame[depth];

	if (f->kind == '{') {
		switch (has_duplicate(t, f->keys_start)) {
		case 0:
			break;
		case 1:
			t->why = "duplicate key in JSON object";
			return -1;
		default:
			t->why = "out of memory";
			return -1;
		}
		t->nkeys = f->keys_start;
	}
	if (depth > 0)
		finish(t, f->finish, f->value_start, end);
	t->leaf = t->child = 0;
	return 0;
}
