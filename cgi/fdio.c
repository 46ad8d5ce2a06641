/*
 * fdio.c - the byte loops every module shares: whole writes and whole reads
 * of a file descriptor. A leaf (as Redis's anet.c): it includes no other
 * hookspool header. One error convention: -1 (or NULL) with errno set,
 * EINTR retried, a short write continued, a write that makes no progress
 * EIO.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hs_fdio.h"

int
hs_write_all(int fd, const void *buf, size_t len)
{
	struct iovec iov = { (void *)buf, len };

	return hs_writev_all(fd, &iov, 1);
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

	if (iovcnt > 8) {
		errno = EINVAL;
		return -1;
	}
	memcpy(iov, iov_in, sizeof *iov * (size_t)iovcnt);
	while (i < iovcnt) {
		if (iov[i].iov_len == 0) {
			i++;
			continue;
		}
		n = writev(fd, iov + i, iovcnt - i);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EIO;
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
