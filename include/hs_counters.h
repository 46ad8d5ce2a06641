/*
 * hs_counters.h - what arrived and what was refused, per endpoint: a
 * file in the spool (<spool_dir>/.counters) that every receiver process
 * of a host maps MAP_SHARED and counts into with atomic operations, so
 * the hot path makes no system call; `hookspool stats` reads it.
 *
 * The file is part of the spool's documented interface (README, "The
 * counters file"): fixed size, native byte order, version 1:
 *
 *   header   64 bytes: magic "HSCOUNT\0", version, header size, slot
 *            size, slot count, hour buckets, outcomes, byte-order mark
 *            0x01020304, creation time
 *   slots    HS_COUNTERS_SLOTS of struct hs_counters_slot: slot 0 is
 *            "(unknown)" (a request for an endpoint not configured: a
 *            requested name never becomes a key), slot 1 "(other)" (the
 *            table was full); the others are claimed by configured
 *            endpoint names on first use
 *
 * A count in an hour bucket carries its hour in its top bits, so a
 * bucket from 24 hours ago reads as zero and is restarted by one
 * compare-and-swap, without a lock and without losing a concurrent
 * increment.
 */
#ifndef HS_COUNTERS_H
#define HS_COUNTERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HS_COUNTERS_FILE	".counters"
#define HS_COUNTERS_MAGIC	"HSCOUNT"	/* 8 bytes with its NUL */
#define HS_COUNTERS_VERSION	1
#define HS_COUNTERS_SLOTS	64
#define HS_COUNTERS_HOURS	24
#define HS_COUNTERS_BOM		0x01020304u
#define HS_COUNTERS_UNKNOWN	"(unknown)"
#define HS_COUNTERS_OTHER	"(other)"
#define HS_COUNTERS_REASON_MAX	64

/* The outcomes, in the file's column order; names as `stats` and the
 * Prometheus output label them. */
enum hs_outcome {
	HS_OUT_ACCEPTED, HS_OUT_PENDING, HS_OUT_DUPLICATE, HS_OUT_IGNORED,
	HS_OUT_400, HS_OUT_401, HS_OUT_403, HS_OUT_404, HS_OUT_405,
	HS_OUT_408, HS_OUT_411, HS_OUT_413, HS_OUT_415, HS_OUT_500,
	HS_OUT_503, HS_OUT_OTHER,
	HS_OUT_N
};

extern const char *const hs_outcome_names[HS_OUT_N];

/* count: (hour mod 2^20) << 44 | count within that hour */
#define HS_COUNTERS_HOUR_SHIFT	44
#define HS_COUNTERS_HOUR_MASK	((1ULL << 20) - 1)
#define HS_COUNTERS_COUNT_MASK	((1ULL << HS_COUNTERS_HOUR_SHIFT) - 1)

struct hs_counters_header {
	char		 magic[8];
	uint32_t	 version;
	uint32_t	 header_size;
	uint32_t	 slot_size;
	uint32_t	 nslots;
	uint32_t	 nhours;
	uint32_t	 noutcomes;
	uint32_t	 bom;
	uint32_t	 reserved0;
	uint64_t	 created;		/* Unix seconds */
	uint8_t		 reserved[16];
};

#define HS_SLOT_FREE		0
#define HS_SLOT_CLAIMING	1	/* name being written */
#define HS_SLOT_READY		2

struct hs_counters_slot {
	uint32_t	 state;			/* HS_SLOT_* */
	uint32_t	 reserved0;
	char		 name[64];		/* NUL-padded */
	uint64_t	 total[HS_OUT_N];	/* since the file was made */
	uint64_t	 hour[HS_COUNTERS_HOURS][HS_OUT_N];	/* by hour % 24 */
	/* the last refusal (4xx/5xx): when (Unix microseconds) and status
	 * in one word, written after the reason, which is fixed text of
	 * ours, never request data */
	uint64_t	 last_refusal;		/* usec << 10 | status */
	char		 last_reason[HS_COUNTERS_REASON_MAX];
};

#define HS_COUNTERS_SIZE	(sizeof(struct hs_counters_header) + \
	HS_COUNTERS_SLOTS * sizeof(struct hs_counters_slot))

/* seconds between checks that the mapped file is still .counters */
#define HS_COUNTERS_RECHECK	10

struct hs_counters {
	char		*spool;		/* the spool_dir it maps, or NULL */
	void		*map;		/* NULL: not counting */
	int		 warned;	/* logged once that it cannot count */
	size_t		 last;		/* the slot of the last count */
	uint64_t	 checked;	/* when the mapping (or its failure) was
					 * last checked, Unix seconds */
	dev_t		 dev;		/* the mapped file */
	ino_t		 ino;
};

/* The outcome of an answer: its status, and for 2xx its state word. */
enum hs_outcome hs_outcome_of(int status, const char *state);

/*
 * Counts one answer of endpoint (a configured name, or NULL for one that
 * is not) into spool's counters file, mapping it (and creating it, mode
 * 0660) on first use. Never fails the request: a file that cannot be
 * made, or is torn or foreign, is logged once per process and not
 * counted into.
 */
void	hs_counters_count(struct hs_counters *c, const char *spool,
	    const char *endpoint, int status, const char *state,
	    const char *reason, uint64_t now_usec);
void	hs_counters_close(struct hs_counters *c);

/*
 * Read side (the CLI): maps spool's counters file read-only. 0, or -1 with
 * errno (ENOENT: nothing counted yet; EPROTO: torn or foreign, *why set).
 */
int	hs_counters_open_ro(const char *spool, const void **map,
	    const char **why);
void	hs_counters_unmap(const void *map);
/* Slot i of a mapped file; NULL if it is not in use. */
const struct hs_counters_slot *hs_counters_slot(const void *map, size_t i);
/* A bucket's count for hour (Unix hours), 0 if it holds another hour. */
uint64_t hs_counters_hour(const struct hs_counters_slot *s, uint64_t hour,
	    enum hs_outcome o);

#endif
