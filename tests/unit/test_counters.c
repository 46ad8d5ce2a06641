/*
 * test_counters.c - cgi/counters.c: the file is made complete and
 * documented-size, counts from several processes at once add up exactly,
 * an hour bucket from 24 hours ago restarts, request names never become
 * keys, a full table counts under "(other)", and a torn, foreign,
 * symlinked or FIFO .counters is left alone and never counted into.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hs_counters.h"
#include "check.h"

#define HOUR_USEC	3600000000ULL
#define T0		(1764000000ULL * 1000000ULL)	/* a fixed now */

static char	 dir[256];

static char *
path(const char *name)
{
	static char p[512];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

/* the sum of every ready slot named name: what a reader merges */
static uint64_t
total(const void *map, const char *name, enum hs_outcome o)
{
	const struct hs_counters_slot *s;
	uint64_t sum = 0;
	size_t	 i;

	for (i = 0; i < HS_COUNTERS_SLOTS; i++)
		if ((s = hs_counters_slot(map, i)) && strcmp(s->name, name) == 0)
			sum += s->total[o];
	return sum;
}

static uint64_t
hour_sum(const void *map, const char *name, uint64_t hour, enum hs_outcome o)
{
	const struct hs_counters_slot *s;
	uint64_t sum = 0;
	size_t	 i;

	for (i = 0; i < HS_COUNTERS_SLOTS; i++)
		if ((s = hs_counters_slot(map, i)) && strcmp(s->name, name) == 0)
			sum += hs_counters_hour(s, hour, o);
	return sum;
}

static void
fresh(void)
{
	char	 cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	if (system(cmd) != 0)
		abort();
}

static void
test_outcomes(void)
{
	CHECK_INT(hs_outcome_of(202, "accepted"), HS_OUT_ACCEPTED, "accepted");
	CHECK_INT(hs_outcome_of(200, "duplicate"), HS_OUT_DUPLICATE, "dup");
	CHECK_INT(hs_outcome_of(202, "pending"), HS_OUT_PENDING, "pending");
	CHECK_INT(hs_outcome_of(200, "ignored"), HS_OUT_IGNORED, "ignored");
	CHECK_INT(hs_outcome_of(401, "error"), HS_OUT_401, "401");
	CHECK_INT(hs_outcome_of(503, "error"), HS_OUT_503, "503");
	CHECK_INT(hs_outcome_of(418, "error"), HS_OUT_OTHER, "418 -> other");
	CHECK_INT(hs_outcome_of(200, "ok"), HS_OUT_OTHER, "2xx of no state");
	CHECK_STR(hs_outcome_names[HS_OUT_413], "413", "name of 413");
}

static void
test_create(void)
{
	struct hs_counters c = { 0 };
	struct stat st;
	const void *map;
	const char *why;
	const struct hs_counters_slot *s;

	fresh();
	CHECK(hs_counters_open_ro(dir, &map, &why) == -1 && errno == ENOENT,
	    "no file yet: ENOENT");
	hs_counters_count(&c, dir, "docs", 202, "accepted", NULL, T0);
	hs_counters_count(&c, dir, NULL, 404, "error", "unknown endpoint", T0);
	hs_counters_count(&c, dir, "docs", 401, "error", "bad signature",
	    T0 + 5);
	CHECK(c.map != NULL, "mapped");
	CHECK(stat(path(HS_COUNTERS_FILE), &st) == 0, "file made");
	CHECK_INT(st.st_size, HS_COUNTERS_SIZE, "its documented size");
	CHECK_INT(st.st_mode & 07777, 0660, "mode 0660");
	CHECK_INT(st.st_blocks * 512 >= (long long)HS_COUNTERS_SIZE, 1,
	    "every block allocated (no SIGBUS on a full disk)");
	CHECK(access(path(".counters.tmp"), F_OK) == -1, "no temporary left");
	CHECK(hs_counters_open_ro(dir, &map, &why) == 0, "readable");
	s = hs_counters_slot(map, 0);
	CHECK(s && strcmp(s->name, HS_COUNTERS_UNKNOWN) == 0, "slot 0");
	CHECK_INT(s ? s->total[HS_OUT_404] : 0, 1, "an unknown endpoint's 404");
	CHECK_INT(total(map, "docs", HS_OUT_ACCEPTED), 1, "docs accepted");
	CHECK_INT(total(map, "docs", HS_OUT_401), 1, "docs 401");
	CHECK_INT(hour_sum(map, "docs", T0 / HOUR_USEC, HS_OUT_401), 1,
	    "docs 401 this hour");
	s = hs_counters_slot(map, 2);
	CHECK(s && s->last_refusal >> 10 == T0 + 5 &&
	    (s->last_refusal & 1023) == 401, "last refusal: time and status");
	CHECK_STR(s ? s->last_reason : NULL, "bad signature", "its reason");
	hs_counters_unmap(map);
	hs_counters_close(&c);
}

/* 4 processes x 20000 counts of two endpoints, claimed concurrently */
static void
test_concurrent(void)
{
	enum { PROCS = 4, N = 20000 };
	const void *map;
	const char *why;
	pid_t	 pid[PROCS];
	int	 i, status, ok = 1;

	fresh();
	for (i = 0; i < PROCS; i++) {
		if ((pid[i] = fork()) == 0) {
			struct hs_counters c = { 0 };
			int	 k;

			for (k = 0; k < N; k++) {
				hs_counters_count(&c, dir, "a", 202,
				    "accepted", NULL, T0);
				hs_counters_count(&c, dir, k & 1 ? "b" : "c",
				    401, "error", "bad signature", T0);
			}
			hs_counters_close(&c);
			_exit(0);
		}
	}
	for (i = 0; i < PROCS; i++)
		if (waitpid(pid[i], &status, 0) != pid[i] || status != 0)
			ok = 0;
	CHECK(ok, "the counting processes exit 0");
	CHECK(hs_counters_open_ro(dir, &map, &why) == 0, "readable");
	CHECK_INT(total(map, "a", HS_OUT_ACCEPTED), PROCS * N, "a: exact");
	CHECK_INT(total(map, "b", HS_OUT_401), PROCS * N / 2, "b: exact");
	CHECK_INT(total(map, "c", HS_OUT_401), PROCS * N / 2, "c: exact");
	CHECK_INT(hour_sum(map, "a", T0 / HOUR_USEC, HS_OUT_ACCEPTED),
	    PROCS * N, "a's hour: exact");
	hs_counters_unmap(map);
}

static void
test_hours(void)
{
	struct hs_counters c = { 0 };
	const void *map;
	const char *why;
	uint64_t h0 = T0 / HOUR_USEC;

	fresh();
	hs_counters_count(&c, dir, "x", 202, "accepted", NULL, T0);
	hs_counters_count(&c, dir, "x", 202, "accepted", NULL, T0);
	hs_counters_count(&c, dir, "x", 202, "accepted", NULL, T0 + HOUR_USEC);
	/* the same bucket a day later: restarted, not added to */
	hs_counters_count(&c, dir, "x", 202, "accepted", NULL,
	    T0 + 24 * HOUR_USEC);
	CHECK(hs_counters_open_ro(dir, &map, &why) == 0, "readable");
	CHECK_INT(hour_sum(map, "x", h0, HS_OUT_ACCEPTED), 0,
	    "a day-old bucket reads as none for its old hour");
	CHECK_INT(hour_sum(map, "x", h0 + 24, HS_OUT_ACCEPTED), 1,
	    "and restarted for the new one");
	CHECK_INT(hour_sum(map, "x", h0 + 1, HS_OUT_ACCEPTED), 1, "hour 1");
	CHECK_INT(total(map, "x", HS_OUT_ACCEPTED), 4, "total keeps all");
	hs_counters_unmap(map);
	hs_counters_close(&c);
}

static void
test_full_table(void)
{
	struct hs_counters c = { 0 };
	const void *map;
	const char *why;
	char	 name[80];
	int	 i;

	fresh();
	for (i = 0; i < HS_COUNTERS_SLOTS; i++) {
		snprintf(name, sizeof name, "ep%d", i);
		hs_counters_count(&c, dir, name, 202, "accepted", NULL, T0);
	}
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	hs_counters_count(&c, dir, name, 202, "accepted", NULL, T0);
	CHECK(hs_counters_open_ro(dir, &map, &why) == 0, "readable");
	CHECK_INT(total(map, "ep61", HS_OUT_ACCEPTED), 1, "the last slot");
	CHECK_INT(total(map, "ep62", HS_OUT_ACCEPTED), 0, "no slot for 63rd");
	CHECK_INT(total(map, HS_COUNTERS_OTHER, HS_OUT_ACCEPTED), 3,
	    "two overflowing names and one too long: (other)");
	hs_counters_unmap(map);
	hs_counters_close(&c);
}

/* a long-running process notices a deleted (reset) file within 10 s */
static void
test_reset(void)
{
	struct hs_counters c = { 0 };
	const void *map;
	const char *why;
	struct stat st;

	fresh();
	hs_counters_count(&c, dir, "r", 202, "accepted", NULL, T0);
	CHECK_INT(unlink(path(HS_COUNTERS_FILE)), 0, "reset by deleting");
	hs_counters_count(&c, dir, "r", 202, "accepted", NULL, T0 + 1000000);
	CHECK(stat(path(HS_COUNTERS_FILE), &st) == -1,
	    "within the recheck interval: no system call, no new file");
	hs_counters_count(&c, dir, "r", 202, "accepted", NULL,
	    T0 + (HS_COUNTERS_RECHECK + 1) * 1000000ULL);
	CHECK(hs_counters_open_ro(dir, &map, &why) == 0, "made again");
	CHECK_INT(total(map, "r", HS_OUT_ACCEPTED), 1,
	    "and counted into from zero");
	hs_counters_unmap(map);
	/* the same file still there: kept, not remapped */
	hs_counters_count(&c, dir, "r", 202, "accepted", NULL,
	    T0 + (3 * HS_COUNTERS_RECHECK) * 1000000ULL);
	CHECK(hs_counters_open_ro(dir, &map, &why) == 0, "readable");
	CHECK_INT(total(map, "r", HS_OUT_ACCEPTED), 2, "kept counting");
	hs_counters_unmap(map);
	hs_counters_close(&c);
}

static void
write_file(const char *p, const void *data, size_t len)
{
	int	 fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0660);

	if (fd == -1 || write(fd, data, len) != (ssize_t)len || close(fd))
		abort();
}

