/*
 * fault.h - the in-process fault shim the spool unit tests share
 * (test_spool.c, test_cli_spool.c): the test binary defines the libc calls
 * the code under test makes, each passing straight to libc (REAL) unless
 * fault_on() armed it; then its nth call fails with err, or first runs a
 * hook that plays another process's step in a race. Include after check.h.
 */
#ifndef HS_FAULT_H
#define HS_FAULT_H

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#define NFAULT	2
static struct fault {
	const char *call;	/* NULL: nothing armed */
	int	 nth;		/* which call of that name, from 1 */
	int	 err;		/* 0: only the hook */
	void	(*hook)(void);
	int	 seen;
} faults[NFAULT];

/* Arms one more fault (up to NFAULT at a time, on different calls). */
static void
fault_on(const char *call, int nth, int err, void (*hook)(void))
{
	int	 i;

	for (i = 0; i < NFAULT && faults[i].call != NULL; i++)
		;
	if (i == NFAULT) {
		CHECK(0, "fault_on(%s): too many armed", call);
		return;
	}
	faults[i] = (struct fault){ call, nth, err, hook, 0 };
}

static void
fault_off(void)
{
	memset(faults, 0, sizeof faults);
}

/* 1: this call is to fail (errno set). */
static int
faulted(const char *call)
{
	struct fault *f;
	int	 i;

	for (i = 0; i < NFAULT; i++) {
		f = &faults[i];
		if (f->call == NULL || strcmp(call, f->call) != 0 ||
		    ++f->seen != f->nth)
			continue;
		f->call = NULL;	/* the hook's own calls pass through */
		if (f->hook != NULL)
			f->hook();
		if (f->err == 0)
			return 0;
		errno = f->err;
		return 1;
	}
	return 0;
}

/* The next definition of name (libc's), looked up once. */
#define REAL(ret, name, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (real == NULL) \
		real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

#endif
