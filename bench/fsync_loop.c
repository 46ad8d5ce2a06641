/*
 * fsync_loop.c - the limit for durable spooling on this file system: N
 * processes each loop over exactly what a durable Maildir delivery costs -
 *   open(tmp/ID, O_CREAT|O_EXCL), write(body), fsync, close,
 *   rename(tmp/ID, new/ID), open(new/), fsync(new/), close
 * - for SECONDS seconds, with no HTTP, no parsing and no HMAC.
 *
 *   fsync_loop DIR PROCS BODY_FILE SECONDS DURABLE(0|1)
 *
 * DIR gets tmp/ and new/ (created). With DURABLE=0 both fsyncs are skipped
 * (the limit for "durable": false). Prints one line:
 *   files=N seconds=S files_per_s=R
 * Every created file stays in DIR/new/ so the caller can count them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int	main(int, char **);

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static unsigned long
worker(const char *dir, int w, const char *body, size_t len, double until,
    int durable)
{
	char	 tmp[PATH_MAX], dst[PATH_MAX], newdir[PATH_MAX];
	unsigned long n = 0;
	int	 fd, dfd;

	snprintf(newdir, sizeof newdir, "%s/new", dir);
	while (now() < until) {
		snprintf(tmp, sizeof tmp, "%s/tmp/%d.%d.%lu", dir, w,
		    (int)getpid(), n);
		snprintf(dst, sizeof dst, "%s/new/%d.%d.%lu", dir, w,
		    (int)getpid(), n);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
		if (fd == -1 || write_all(fd, body, len) == -1 ||
		    (durable && fsync(fd) == -1) || close(fd) == -1) {
			perror(tmp);
			exit(1);
		}
		if (rename(tmp, dst) == -1) {
			perror(dst);
			exit(1);
		}
		if (durable) {
			dfd = open(newdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd == -1 || fsync(dfd) == -1) {
				perror(newdir);
				exit(1);
			}
			close(dfd);
		}
		n++;
	}
	return n;
}

int
main(int argc, char **argv)
{
	char	 path[PATH_MAX], *body;
	struct stat st;
	double	 t0, t1, secs;
	unsigned long total = 0, n;
	int	 procs, durable, i, fd, pfd[2], status, failed = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: fsync_loop DIR PROCS BODY_FILE "
		    "SECONDS DURABLE\n");
		return 2;
	}
	procs = atoi(argv[2]);
	secs = atof(argv[4]);
	durable = atoi(argv[5]);
	if (procs < 1 || procs > 256 || secs <= 0) {
		fprintf(stderr, "fsync_loop: bad PROCS or SECONDS\n");
		return 2;
	}
	if ((fd = open(argv[3], O_RDONLY)) == -1 || fstat(fd, &st) == -1 ||
	    (body = malloc((size_t)st.st_size + 1)) == NULL ||
	    read(fd, body, (size_t)st.st_size) != st.st_size) {
		perror(argv[3]);
		return 1;
	}
	close(fd);
	mkdir(argv[1], 0770);
	snprintf(path, sizeof path, "%s/tmp", argv[1]);
	mkdir(path, 0770);
	snprintf(path, sizeof path, "%s/new", argv[1]);
	mkdir(path, 0770);
	if (pipe(pfd) == -1) {
		perror("pipe");
		return 1;
	}
	t0 = now();
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid == -1) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			close(pfd[0]);
			n = worker(argv[1], i, body, (size_t)st.st_size,
			    t0 + secs, durable);
			if (write(pfd[1], &n, sizeof n) != sizeof n)
				_exit(1);
			_exit(0);
		}
	}
	close(pfd[1]);
	for (i = 0; i < procs; i++) {
		if (read(pfd[0], &n, sizeof n) != sizeof n) {
			failed = 1;
			continue;
		}
		total += n;
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = 1;
	t1 = now();
	printf("files=%lu seconds=%.3f files_per_s=%.1f\n", total, t1 - t0,
	    (double)total / (t1 - t0));
	return failed;
}
