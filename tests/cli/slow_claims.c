/*
 * slow_claims.c - LD_PRELOAD for tests/cli/run.sh: the scheduling of a
 * loaded host, made reliable. Each successful renameat2(2) and each
 * successful non-blocking exclusive flock(2) is followed by a short
 * pause, as if the process had been preempted right there. A claim
 * protocol with a gap between "the file is in cur/" and "its runner holds
 * the lock" then loses that race within seconds, where an idle machine
 * shows it a few times in ten thousand events.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#define RENAME_PAUSE_US	3000
#define LOCK_PAUSE_US	2000

int
renameat2(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath, unsigned int flags)
{
	static int (*real)(int, const char *, int, const char *, unsigned int);
	int	 rc;

	if (real == NULL)
		real = (int (*)(int, const char *, int, const char *,
		    unsigned int))dlsym(RTLD_NEXT, "renameat2");
	rc = real(olddirfd, oldpath, newdirfd, newpath, flags);
	if (rc == 0)
		usleep(RENAME_PAUSE_US);
	return rc;
}

int
flock(int fd, int op)
{
	static int (*real)(int, int);
	int	 rc;

	if (real == NULL)
		real = (int (*)(int, int))dlsym(RTLD_NEXT, "flock");
	rc = real(fd, op);
	if (rc == 0 && (op & LOCK_EX) && (op & LOCK_NB))
		usleep(LOCK_PAUSE_US);
	return rc;
}
