/* clock.c - time sources and formatting. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hs_clock.h"

struct timespec
hs_clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

void
hs_clock_rfc3339(struct timespec ts, char out[HS_RFC3339_LEN])
{
	struct tm tm;

	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, HS_RFC3339_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(ts.tv_nsec / 1000));
}

int
hs_clock_rfc3339_secs(long long secs, char out[HS_RFC3339_LEN])
{
	struct tm tm;
	time_t	 t = (time_t)secs;

	if (secs < 0 || secs > 253402300799LL || gmtime_r(&t, &tm) == NULL)
		return -1;
	snprintf(out, HS_RFC3339_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	return 0;
}

long long
hs_clock_verify_now(long long fixed)
{
	const char *env;
	char	*end;
	long long v;

	if (fixed > 0)
		return fixed;
	if ((env = getenv("HOOKSPOOL_NOW")) != NULL && *env) {
		v = strtoll(env, &end, 10);
		if (*end == '\0' && v > 0)
			return v;
	}
	return (long long)time(NULL);
}
