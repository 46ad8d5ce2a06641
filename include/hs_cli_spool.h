/*
 * hs_cli_spool.h - the spool as the `hookspool` subcommands see it: paths,
 * listing, finding an event, moves between states, the per-event meta
 * sidecar and opening event files. Only the CLI links this
 * (cgi/cli/cli_spool.c).
 */
#ifndef HS_CLI_SPOOL_H
#define HS_CLI_SPOOL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include "hs_config.h"
#include "hs_envelope.h"

struct json_object;

#define HS_CLI_TAIL_MAX		4096	/* stderr tail kept for failed events */
#define HS_CLI_TMP_SWEEP	(36 * 3600)	/* tmp/ leftovers older than this */

/* The event states a user can name, in the order an event moves. */
extern const char *const hs_cli_states[];	/* NULL-terminated */
int	hs_cli_state_valid(const char *state);

/* An id from the command line: no '/', no leading '.', bounded, printable. */
int	hs_cli_id_valid(const char *id);

/*
 * Every directory below spool_dir is opened with O_DIRECTORY|O_NOFOLLOW
 * from its parent's fd (hs_spool_subdir), so whoever can write the spool
 * (the web server's user) cannot send a root cron job elsewhere with a
 * symlink; event and meta files are opened with O_NOFOLLOW and must be
 * regular files. On failure these record the path that was refused and
 * why; hs_cli_warn(cmd) prints "hookspool: CMD: PATH: WHY".
 */
int	hs_cli_dir(const struct hs_config *cfg, const char *queue,
	    const char *state, int create);
/* <state> below an open queue directory qfd. */
int	hs_cli_subdir(const struct hs_config *cfg, int qfd, const char *queue,
	    const char *state, int create);
void	hs_cli_note(const char *why, const char *path);
void	hs_cli_warn(const char *cmd);
/* A regular file in dirfd, never through a symlink (ELOOP), never a FIFO
 * or device (EMEDIUMTYPE); hs_cli_file_error says so in words. */
int	hs_cli_open_file(int dirfd, const char *name, int flags);
const char *hs_cli_file_error(int err);

/* <spool>/<queue>[/<state>[/<id>]]; -1 when too long. */
int	hs_cli_path(char *out, size_t outlen, const struct hs_config *cfg,
	    const char *queue, const char *state, const char *id);

/* Event names in a directory (never names starting with '.'), oldest id
 * first. A missing directory is an empty list. */
struct hs_cli_names {
	char	**v;
	size_t	  n;
};
int	hs_cli_list_dir(const char *dir, struct hs_cli_names *out);
int	hs_cli_list_at(int dirfd, struct hs_cli_names *out);
void	hs_cli_names_free(struct hs_cli_names *l);
/* Every queue: directories under spool_dir plus every route's target. */
int	hs_cli_queues(const struct hs_config *cfg, struct hs_cli_names *out);
/* Does some route of the config deliver into queue? */
int	hs_cli_queue_routed(const struct hs_config *cfg, const char *queue);
/* Where is event id? Fills queue and state (one of hs_cli_states). -1
 * with errno ENOENT when it is nowhere, or with a refused directory's
 * errno (and note) when one was in the way. */
int	hs_cli_find_event(const struct hs_config *cfg, const char *id,
	    char *queue, size_t qlen, const char **state);
/* Orders ids by their leading seconds, then by name. */
int	hs_cli_id_cmp(const char *a, const char *b);

/*
 * Moves <queue>/<from>/<id> to <queue>/<to>/<id> without replacing
 * anything (creating <to>/ if needed); fsyncs <to>/ when durable.
 */
int	hs_cli_move(const struct hs_config *cfg, const char *queue,
	    const char *from, const char *to, const char *id);
/* The same between open state directories (from, to name them). */
int	hs_cli_moveat(const struct hs_config *cfg, const char *queue,
	    int fromfd, const char *from, int tofd, const char *to,
	    const char *id);

/*
 * Finishes a replacement written through a temp file: hs_spool_commit
 * (write, fsync when durable, rename over dst, fsync dst's directory)
 * with both directories opened from the spool root down, never through a
 * symlink. On failure fd is closed and tmp removed.
 */
