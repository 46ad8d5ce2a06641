/*
 * test_spool.c - cgi/spool.c through its API: the spool's alphabet, event
 * ids, the symlink-proof directory opens, delivery (exactly one complete
 * file on success, nothing in tmp/ or the state directory on any failure,
 * and the reason), rename without replace and its link + unlink fallback,
 * and the duplicate markers with the races between two copies of one
 * delivery.
 *
 * Faults are injected in-process: this file defines the libc calls
 * spool.c makes (open, openat, mkdir, mkdirat, write, writev, fsync, close,
 * renameat2, linkat, unlinkat, fstat, fstatat, flock, fdopendir, readdir,
 * getrandom, gethostname); the static library's calls bind to them, and each passes
 * through to libc unless armed with fault_on(): the nth call of one name
 * then runs a hook (another process's step of a race, say) and fails with
 * the errno given, or, with errno 0, goes on after the hook.
 */
#undef _FORTIFY_SOURCE		/* its inline wrappers would shadow ours */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hs_spool.h"
#include "check.h"
#include "fault.h"

/* --- the fault shim ------------------------------------------------------ */

static int	 calls_fsync;	/* every fsync, armed or not */
static const char *fake_host;	/* gethostname's answer when set */
static int	 fake_host_fail, fake_random_fail;

int
open(const char *path, int flags, ...)
{
	REAL(int, "open", const char *, int, ...);
	va_list	 ap;
	mode_t	 mode = 0;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	return faulted("open") ? -1 : real(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	REAL(int, "openat", int, const char *, int, ...);
	va_list	 ap;
	mode_t	 mode = 0;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = (mode_t)va_arg(ap, int);
	va_end(ap);
	return faulted("openat") ? -1 : real(dirfd, path, flags, mode);
}

int
mkdir(const char *path, mode_t mode)
{
	REAL(int, "mkdir", const char *, mode_t);

	return faulted("mkdir") ? -1 : real(path, mode);
}

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	REAL(int, "mkdirat", int, const char *, mode_t);

	return faulted("mkdirat") ? -1 : real(dirfd, path, mode);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	REAL(ssize_t, "write", int, const void *, size_t);

	return faulted("write") ? -1 : real(fd, buf, len);
}

ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	REAL(ssize_t, "writev", int, const struct iovec *, int);

	return faulted("writev") ? -1 : real(fd, iov, iovcnt);
}

int
fsync(int fd)
{
	REAL(int, "fsync", int);

	calls_fsync++;
	return faulted("fsync") ? -1 : real(fd);
}

int
close(int fd)
{
	REAL(int, "close", int);
	int	 rc;

	if (faulted("close")) {
		rc = errno;
		real(fd);	/* Linux: the fd is gone whatever close says */
		errno = rc;
		return -1;
	}
	return real(fd);
}

int
renameat2(int fd1, const char *from, int fd2, const char *to,
    unsigned int flags)
{
	REAL(int, "renameat2", int, const char *, int, const char *,
	    unsigned int);

	return faulted("renameat2") ? -1 : real(fd1, from, fd2, to, flags);
}

int
linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	REAL(int, "linkat", int, const char *, int, const char *, int);

	return faulted("linkat") ? -1 : real(fd1, from, fd2, to, flags);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	REAL(int, "unlinkat", int, const char *, int);

	return faulted("unlinkat") ? -1 : real(dirfd, path, flags);
}

int
fstat(int fd, struct stat *st)
{
	REAL(int, "fstat", int, struct stat *);

	return faulted("fstat") ? -1 : real(fd, st);
}

int
fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	REAL(int, "fstatat", int, const char *, struct stat *, int);

	return faulted("fstatat") ? -1 : real(dirfd, path, st, flags);
}

int
flock(int fd, int op)
{
	REAL(int, "flock", int, int);

	return faulted("flock") ? -1 : real(fd, op);
}

DIR *
fdopendir(int fd)
{
	REAL(DIR *, "fdopendir", int);

	return faulted("fdopendir") ? NULL : real(fd);
}

struct dirent *
readdir(DIR *d)
{
	REAL(struct dirent *, "readdir", DIR *);

	return faulted("readdir") ? NULL : real(d);
}

ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	REAL(ssize_t, "getrandom", void *, size_t, unsigned int);

	if (fake_random_fail) {
		errno = ENOSYS;
		return -1;
	}
	return real(buf, len, flags);
}

int
gethostname(char *name, size_t len)
{
	REAL(int, "gethostname", char *, size_t);

	if (fake_host_fail) {
		errno = EFAULT;
		return -1;
	}
	if (fake_host != NULL) {
		/* glibc's: a name that does not fit is cut, ENAMETOOLONG */
		if (strlen(fake_host) + 1 > len) {
			memcpy(name, fake_host, len);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, fake_host, strlen(fake_host) + 1);
		return 0;
	}
	return real(name, len);
}

/* --- helpers --------------------------------------------------------------- */

static char	 base[] = "/tmp/hs-test-spool-XXXXXX";
static char	 spool[256];
static int	 caseno;

/* A fresh, not yet existing spool path for the next case. */
static const char *
fresh(void)
{
	snprintf(spool, sizeof spool, "%s/s%d", base, ++caseno);
	return spool;
}

