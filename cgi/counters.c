/*
 * counters.c - per-endpoint counts of answers in <spool_dir>/.counters
 * (the format: hs_counters.h). Every receiver process of a host maps the
 * one file MAP_SHARED; a count is two atomic operations on the mapping,
 * no system call. The file is made complete under a temporary name and
 * linked into place, so no process ever maps a half-made one; a file of
 * the wrong size or header is someone else's, and is left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hs_counters.h"
#include "hs_log.h"
#include "hs_spool.h"

const char *const hs_outcome_names[HS_OUT_N] = {
	"accepted", "pending", "duplicate", "ignored", "400", "401", "403",
	"404", "405", "408", "411", "413", "415", "500", "503", "other",
};

enum hs_outcome
hs_outcome_of(int status, const char *state)
{
	static const int codes[] = { 400, 401, 403, 404, 405, 408, 411, 413,
	    415, 500, 503 };
	size_t	 i;

	if (status >= 200 && status < 300 && state != NULL) {
		for (i = HS_OUT_ACCEPTED; i <= HS_OUT_IGNORED; i++)
			if (strcmp(state, hs_outcome_names[i]) == 0)
				return (enum hs_outcome)i;
		return HS_OUT_OTHER;
	}
	for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (status == codes[i])
			return (enum hs_outcome)(HS_OUT_400 + i);
	return HS_OUT_OTHER;
}

static void
fill_header(struct hs_counters_header *h, uint64_t now)
{
	memset(h, 0, sizeof *h);
	memcpy(h->magic, HS_COUNTERS_MAGIC, sizeof HS_COUNTERS_MAGIC);
	h->version = HS_COUNTERS_VERSION;
	h->header_size = sizeof *h;
	h->slot_size = sizeof(struct hs_counters_slot);
	h->nslots = HS_COUNTERS_SLOTS;
	h->nhours = HS_COUNTERS_HOURS;
	h->noutcomes = HS_OUT_N;
	h->bom = HS_COUNTERS_BOM;
	h->created = now;
}

/* The header of a mapping is ours, this version, this layout. */
static int
header_ok(const void *map)
{
	struct hs_counters_header want;
	const struct hs_counters_header *h = map;

	fill_header(&want, 0);
	return memcmp(h->magic, want.magic, sizeof want.magic) == 0 &&
	    h->version == want.version && h->header_size == want.header_size &&
	    h->slot_size == want.slot_size && h->nslots == want.nslots &&
	    h->nhours == want.nhours && h->noutcomes == want.noutcomes &&
	    h->bom == want.bom;
}

/*
 * A new file under a temporary name, complete (header, two named slots,
 * zeros), then linked to .counters: whoever links first wins, the others
 * use the winner's. The data need no fsync: counts are not events.
 */
static int
create_file(int root, uint64_t now)
{
	struct {
		struct hs_counters_header h;
		struct hs_counters_slot	s[2];
	} head;
	char	 tmp[64];
	int	 fd, rc = -1, saved;

	snprintf(tmp, sizeof tmp, ".counters.%ld.tmp", (long)getpid());
	unlinkat(root, tmp, 0);		/* a leftover of a killed process */
	if ((fd = openat(root, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0660)) == -1)
		return -1;
	memset(&head, 0, sizeof head);
	fill_header(&head.h, now);
	head.s[0].state = head.s[1].state = HS_SLOT_READY;
	snprintf(head.s[0].name, sizeof head.s[0].name, HS_COUNTERS_UNKNOWN);
	snprintf(head.s[1].name, sizeof head.s[1].name, HS_COUNTERS_OTHER);
	/* every block allocated now: a store into a hole of a mapping on a
	 * full file system would be SIGBUS, not an error */
	if ((errno = posix_fallocate(fd, 0, (off_t)HS_COUNTERS_SIZE)) == 0 &&
	    pwrite(fd, &head, sizeof head, 0) == (ssize_t)sizeof head &&
	    fchmod(fd, 0660) == 0 &&
	    (linkat(root, tmp, root, HS_COUNTERS_FILE, 0) == 0 ||
	    errno == EEXIST))
		rc = 0;
	saved = errno;
	close(fd);
	unlinkat(root, tmp, 0);
	errno = saved;
	return rc;
}

