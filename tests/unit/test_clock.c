/*
 * test_clock.c - the timestamps every spool file carries (cgi/clock.c):
 * RFC 3339 in UTC with microseconds, the fallback outside years
 * 0000..9999, the seconds-only form the CLI prints, and which "now" the
 * signature windows use (the config's fixed one, HOOKSPOOL_NOW, the clock).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs_clock.h"
#include "check.h"

static void
test_rfc3339(void)
{
	char	 out[HS_RFC3339_LEN];

	hs_clock_rfc3339((struct timespec){ 0, 0 }, out);
	CHECK_STR(out, "1970-01-01T00:00:00.000000Z", "the epoch");
	hs_clock_rfc3339((struct timespec){ 1700000000, 123456789 }, out);
	CHECK_STR(out, "2023-11-14T22:13:20.123456Z",
	    "microseconds, nanoseconds cut (not rounded)");
	hs_clock_rfc3339((struct timespec){ 253402300799LL, 999999999 }, out);
	CHECK_STR(out, "9999-12-31T23:59:59.999999Z", "the last 4-digit second");
	/* outside the fast path's widths: the same fields, printf's way */
	hs_clock_rfc3339((struct timespec){ 253402300800LL, 0 }, out);
	CHECK_STR(out, "10000-01-01T00:00:00.000000Z", "year 10000 whole, not "
	    "cut to 4 digits");
	hs_clock_rfc3339((struct timespec){ 1700000000, 1000000000L }, out);
	CHECK_STR(out, "2023-11-14T22:13:20.1000000Z",
	    "an unnormalised tv_nsec is printed, not wrapped");
	hs_clock_rfc3339((struct timespec){ -62167219201LL, 0 }, out);
	CHECK(out[0] == '-' && strstr(out, "-12-31T23:59:59.000000Z") != NULL,
	    "a year before 0000: printed signed: %s", out);
}

static void
test_rfc3339_secs(void)
{
	char	 out[HS_RFC3339_LEN];

	CHECK(hs_clock_rfc3339_secs(0, out) == 0 &&
	    strcmp(out, "1970-01-01T00:00:00Z") == 0, "the epoch: %s", out);
	CHECK(hs_clock_rfc3339_secs(253402300799LL, out) == 0 &&
	    strcmp(out, "9999-12-31T23:59:59Z") == 0, "the last one: %s", out);
	CHECK_INT(hs_clock_rfc3339_secs(253402300800LL, out), -1,
	    "year 10000: refused");
	CHECK_INT(hs_clock_rfc3339_secs(-1, out), -1, "before the epoch: refused");
}

static void
test_verify_now(void)
{
	long long now;

	unsetenv("HOOKSPOOL_NOW");
	CHECK_INT(hs_clock_verify_now(1234), 1234, "the config's fixed time wins");
	setenv("HOOKSPOOL_NOW", "99", 1);
	CHECK_INT(hs_clock_verify_now(1234), 1234, "... over HOOKSPOOL_NOW too");
	CHECK_INT(hs_clock_verify_now(0), 99, "HOOKSPOOL_NOW, when no fixed time");
	now = (long long)time(NULL);
	setenv("HOOKSPOOL_NOW", "12x", 1);
	CHECK(hs_clock_verify_now(0) >= now, "HOOKSPOOL_NOW 12x: the clock");
	setenv("HOOKSPOOL_NOW", "0", 1);
	CHECK(hs_clock_verify_now(0) >= now, "HOOKSPOOL_NOW 0: the clock");
	setenv("HOOKSPOOL_NOW", "-5", 1);
	CHECK(hs_clock_verify_now(0) >= now, "HOOKSPOOL_NOW -5: the clock");
	setenv("HOOKSPOOL_NOW", "", 1);
	CHECK(hs_clock_verify_now(0) >= now, "HOOKSPOOL_NOW empty: the clock");
	unsetenv("HOOKSPOOL_NOW");
	CHECK(hs_clock_verify_now(0) >= now, "unset: the clock");
}

int
main(void)
{
	tap_suite = "test_clock";
	test_rfc3339();
	test_rfc3339_secs();
	test_verify_now();
	return tap_done();
}
