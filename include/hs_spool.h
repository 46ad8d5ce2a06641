/*
 * hs_spool.h - Maildir-style delivery: <spool>/<queue>/{tmp,new,cur,...}.
 * A file appears in new/ (or pending/) only complete and, when durable,
 * fsync'd together with its directory entry.
 */
#ifndef HS_SPOOL_H
#define HS_SPOOL_H

#include <stddef.h>
#include <sys/uio.h>
#include <time.h>

#define HS_SPOOL_ID_MAX	128

/* Directory names inside a queue; tmp/ and new/ are the Maildir core. */
#define HS_STATE_TMP		"tmp"
#define HS_STATE_NEW		"new"
#define HS_STATE_CUR		"cur"
#define HS_STATE_DONE		"done"
#define HS_STATE_FAILED		"failed"
#define HS_STATE_PENDING	"pending"
#define HS_STATE_REJECTED	"rejected"
/* Ignisign events whose check was interrupted and then came back
 * negative: the lost check may have spent a genuine token, so a person
 * decides (`hookspool verify --release/--reject`) */
#define HS_STATE_HELD		"held"

#define HS_DEDUP_DIR		".dedup"

/*
 * A unique name: <sec>.M<usec>P<pid>R<random>Q<count>.<host>, safe as a
 * file name, sortable by time, never derived from request data.
 */
void	hs_spool_new_id(struct timespec now, char out[HS_SPOOL_ID_MAX]);

/*
 * Writes iov into <spool>/<queue>/tmp/<id>, fsyncs it (durable), moves
 * it into <spool>/<queue>/<state>/<id> without replacing anything and
 * fsyncs that directory. Creates the queue's directories on first use.
 * On failure nothing is left in tmp/ or state/; returns -1 with *why.
 */
int	hs_spool_deliver(const char *spool, const char *queue,
	    const char *state, const char *id, const struct iovec *iov,
	    int iovcnt, int durable, const char **why);

/* Creates <spool>/<queue>/<state>/ (and the queue directory) if missing. */
int	hs_spool_make_dir(const char *spool, const char *queue,
	    const char *state);

/*
 * Duplicate detection per endpoint: key is 64 hex digits (SHA-256 of the
 * delivery id). seen() is 1 when a marker exists. mark() records one
 * after delivery; losing a marker can only cause a duplicate, not a loss.
 */
int	hs_spool_dedup_seen(const char *spool, const char *endpoint,
	    const char *key);
int	hs_spool_dedup_mark(const char *spool, const char *endpoint,
	    const char *key, const char *id);

/*
 * rename(2) that never replaces an existing file: renameat2 with
 * RENAME_NOREPLACE, or link + unlink where the file system lacks it.
 */
int	hs_spool_rename_noreplace(const char *from, const char *to);
/* fsync(2) of a directory, so a rename into it survives a crash. */
int	hs_spool_fsync_dir(const char *path);

/* write(2)/writev(2) loops that survive EINTR and short writes. */
int	hs_write_all(int fd, const void *buf, size_t len);
/*
 * Reads fd to its end into a new buffer, NUL-terminated, of at most max
 * bytes (length in *lenp); a longer file is EFBIG. NULL on error, errno set.
 */
char	*hs_read_all(int fd, size_t max, size_t *lenp);
int	hs_writev_all(int fd, const struct iovec *iov, int iovcnt);

#endif
