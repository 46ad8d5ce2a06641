/*
 * failcall.c - an LD_PRELOAD shim that makes one file operation on the
 * spool fail, for tests/faults/inject.sh (SQLite's I/O-error test, for
 * hookspool): every call of open/openat, write/writev, fsync/fdatasync,
 * close, rename/renameat/renameat2, link/linkat, unlink/unlinkat,
 * mkdir/mkdirat and flock that touches a path under HS_FAIL_UNDER (or an
 * fd opened there) is counted, from 1.
 *
 *   HS_FAIL_UNDER=/path   only calls under this directory count
 *   HS_FAIL_LOG=FILE      appends "N name path" for every counted call
 *   HS_FAIL=N:WHAT        call N fails: WHAT is an errno name (EIO,
 *                         ENOSPC, EDQUOT, EACCES, EINTR, ...) or "short"
 *                         (a write or writev that writes half and says so)
 *
 * A failed close still closes (Linux releases the fd whatever close
 * returns); every other failed call does nothing. Production code is not
 * touched: the receiver is linked dynamically (LINK=libs) for this test.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAXFD	4096

static char	 under[PATH_MAX];
static size_t	 underlen;
static long	 fail_at = -1, count;
static int	 fail_errno, fail_short, inited;
static pid_t	 counting_pid;	/* only the process we started in counts */
static unsigned char spool_fd[MAXFD];

