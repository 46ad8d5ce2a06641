/*
 * spool.c - durable Maildir delivery (qmail's recipe, Linux flavour):
 * open(O_EXCL) in tmp/, write, fsync, close, renameat2(RENAME_NOREPLACE)
 * into new/, fsync(new/). Only then may the caller answer 2xx.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hs_clock.h"
#include "hs_fdio.h"
#include "hs_spool.h"


static char	 host[65];
static unsigned long delivered;

/*
 * The spool's alphabet: every endpoint, queue and event name becomes a
 * file name under the spool root, so this is the one place that says which
 * names may.
 */
int
hs_name_valid_max(const char *s, size_t max)
{
	size_t	 i;

	if (s == NULL || s[0] == '\0' || s[0] == '.')
		return 0;
	for (i = 0; s[i]; i++) {
		if (i >= max)
			return 0;
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	}
	return 1;
}

int
hs_name_valid(const char *s)
{
	return hs_name_valid_max(s, HS_NAME_MAX);
}

static void
init_host(void)
{
	char	 raw[HOST_NAME_MAX + 1] = "localhost";
	size_t	 i, o = 0;

	gethostname(raw, sizeof raw - 1);
	raw[sizeof raw - 1] = '\0';
	/* o < sizeof host - 1 always holds: raw has at most HOST_NAME_MAX
	 * bytes before its NUL, host room for as many (a guard, untestable) */
	for (i = 0; raw[i] && o < sizeof host - 1; i++) {
		char c = raw[i];

		/* Maildir forbids '/' and ':'; keep names shell-friendly */
		host[o++] = ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.') ? c : '_';
	}
	if (o == 0)
		host[o++] = 'x';
	host[o] = '\0';
}

void
hs_spool_new_id(struct timespec now, char out[HS_SPOOL_ID_MAX])
{
	unsigned int rnd = 0;

	if (host[0] == '\0')
		init_host();
	if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != sizeof rnd)
		rnd = (unsigned int)now.tv_nsec ^ (unsigned int)getpid();
	snprintf(out, HS_SPOOL_ID_MAX, "%lld.M%06ldP%ldR%08xQ%lu.%s",
	    (long long)now.tv_sec, (long)(now.tv_nsec / 1000), (long)getpid(),
	    rnd, ++delivered, host);
}

