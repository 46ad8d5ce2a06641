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

#define HS_NAME_MAX		64	/* endpoint and queue names */

/* [A-Za-z0-9._-], 1..HS_NAME_MAX, no leading dot. */
int	hs_name_valid(const char *s);
/* The same alphabet, at most max characters (event ids, dedup keys). */
int	hs_name_valid_max(const char *s, size_t max);

#define HS_SPOOL_ID_MAX	128

/* Modes of everything in the spool: directories group-writable and setgid,
 * so a cron user in the server's group can claim (rename) events; files
 * readable by that group. */
#define HS_SPOOL_DIR_MODE	02770
#define HS_SPOOL_FILE_MODE	0640

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
/* the CLI's per-event sidecars, <queue>/meta/<id>.json */
#define HS_STATE_META		"meta"

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

/*
 * Several events, every one or none (the elements of a batch): each is
 * written into its queue's tmp/ and fsync'd (durable); only when all are
 * there are they renamed into <queue>/<state>/ one after another, without
 * replacing anything, and then each destination directory is fsync'd
 * once. On any failure every file already renamed is taken back and every
 * temp file removed: -1 with *why. Between the first rename and a failure
 * a reader may see (and claim) an element that is then taken back, the
 * same window hs_spool_deliver has between its rename and a failing
 * directory fsync.
 */
struct hs_spool_item {
	const char	*queue;
	const char	*state;
	const char	*id;
	const struct iovec *iov;
	int		 iovcnt;
};
int	hs_spool_deliver_all(const char *spool, const struct hs_spool_item *items,
	    size_t n, int durable, const char **why);

/*
 * Adds the number and bytes of the files in <spool>/<queue>/<state>/ (names
 * starting with '.' not counted) to *count and *bytes. A missing directory
 * holds nothing. -1 with errno when it cannot be read.
 */
int	hs_spool_count(const char *spool, const char *queue, const char *state,
	    long *count, long long *bytes);

/*
 * Spool directories, opened so that nobody who can write the spool (the
 * web server's user) can send us elsewhere with a symlink: spool_dir is
 * opened as configured (an administrator's symlink in it is fine); every
 * directory below it with O_DIRECTORY | O_NOFOLLOW, so a symlink fails
 * with ELOOP and a file with ENOTDIR. create: make what is missing (mode
 * 02770, the parent fsync'd, the root's parent too). Each returns an open
 * directory fd or -1 with errno.
 */
int	hs_spool_open_root(const char *spool, int create);
/* One component (no '/', not "." or "..") below an open directory. */
int	hs_spool_subdir(int parent, const char *name, int create);
/* <spool>/<queue>[/<state>] (state may be NULL). */
int	hs_spool_open_dir(const char *spool, const char *queue,
	    const char *state, int create);
/* "is a symbolic link (refused ...)", "is not a directory" or strerror. */
const char *hs_spool_dir_error(int err);

/*
 * Duplicate detection per endpoint, safe against concurrent copies of one
 * delivery. begin() looks for <spool>/.dedup/<endpoint>/<key>; if there is
 * none it takes the key's in-flight lock, waiting up to wait_ms for a copy
 * already being written (then its marker decides; if that copy failed, the
 * key is ours). Returns:
 *   HS_DEDUP_NEW     ours: deliver, then end(d, id) (or end(d, NULL))
 *   HS_DEDUP_DUP     already on disk
 *   HS_DEDUP_BUSY    another copy is still being written: answer 503
 *   HS_DEDUP_OFF     dedup cannot work here (*why): deliver without it
 *   HS_DEDUP_REFUSE  a symlink where a dedup directory should be (*why)
 * end() writes the marker when id is not NULL (-1 when it could not: the
 * event is on disk, only a later duplicate is possible) and drops the lock.
 */
#define HS_DEDUP_KEY_MAX	96
#define HS_DEDUP_NEW		0
#define HS_DEDUP_DUP		1
#define HS_DEDUP_BUSY		2
#define HS_DEDUP_OFF		3
#define HS_DEDUP_REFUSE		4
struct hs_dedup {
	int	 dir;
	int	 lock;
	char	 key[HS_DEDUP_KEY_MAX];
};
int	hs_spool_dedup_begin(const char *spool, const char *endpoint,
	    const char *key, long wait_ms, struct hs_dedup *d,
	    const char **why);
int	hs_spool_dedup_end(struct hs_dedup *d, const char *id);

/*
 * rename(2) that never replaces an existing file: renameat2 with
 * RENAME_NOREPLACE, or link + unlink where the file system lacks it.
 */
int	hs_spool_renameat_noreplace(int fromdir, const char *from, int todir,
	    const char *to);

/*
 * Finishes a file written through a temp name, the one place the spool's
 * durability rule lives (the receiver's delivery, the CLI's meta sidecars
 * and verified copies): writes iov to fd, fsyncs it (HS_COMMIT_SYNC_FILE),
 * closes it, renames tmpdir/tmpname to dstdir/dstname and fsyncs dstdir
 * (HS_COMMIT_SYNC_DIR). HS_COMMIT_NEW: never over an existing file
 * (RENAME_NOREPLACE), else the old version is replaced. fd is closed
 * either way. A failure before the rename removes the temp file; a NEW
 * file whose directory fsync failed is taken back (its entry may not
 * survive a crash, so nobody may be told it is stored); a replacement
 * stays, the old version being gone. -1 with errno, *why in words.
 */
#define HS_COMMIT_SYNC_FILE	0x1
#define HS_COMMIT_SYNC_DIR	0x2
#define HS_COMMIT_NEW		0x4
#define HS_COMMIT_DURABLE	(HS_COMMIT_SYNC_FILE | HS_COMMIT_SYNC_DIR)
int	hs_spool_commit(int fd, int tmpdir, const char *tmpname, int dstdir,
	    const char *dstname, const struct iovec *iov, int iovcnt,
	    unsigned flags, const char **why);

#endif
