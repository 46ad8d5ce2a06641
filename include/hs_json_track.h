/*
 * hs_json_track.h - internal to json_strict.c and json_track.c: what the
 * strict scanner reports while it walks a body, so that duplicate keys are
 * found and wanted fields located in the same single pass.
 */
#ifndef HS_JSON_TRACK_H
#define HS_JSON_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "hs_json.h"

#define HS_JSON_MAX_SEGS	8

struct hs_json_key {
	uint64_t	 hash;		/* FNV-1a of the decoded key, large
					   objects only (has_duplicate) */
	size_t		 off;		/* raw key text (between the quotes) */
	size_t		 len;
	int		 escaped;	/* raw text holds a backslash */
};

struct hs_json_frame {
	uint32_t	 mask;		/* wants whose path runs through here */
	uint32_t	 finish;	/* wants whose value this container is */
	size_t		 keys_start;	/* first key of this object in keys[] */
	size_t		 value_start;
	char		 kind;		/* '{' or '[' */
};

struct hs_json_track {
	const char	*base;		/* the body */
	struct hs_json_want *want;
	size_t		 nwant;
	const char	*seg[HS_JSON_MAX_WANT][HS_JSON_MAX_SEGS];
	size_t		 seglen[HS_JSON_MAX_WANT][HS_JSON_MAX_SEGS];
	int		 nseg[HS_JSON_MAX_WANT];
	struct hs_json_frame frame[HS_JSON_MAX_DEPTH + 1];
	struct hs_json_key *keys;
	size_t		 nkeys, capkeys;
	char		*scratch;	/* decoded keys */
	size_t		 capscratch;
	uint32_t	 leaf;		/* wants completed by the next value */
	uint32_t	 child;		/* wants continuing into the next value */
	const char	*why;
};

int	hs_json_track_init(struct hs_json_track *t, const char *base,
	    struct hs_json_want *want, size_t nwant);
void	hs_json_track_free(struct hs_json_track *t);
/* depth is the index of the frame being opened (0 for the root) */
int	hs_json_track_open(struct hs_json_track *t, int depth, char kind,
	    size_t value_start);
/* Room for more keys; -1 (t->why set) out of memory. */
int	hs_json_track_grow(struct hs_json_track *t);
/* The rest of hs_json_track_key(): escaped keys, keys on a wanted path. */
int	hs_json_track_key_match(struct hs_json_track *t, int depth,
	    const struct hs_json_key *k);

/*
 * A key at depth, raw text at base[off..off+len); escaped: it holds a
 * backslash. Inline because the scanner calls it for every key of a body
 * and nearly every key only needs remembering until its object closes.
 */
static inline int
hs_json_track_key(struct hs_json_track *t, int depth, size_t off, size_t len,
    int escaped)
{
	struct hs_json_key *k;

	if (t->nkeys == t->capkeys && hs_json_track_grow(t) == -1)
		return -1;
	k = &t->keys[t->nkeys++];
	k->off = off;
	k->len = len;
	k->escaped = escaped;
	k->hash = 0;		/* computed only for large objects */
	t->leaf = t->child = 0;
	if (t->frame[depth].mask == 0 && !escaped)
		return 0;
	return hs_json_track_key_match(t, depth, k);
}
void	hs_json_track_scalar(struct hs_json_track *t, size_t start, size_t end);
/* the frame at depth closes; end is just past its closer */
int	hs_json_track_close(struct hs_json_track *t, int depth, size_t end);

#endif