struct iovec;
int	hs_cli_commit(const struct hs_config *cfg, int fd, const char *tmp,
	    const char *dst, const struct iovec *iov, int iovcnt);

/*
 * Creates <queue>/tmp/<id> for a replacement (O_EXCL, O_NOFOLLOW, tmp/
 * opened the spool way and made if missing; a leftover of ours is
 * removed first) and writes its path into tmp for hs_cli_commit. The fd,
 * or -1 with errno (and the refused directory noted for hs_cli_warn).
 */
int	hs_cli_tmp_open(const struct hs_config *cfg, const char *queue,
	    const char *id, char *tmp, size_t tmplen);

/* Received time of an event: the seconds its id starts with, else mtime. */
long long hs_cli_id_time(const char *id, const struct stat *st);
/* When a file entered done/, failed/ or rejected/: the mtime we set on
 * the move (a file we may not touch keeps its receive time). */
long long hs_cli_state_time(const struct stat *st);

/*
 * The meta sidecar. load: the object, or NULL when there is none (errno
 * ENOENT) or it is unreadable. save: temp file in meta/, fsync, rename.
 */
struct json_object *hs_cli_meta_load(const struct hs_config *cfg,
	    const char *queue, const char *id);
int	hs_cli_meta_save(const struct hs_config *cfg, const char *queue,
	    const char *id, struct json_object *meta);
int	hs_cli_meta_remove(const struct hs_config *cfg, const char *queue,
	    const char *id);
/*
 * The same in an open meta/ directory. With durable, sync says what is
 * fsync'd: DURABLE the file, then meta/ after the rename; DATA the file
 * only (a crash may lose the rename: the old meta stays); LAZY nothing
 * (a crash may leave an empty file: for a meta that holds no history).
 */
#define HS_CLI_META_DURABLE	0
#define HS_CLI_META_DATA	1
#define HS_CLI_META_LAZY	2
struct json_object *hs_cli_meta_loadat(int metafd, const char *id);
/*
 * After a load that gave NULL: 1 when errno says there is no usable meta,
 * so a new one may replace it (none; not JSON, as a crash may leave a
 * lazily written one; too big or not a regular file: not ours), 0 when
 * one is there but cannot be read now (EIO, EACCES, EMFILE, EINTR...):
 * acting on the event then would forget what the meta holds.
 */
int	hs_cli_meta_absent(int err);
int	hs_cli_meta_saveat(const struct hs_config *cfg, int metafd,
	    const char *id, struct json_object *meta, int sync);
int	hs_cli_meta_removeat(int metafd, const char *id);
long long hs_cli_meta_int(struct json_object *meta, const char *key,
	    long long dflt);
/* When a deferred event may run again (0: now). */
long long hs_cli_next_attempt(const struct stat *st, struct json_object *meta);

/*
 * An event file (struct hs_envelope_file, hs_envelope_read) opened the
 * spool way: O_NOFOLLOW, a regular file only (hs_cli_open_file).
 */
int	hs_cli_event_load(const char *path, struct hs_envelope_file *ev);
int	hs_cli_event_loadat(int dirfd, const char *name,
	    struct hs_envelope_file *ev);
/*
 * What the sender's check authenticated: "body", "event" or "none". A
 * file from before the field was honest counts as "body" only where it
 * says "verified": true and "verified_scope": "body" (or no scope).
 */
const char *hs_cli_event_scope(const struct hs_envelope_file *ev);

/* An entry of a state directory that is not a regular file (err: ELOOP
 * for a symlink, EMEDIUMTYPE otherwise): never read, never followed, said
 * on stderr as "hookspool: CMD: PATH: why". */
void	hs_cli_not_an_event(const struct hs_config *cfg, const char *cmd,
	    const char *queue, const char *state, const char *id, int err);
/* A queue's directory, and its meta/ in *mfd (-1: none). -2: the queue
 * has no directory yet; -1: refused (said on stderr). */
int	hs_cli_open_queue(const struct hs_config *cfg, const char *cmd,
	    const char *queue, int *mfd);

#endif