/* Opens spool's .counters (never through a symlink); -1 with errno. */
static int
open_file(const char *spool, int flags, int create, uint64_t now)
{
	struct stat st;
	int	 root, fd = -1, saved;

	if ((root = hs_spool_open_root(spool, create)) == -1)
		return -1;
	fd = openat(root, HS_COUNTERS_FILE, flags | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && create &&
	    create_file(root, now) == 0)
		fd = openat(root, HS_COUNTERS_FILE, flags | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
	saved = errno;
	close(root);
	if (fd == -1) {
		errno = saved;
		return -1;
	}
	/* a FIFO or device planted there is not mapped; nor a wrong size */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size != (off_t)HS_COUNTERS_SIZE) {
		close(fd);
		errno = EPROTO;
		return -1;
	}
	return fd;
}

static void
warn_once(struct hs_counters *c, const char *spool, const char *why)
{
	char	 what[4200];

	if (c->warned)
		return;
	c->warned = 1;
	snprintf(what, sizeof what, "%s/%s: %s; requests are served, not "
	    "counted (\"counters\": false in the config stops counting)",
	    spool, HS_COUNTERS_FILE, why);
	hs_log_msg("counters", what);
}

/* Is the file at spool's .counters still the one mapped? One lstat. */
static int
still_mapped(const struct hs_counters *c)
{
	char	 path[4200];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", c->spool, HS_COUNTERS_FILE);
	return lstat(path, &st) == 0 && st.st_ino == c->ino &&
	    st.st_dev == c->dev;
}

/*
 * The mapping for spool, made on first use. Every HS_COUNTERS_RECHECK
 * seconds (not per request: no system call on the hot path) a mapped file
 * is checked to still be the one at .counters, so a file deleted to reset
 * the counts is made again and counted into by long-running processes too;
 * a failure is retried no more often.
 */