static int
files_in(const char *queue, const char *state)
{
	char	 path[512];
	struct dirent *de;
	DIR	*d;
	int	 n = 0;

	snprintf(path, sizeof path, "%s/%s/%s", spool, queue, state);
	if ((d = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The content of <spool>/<rel>, NULL when there is no such file. */
static char *
slurp(const char *rel)
{
	static char buf[4096];
	char	 path[512];
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof path, "%s/%s", spool, rel);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
put(const char *rel, const char *text)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", spool, rel);
	if ((f = fopen(path, "w")) == NULL) {
		CHECK(0, "cannot write %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void
mk(const char *rel)
{
	char	 path[512];

	snprintf(path, sizeof path, "%s/%s", spool, rel);
	CHECK(mkdir(path, 0700) == 0, "mkdir %s", path);
}

static void
ln(const char *target, const char *rel)
{
	char	 path[512];

	snprintf(path, sizeof path, "%s/%s", spool, rel);
	CHECK(symlink(target, path) == 0, "symlink %s", path);
}

static int
exists(const char *rel)
{
	char	 path[512];
	struct stat st;

	snprintf(path, sizeof path, "%s/%s", spool, rel);
	return lstat(path, &st) == 0;
}

static const struct iovec body[2] = {
	{ (void *)"{\"hello\":", 9 }, { (void *)"1}\n", 3 },
};
#define BODY	"{\"hello\":1}\n"

static int
deliver(const char *queue, const char *state, const char *id, int durable,
    const char **why)
{
	*why = NULL;
	return hs_spool_deliver(spool, queue, state, id, body, 2, durable, why);
}

/* --- names and ids ----------------------------------------------------------- */

static void
test_names(void)
{
	char	 long65[66];

	CHECK(hs_name_valid("signed") && hs_name_valid("a.b_c-9"),
	    "the alphabet: letters, digits, '.', '_', '-'");
	CHECK(!hs_name_valid(NULL), "NULL is no name");
	CHECK(!hs_name_valid(""), "empty is no name");
	CHECK(!hs_name_valid(".dedup") && !hs_name_valid(".."),
	    "a leading dot is refused (hidden, '.', '..', the dedup dir)");
	CHECK(!hs_name_valid("a/b") && !hs_name_valid("a:b") &&
	    !hs_name_valid("a b") && !hs_name_valid("caf\xc3\xa9"),
	    "'/', ':', space and non-ASCII are refused");
	memset(long65, 'q', 65);
	long65[65] = '\0';
	CHECK(!hs_name_valid(long65), "65 characters: too long");
	long65[64] = '\0';
	CHECK(hs_name_valid(long65), "64 characters: HS_NAME_MAX, fine");
	CHECK(hs_name_valid_max("abc", 3) && !hs_name_valid_max("abcd", 3),
	    "hs_name_valid_max: max characters, not one more");
}

/*
 * The id in a fresh process (the host part is worked out once per
 * process), with gethostname saying host, or failing (host NULL).
 */
static void
id_with_host(const char *host, int random_fails, char out[HS_SPOOL_ID_MAX])
{
	struct timespec now = { 1700000000, 123456789 };
	int	 p[2], status;
	ssize_t	 n;
	pid_t	 pid;

	out[0] = '\0';
	if (pipe(p) == -1)
		return;
	if ((pid = fork()) == 0) {
		char	 id[HS_SPOOL_ID_MAX], id2[HS_SPOOL_ID_MAX];

		close(p[0]);
		fake_host = host;
		fake_host_fail = host == NULL;
		fake_random_fail = random_fails;
		hs_spool_new_id(now, id);
		hs_spool_new_id(now, id2);
		/* two ids of one instant in one process still differ */
		if (strcmp(id, id2) == 0)
			id[0] = '!';
		if (write(p[1], id, strlen(id) + 1) == -1)
			exit(1);
		exit(0);	/* exit, not _exit: the coverage counters */
	}
	close(p[1]);
	n = read(p[0], out, HS_SPOOL_ID_MAX - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
}

static void
test_ids(void)
{
	char	 id[HS_SPOOL_ID_MAX], want[HS_SPOOL_ID_MAX], host64[65];
	const char *host;

	id_with_host("Web-01.example", 0, id);
	host = strchr(id, 'Q') ? strchr(strchr(id, 'Q'), '.') : NULL;
	CHECK(strncmp(id, "1700000000.M123456P", 19) == 0,
	    "id starts <sec>.M<usec>P: %s", id);
	CHECK_STR(host, ".Web-01.example", "host kept: letters, digits, '-', '.'");
	CHECK(hs_name_valid_max(id, HS_SPOOL_ID_MAX - 1),
	    "the id is in the spool's alphabet: %s", id);

	id_with_host("a:b/c_d\xc3\xa9~", 0, id);
	host = strchr(id, 'Q') ? strchr(strchr(id, 'Q'), '.') : NULL;
	CHECK_STR(host, ".a_b_c_d___", "':' and '/' (Maildir's), '_', bytes "
	    "past ASCII and '~' become '_'");

	id_with_host("", 0, id);
	host = strchr(id, 'Q') ? strchr(strchr(id, 'Q'), '.') : NULL;
	CHECK_STR(host, ".x", "an empty host name becomes x");

	id_with_host(NULL, 0, id);
	host = strchr(id, 'Q') ? strchr(strchr(id, 'Q'), '.') : NULL;
	CHECK_STR(host, ".localhost", "gethostname failing: localhost");

	memset(host64, 'h', 64);
	host64[64] = '\0';
	id_with_host(host64, 0, id);
	host = strchr(id, 'Q') ? strchr(strchr(id, 'Q'), '.') : NULL;
	CHECK(host != NULL && strlen(host + 1) == 64 &&
	    hs_name_valid_max(id, HS_SPOOL_ID_MAX - 1),
	    "a 64-character host (HOST_NAME_MAX) fits whole: %s", id);

	/* no getrandom (old kernel): time and pid stand in, still unique */
	id_with_host("h", 1, id);
	snprintf(want, sizeof want, "1700000000.M123456P");
	CHECK(strncmp(id, want, strlen(want)) == 0 && id[0] != '!' &&
	    strstr(id, "Q1.h") != NULL,
	    "without getrandom: a well-formed id, two in a row differ: %s", id);
}

/* --- directories ----------------------------------------------------------- */

static void
make_root(void)		/* the other receiver's mkdir */
{
	CHECK(mkdir(spool, 0700) == 0, "hook: mkdir %s", spool);
}

static void
make_raced(void)
{
	char	 path[512];

	snprintf(path, sizeof path, "%s/raced", spool);
	CHECK(mkdir(path, 0700) == 0, "hook: mkdir %s", path);
}

static void
test_dirs(void)
{
	struct stat st;
	long	 count = 0;
	long long bytes = 0;
	int	 fd, rfd;
	char	 path[512];

	/* the root, made on demand with its parent fsync'd */
	fresh();
	CHECK_INT(hs_spool_open_root(spool, 0), -1, "no root, create=0: -1");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	CHECK(!exists(""), "... and nothing made");
	calls_fsync = 0;
	rfd = hs_spool_open_root(spool, 1);
	CHECK(rfd >= 0, "create=1 makes the root");
	CHECK(stat(spool, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (st.st_mode & 07777) == 02770, "root is mode 02770 whatever the umask");
	CHECK_INT(calls_fsync, 1, "the root's parent is fsync'd once");
	close(rfd);

	/* a relative root (the API allows it; config insists on absolute) is
	 * made in the working directory */
	{
		int	 cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		CHECK(cwd >= 0 && chdir(base) == 0, "chdir");
		rfd = hs_spool_open_root("relative-spool", 1);
		CHECK(rfd >= 0 && access("relative-spool", F_OK) == 0,
		    "a relative root is made in the working directory");
		close(rfd);
		CHECK(fchdir(cwd) == 0, "back to the working directory");
		close(cwd);
	}

	/* a root whose parent is missing is not made (no mkdir -p) */
	snprintf(path, sizeof path, "%s/nope/spool", base);
	CHECK_INT(hs_spool_open_root(path, 1), -1, "root's parent missing: -1");
	CHECK_INT(errno, ENOENT, "... ENOENT");

	/* another receiver makes the root between our open and mkdir */
	fresh();
	fault_on("mkdir", 1, EEXIST, make_root);
	rfd = hs_spool_open_root(spool, 1);
	CHECK(rfd >= 0, "lost the race to mkdir (EEXIST): the root opens");
	fault_off();
	close(rfd);

	/* spool_dir is a file: ENOTDIR, even with create */
	fresh();
	{
		FILE	*f = fopen(spool, "w");

		CHECK(f != NULL && fclose(f) == 0, "spool_dir made a file");
	}
	CHECK_INT(hs_spool_open_root(spool, 1), -1, "spool_dir a file: -1");
	CHECK_INT(errno, ENOTDIR, "... ENOTDIR");
	/* made, then cannot be opened (EMFILE) */
	fresh();
	fault_on("open", 2, EMFILE, NULL);
	CHECK_INT(hs_spool_open_root(spool, 1), -1, "reopen fails: -1");
	CHECK_INT(errno, EMFILE, "... EMFILE");
	fault_off();

	/* the root's parent cannot be fsync'd: no root fd */
	fresh();
	fault_on("fsync", 1, EIO, NULL);
	CHECK_INT(hs_spool_open_root(spool, 1), -1, "parent fsync fails: -1");
	CHECK_INT(errno, EIO, "... with fsync's EIO");
	fault_off();
	fresh();
	fault_on("open", 3, EACCES, NULL);	/* open, open again, parent */
	CHECK_INT(hs_spool_open_root(spool, 1), -1, "parent cannot be opened: -1");
	CHECK_INT(errno, EACCES, "... EACCES");
	fault_off();

	/* subdirectories: one component, never a symlink or a file */
	fresh();
	rfd = hs_spool_open_root(spool, 1);
	CHECK_INT(hs_spool_subdir(rfd, "", 1), -1, "\"\" is no component");
	CHECK_INT(errno, EINVAL, "... EINVAL");
	CHECK(hs_spool_subdir(rfd, ".", 1) == -1 && errno == EINVAL &&
	    hs_spool_subdir(rfd, "..", 1) == -1 && errno == EINVAL &&
	    hs_spool_subdir(rfd, "a/b", 1) == -1 && errno == EINVAL,
	    "'.', '..' and 'a/b' are EINVAL");
	CHECK(!exists("a"), "... and 'a/b' made nothing");
	CHECK_INT(hs_spool_subdir(rfd, "q", 0), -1, "missing, create=0: -1");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	calls_fsync = 0;
	fd = hs_spool_subdir(rfd, "q", 1);
	CHECK(fd >= 0 && exists("q"), "create=1 makes it");
	CHECK_INT(calls_fsync, 1, "... and fsyncs the parent");
	close(fd);
	snprintf(path, sizeof path, "%s/q", spool);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 02770,
	    "subdir mode 02770");
	calls_fsync = 0;
	fd = hs_spool_subdir(rfd, "q", 1);
	CHECK(fd >= 0 && calls_fsync == 0, "an existing one just opens");
	close(fd);

	ln("/tmp", "planted");
	CHECK_INT(hs_spool_subdir(rfd, "planted", 1), -1, "symlink: refused");
	CHECK_INT(errno, ELOOP, "... ELOOP, not the kernel's ENOTDIR");
	put("file", "x");
	CHECK_INT(hs_spool_subdir(rfd, "file", 1), -1, "a file: refused");
	CHECK_INT(errno, ENOTDIR, "... ENOTDIR");
	CHECK(strstr(hs_spool_dir_error(ELOOP), "symbolic link") != NULL,
	    "ELOOP says symbolic link");
	CHECK_STR(hs_spool_dir_error(ENOTDIR), "is not a directory", "ENOTDIR");
	/* the file goes away before we can look at what it was */
	fault_on("fstatat", 1, ENOENT, NULL);
	CHECK_INT(hs_spool_subdir(rfd, "file", 1), -1, "a file, gone meanwhile");
	CHECK_INT(errno, ENOTDIR, "... still ENOTDIR (open's errno kept)");
	fault_off();
	CHECK_STR(hs_spool_dir_error(ENOSPC), strerror(ENOSPC),
	    "anything else: strerror");

	/* another process makes it between our openat and mkdirat */
	fault_on("mkdirat", 1, EEXIST, make_raced);
	fd = hs_spool_subdir(rfd, "raced", 1);
	CHECK(fd >= 0, "lost the race to mkdirat (EEXIST): it opens");
	close(fd);
	fault_off();
	snprintf(path, sizeof path, "%s/raced", spool);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 02770,
	    "... and gets mode 02770 (the winner's 0700 fixed)");
	/* EEXIST, then gone again (a file planted and removed): -1 */
	fault_on("mkdirat", 1, EEXIST, NULL);
	CHECK_INT(hs_spool_subdir(rfd, "vanished", 1), -1,
	    "EEXIST but nothing there: the reopen fails");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	fault_off();
	fault_on("mkdirat", 1, ENOSPC, NULL);
	CHECK_INT(hs_spool_subdir(rfd, "full", 1), -1, "mkdirat ENOSPC: -1");
	CHECK_INT(errno, ENOSPC, "... ENOSPC");
	CHECK(!exists("full"), "... nothing made");
	fault_on("fsync", 1, EIO, NULL);
	CHECK_INT(hs_spool_subdir(rfd, "nosync", 1), -1,
	    "parent fsync fails: -1 (the entry may not survive)");
	CHECK_INT(errno, EIO, "... EIO");
	fault_off();
	close(rfd);

	/* open_dir and count */
	CHECK_INT(hs_spool_open_dir(spool, "q", NULL, 0) >= 0, 1, "queue, no state");
	fd = hs_spool_open_dir(spool, "q", "new", 1);
	CHECK(fd >= 0 && exists("q/new"), "queue/state made");
	close(fd);
	put("q/new/a", "12345");
	put("q/new/b", "xy");
	put("q/new/.hidden", "not counted");
	count = 1;
	bytes = 10;
	CHECK_INT(hs_spool_count(spool, "q", "new", &count, &bytes), 0, "count");
	CHECK(count == 3 && bytes == 17, "count adds 2 files, 7 bytes: %ld %lld",
	    count, bytes);
	count = bytes = 0;
	CHECK_INT(hs_spool_count(spool, "q", "done", &count, &bytes), 0,
	    "a missing state directory holds nothing");
	CHECK(count == 0 && bytes == 0, "... zero");
	CHECK_INT(hs_spool_count(spool, "nope", "new", &count, &bytes), 0,
	    "a missing queue holds nothing");
	snprintf(path, sizeof path, "%s/none", base);
	CHECK_INT(hs_spool_count(path, "q", "new", &count, &bytes), 0,
	    "a missing spool holds nothing (and is not made)");
	CHECK(access(path, F_OK) == -1, "... not made");
	CHECK_INT(hs_spool_open_dir(path, "q", "new", 0), -1, "open_dir: no root");
	CHECK_INT(errno, ENOENT, "... ENOENT");
	ln("/tmp", "lnq");
	CHECK_INT(hs_spool_count(spool, "lnq", "new", &count, &bytes), -1,
	    "a symlinked queue cannot be counted: -1");
	CHECK_INT(errno, ELOOP, "... ELOOP");
	CHECK_INT(hs_spool_open_dir(spool, "q", "planted", 0), -1, "(none)");
	fault_on("fdopendir", 1, ENOMEM, NULL);
	CHECK_INT(hs_spool_count(spool, "q", "new", &count, &bytes), -1,
	    "fdopendir fails: -1");
	CHECK_INT(errno, ENOMEM, "... ENOMEM");
	/* a read error is not the end of the directory: pending_full()
	 * must not take an undercount for room (handler.c: cannot tell, do
	 * not grow it) */
	fault_on("readdir", 2, EIO, NULL);
	count = bytes = 0;
	CHECK_INT(hs_spool_count(spool, "q", "new", &count, &bytes), -1,
	    "readdir fails midway: -1, not a short count");
	CHECK_INT(errno, EIO, "... EIO");
	fault_off();
	fault_on("fstatat", 1, ENOENT, NULL);
	count = bytes = 0;
	CHECK_INT(hs_spool_count(spool, "q", "new", &count, &bytes), 0,
	    "a file claimed while counting");
	CHECK(count == 1 && (bytes == 5 || bytes == 2),
	    "... is not counted: %ld %lld", count, bytes);
	fault_off();
}

/* --- delivery ------------------------------------------------------------- */

static const char *ID = "1700000000.M1P2R3Q1.host";

static void
test_deliver(void)
{
	const char *why;
	char	 id128[HS_SPOOL_ID_MAX + 1];

	fresh();
	calls_fsync = 0;
	CHECK_INT(deliver("signed", "new", ID, 1, &why), 0, "delivered");
	CHECK_STR(slurp("signed/new/1700000000.M1P2R3Q1.host"), BODY,
	    "the file in new/ is the whole body");
	CHECK(files_in("signed", "tmp") == 0 && exists("signed/cur"),
	    "tmp/ empty; a new queue has cur/ from the start");
	/* file, root's parent, root (queue), queue x3 (tmp, new, cur), new/ */
	CHECK(calls_fsync >= 3, "durable: file and directories fsync'd (%d)",
	    calls_fsync);
	calls_fsync = 0;
	CHECK_INT(deliver("signed", "pending", "second", 0, &why), 0,
	    "durable=false, another state");
	CHECK_INT(calls_fsync, 1, "durable=false: only the new pending/ dir's "
	    "parent is fsync'd, not the file");
	CHECK_STR(slurp("signed/pending/second"), BODY, "in pending/");

	/* refused before touching the disk */
	fresh();
	CHECK_INT(deliver("../x", "new", ID, 1, &why), -1, "queue ../x");
	CHECK_STR(why, "bad queue or id", "why");
	CHECK_INT(deliver("q", "..", ID, 1, &why), -1, "state ..");
	CHECK_INT(deliver("q", "a/b", ID, 1, &why), -1, "state a/b");
	CHECK_INT(deliver("q", "new", "../../etc/x", 1, &why), -1, "id ../..");
	memset(id128, 'i', HS_SPOOL_ID_MAX);
	id128[HS_SPOOL_ID_MAX] = '\0';
	CHECK_INT(deliver("q", "new", id128, 1, &why), -1, "id of 128");
	id128[HS_SPOOL_ID_MAX - 1] = '\0';
	CHECK_INT(deliver("q", "new", id128, 1, &why), 0,
	    "id of 127 (HS_SPOOL_ID_MAX - 1) is fine");
	CHECK_INT(files_in("q", "new"), 1, "exactly that one");

	/* spool_dir cannot be opened */
	snprintf(spool, sizeof spool, "%s/nope/spool", base);
	CHECK_INT(deliver("q", "new", ID, 1, &why), -1, "no spool parent");
	CHECK_STR(why, "cannot open spool_dir", "why");

	/* planted symlinks and files, in every place */
	fresh();
	mk("");
	ln("/tmp", "q");
	CHECK_INT(deliver("q", "new", ID, 1, &why), -1, "queue is a symlink");
	CHECK_STR(why, "a queue directory is not a real directory (symlink or "
	    "file)", "why");
	fresh();
	mk("");
	mk("q");
	put("q/tmp", "x");
	CHECK_INT(deliver("q", "new", ID, 1, &why), -1, "tmp is a file");
	CHECK_STR(why, "a queue directory is not a real directory (symlink or "
	    "file)", "why");
	fresh();
	mk("");
	mk("q");
	mk("q/tmp");
	ln("/tmp", "q/new");
	CHECK_INT(deliver("q", "new", ID, 1, &why), -1, "new/ is a symlink");
	CHECK(strstr(why, "not a real directory") != NULL, "why: %s", why);
	CHECK_INT(files_in("q", "tmp"), 0, "nothing left in tmp/");

	/* a new queue whose new/ or cur/ cannot be made */
	fresh();
	mk("");
	mk("q");
	ln("/tmp", "q/cur");
	CHECK_INT(deliver("q", "new", ID, 1, &why), -1, "cur/ a symlink");
	CHECK(strstr(why, "not a real directory") != NULL, "why: %s", why);
	fresh();
	fault_on("mkdirat", 3, ENOSPC, NULL);	/* q, tmp, new */
	CHECK_INT(deliver("q", "new", ID, 1, &why), -1, "new/ cannot be made");
	CHECK_STR(why, "cannot create queue directories", "why");
	fault_on("mkdirat", 2, ENOSPC, NULL);	/* q3, tmp */
	CHECK_INT(deliver("q3", "new", ID, 1, &why), -1, "tmp/ cannot be made");
	CHECK_STR(why, "cannot create queue directories", "why");
	fault_on("mkdirat", 1, EDQUOT, NULL);
	CHECK_INT(deliver("q2", "new", ID, 1, &why), -1, "queue cannot be made");
	CHECK_STR(why, "cannot create queue directories", "why");
	fault_on("openat", 1, EMFILE, NULL);
	CHECK_INT(deliver("q", "new", ID, 1, &why), -1, "EMFILE on the queue");
	CHECK_STR(why, "cannot create queue directories", "why");
	fault_off();
	CHECK_INT(deliver("q", "new", ID, 1, &why), 0,
	    "the half-made queue heals on the next delivery");
	CHECK_INT(files_in("q", "new"), 1, "one event");

	/* the same id already in tmp/ (a crashed writer): refused, and that
	 * file is not ours to remove */
	fresh();
	CHECK_INT(deliver("q", "new", "first", 1, &why), 0, "queue made");
	put("q/tmp/taken", "someone else's");
	CHECK_INT(deliver("q", "new", "taken", 1, &why), -1, "tmp/ name taken");
	CHECK_STR(why, "cannot create file in tmp/", "why");
	CHECK_STR(slurp("q/tmp/taken"), "someone else's", "the file in tmp/ kept");
	CHECK(!exists("q/new/taken"), "nothing in new/");

	/* the same id already in new/: never replaced */
	put("q/new/again", "the first copy");
	CHECK_INT(deliver("q", "new", "again", 1, &why), -1, "new/ name taken");
	CHECK_STR(why, "rename into the queue failed", "why");
	CHECK_INT(errno, EEXIST, "errno EEXIST");
	CHECK_STR(slurp("q/new/again"), "the first copy", "the first one kept");
	CHECK(!exists("q/tmp/again"), "our tmp/ file removed");

	/* each step failing, with the errno it fails with */
	fault_on("writev", 1, ENOSPC, NULL);
	CHECK_INT(deliver("q", "new", "w", 1, &why), -1, "disk full");
	CHECK_STR(why, "write failed", "why");
	CHECK_INT(errno, ENOSPC, "errno ENOSPC for the log");
	CHECK(!exists("q/tmp/w") && !exists("q/new/w"), "nothing left");
	fault_on("fsync", 1, EIO, NULL);
	CHECK_INT(deliver("q", "new", "f", 1, &why), -1, "fsync fails");
	CHECK_STR(why, "fsync failed", "why");
	CHECK_INT(errno, EIO, "errno EIO");
	CHECK(!exists("q/tmp/f") && !exists("q/new/f"), "nothing left");
	fault_on("close", 3, EIO, NULL);	/* root, queue, the file */
	CHECK_INT(deliver("q", "new", "c", 1, &why), -1, "close fails (NFS)");
	CHECK_STR(why, "close failed", "why");
	CHECK(!exists("q/tmp/c") && !exists("q/new/c"), "nothing left");
	fault_on("renameat2", 1, EIO, NULL);
	CHECK_INT(deliver("q", "new", "r", 1, &why), -1, "rename fails");
	CHECK_STR(why, "rename into the queue failed", "why");
	CHECK(!exists("q/tmp/r") && !exists("q/new/r"), "nothing left");
	fault_on("fsync", 2, EIO, NULL);
	CHECK_INT(deliver("q", "new", "d", 1, &why), -1, "new/ fsync fails");
	CHECK_STR(why, "directory fsync failed", "why");
	CHECK_INT(errno, EIO, "errno EIO");
	CHECK(!exists("q/tmp/d") && !exists("q/new/d"),
	    "the entry taken back: nothing in new/ to be answered 503 for");
	fault_off();
	CHECK_INT(files_in("q", "new"), 2, "only 'first' and 'again' in new/");
	CHECK_INT(files_in("q", "tmp"), 1, "only the crashed writer's in tmp/");
}

/* --- rename without replace ---------------------------------------------------- */

static int	 hook_dir = -1;
static void
link_then(void)		/* the link happens, the answer is lost (NFS) */
{
	CHECK(linkat(hook_dir, "src", hook_dir, "dst", 0) == 0, "real link");
}

static void
test_rename(void)
{
	int	 dfd;

	fresh();
	mk("");
	dfd = hs_spool_open_root(spool, 0);
	hook_dir = dfd;

	put("src", "one");
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "src", dfd, "dst"), 0,
	    "renameat2");
	CHECK(!exists("src") && strcmp(slurp("dst"), "one") == 0, "moved");
	put("src", "two");
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "src", dfd, "dst"), -1,
	    "target exists");
	CHECK_INT(errno, EEXIST, "... EEXIST");
	CHECK(strcmp(slurp("dst"), "one") == 0 && exists("src"),
	    "neither file touched");
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "gone", dfd, "x"), -1,
	    "no source");
	CHECK_INT(errno, ENOENT, "... ENOENT");

	/* a file system without RENAME_NOREPLACE: link + unlink */
	unlinkat(dfd, "dst", 0);
	fault_on("renameat2", 1, EINVAL, NULL);
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "src", dfd, "dst"), 0,
	    "EINVAL: link + unlink");
	CHECK(!exists("src") && strcmp(slurp("dst"), "two") == 0, "moved");
	put("src", "three");
	fault_on("renameat2", 1, ENOSYS, NULL);
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "src", dfd, "dst"), -1,
	    "ENOSYS, target exists: the link refuses");
	CHECK_INT(errno, EEXIST, "... EEXIST");
	CHECK(strcmp(slurp("dst"), "two") == 0 && exists("src"),
	    "the fallback never replaces either");
	fault_on("renameat2", 1, EINVAL, NULL);
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "nosrc", dfd, "new"), -1,
	    "fallback, no source: -1");
	CHECK_INT(errno, ENOENT, "... ENOENT");

	/* NFS: the link was made but the reply lost, the retry says EEXIST */
	unlinkat(dfd, "dst", 0);
	fault_on("renameat2", 1, EINVAL, NULL);
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "src", dfd, "dst"), 0,
	    "(renameat2 EINVAL)");
	CHECK(strcmp(slurp("dst"), "three") == 0, "moved");
	put("src", "four");
	unlinkat(dfd, "dst", 0);
	fault_on("renameat2", 1, EINVAL, NULL);
	fault_on("linkat", 1, EEXIST, link_then);
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "src", dfd, "dst"), 0,
	    "linkat made the link but said EEXIST (NFS): the link count says "
	    "it is ours");
	CHECK(!exists("src") && strcmp(slurp("dst"), "four") == 0,
	    "moved, one name");
	fault_off();

	/* EEXIST and the source cannot be looked at: -1, nothing removed */
	put("src", "five");
	fault_on("renameat2", 1, EINVAL, NULL);
	fault_on("fstatat", 1, EIO, NULL);
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "src", dfd, "dst"), -1,
	    "EEXIST, fstatat fails: -1");
	fault_off();
	CHECK(exists("src") && strcmp(slurp("dst"), "four") == 0,
	    "both kept");

	/* the unlink of the old name fails: never one event under two names */
	unlinkat(dfd, "dst", 0);
	fault_on("renameat2", 1, EINVAL, NULL);
	fault_on("unlinkat", 1, EIO, NULL);
	CHECK_INT(hs_spool_renameat_noreplace(dfd, "src", dfd, "dst"), -1,
	    "unlink after link fails: -1");
	CHECK_INT(errno, EIO, "... the unlink's EIO, not the clean-up's");
	fault_off();
	CHECK(exists("src") && !exists("dst"),
	    "the new name taken back, the event under its old name only");
	close(dfd);
	hook_dir = -1;
}