static const struct { const char *name; int value; } errnos[] = {
	{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EDQUOT", EDQUOT },
	{ "EACCES", EACCES }, { "EINTR", EINTR }, { "EROFS", EROFS },
	{ "EMFILE", EMFILE }, { "ENOLCK", ENOLCK }, { "EPERM", EPERM },
	{ "EINVAL", EINVAL }, { "ENOSYS", ENOSYS }, { "EXDEV", EXDEV },
};

static void
init(void)
{
	const char *u = getenv("HS_FAIL_UNDER"), *f = getenv("HS_FAIL"), *c;
	size_t	 i;

	inited = 1;
	counting_pid = getpid();
	if (u && *u && strlen(u) < sizeof under) {
		strcpy(under, u);
		underlen = strlen(under);
		while (underlen > 1 && under[underlen - 1] == '/')
			under[--underlen] = '\0';
	}
	if (f && (c = strchr(f, ':')) != NULL) {
		fail_at = strtol(f, NULL, 10);
		if (strcmp(c + 1, "short") == 0)
			fail_short = 1;
		for (i = 0; i < sizeof errnos / sizeof *errnos; i++)
			if (strcmp(c + 1, errnos[i].name) == 0)
				fail_errno = errnos[i].value;
		if (!fail_short && fail_errno == 0)
			fail_errno = EIO;
	}
	/* and whatever it executes starts without the shim */
	unsetenv("LD_PRELOAD");
}

static int
is_under(const char *path)
{
	return underlen && strncmp(path, under, underlen) == 0 &&
	    (path[underlen] == '/' || path[underlen] == '\0');
}

/* The absolute path of name relative to dirfd (best effort). */
static int
at_path(int dirfd, const char *name, char *out, size_t outlen)
{
	char	 link[64], dir[PATH_MAX];
	ssize_t	 n;

	if (name == NULL)
		return -1;
	if (name[0] == '/' || dirfd == AT_FDCWD) {
		if (name[0] == '/')
			return snprintf(out, outlen, "%s", name) < (int)outlen ?
			    0 : -1;
		if (getcwd(dir, sizeof dir) == NULL)
			return -1;
	} else {
		snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
		if ((n = readlink(link, dir, sizeof dir - 1)) <= 0)
			return -1;
		dir[n] = '\0';
	}
	return snprintf(out, outlen, "%s/%s", dir, name) < (int)outlen ? 0 : -1;
}

static void
logcall(const char *name, const char *what)
{
	const char *log = getenv("HS_FAIL_LOG");
	char	 line[PATH_MAX + 64];
	int	 fd, n;
	int	 (*real_open)(const char *, int, ...);

	if (log == NULL)
		return;
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	n = snprintf(line, sizeof line, "%ld %s %s\n", count, name, what);
	if ((fd = real_open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		return;
	if (write(fd, line, (size_t)n) < 0)
		(void)0;
	((int (*)(int))dlsym(RTLD_NEXT, "close"))(fd);
}

/* Counts a call on the spool; 1 when this one is to fail (errno set). */
static int
counted(const char *name, const char *what)
{
	if (!inited)
		init();
	/* a child (a handler, between fork and exec, or after) neither
	 * counts nor fails: the calls walked are the process's own */
	if (getpid() != counting_pid)
		return 0;
	count++;
	logcall(name, what);
	if (count != fail_at)
		return 0;
	if (fail_short)
		return 2;
	errno = fail_errno;
	return 1;
}

static int
path_call(const char *name, int dirfd, const char *path)
{
	char	 abs[PATH_MAX];

	if (!inited)
		init();
	if (!underlen || at_path(dirfd, path, abs, sizeof abs) == -1 ||
	    !is_under(abs))
		return 0;
	return counted(name, abs) == 1;
}

static int
fd_call(const char *name, int fd)
{
	char	 what[32];

	if (!inited)
		init();
	if (fd < 0 || fd >= MAXFD || !spool_fd[fd])
		return 0;
	snprintf(what, sizeof what, "fd %d", fd);
	return counted(name, what);
}

static void
mark(int fd, int on)
{
	if (fd >= 0 && fd < MAXFD)
		spool_fd[fd] = (unsigned char)on;
}

#define REAL(ret, name, ...) \
	static ret (*real)(__VA_ARGS__); \
	if (real == NULL) \
		real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, name)

static int
do_openat(const char *name, int dirfd, const char *path, int flags,
    mode_t mode)
{
	REAL(int, "openat", int, const char *, int, ...);
	char	 abs[PATH_MAX];
	int	 fd, ours;

	if (!inited)
		init();
	ours = underlen && at_path(dirfd, path, abs, sizeof abs) == 0 &&
	    is_under(abs);
	if (ours && counted(name, abs) == 1)
		return -1;
	fd = real(dirfd, path, flags, mode);
	if (fd != -1)
		mark(fd, ours);
	return fd;
}

/* the mode argument is there only with O_CREAT or O_TMPFILE */
#define MODE_ARG(flags, mode) do {					\
	va_list	 ap_;							\
									\
	va_start(ap_, flags);						\
	if ((flags) & (O_CREAT | O_TMPFILE))				\
		mode = (mode_t)va_arg(ap_, int);			\
	va_end(ap_);							\
} while (0)

int
open(const char *path, int flags, ...)
{
	mode_t	 mode = 0;

	MODE_ARG(flags, mode);
	return do_openat("open", AT_FDCWD, path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	mode_t	 mode = 0;

	MODE_ARG(flags, mode);
	return do_openat("open", AT_FDCWD, path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	mode_t	 mode = 0;

	MODE_ARG(flags, mode);
	return do_openat("openat", dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t	 mode = 0;

	MODE_ARG(flags, mode);
	return do_openat("openat", dirfd, path, flags, mode);
}

/* _FORTIFY_SOURCE's checked variants */
int	__open_2(const char *, int);
int	__openat_2(int, const char *, int);
int
__open_2(const char *path, int flags)
{
	return do_openat("open", AT_FDCWD, path, flags, 0);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	return do_openat("openat", dirfd, path, flags, 0);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(ssize_t, "write", int, const void *, size_t);
	int	 f = fd_call("write", fd);

	if (f == 1)
		return -1;
	if (f == 2 && len > 1)
		len /= 2;
	return real(fd, buf, len);
}

ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	REAL(ssize_t, "writev", int, const struct iovec *, int);
	int	 f = fd_call("writev", fd);

	if (f == 1)
		return -1;
	if (f == 2 && iovcnt > 0 && iov[0].iov_len > 1) {
		struct iovec half = { iov[0].iov_base, iov[0].iov_len / 2 };

		return real(fd, &half, 1);
	}
	return real(fd, iov, iovcnt);
}

int
fsync(int fd)
{
	REAL(int, "fsync", int);

	if (fd_call("fsync", fd) != 0) {
		errno = fail_short ? EIO : errno;
		return -1;
	}
	return real(fd);
}

int
fdatasync(int fd)
{
	REAL(int, "fdatasync", int);

	if (fd_call("fdatasync", fd) != 0) {
		errno = fail_short ? EIO : errno;
		return -1;
	}
	return real(fd);
}

int
close(int fd)
{
	REAL(int, "close", int);
	int	 f = fd_call("close", fd), saved = errno, rc;

	mark(fd, 0);
	rc = real(fd);
	if (f != 0) {
		errno = fail_short ? EIO : saved;
		return -1;
	}
	return rc;
}

int
flock(int fd, int op)
{
	REAL(int, "flock", int, int);

	if (fd_call("flock", fd) != 0) {
		errno = fail_short ? ENOLCK : errno;
		return -1;
	}
	return real(fd, op);
}

int
mkdir(const char *path, mode_t mode)
{
	REAL(int, "mkdir", const char *, mode_t);

	return path_call("mkdir", AT_FDCWD, path) ? -1 : real(path, mode);
}

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	REAL(int, "mkdirat", int, const char *, mode_t);

	return path_call("mkdirat", dirfd, path) ? -1 :
	    real(dirfd, path, mode);
}

int
unlink(const char *path)
{
	REAL(int, "unlink", const char *);

	return path_call("unlink", AT_FDCWD, path) ? -1 : real(path);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	REAL(int, "unlinkat", int, const char *, int);

	return path_call("unlinkat", dirfd, path) ? -1 :
	    real(dirfd, path, flags);
}

int
rename(const char *from, const char *to)
{
	REAL(int, "rename", const char *, const char *);

	return path_call("rename", AT_FDCWD, to) ? -1 : real(from, to);
}

int
renameat(int fd1, const char *from, int fd2, const char *to)
{
	REAL(int, "renameat", int, const char *, int, const char *);

	return path_call("renameat", fd2, to) ? -1 : real(fd1, from, fd2, to);
}

int
renameat2(int fd1, const char *from, int fd2, const char *to,
    unsigned int flags)
{
	REAL(int, "renameat2", int, const char *, int, const char *,
	    unsigned int);

	return path_call("renameat2", fd2, to) ? -1 :
	    real(fd1, from, fd2, to, flags);
}

int
link(const char *from, const char *to)
{
	REAL(int, "link", const char *, const char *);

	return path_call("link", AT_FDCWD, to) ? -1 : real(from, to);
}

int
linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	REAL(int, "linkat", int, const char *, int, const char *, int);

	return path_call("linkat", fd2, to) ? -1 :
	    real(fd1, from, fd2, to, flags);
}
