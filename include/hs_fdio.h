/*
 * hs_fdio.h - whole reads and writes of a file descriptor (cgi/fdio.c), the
 * leaf every module uses. -1 or NULL with errno set on failure.
 */
#ifndef HS_FDIO_H
#define HS_FDIO_H

#include <stddef.h>
#include <sys/uio.h>

/*
 * write(2)/writev(2) loops that survive EINTR and short writes; a write
 * making no progress is EIO. writev takes at most 8 vectors (EINVAL).
 */
int	hs_write_all(int fd, const void *buf, size_t len);
/*
 * Reads fd to its end into a new buffer, NUL-terminated, of at most max
 * bytes (length in *lenp); a longer file is EFBIG. NULL on error, errno set.
 */
char	*hs_read_all(int fd, size_t max, size_t *lenp);
int	hs_writev_all(int fd, const struct iovec *iov, int iovcnt);

#endif