/* fsync(2) of a directory by name: the new root's parent. */
static int
fsync_dir(const char *path)
{
	int	 fd, rc;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* One path component: no '/', not "" or "." or "..". */
static int
component_ok(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* The open(2) flags of every directory inside the spool. */
#define SUBDIR_FLAGS	(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

int
hs_spool_open_root(const char *spool, int create)
{
	char	 parent[PATH_MAX], *slash;
	int	 fd;

	/* spool_dir is the administrator's path: it may go through symlinks
	 * they made (/var/spool -> /data/spool). Everything below it may not. */
	fd = open(spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd != -1 || errno != ENOENT || !create)
		return fd;
	if (mkdir(spool, HS_SPOOL_DIR_MODE) == -1 && errno != EEXIST)
		return -1;
	if ((fd = open(spool, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	fchmod(fd, HS_SPOOL_DIR_MODE);
	/* the new root's own entry must survive a crash too (no truncation:
	 * a spool of PATH_MAX or more failed the open above, ENAMETOOLONG) */
	if (snprintf(parent, sizeof parent, "%s", spool) < (int)sizeof parent &&
	    (slash = strrchr(parent, '/')) != NULL) {
		slash[slash == parent] = '\0';
		if (fsync_dir(parent) == -1) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/*
 * O_NOFOLLOW | O_DIRECTORY on a symlink fails with ENOTDIR, as on a file:
 * tell the two apart, so that the error says what someone planted.
 */
static int
link_errno(int parent, const char *name)
{
	struct stat st;
	int	 saved = errno;

	if (saved == ENOTDIR &&
	    fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		saved = ELOOP;
	errno = saved;
	return -1;
}

int
hs_spool_subdir(int parent, const char *name, int create)
{
	int	 fd, saved;

	if (!component_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	fd = openat(parent, name, SUBDIR_FLAGS);
	if (fd == -1 && errno == ENOENT && create) {
		if (mkdirat(parent, name, HS_SPOOL_DIR_MODE) == -1 && errno != EEXIST)
			return -1;
		if ((fd = openat(parent, name, SUBDIR_FLAGS)) == -1)
			return link_errno(parent, name);
	} else
		return fd == -1 ? link_errno(parent, name) : fd;
	/* umask must not take the group's write bit; fchmod on the fd we
	 * opened without following links, never on a name */
	fchmod(fd, HS_SPOOL_DIR_MODE);
	if (fsync(parent) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
hs_spool_open_dir(const char *spool, const char *queue, const char *state,
    int create)
{
	int	 root, qfd, fd, saved;

	if ((root = hs_spool_open_root(spool, create)) == -1)
		return -1;
	qfd = hs_spool_subdir(root, queue, create);
	saved = errno;
	close(root);
	if (qfd == -1 || state == NULL) {
		errno = saved;
		return qfd;
	}
	fd = hs_spool_subdir(qfd, state, create);
	saved = errno;
	close(qfd);
	errno = saved;
	return fd;
}

const char *
hs_spool_dir_error(int err)
{
	/* O_NOFOLLOW on a symlink is ELOOP; O_DIRECTORY on a file ENOTDIR */
	if (err == ELOOP)
		return "is a symbolic link (refused: spool directories must be "
		    "real directories)";
	if (err == ENOTDIR)
		return "is not a directory";
	return strerror(err);
}

int
hs_spool_count(const char *spool, const char *queue, const char *state,
    long *count, long long *bytes)
{
	struct dirent *de;
	struct stat st;
	DIR	*d;
	int	 fd, saved;

	if ((fd = hs_spool_open_dir(spool, queue, state, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	/* readdir's NULL is the end or an error: errno tells them apart */
	while (errno = 0, (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;	/* moved on meanwhile */
		(*count)++;
		*bytes += st.st_size;
	}
	saved = errno;
	closedir(d);
	errno = saved;
	return saved == 0 ? 0 : -1;
}

int
hs_spool_renameat_noreplace(int fromdir, const char *from, int todir,
    const char *to)
{
	struct stat st;
	int	 saved;

	if (renameat2(fromdir, from, todir, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* NFS and older file systems: link + unlink, as qmail does */
	if (linkat(fromdir, from, todir, to, 0) == -1) {
		/* NFS may report EEXIST for a link that did happen */
		if (errno != EEXIST ||
		    fstatat(fromdir, from, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    st.st_nlink != 2)
			return -1;
	}
	if (unlinkat(fromdir, from, 0) == -1) {
		/* never leave one event under two names */
		saved = errno;
		unlinkat(todir, to, 0);
		errno = saved;
		return -1;
	}
	return 0;
}

/* The queue's tmp/ and state/ directories, made on first use. */
static int
open_queue(const char *spool, const char *queue, const char *state,
    int *tmpfd, int *dstfd, const char **why)
{
	int	 root, qfd = -1, fd;

	*tmpfd = *dstfd = -1;
	if ((root = hs_spool_open_root(spool, 1)) == -1) {
		*why = "cannot open spool_dir";
		return -1;
	}
	qfd = hs_spool_subdir(root, queue, 1);
	close(root);
	if (qfd == -1)
		goto fail;
	if ((*tmpfd = hs_spool_subdir(qfd, HS_STATE_TMP, 0)) == -1) {
		/* a new queue: new/ and cur/ exist from the start, so a
		 * runner can claim as soon as the first event lands */
		if (errno != ENOENT ||
		    (*tmpfd = hs_spool_subdir(qfd, HS_STATE_TMP, 1)) == -1)
			goto fail;
		if ((fd = hs_spool_subdir(qfd, HS_STATE_NEW, 1)) == -1)
			goto fail;
		close(fd);
		if ((fd = hs_spool_subdir(qfd, HS_STATE_CUR, 1)) == -1)
			goto fail;
		close(fd);
	}
	if ((*dstfd = hs_spool_subdir(qfd, state, 1)) == -1)
		goto fail;
	close(qfd);
	return 0;
fail:
	*why = errno == ELOOP || errno == ENOTDIR ? "a queue directory is not "
	    "a real directory (symlink or file)" :
	    "cannot create queue directories";
	if (qfd != -1)
		close(qfd);
	if (*tmpfd != -1)
		close(*tmpfd);
	*tmpfd = -1;
	return -1;
}

int
hs_spool_deliver(const char *spool, const char *queue, const char *state,
    const char *id, const struct iovec *iov, int iovcnt, int durable,
    const char **why)
{
	int	 fd = -1, tmpfd = -1, dstfd = -1, saved, rc = -1;

	if (!hs_name_valid(queue) || !component_ok(state) ||
	    !hs_name_valid_max(id, HS_SPOOL_ID_MAX - 1)) {
		*why = "bad queue or id";
		return -1;
	}
	if (open_queue(spool, queue, state, &tmpfd, &dstfd, why) == -1)
		return -1;
	fd = openat(tmpfd, id, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, HS_SPOOL_FILE_MODE);
	if (fd == -1) {
		*why = "cannot create file in tmp/";
		goto out;
	}
	rc = hs_spool_commit(fd, tmpfd, id, dstfd, id, iov, iovcnt,
	    HS_COMMIT_NEW | (durable ? HS_COMMIT_DURABLE : 0), why);
out:
	saved = errno;
	close(tmpfd);
	close(dstfd);
	errno = saved;
	return rc;
}

/* Where each item of a batch got to, so that a failure can undo it. */
struct slot {
	int	 tmp, dst;	/* its queue's tmp/ and state/ */
	int	 owner;		/* these fds are this slot's to close */
	int	 at;		/* 0 nowhere, 1 in tmp/, 2 in state/ */
};

/*
 * The file half of the durability rule, for every writer of the spool:
 * writes iov to fd, fsyncs it when sync (after a failed fsync the data is
 * gone: never retry, just refuse), closes it. fd is closed either way;
 * -1 with errno and *why.
 */
static int
write_whole(int fd, const struct iovec *iov, int iovcnt, int sync,
    const char **why)
{
	int	 saved;

	if (hs_writev_all(fd, iov, iovcnt) == -1) {
		*why = "write failed";
		goto fail;
	}
	if (sync && fsync(fd) == -1) {
		*why = "fsync failed";
		goto fail;
	}
	if (close(fd) == -1) {
		*why = "close failed";
		return -1;
	}
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
hs_spool_deliver_all(const char *spool, const struct hs_spool_item *items,
    size_t n, int durable, const char **why)
{
	struct slot *sl;
	size_t	 i, j;
	int	 fd, saved, rc = -1;

	if ((sl = calloc(n ? n : 1, sizeof *sl)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	for (i = 0; i < n; i++)
		sl[i].tmp = sl[i].dst = -1;
	/* 1: every file complete (and on disk) in tmp/, where no reader looks */
	for (i = 0; i < n; i++) {
		if (!hs_name_valid(items[i].queue) ||
		    !component_ok(items[i].state) ||
		    !hs_name_valid_max(items[i].id, HS_SPOOL_ID_MAX - 1)) {
			*why = "bad queue or id";
			goto fail;
		}
		for (j = 0; j < i; j++)
			if (sl[j].owner &&
			    strcmp(items[j].queue, items[i].queue) == 0 &&
			    strcmp(items[j].state, items[i].state) == 0)
				break;
		if (j < i) {
			sl[i].tmp = sl[j].tmp;
			sl[i].dst = sl[j].dst;
		} else {
			if (open_queue(spool, items[i].queue, items[i].state,
			    &sl[i].tmp, &sl[i].dst, why) == -1)
				goto fail;
			sl[i].owner = 1;
		}
		fd = openat(sl[i].tmp, items[i].id, O_WRONLY | O_CREAT |
		    O_EXCL | O_CLOEXEC | O_NOFOLLOW, HS_SPOOL_FILE_MODE);
		if (fd == -1) {
			*why = "cannot create file in tmp/";
			goto fail;
		}
		sl[i].at = 1;
		if (write_whole(fd, items[i].iov, items[i].iovcnt, durable,
		    why) == -1)
			goto fail;
	}
	/* 2: into the queues, where readers look */
	for (i = 0; i < n; i++) {
		if (hs_spool_renameat_noreplace(sl[i].tmp, items[i].id,
		    sl[i].dst, items[i].id) == -1) {
			*why = "rename into the queue failed";
			goto fail;
		}
		sl[i].at = 2;
	}
	/* 3: the directory entries on disk, each directory once */
	for (i = 0; durable && i < n; i++)
		if (sl[i].owner && fsync(sl[i].dst) == -1) {
			*why = "directory fsync failed";
			goto fail;
		}
	rc = 0;
	goto out;
fail:
	/* take back what was renamed (its entry may not survive a crash,
	 * and the rest never arrives), remove what is in tmp/ */
	saved = errno;
	for (i = 0; i < n; i++) {
		if (sl[i].at == 2)
			unlinkat(sl[i].dst, items[i].id, 0);
		else if (sl[i].at == 1)
			unlinkat(sl[i].tmp, items[i].id, 0);
	}
	errno = saved;
out:
	saved = errno;
	for (i = 0; i < n; i++)
		if (sl[i].owner) {
			close(sl[i].tmp);
			close(sl[i].dst);
		}
	free(sl);
	errno = saved;
	return rc;
}

int
hs_spool_commit(int fd, int tmpdir, const char *tmpname, int dstdir,
    const char *dstname, const struct iovec *iov, int iovcnt, unsigned flags,
    const char **why)
{
	int	 saved;

	if (write_whole(fd, iov, iovcnt, flags & HS_COMMIT_SYNC_FILE,
	    why) == -1)
		goto fail;
	if ((flags & HS_COMMIT_NEW ?
	    hs_spool_renameat_noreplace(tmpdir, tmpname, dstdir, dstname) :
	    renameat(tmpdir, tmpname, dstdir, dstname)) == -1) {
		*why = flags & HS_COMMIT_NEW ? "rename into the queue failed" :
		    "rename over the old version failed";
		goto fail;
	}
	if ((flags & HS_COMMIT_SYNC_DIR) && fsync(dstdir) == -1) {
		saved = errno;
		/* The entry may not survive a crash; take it back and say so. */
		if (flags & HS_COMMIT_NEW)
			unlinkat(dstdir, dstname, 0);
		*why = "directory fsync failed";
		errno = saved;
		return -1;
	}
	return 0;
fail:
	saved = errno;
	unlinkat(tmpdir, tmpname, 0);
	errno = saved;
	return -1;
}

/*
 * Duplicate markers live in <spool>/.dedup/<endpoint>/: <key> once the
 * event is on disk (its id inside), <key>.inflight while one process
 * writes it. The in-flight file is only a rendezvous for flock(2): its
 * holder has the lock, a copy arriving meanwhile waits on it, and the
 * lock of a holder that crashed is released by the kernel, so a stale
 * marker needs no expiry time to be recognised.
 */
#define INFLIGHT_SUFFIX	".inflight"
#define WAIT_STEP_US	5000

/* Is lfd still the file named name in dir (not unlinked or replaced)? */
static int
still_named(int dir, const char *name, int lfd)
{
	struct stat a, b;

	/* st_dev differs only if something were mounted on the name: kept
	 * for correctness, no test can make it differ */
	return fstat(lfd, &a) == 0 &&
	    fstatat(dir, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int
marker_exists(int dir, const char *key)
{
	struct stat st;

	return fstatat(dir, key, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int
dedup_dir(const char *spool, const char *endpoint, const char **why)
{
	int	 root, dd, fd;

	if ((root = hs_spool_open_root(spool, 1)) == -1) {
		*why = "cannot open spool_dir";
		return -1;
	}
	dd = hs_spool_subdir(root, HS_DEDUP_DIR, 1);
	close(root);
	if (dd == -1) {
		*why = errno == ELOOP ? ".dedup is a symbolic link" :
		    errno == ENOTDIR ? ".dedup is not a directory" :
		    "cannot create .dedup";
		return -1;
	}
	fd = hs_spool_subdir(dd, endpoint, 1);
	close(dd);
	if (fd == -1)
		*why = errno == ELOOP ? ".dedup/<endpoint> is a symbolic link" :
		    errno == ENOTDIR ? ".dedup/<endpoint> is not a directory" :
		    "cannot create .dedup/<endpoint>";
	return fd;
}

int
hs_spool_dedup_begin(const char *spool, const char *endpoint,
    const char *key, long wait_ms, struct hs_dedup *d, const char **why)
{
	char	 name[HS_DEDUP_KEY_MAX + sizeof INFLIGHT_SUFFIX];
	long long deadline = hs_clock_mono_ms() + wait_ms;
	int	 lfd;

	d->dir = d->lock = -1;
	if (!hs_name_valid(endpoint) || strlen(key) >= HS_DEDUP_KEY_MAX ||
	    !component_ok(key)) {
		*why = "bad dedup key";
		return HS_DEDUP_OFF;
	}
	snprintf(d->key, sizeof d->key, "%s", key);
	snprintf(name, sizeof name, "%s" INFLIGHT_SUFFIX, key);
	if ((d->dir = dedup_dir(spool, endpoint, why)) == -1)
		return errno == ELOOP ? HS_DEDUP_REFUSE : HS_DEDUP_OFF;
	for (;;) {
		if (marker_exists(d->dir, key))
			goto dup;
		lfd = openat(d->dir, name, O_RDWR | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, HS_SPOOL_FILE_MODE);
		if (lfd == -1) {
			*why = errno == ELOOP ? "in-flight marker is a "
			    "symbolic link" : "cannot create in-flight marker";
			if (errno == ELOOP) {
				hs_spool_dedup_end(d, NULL);
				return HS_DEDUP_REFUSE;
			}
			hs_spool_dedup_end(d, NULL);
			return HS_DEDUP_OFF;
		}
		if (flock(lfd, LOCK_EX | LOCK_NB) == 0) {
			/* the holder before us may have finished (marker
			 * made, in-flight file unlinked) while we waited */
			if (still_named(d->dir, name, lfd)) {
				if (marker_exists(d->dir, key)) {
					close(lfd);
					goto dup;
				}
				d->lock = lfd;
				return HS_DEDUP_NEW;
			}
			close(lfd);
			continue;
		}
		close(lfd);
		if (errno != EWOULDBLOCK && errno != EINTR) {
			*why = "cannot lock in-flight marker";
			hs_spool_dedup_end(d, NULL);
			return HS_DEDUP_OFF;
		}
		if (hs_clock_mono_ms() >= deadline) {
			hs_spool_dedup_end(d, NULL);
			return HS_DEDUP_BUSY;
		}
		usleep(WAIT_STEP_US);
	}
dup:
	hs_spool_dedup_end(d, NULL);
	return HS_DEDUP_DUP;
}

int
hs_spool_dedup_end(struct hs_dedup *d, const char *id)
{
	char	 name[HS_DEDUP_KEY_MAX + sizeof INFLIGHT_SUFFIX];
	int	 fd, rc = 0;

	if (d->dir == -1)
		return 0;
	if (d->lock != -1) {
		if (id != NULL) {
			/* Losing the marker can only cause a duplicate later,
			 * never a loss: no fsync, and a failure is reported
			 * but does not undo the delivery. */
			fd = openat(d->dir, d->key, O_WRONLY | O_CREAT |
			    O_EXCL | O_CLOEXEC | O_NOFOLLOW, HS_SPOOL_FILE_MODE);
			if (fd == -1 || hs_write_all(fd, id, strlen(id)) == -1 ||
			    hs_write_all(fd, "\n", 1) == -1)
				rc = -1;
			if (fd != -1)
				close(fd);
		}
		/* unlink while still holding the lock: a waiter that locks
		 * the unlinked file sees it is no longer named, and looks
		 * again (marker there: duplicate; none: its turn) */
		snprintf(name, sizeof name, "%s" INFLIGHT_SUFFIX, d->key);
		unlinkat(d->dir, name, 0);
		close(d->lock);
	}
	close(d->dir);
	d->dir = d->lock = -1;
	return rc;
}