static void *
map_rw(struct hs_counters *c, const char *spool, uint64_t now_sec)
{
	struct stat st;
	void	*map;
	int	 fd;

	if (c->spool && strcmp(c->spool, spool) == 0 &&
	    now_sec < c->checked + HS_COUNTERS_RECHECK)
		return c->map;
	if (c->map && strcmp(c->spool, spool) == 0) {
		c->checked = now_sec;
		if (still_mapped(c))
			return c->map;
	}
	hs_counters_close(c);
	c->checked = now_sec;
	if ((c->spool = strdup(spool)) == NULL)
		return NULL;
	if ((fd = open_file(spool, O_RDWR, 1, now_sec)) == -1) {
		warn_once(c, spool, errno == EPROTO ? "not a counters file of "
		    "this version (left alone)" : strerror(errno));
		return NULL;
	}
	map = fstat(fd, &st) == 0 ? mmap(NULL, HS_COUNTERS_SIZE, PROT_READ |
	    PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	close(fd);
	if (map == MAP_FAILED) {
		warn_once(c, spool, strerror(errno));
		return NULL;
	}
	if (!header_ok(map)) {
		munmap(map, HS_COUNTERS_SIZE);
		warn_once(c, spool, "not a counters file of this version (left "
		    "alone)");
		return NULL;
	}
	c->map = map;
	c->ino = st.st_ino;
	c->dev = st.st_dev;
	return map;
}

static struct hs_counters_slot *
slots(void *map)
{
	return (struct hs_counters_slot *)((char *)map +
	    sizeof(struct hs_counters_header));
}

/* The slot named name, claimed when there is none: a free slot is taken
 * by compare-and-swap, named, then published. Two processes claiming one
 * name at once make two slots of that name; readers add them up. */
static struct hs_counters_slot *
find_slot(struct hs_counters *c, const char *name)
{
	struct hs_counters_slot *s = slots(c->map);
	size_t	 i, len = strlen(name);
	uint32_t free_state;

	if (len >= sizeof s[0].name)
		return &s[1];
	if (c->last < HS_COUNTERS_SLOTS &&
	    __atomic_load_n(&s[c->last].state, __ATOMIC_ACQUIRE) ==
	    HS_SLOT_READY && strcmp(s[c->last].name, name) == 0)
		return &s[c->last];
	for (i = 2; i < HS_COUNTERS_SLOTS; i++) {
		uint32_t st = __atomic_load_n(&s[i].state, __ATOMIC_ACQUIRE);

		if (st == HS_SLOT_READY && strcmp(s[i].name, name) == 0) {
			c->last = i;
			return &s[i];
		}
		if (st != HS_SLOT_FREE)
			continue;
		free_state = HS_SLOT_FREE;
		if (!__atomic_compare_exchange_n(&s[i].state, &free_state,
		    HS_SLOT_CLAIMING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;	/* taken meanwhile: the next one */
		memcpy(s[i].name, name, len + 1);
		__atomic_store_n(&s[i].state, HS_SLOT_READY, __ATOMIC_RELEASE);
		c->last = i;
		return &s[i];
	}
	return &s[1];
}

static void
bump_hour(uint64_t *p, uint64_t hour)
{
	uint64_t tag = hour & HS_COUNTERS_HOUR_MASK, v, nv;

	v = __atomic_load_n(p, __ATOMIC_RELAXED);
	do {
		nv = (v >> HS_COUNTERS_HOUR_SHIFT) == tag ? v + 1 :
		    tag << HS_COUNTERS_HOUR_SHIFT | 1;
	} while (!__atomic_compare_exchange_n(p, &v, nv, 1, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED));
}

void
hs_counters_count(struct hs_counters *c, const char *spool,
    const char *endpoint, int status, const char *state, const char *reason,
    uint64_t now_usec)
{
	struct hs_counters_slot *s;
	enum hs_outcome o = hs_outcome_of(status, state);
	uint64_t hour = now_usec / 3600000000ULL;

	if (spool == NULL || map_rw(c, spool, now_usec / 1000000) == NULL)
		return;
	s = endpoint ? find_slot(c, endpoint) : &slots(c->map)[0];
	__atomic_add_fetch(&s->total[o], 1, __ATOMIC_RELAXED);
	bump_hour(&s->hour[hour % HS_COUNTERS_HOURS][o], hour);
	if (status >= 400) {
		/* the reason first, then the word that dates it; a reader
		 * takes the reason only when the word did not change */
		snprintf(s->last_reason, sizeof s->last_reason, "%s",
		    reason ? reason : "");
		__atomic_store_n(&s->last_refusal, now_usec << 10 |
		    (uint64_t)(status & 1023), __ATOMIC_RELEASE);
	}
}

void
hs_counters_close(struct hs_counters *c)
{
	if (c->map)
		munmap(c->map, HS_COUNTERS_SIZE);
	free(c->spool);
	c->map = NULL;
	c->spool = NULL;
	c->last = 0;
	c->checked = 0;
}

int
hs_counters_open_ro(const char *spool, const void **mapp, const char **why)
{
	void	*map;
	int	 fd, saved;

	*why = NULL;
	if ((fd = open_file(spool, O_RDONLY, 0, 0)) == -1) {
		if (errno == EPROTO)
			*why = "not a counters file of this version";
		return -1;
	}
	map = mmap(NULL, HS_COUNTERS_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	saved = errno;
	close(fd);
	if (map == MAP_FAILED) {
		errno = saved;
		return -1;
	}
	if (!header_ok(map)) {
		munmap(map, HS_COUNTERS_SIZE);
		*why = "not a counters file of this version";
		errno = EPROTO;
		return -1;
	}
	*mapp = map;
	return 0;
}

void
hs_counters_unmap(const void *map)
{
	munmap((void *)(uintptr_t)map, HS_COUNTERS_SIZE);
}

const struct hs_counters_slot *
hs_counters_slot(const void *map, size_t i)
{
	const struct hs_counters_slot *s;

	if (i >= HS_COUNTERS_SLOTS)
		return NULL;
	s = (const struct hs_counters_slot *)((const char *)map +
	    sizeof(struct hs_counters_header)) + i;
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == HS_SLOT_READY ?
	    s : NULL;
}

uint64_t
hs_counters_hour(const struct hs_counters_slot *s, uint64_t hour,
    enum hs_outcome o)
{
	uint64_t v = __atomic_load_n(&s->hour[hour % HS_COUNTERS_HOURS][o],
	    __ATOMIC_RELAXED);

	return (v >> HS_COUNTERS_HOUR_SHIFT) == (hour & HS_COUNTERS_HOUR_MASK) ?
	    v & HS_COUNTERS_COUNT_MASK : 0;
}
