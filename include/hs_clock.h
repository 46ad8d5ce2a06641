/* hs_clock.h - wall clock, RFC 3339 formatting, injectable verification time. */
#ifndef HS_CLOCK_H
#define HS_CLOCK_H

#include <time.h>

#define HS_RFC3339_LEN	64	/* "2026-11-23T13:37:20.123456Z" + NUL, with room for gcc's worst case */

struct timespec	hs_clock_now(void);
/* Deadlines: CLOCK_MONOTONIC, so a wall-clock step cannot stretch them. */
struct timespec	hs_clock_deadline(long seconds);
/* CLOCK_MONOTONIC in milliseconds, for waits and retry times. */
long long hs_clock_mono_ms(void);
/* Microseconds until deadline; <= 0 once it has passed. */
long long hs_clock_us_left(const struct timespec *deadline);
/* RFC 3339 UTC with microseconds: 2026-11-23T13:37:20.123456Z */
void	hs_clock_rfc3339(struct timespec ts, char out[HS_RFC3339_LEN]);
/* Same for whole seconds since the epoch, no fraction: 2026-11-23T13:37:20Z */
int	hs_clock_rfc3339_secs(long long secs, char out[HS_RFC3339_LEN]);

/*
 * The time signatures are checked against. Normally the wall clock;
 * HOOKSPOOL_NOW in the process environment (never the request's) or
 * the config key "verify_now" pin it so published vectors with old
 * timestamps can be tested. fixed == 0 means "use the wall clock".
 */
long long hs_clock_verify_now(long long fixed);

#endif