/* --- duplicate markers --------------------------------------------------------- */

static struct hs_dedup holder;	/* the first copy of the delivery */
static int	 third = -1;	/* a third copy's lock */

static int
begin(const char *ep, const char *key, long wait_ms, struct hs_dedup *d,
    const char **why)
{
	*why = NULL;
	return hs_spool_dedup_begin(spool, ep, key, wait_ms, d, why);
}

/* What the first copy does while the second is between open and flock: */
static void
holder_fails(void)		/* its delivery failed: no marker */
{
	hs_spool_dedup_end(&holder, NULL);
}

static void
holder_done(void)		/* delivered: the marker, then the unlink */
{
	hs_spool_dedup_end(&holder, "first-id");
}

static void
holder_dies_after_marker(void)	/* crashed between marker and unlink */
{
	put(".dedup/ep/k", "first-id\n");
	close(holder.lock);	/* the kernel drops a dead process's lock */
	close(holder.dir);
	holder.dir = holder.lock = -1;
}

static void
holder_fails_third_arrives(void)	/* and a third copy takes the key */
{
	char	 path[512];

	hs_spool_dedup_end(&holder, NULL);
	snprintf(path, sizeof path, "%s/.dedup/ep/k4.inflight", spool);
	third = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	CHECK(third >= 0 && flock(third, LOCK_EX | LOCK_NB) == 0,
	    "hook: the third copy holds the new in-flight file");
}

