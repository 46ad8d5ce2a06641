/* check.h - the unit tests' assertions: a FAIL line per failed check and
 * the closing "N passed, N failed" line CI reads (not TAP: passes are
 * counted, not printed). */
#ifndef HS_CHECK_H
#define HS_CHECK_H

#include <stdio.h>
#include <string.h>

static int tap_passed, tap_failed;
static const char *tap_suite = "unit";

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		tap_passed++;						\
	} else {							\
		tap_failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

#define CHECK_STR(got, want, what) do {					\
	const char *g_ = (got), *w_ = (want);				\
	CHECK(g_ && w_ && strcmp(g_, w_) == 0, "%s: got \"%s\" want \"%s\"", \
	    what, g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

#define CHECK_INT(got, want, what) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	CHECK(g_ == w_, "%s: got %lld want %lld", what, g_, w_);	\
} while (0)

static inline int
tap_done(void)
{
	printf("%s: %d passed, %d failed\n", tap_suite, tap_passed,
	    tap_failed);
	return tap_failed ? 1 : 0;
}

#endif
