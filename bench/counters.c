/*
 * bench/counters.c - the receiver's cost of counting one answer
 * (hs_counters_count: the endpoint's slot, two atomic adds, the last
 * refusal), timed in process: one process, then PROCS processes counting
 * into the same file at once (one cache line shared, as under FastCGI).
 * The ratio to a request's time comes from bench/run.sh's wrk runs.
 *
 *   counters DIR N PROCS  ->  "COUNTERS ns_per_count_1=X ns_per_count_P=Y"
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hs_counters.h"

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* N counts as the receiver makes them: mostly accepted, some refused */
static double
run(const char *dir, long n)
{
	struct hs_counters c = { 0 };
	double	 t0;
	long	 i;
	uint64_t usec = (uint64_t)time(NULL) * 1000000;

	hs_counters_count(&c, dir, "circularo", 200, "accepted", NULL, usec);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		hs_counters_count(&c, dir, "circularo", i % 16 ? 200 : 401,
		    i % 16 ? "accepted" : "error", "bad signature",
		    usec + (uint64_t)i);
	t0 = (now_ns() - t0) / (double)n;
	hs_counters_close(&c);
	return t0;
}

int
main(int argc, char **argv)
{
	double	 one, many = 0;
	long	 n;
	int	 procs, i, fds[2], status;

	if (argc != 4 || (n = atol(argv[2])) <= 0 || (procs = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: counters DIR N PROCS\n");
		return 2;
	}
	one = run(argv[1], n);
	if (pipe(fds) == -1)
		return 1;
	for (i = 0; i < procs; i++)
		if (fork() == 0) {
			double	 t = run(argv[1], n);

			if (write(fds[1], &t, sizeof t) != sizeof t)
				_exit(1);
			_exit(0);
		}
	for (i = 0; i < procs; i++) {
		double	 t;

		if (read(fds[0], &t, sizeof t) != sizeof t)
			return 1;
		many = t > many ? t : many;
		wait(&status);
	}
	printf("COUNTERS ns_per_count_1=%.1f ns_per_count_%d=%.1f\n", one, procs,
	    many);
	return 0;
}
