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

struct timespec
hs_clock_deadline(long seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += seconds;
	return ts;
}

long long
hs_clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
hs_clock_us_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(deadline->tv_sec - now.tv_sec) * 1000000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000;
}

void
hs_clock_rfc3339(struct timespec ts, char out[HS_RFC3339_LEN])
{
	struct tm tm;
	long	 v[7];
	static const int width[7] = { 4, 2, 2, 2, 2, 2, 6 };
	static const char sep[7] = { '-', '-', 'T', ':', ':', '.', 'Z' };
	char	*p = out;
	int	 i, d;

	gmtime_r(&ts.tv_sec, &tm);
	v[0] = tm.tm_year + 1900L;
	v[1] = tm.tm_mon + 1;
	v[2] = tm.tm_mday;
	v[3] = tm.tm_hour;
	v[4] = tm.tm_min;
	v[5] = tm.tm_sec;
	v[6] = (long)(ts.tv_nsec / 1000);
	if (v[0] < 0 || v[0] > 9999 || v[6] < 0 || v[6] > 999999) {
		snprintf(out, HS_RFC3339_LEN,
		    "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (long)(ts.tv_nsec / 1000));
		return;
	}
	/* the snprintf above by hand: this runs twice per request */
	for (i = 0; i < 7; i++) {
		for (d = width[i] - 1; d >= 0; d--) {
			p[d] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		}
		p += width[i];
		*p++ = sep[i];
	}
	*p = '\0';
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