static void
test_dedup(void)
{
	struct hs_dedup d;
	struct timespec t0, t1;
	const char *why;
	char	 key96[HS_DEDUP_KEY_MAX + 1];
	long	 ms;

	fresh();
	CHECK_INT(begin("ep", "k", 0, &d, &why), HS_DEDUP_NEW, "first: NEW");
	CHECK(d.lock >= 0 && exists(".dedup/ep/k.inflight"),
	    "the in-flight file, locked");
	CHECK_INT(hs_spool_dedup_end(&d, "id-1"), 0, "marker written");
	CHECK_STR(slurp(".dedup/ep/k"), "id-1\n", "the marker holds the id");
	CHECK(!exists(".dedup/ep/k.inflight"), "in-flight file gone");
	CHECK_INT(begin("ep", "k", 0, &d, &why), HS_DEDUP_DUP, "again: DUP");
	CHECK(d.dir == -1 && d.lock == -1, "DUP holds nothing");
	CHECK_INT(begin("other", "k", 0, &d, &why), HS_DEDUP_NEW,
	    "the same key on another endpoint is new");
	CHECK_INT(hs_spool_dedup_end(&d, NULL), 0, "delivery failed: no marker");
	CHECK(!exists(".dedup/other/k") && !exists(".dedup/other/k.inflight"),
	    "neither marker nor in-flight file left");
	CHECK_INT(begin("other", "k", 0, &d, &why), HS_DEDUP_NEW,
	    "so the sender's retry is new");
	hs_spool_dedup_end(&d, "id-2");

	/* a copy still being written: wait, then BUSY (503, retry later) */
	CHECK_INT(begin("ep", "busy", 0, &holder, &why), HS_DEDUP_NEW, "holder");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(begin("ep", "busy", 40, &d, &why), HS_DEDUP_BUSY,
	    "a second copy meanwhile: BUSY");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 35 && ms < 2000, "... after waiting wait_ms (%ld ms)", ms);
	CHECK(d.dir == -1 && d.lock == -1, "BUSY holds nothing");
	hs_spool_dedup_end(&holder, "busy-id");

	/* the races: the first copy acts between our open and our flock */
	CHECK_INT(begin("ep", "k2", 0, &holder, &why), HS_DEDUP_NEW, "holder");
	fault_on("flock", 2, 0, holder_fails);
	CHECK_INT(begin("ep", "k2", 1000, &d, &why), HS_DEDUP_NEW,
	    "the first copy failed meanwhile: the key is ours");
	fault_off();
	CHECK(d.lock >= 0 && exists(".dedup/ep/k2.inflight"),
	    "in a new in-flight file, not the unlinked one");
	hs_spool_dedup_end(&d, "second-id");
	CHECK_STR(slurp(".dedup/ep/k2"), "second-id\n", "our marker");

	CHECK_INT(begin("ep", "k3", 0, &holder, &why), HS_DEDUP_NEW, "holder");
	fault_on("flock", 2, 0, holder_done);
	CHECK_INT(begin("ep", "k3", 1000, &d, &why), HS_DEDUP_DUP,
	    "the first copy delivered meanwhile: DUP");
	fault_off();
	CHECK_STR(slurp(".dedup/ep/k3"), "first-id\n", "its marker, untouched");

	{
		char	 path[512];

		snprintf(path, sizeof path, "%s/.dedup/ep/k", spool);
		unlink(path);	/* the marker of the first test */
	}
	CHECK_INT(begin("ep", "k", 0, &holder, &why), HS_DEDUP_NEW, "holder");
	fault_on("flock", 2, 0, holder_dies_after_marker);
	CHECK_INT(begin("ep", "k", 1000, &d, &why), HS_DEDUP_DUP,
	    "the first copy died after its marker: DUP, not a second file");
	fault_off();

	CHECK_INT(begin("ep", "k4", 0, &holder, &why), HS_DEDUP_NEW, "holder");
	fault_on("flock", 2, 0, holder_fails_third_arrives);
	CHECK_INT(begin("ep", "k4", 30, &d, &why), HS_DEDUP_BUSY,
	    "the first failed, a third took the key: we wait on the third");
	fault_off();
	close(third);

	/* a failed fstat, EINTR: look again */
	fault_on("fstat", 1, EIO, NULL);
	CHECK_INT(begin("ep", "k5", 0, &d, &why), HS_DEDUP_NEW,
	    "fstat of the lock fails once: looked again, NEW");
	fault_off();
	hs_spool_dedup_end(&d, NULL);
	fault_on("flock", 1, EINTR, NULL);
	CHECK_INT(begin("ep", "k5", 1000, &d, &why), HS_DEDUP_NEW,
	    "flock EINTR: tried again, NEW");
	fault_off();
	hs_spool_dedup_end(&d, NULL);
	fault_on("flock", 1, ENOLCK, NULL);
	CHECK_INT(begin("ep", "k5", 1000, &d, &why), HS_DEDUP_OFF,
	    "flock ENOLCK (NFS without locks): OFF");
	CHECK_STR(why, "cannot lock in-flight marker", "why");
	fault_off();
	CHECK(d.dir == -1 && hs_spool_dedup_end(&d, "x") == 0,
	    "end after OFF: nothing to do, no marker");
	CHECK(!exists(".dedup/ep/k5"), "no marker");

	/* the marker cannot be written: -1, the delivery stands */
	CHECK_INT(begin("ep", "m1", 0, &d, &why), HS_DEDUP_NEW, "NEW");
	fault_on("writev", 1, ENOSPC, NULL);
	CHECK_INT(hs_spool_dedup_end(&d, "id"), -1, "marker write ENOSPC: -1");
	fault_off();
	CHECK(!exists(".dedup/ep/m1.inflight"), "the lock is dropped all the same");
	CHECK_INT(begin("ep", "m2", 0, &d, &why), HS_DEDUP_NEW, "NEW");
	fault_on("writev", 2, ENOSPC, NULL);
	CHECK_INT(hs_spool_dedup_end(&d, "id"), -1, "marker's newline fails: -1");
	fault_off();
	CHECK_INT(begin("ep", "m3", 0, &d, &why), HS_DEDUP_NEW, "NEW");
	put(".dedup/ep/m3", "someone's\n");
	CHECK_INT(hs_spool_dedup_end(&d, "id"), -1, "a marker there already: -1");
	CHECK_STR(slurp(".dedup/ep/m3"), "someone's\n", "not overwritten");

	/* refused keys */
	CHECK_INT(begin("a/b", "k", 0, &d, &why), HS_DEDUP_OFF, "endpoint a/b");
	CHECK_STR(why, "bad dedup key", "why");
	CHECK_INT(begin(".x", "k", 0, &d, &why), HS_DEDUP_OFF, "endpoint .x");
	memset(key96, 'k', HS_DEDUP_KEY_MAX);
	key96[HS_DEDUP_KEY_MAX] = '\0';
	CHECK_INT(begin("ep", key96, 0, &d, &why), HS_DEDUP_OFF, "96-byte key");
	CHECK_STR(why, "bad dedup key", "why");
	key96[HS_DEDUP_KEY_MAX - 1] = '\0';
	CHECK_INT(begin("ep", key96, 0, &d, &why), HS_DEDUP_NEW, "95 is fine");
	hs_spool_dedup_end(&d, NULL);
	CHECK(begin("ep", ".", 0, &d, &why) == HS_DEDUP_OFF &&
	    begin("ep", "..", 0, &d, &why) == HS_DEDUP_OFF &&
	    begin("ep", "x/y", 0, &d, &why) == HS_DEDUP_OFF &&
	    begin("ep", "", 0, &d, &why) == HS_DEDUP_OFF,
	    "keys '.', '..', 'x/y', '': OFF");

	/* the in-flight file planted */
	mk(".dedup/ep/p1.inflight");
	CHECK_INT(begin("ep", "p1", 0, &d, &why), HS_DEDUP_OFF,
	    "in-flight name is a directory: OFF");
	CHECK_STR(why, "cannot create in-flight marker", "why");
	ln("/tmp/hs-nowhere", ".dedup/ep/p2.inflight");
	CHECK_INT(begin("ep", "p2", 0, &d, &why), HS_DEDUP_REFUSE,
	    "in-flight name is a symlink: REFUSE");
	CHECK_STR(why, "in-flight marker is a symbolic link", "why");
	CHECK(access("/tmp/hs-nowhere", F_OK) == -1, "nothing made through it");

	/* .dedup and .dedup/<endpoint> planted or impossible */
	ln("/tmp", ".dedup/lnk");
	CHECK_INT(begin("lnk", "k", 0, &d, &why), HS_DEDUP_REFUSE, "endpoint dir "
	    "a symlink: REFUSE");
	CHECK_STR(why, ".dedup/<endpoint> is a symbolic link", "why");
	put(".dedup/file", "x");
	CHECK_INT(begin("file", "k", 0, &d, &why), HS_DEDUP_OFF,
	    "endpoint dir a file: OFF");
	CHECK_STR(why, ".dedup/<endpoint> is not a directory", "why");
	fault_on("mkdirat", 1, ENOSPC, NULL);
	CHECK_INT(begin("full", "k", 0, &d, &why), HS_DEDUP_OFF,
	    "endpoint dir cannot be made: OFF");
	CHECK_STR(why, "cannot create .dedup/<endpoint>", "why");
	fault_off();

	fresh();
	mk("");
	ln("/tmp", ".dedup");
	CHECK_INT(begin("ep", "k", 0, &d, &why), HS_DEDUP_REFUSE, ".dedup a "
	    "symlink: REFUSE");
	CHECK_STR(why, ".dedup is a symbolic link", "why");
	fresh();
	mk("");
	put(".dedup", "x");
	CHECK_INT(begin("ep", "k", 0, &d, &why), HS_DEDUP_OFF, ".dedup a file");
	CHECK_STR(why, ".dedup is not a directory", "why");
	fresh();
	fault_on("mkdirat", 1, EDQUOT, NULL);
	CHECK_INT(begin("ep", "k", 0, &d, &why), HS_DEDUP_OFF,
	    ".dedup cannot be made");
	CHECK_STR(why, "cannot create .dedup", "why");
	fault_off();
	snprintf(spool, sizeof spool, "%s/nope/spool", base);
	CHECK_INT(begin("ep", "k", 0, &d, &why), HS_DEDUP_OFF, "no spool_dir");
	CHECK_STR(why, "cannot open spool_dir", "why");
}

int
main(void)
{
	char	 cmd[200];

	tap_suite = "test_spool";
	if (mkdtemp(base) == NULL)
		return 1;
	umask(022);
	test_names();
	test_ids();
	test_dirs();
	test_deliver();
	test_rename();
	test_dedup();
	snprintf(cmd, sizeof cmd, "rm -rf %s", base);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
