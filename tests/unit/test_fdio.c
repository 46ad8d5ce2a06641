/*
 * test_fdio.c - the leaf byte loops (cgi/fdio.c) and the one UTF-8
 * validator (hs_utf8_len): what every module relies on them for.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hs_fdio.h"
#include "hs_json.h"
#include "check.h"

static void
test_write_read(void)
{
	int	 p[2];
	char	*got;
	size_t	 len = 0;
	struct iovec iov[3] = {
		{ (void *)"ab", 2 }, { (void *)"", 0 }, { (void *)"cde", 3 },
	};

	CHECK(pipe(p) == 0, "pipe");
	CHECK(hs_write_all(p[1], "xy", 2) == 0, "write_all");
	CHECK(hs_writev_all(p[1], iov, 3) == 0, "writev_all skips empty vectors");
	close(p[1]);
	got = hs_read_all(p[0], 16, &len);
	CHECK_STR(got, "xyabcde", "read back in order");
	CHECK_INT(len, 7, "length");
	free(got);
	close(p[0]);

	CHECK(pipe(p) == 0, "pipe");
	CHECK(hs_write_all(p[1], "0123456789", 10) == 0, "write 10");
	close(p[1]);
	errno = 0;
	CHECK(hs_read_all(p[0], 9, &len) == NULL && errno == EFBIG,
	    "a file one byte over max is EFBIG, not cut");
	close(p[0]);

	CHECK(pipe(p) == 0, "pipe");
	CHECK(hs_write_all(p[1], "012345678", 9) == 0, "write 9");
	close(p[1]);
	got = hs_read_all(p[0], 9, &len);
	CHECK(got != NULL && len == 9, "exactly max is read whole");
	free(got);
	close(p[0]);

	{
		struct iovec many[9];
		int	 k;

		for (k = 0; k < 9; k++)
			many[k] = (struct iovec){ (void *)"a", 1 };
		errno = 0;
		CHECK(hs_writev_all(1, many, 9) == -1 && errno == EINVAL,
		    "more than 8 vectors: EINVAL, nothing written");
	}

	/* a closed reader: EPIPE, errno kept for the caller's message */
	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(p) == 0, "pipe");
	close(p[0]);
	errno = 0;
	CHECK(hs_write_all(p[1], "x", 1) == -1 && errno == EPIPE,
	    "write to a closed pipe fails with EPIPE");
	CHECK(hs_writev_all(p[1], iov, 3) == -1 && errno == EPIPE,
	    "writev to a closed pipe fails with EPIPE");
	close(p[1]);
	errno = 0;
	CHECK(hs_read_all(-1, 8, &len) == NULL && errno == EBADF,
	    "read of a bad fd: NULL, EBADF");
}

static void
test_utf8(void)
{
	static const struct {
		const char *s;
		size_t	 n, want;
	} v[] = {
		{ "a", 1, 1 }, { "\0", 1, 1 },
		{ "\xc3\xa9", 2, 2 }, { "\xe2\x82\xac", 3, 3 },
		{ "\xf0\x9f\x98\x80", 4, 4 },
		{ "\xc3", 1, 0 },			/* cut short */
		{ "\xc0\xaf", 2, 0 },			/* overlong '/' */
		{ "\xe0\x80\xaf", 3, 0 },		/* overlong */
		{ "\xed\xa0\x80", 3, 0 },		/* surrogate D800 */
		{ "\xf4\x90\x80\x80", 4, 0 },		/* > U+10FFFF */
		{ "\x80", 1, 0 }, { "\xff", 1, 0 },
		{ "\xc3\x28", 2, 0 },			/* bad continuation */
	};
	size_t	 i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		CHECK_INT(hs_utf8_len(v[i].s, v[i].n), v[i].want, "utf8 vector");
	CHECK_INT(hs_utf8_len("a", 0), 0, "nothing left");
	CHECK(hs_utf8_valid("caf\xc3\xa9", 5) && !hs_utf8_valid("\xed\xa0\x80", 3),
	    "hs_utf8_valid agrees with hs_utf8_len");
}

int
main(void)
{
	tap_suite = "test_fdio";
	test_write_read();
	test_utf8();
	return tap_done();
}
