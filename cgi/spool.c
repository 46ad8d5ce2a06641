/*
 * spool.c - durable Maildir delivery (qmail's recipe, Linux flavour):
 * open(O_EXCL) in tmp/, write, fsync, close, renameat2(RENAME_NOREPLACE)
 * into new/, fsync(new/). Only then may the caller answer 2xx.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hs_config.h"
#include "hs_spool.h"

#define DIR_MODE	02770	/* group-writable + setgid: a cron user in the
				 * server's group can claim (rename) events */
#define FILE_MODE	0640

static char	 host[65];
static unsigned long delivered;

int
hs_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
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

char *
hs_read_all(int fd, size_t max, size_t *lenp)
{
	char	*buf;
	size_t	 len = 0;
	ssize_t	 r;
	int	 saved;

	if ((buf = malloc(max + 1)) == NULL)
		return NULL;
	for (;;) {
		/* room for one byte more than max: a longer file shows */
		r = read(fd, buf + len, max + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > max) {
			errno = EFBIG;
			goto fail;
		}
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	saved = errno;
	free(buf);
	errno = saved;
	return NULL;
}

int
hs_writev_all(int fd, const struct iovec *iov_in, int iovcnt)
{
	struct iovec iov[8];
	ssize_t	 n;
	int	 i = 0;

	if (iovcnt > 8)
		return -1;
	memcpy(iov, iov_in, sizeof *iov * (size_t)iovcnt);
	while (i < iovcnt) {
		if (iov[i].iov_len == 0) {
			i++;
			continue;
		}
		n = writev(fd, iov + i, iovcnt - i);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		while (i < iovcnt && (size_t)n >= iov[i].iov_len) {
			n -= (ssize_t)iov[i].iov_len;
			i++;
		}
		if (i < iovcnt) {
			iov[i].iov_base = (char *)iov[i].iov_base + n;
			iov[i].iov_len -= (size_t)n;
		}
	}
	return 0;
}

static void
init_host(void)
{
	char	 raw[HOST_NAME_MAX + 1] = "localhost";
	size_t	 i, o = 0;

	gethostname(raw, sizeof raw - 1);
	raw[sizeof raw - 1] = '\0';
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

int
hs_spool_fsync_dir(const char *path)
{
	int	 fd, rc;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* mkdir + chmod (umask must not take the group's write bit) + parent fsync */
static int
make_dir(const char *path, const char *parent)
{
	if (mkdir(path, DIR_MODE) == -1)
		return errno == EEXIST ? 0 : -1;
	chmod(path, DIR_MODE);
	return hs_spool_fsync_dir(parent);
}

int
hs_spool_make_dir(const char *spool, const char *queue, const char *state)
{
	char	 qdir[PATH_MAX], sdir[PATH_MAX];

	if (!hs_name_valid(queue))
		return -1;
	if (snprintf(qdir, sizeof qdir, "%s/%s", spool, queue) >=
	    (int)sizeof qdir || snprintf(sdir, sizeof sdir, "%s/%s",
	    qdir, state) >= (int)sizeof sdir)
		return -1;
	if (access(sdir, F_OK) == 0)
		return 0;
	if (make_dir(qdir, spool) == -1 || make_dir(sdir, qdir) == -1)
		return -1;
	return 0;
}

int
hs_spool_rename_noreplace(const char *from, const char *to)
{
	struct stat st;
	int	 saved;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* NFS and older file systems: link + unlink, as qmail does */
	if (link(from, to) == -1) {
		/* NFS may report EEXIST for a link that did happen */
		if (errno != EEXIST || stat(from, &st) == -1 ||
		    st.st_nlink != 2)
			return -1;
	}
	if (unlink(from) == -1) {
		/* never leave one event under two names */
		saved = errno;
		unlink(to);
		errno = saved;
		return -1;
	}
	return 0;
}

int
hs_spool_deliver(const char *spool, const char *queue, const char *state,
    const char *id, const struct iovec *iov, int iovcnt, int durable,
    const char **why)
{
	char	 tmp[PATH_MAX], dst[PATH_MAX], dstdir[PATH_MAX];
	int	 fd = -1, saved;

	if (!hs_name_valid(queue) || strchr(id, '/') || id[0] == '.') {
		*why = "bad queue or id";
		return -1;
	}
	if (snprintf(tmp, sizeof tmp, "%s/%s/" HS_STATE_TMP "/%s", spool,
	    queue, id) >= (int)sizeof tmp ||
	    snprintf(dstdir, sizeof dstdir, "%s/%s/%s", spool, queue, state) >=
	    (int)sizeof dstdir ||
	    snprintf(dst, sizeof dst, "%s/%s", dstdir, id) >= (int)sizeof dst) {
		*why = "spool path too long";
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    FILE_MODE);
	if (fd == -1 && errno == ENOENT) {
		if (mkdir(spool, DIR_MODE) == 0)
			chmod(spool, DIR_MODE);
		if (hs_spool_make_dir(spool, queue, HS_STATE_TMP) == -1 ||
		    hs_spool_make_dir(spool, queue, HS_STATE_NEW) == -1 ||
		    hs_spool_make_dir(spool, queue, HS_STATE_CUR) == -1 ||
		    hs_spool_make_dir(spool, queue, state) == -1) {
			*why = "cannot create queue directories";
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, FILE_MODE);
	}
	if (fd == -1) {
		*why = "cannot create file in tmp/";
		return -1;
	}
	if (hs_writev_all(fd, iov, iovcnt) == -1) {
		*why = "write failed";
		goto fail;
	}
	/* After a failed fsync the data is gone: never retry, just refuse. */
	if (durable && fsync(fd) == -1) {
		*why = "fsync failed";
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		*why = "close failed";
		goto fail;
	}
	fd = -1;
	/*
	 * tmp/ existing says nothing about state/: another process may be
	 * between its mkdirs, or the queue was made without pending/.
	 */
	if (hs_spool_rename_noreplace(tmp, dst) == -1 && (errno != ENOENT ||
	    hs_spool_make_dir(spool, queue, state) == -1 ||
	    hs_spool_rename_noreplace(tmp, dst) == -1)) {
		*why = "rename into the queue failed";
		goto fail;
	}
	if (durable && hs_spool_fsync_dir(dstdir) == -1) {
		/* The entry may not survive a crash; take it back and say so. */
		unlink(dst);
		*why = "directory fsync failed";
		return -1;
	}
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

static int
dedup_path(char *out, size_t outlen, const char *spool, const char *endpoint,
    const char *key)
{
	return snprintf(out, outlen, "%s/" HS_DEDUP_DIR "/%s/%s", spool,
	    endpoint, key) < (int)outlen ? 0 : -1;
}

int
hs_spool_dedup_seen(const char *spool, const char *endpoint, const char *key)
{
	char	 path[PATH_MAX];

	if (dedup_path(path, sizeof path, spool, endpoint, key) == -1)
		return 0;
	return access(path, F_OK) == 0;
}

int
hs_spool_dedup_mark(const char *spool, const char *endpoint, const char *key,
    const char *id)
{
	char	 path[PATH_MAX], dir[PATH_MAX];
	int	 fd;

	if (dedup_path(path, sizeof path, spool, endpoint, key) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    FILE_MODE);
	if (fd == -1 && errno == ENOENT) {
		char	 sub[PATH_MAX];

		snprintf(dir, sizeof dir, "%s/" HS_DEDUP_DIR, spool);
		make_dir(dir, spool);
		if (snprintf(sub, sizeof sub, "%s/%s", dir, endpoint) >=
		    (int)sizeof sub)
			return -1;
		make_dir(sub, dir);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, FILE_MODE);
	}
	if (fd == -1)
		return errno == EEXIST ? 0 : -1;
	hs_write_all(fd, id, strlen(id));
	hs_write_all(fd, "\n", 1);
	close(fd);
	return 0;
}