static size_t
read_file(const char *p, char *buf, size_t len)
{
	int	 fd = open(p, O_RDONLY);
	ssize_t	 n;

	if (fd == -1)
		return 0;
	n = read(fd, buf, len);
	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

static void
test_refused(void)
{
	struct hs_counters c = { 0 };
	const void *map;
	const char *why;
	static char buf[HS_COUNTERS_SIZE], back[HS_COUNTERS_SIZE + 1];
	struct stat st;

	/* torn: the right header, cut short */
	fresh();
	hs_counters_count(&c, dir, "a", 202, "accepted", NULL, T0);
	hs_counters_close(&c);
	CHECK_INT(truncate(path(HS_COUNTERS_FILE), 4096), 0, "torn");
	hs_counters_count(&c, dir, "a", 202, "accepted", NULL, T0);
	CHECK(c.map == NULL, "a torn file is not mapped");
	CHECK(stat(path(HS_COUNTERS_FILE), &st) == 0 && st.st_size == 4096,
	    "nor grown, nor replaced");
	CHECK(hs_counters_open_ro(dir, &map, &why) == -1 && errno == EPROTO &&
	    why != NULL, "reader: EPROTO, with a reason");
	hs_counters_close(&c);

	/* foreign: the right size, another magic */
	fresh();
	memset(buf, 'Z', sizeof buf);
	write_file(path(HS_COUNTERS_FILE), buf, sizeof buf);
	hs_counters_count(&c, dir, "a", 401, "error", "bad signature", T0);
	CHECK(c.map == NULL, "a foreign file is not counted into");
	CHECK(read_file(path(HS_COUNTERS_FILE), back, sizeof back) ==
	    sizeof buf && memcmp(back, buf, sizeof buf) == 0,
	    "and left byte for byte");
	CHECK(hs_counters_open_ro(dir, &map, &why) == -1 && errno == EPROTO,
	    "reader: EPROTO");
	hs_counters_close(&c);

	/* another version of ours */
	fresh();
	hs_counters_count(&c, dir, "a", 202, "accepted", NULL, T0);
	hs_counters_close(&c);
	{
		int	 fd = open(path(HS_COUNTERS_FILE), O_WRONLY);
		uint32_t v = 2;

		CHECK(fd != -1 && pwrite(fd, &v, sizeof v, 8) == sizeof v,
		    "version 2 written");
		close(fd);
	}
	CHECK(hs_counters_open_ro(dir, &map, &why) == -1 && errno == EPROTO,
	    "a version 2 file: EPROTO");

	/* a symlink planted where the file goes: never followed */
	fresh();
	write_file(path("victim"), "keep", 4);
	CHECK_INT(symlink("victim", path(HS_COUNTERS_FILE)), 0, "symlink");
	hs_counters_count(&c, dir, "a", 202, "accepted", NULL, T0);
	CHECK(c.map == NULL, "symlink: not counted");
	CHECK(read_file(path("victim"), back, sizeof back) == 4,
	    "its target untouched");
	CHECK(hs_counters_open_ro(dir, &map, &why) == -1 && errno == ELOOP,
	    "reader: ELOOP");
	hs_counters_close(&c);

	/* a FIFO: never opened blocking, never mapped */
	fresh();
	CHECK_INT(mkfifo(path(HS_COUNTERS_FILE), 0660), 0, "fifo");
	hs_counters_count(&c, dir, "a", 202, "accepted", NULL, T0);
	CHECK(c.map == NULL, "a FIFO is not counted into (and did not hang)");
	hs_counters_close(&c);

	/* a spool that cannot be made: the request is not failed */
	hs_counters_count(&c, "/proc/hookspool-no-such/spool", "a", 202,
	    "accepted", NULL, T0);
	CHECK(c.map == NULL && c.warned == 1, "unwritable: warned once");
	hs_counters_count(&c, "/proc/hookspool-no-such/spool", "a", 202,
	    "accepted", NULL, T0);
	CHECK_INT(c.warned, 1, "still once");
	hs_counters_close(&c);
}

int
main(void)
{
	tap_suite = "counters";
	snprintf(dir, sizeof dir, "/tmp/hs-test-counters-%ld", (long)getpid());
	test_outcomes();
	test_create();
	test_concurrent();
	test_hours();
	test_full_table();
	test_reset();
	test_refused();
	fresh();
	rmdir(dir);
	return tap_done();
}
