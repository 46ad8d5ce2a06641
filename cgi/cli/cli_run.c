/*
 * cli_run.c - `hookspool run QUEUE -- CMD`: the consumer.
 *
 * The claim: open new/ID, take flock(2) on it, check it is still the file
 * named new/ID, and rename it to cur/ID while holding the lock. So a file
 * is never in cur/ without its runner's lock (the lock belongs to the
 * inode, and it was taken before the rename), and of overlapping runners
 * exactly one gets the lock. The runner keeps the lock until the file has
 * left cur/ again: for done/, back to new/ with a future mtime (backoff),
 * or to failed/. A cur/ file whose lock is free belonged to a runner that
 * died; after the lease it goes back to new/.
 *
 * meta "attempts" counts handler starts: it is written (with started_at)
 * before the handler is forked, so a runner that dies before that point
 * costs the event nothing, and one that dies while its handler runs
 * costs exactly that attempt.
 *
 * Every directory is opened once, from spool_dir down, with O_NOFOLLOW
 * (hs_cli_dir), and every file operation is relative to those fds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_cli.h"
#include "hs_cli_spool.h"
#include "hs_cli_util.h"
#include "hs_fdio.h"
#include "hs_spool.h"

#define KILL_GRACE	5	/* seconds between TERM and KILL */

/* Which events this runner hands its handler (--verified-only, ...). */
enum pick { PICK_ANY, PICK_VERIFIED, PICK_UNVERIFIED };

struct runner {
	const struct hs_config *cfg;
	const char	*queue;
	enum pick	 pick;
	int		 pick_set;	/* given on the command line */
	char		**cmd;
	long long	 max;		/* 0: no limit */
	long long	 budget;	/* --for; 0: no limit */
	long long	 timeout;	/* 0: none */
	int		 verbose;
	long long	 handled;
	int		 failures;	/* handlers that failed */
	int		 errors;	/* what we could not do: exit 1 */
	int		 fatal;		/* claiming cannot work: stop */
	struct timespec	 start;
	int		 qfd, newfd, curfd, donefd, failedfd, metafd;
};

/* What became of one handler run. */
struct outcome {
	int	 status;	/* waitpid status */
	int	 timed_out;
	int	 interrupted;	/* we were told to stop while it ran */
	char	 tail[HS_CLI_TAIL_MAX];
	size_t	 tail_len;
};

static volatile sig_atomic_t stop_signal;
static int	 wake[2] = { -1, -1 };	/* self-pipe: SIGCHLD and stop */

static void
on_signal(int sig)
{
	int	 saved = errno;
	ssize_t	 n;

	if (sig != SIGCHLD)
		stop_signal = sig;
	n = write(wake[1], "", 1);	/* full pipe: a wakeup is pending */
	(void)n;
	errno = saved;
}

static long long
now_secs(void)
{
	return (long long)time(NULL);
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is fd still the file named name in dir? A lost race leaves us a stale
 * inode. */
static int
same_file(int fd, int dir, const char *name)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 &&
	    fstatat(dir, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* "<spool>/<queue>/<state>/<id>", for messages and HOOKSPOOL_FILE. */
static const char *
event_path(const struct runner *r, const char *state, const char *id,
    char *buf, size_t len)
{
	if (hs_cli_path(buf, len, r->cfg, r->queue, state, id) == -1)
		snprintf(buf, len, "%s", id);
	return buf;
}

/* An entry of new/ or cur/ that is not a regular file: refused aloud. */
static void
refuse_file(struct runner *r, const char *state, const char *id, int err)
{
	char	 path[PATH_MAX];

	fprintf(stderr, "hookspool: run: %s: %s\n",
	    event_path(r, state, id, path, sizeof path),
	    hs_cli_file_error(err));
	r->errors++;
}

static long long
backoff(const struct hs_retry *rt, long long attempt)
{
	long long d = rt->backoff_seconds;

	while (--attempt > 0 && d < rt->backoff_max_seconds)
		d *= 2;
	return d > rt->backoff_max_seconds ? rt->backoff_max_seconds : d;
}

/* mtime carries the schedule; EPERM (someone else's file) is fine,
 * because meta carries it too. */
static void
set_mtime(int fd, long long when)
{
	struct timespec ts[2];

	ts[0].tv_sec = now_secs();
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = (time_t)when;
	ts[1].tv_nsec = 0;
	(void)futimens(fd, ts);
}

/*
 * The event's meta, or a new one (*had: whether there was one). NULL,
 * the error printed, when there is one we cannot read now (EIO, EACCES,
 * EMFILE...): starting afresh would forget its attempts.
 */
static json_object *
meta_or_new(struct runner *r, const char *id, int *had)
{
	json_object *m = hs_cli_meta_loadat(r->metafd, id);

	if (m == NULL && !hs_cli_meta_absent(errno)) {
		fprintf(stderr, "hookspool: run: %s/%s/" HS_STATE_META
		    "/%s.json: cannot read meta: %s; not run\n",
		    r->cfg->spool_dir, r->queue, id, strerror(errno));
		r->errors++;
		return NULL;
	}
	*had = m != NULL;
	if (m == NULL) {
		m = json_object_new_object();
		json_object_object_add(m, "id", json_object_new_string(id));
		json_object_object_add(m, "queue",
		    json_object_new_string(r->queue));
	}
	return m;
}

static void
meta_set_int(json_object *m, const char *key, long long v)
{
	json_object_object_add(m, key, json_object_new_int64(v));
}

static int
meta_save(struct runner *r, const char *id, json_object *m)
{
	if (hs_cli_meta_saveat(r->cfg, r->metafd, id, m,
	    HS_CLI_META_DURABLE) == 0)
		return 0;
	fprintf(stderr, "hookspool: run: %s/%s/" HS_STATE_META "/%s.json: "
	    "cannot write meta: %s\n", r->cfg->spool_dir, r->queue, id,
	    strerror(errno));
	r->errors++;
	return -1;
}

/* cur/ID -> to/ID, the lock still held; a failure is an error. */
static int
move_from_cur(struct runner *r, int tofd, const char *to, const char *id)
{
	if (hs_cli_moveat(r->cfg, r->queue, r->curfd, HS_STATE_CUR, tofd, to,
	    id) == 0)
		return 0;
	hs_cli_warn("run");
	r->errors++;
	return -1;
}

/*
 * Records a failed attempt (attempts: handler starts so far, this one
 * included) and moves the event on: back to new/ with its next time, or
 * to failed/ after the last attempt. Returns the new state.
 */
enum { BACK_OFF, BACK_NOW, BACK_FAIL };

static const char *
give_back(struct runner *r, const char *id, int fd, json_object *m,
    long long attempts, const char *why, int how)
{
	const struct hs_retry *rt = &r->cfg->retry;
	long long now = now_secs(), next;
	const char *to;
	int	 tofd;

	meta_set_int(m, "attempts", attempts);
	meta_set_int(m, "last_attempt_at", now);
	json_object_object_del(m, "started_at");
	json_object_object_add(m, "last_error", json_object_new_string(why));
	if (attempts >= rt->max_attempts || how == BACK_FAIL) {
		to = HS_STATE_FAILED;
		tofd = r->failedfd;
		json_object_object_del(m, "next_attempt_at");
		meta_set_int(m, "failed_at", now);
		next = now;
	} else {
		to = HS_STATE_NEW;
		tofd = r->newfd;
		next = how == BACK_NOW ? now :
		    now + backoff(rt, attempts < 1 ? 1 : attempts);
		if (next > now)
			meta_set_int(m, "next_attempt_at", next);
		else
			json_object_object_del(m, "next_attempt_at");
	}
	/* meta first: once the file is back in new/ someone may claim it */
	(void)meta_save(r, id, m);
	set_mtime(fd, next);
	if (move_from_cur(r, tofd, to, id) == -1)
		return NULL;
	return to;
}

/*
 * Undoes the start record of a handler that never ran (fork failed) or
 * that we stopped (a signal for us, not the event's fault), and puts the
 * event back, ready.
 */
static void
put_back(struct runner *r, const char *id, json_object *m, int had_meta,
    long long attempts)
{
	if (had_meta) {
		meta_set_int(m, "attempts", attempts);
		json_object_object_del(m, "started_at");
		(void)meta_save(r, id, m);
	} else
		(void)hs_cli_meta_removeat(r->metafd, id);
	(void)move_from_cur(r, r->newfd, HS_STATE_NEW, id);
}

/*
 * Lease recovery: a cur/ file whose lock is free belongs to a runner that
 * died (a live one holds the lock from before the file entered cur/).
 * It goes back after the lease: both ctime (the rename sets it) and mtime
 * (the claim sets it) must be older. Its attempt counts only when meta
 * says the handler had started.
 */
static void
recover(struct runner *r)
{
	struct hs_cli_names l;
	struct stat st;
	long long lease = r->cfg->retry.lease_seconds, now = now_secs();
	size_t	 i;

	if (hs_cli_list_at(r->curfd, &l) == -1) {
		fprintf(stderr, "hookspool: run: %s/%s/cur: %s\n",
		    r->cfg->spool_dir, r->queue, strerror(errno));
		r->errors++;
		return;
	}
	for (i = 0; i < l.n; i++) {
		const char *id = l.v[i], *to, *why;
		json_object *m;
		int	 fd, had;

		if ((fd = hs_cli_open_file(r->curfd, id, O_RDONLY)) == -1) {
			if (errno != ENOENT)
				refuse_file(r, HS_STATE_CUR, id, errno);
			continue;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1 ||
		    !same_file(fd, r->curfd, id) || fstat(fd, &st) == -1 ||
		    st.st_mtim.tv_sec > now - lease ||
		    st.st_ctim.tv_sec > now - lease) {
			close(fd);
			continue;
		}
		if ((m = meta_or_new(r, id, &had)) == NULL) {
			close(fd);	/* cur/ keeps it for the next run */
			continue;
		}
		why = json_object_object_get_ex(m, "started_at", NULL) ?
		    "runner died (lease expired)" :
		    "runner died before its handler started (lease expired; "
		    "no attempt counted)";
		/* the dead runner's backoff is the lease it already took */
		to = give_back(r, id, fd, m, hs_cli_meta_int(m, "attempts", 0),
		    why, BACK_NOW);
		if (to)
			fprintf(stderr, "hookspool: run: %s: %s; returned to "
			    "%s/\n", id, why, to);
		json_object_put(m);
		close(fd);
	}
	hs_cli_names_free(&l);
}

/* done/ keeps handled events for retry.keep_done_seconds. */
static void
sweep_done(struct runner *r)
{
	struct hs_cli_names l;
	struct stat st;
	long long keep = r->cfg->retry.keep_done_seconds, now = now_secs();
	size_t	 i;

	if (hs_cli_list_at(r->donefd, &l) == -1) {
		fprintf(stderr, "hookspool: run: %s/%s/done: %s\n",
		    r->cfg->spool_dir, r->queue, strerror(errno));
		r->errors++;
		return;
	}
	for (i = 0; i < l.n; i++) {
		/* only our files; anything else is for purge to report */
		if (fstatat(r->donefd, l.v[i], &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode) || hs_cli_state_time(&st) > now - keep)
			continue;
		if (unlinkat(r->donefd, l.v[i], 0) == 0)
			hs_cli_meta_removeat(r->metafd, l.v[i]);
	}
	hs_cli_names_free(&l);
}

static void
put_env(const char *name, const char *value)
{
	setenv(name, value ? value : "", 1);
}

/* In the child: never returns. */
static void
exec_handler(const struct runner *r, const struct hs_envelope_file *ev,
    const char *id, const char *path, long long attempt, int infd,
    int errfd, pid_t parent)
{
	json_object *v;
	char	 num[32];
	sigset_t none;

	setpgid(0, 0);
	/* a runner killed with -9 takes its handler along */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* infd is a second open of the event: the lock stays with the
	 * runner, so nothing the handler leaves behind can hold a claim */
	if (dup2(infd, 0) == -1 || dup2(errfd, 2) == -1)
		_exit(127);
	if (infd != 0)
		close(infd);
	close(errfd);
	put_env("HOOKSPOOL_FILE", path);
	put_env("HOOKSPOOL_ID", id);
	put_env("HOOKSPOOL_EVENT", hs_envelope_str(ev, "event"));
	put_env("HOOKSPOOL_ENDPOINT", hs_envelope_str(ev, "endpoint"));
	put_env("HOOKSPOOL_PROVIDER", hs_envelope_str(ev, "provider"));
	put_env("HOOKSPOOL_QUEUE", r->queue);
	put_env("HOOKSPOOL_DOCUMENT_ID", hs_envelope_str(ev, "document_id"));
	put_env("HOOKSPOOL_DELIVERY_ID", hs_envelope_str(ev, "delivery_id"));
	put_env("HOOKSPOOL_RECEIVED_AT", hs_envelope_str(ev, "received_at"));
	put_env("HOOKSPOOL_OCCURRED_AT", hs_envelope_str(ev, "occurred_at"));
	v = NULL;
	json_object_object_get_ex(ev->head, "verified", &v);
	put_env("HOOKSPOOL_VERIFIED", json_object_get_boolean(v) ? "true" :
	    "false");
	put_env("HOOKSPOOL_VERIFIED_SCOPE", hs_cli_event_scope(ev));
	v = NULL;
	json_object_object_get_ex(ev->head, "source_checked", &v);
	put_env("HOOKSPOOL_SOURCE_CHECKED", json_object_get_boolean(v) ?
	    "true" : "false");
	snprintf(num, sizeof num, "%lld", attempt);
	put_env("HOOKSPOOL_ATTEMPT", num);
	snprintf(num, sizeof num, "%ld", r->cfg->retry.max_attempts);
	put_env("HOOKSPOOL_MAX_ATTEMPTS", num);
	execvp(r->cmd[0], r->cmd);
	dprintf(2, "hookspool: cannot run %s: %s\n", r->cmd[0],
	    strerror(errno));
	_exit(127);
}

static void
tail_add(struct outcome *o, const char *buf, size_t n)
{
	if (n >= sizeof o->tail) {
		memcpy(o->tail, buf + n - sizeof o->tail, sizeof o->tail);
		o->tail_len = sizeof o->tail;
		return;
	}
	if (o->tail_len + n > sizeof o->tail) {
		size_t drop = o->tail_len + n - sizeof o->tail;

		memmove(o->tail, o->tail + drop, o->tail_len - drop);
		o->tail_len -= drop;
	}
	memcpy(o->tail + o->tail_len, buf, n);
	o->tail_len += n;
}

/* Reads what the handler wrote to stderr; 0 at EOF. */
static int
drain(int fd, struct outcome *o)
{
	char	 buf[4096];
	ssize_t	 n;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno == EAGAIN ? 1 : 0;
		if (n == 0)
			return 0;
		tail_add(o, buf, (size_t)n);
		/* pass it on too: cron mails what a failing handler said */
		(void)hs_write_all(2, buf, (size_t)n);
	}
}

/*
 * Waits for the handler, collecting its stderr, killing its process
 * group with TERM at the deadline and KILL after the grace.
 */
static int
supervise(const struct runner *r, pid_t pid, int errfd, struct outcome *o)
{
	struct pollfd pfd[2];
	long long deadline = r->timeout ? mono_ms() + r->timeout * 1000 : -1;
	int	 terms = 0, erropen = 1, n, timeout;
	pid_t	 w;
	char	 junk[64];

	for (;;) {
		w = waitpid(pid, &o->status, WNOHANG);
		if (w == pid)
			break;
		if (w == -1 && errno != EINTR)
			return -1;
		if (stop_signal && !o->interrupted) {
			o->interrupted = 1;
			kill(-pid, SIGTERM);
			terms = 1;
			deadline = mono_ms() + KILL_GRACE * 1000;
		}
		timeout = -1;
		if (deadline >= 0) {
			long long left = deadline - mono_ms();

			if (left <= 0) {
				if (terms == 0) {
					o->timed_out = 1;
					kill(-pid, SIGTERM);
					terms = 1;
					deadline = mono_ms() + KILL_GRACE * 1000;
				} else {
					kill(-pid, SIGKILL);
					deadline = -1;
				}
				continue;
			}
			timeout = left > 1000 ? 1000 : (int)left;
		}
		pfd[0] = (struct pollfd){ wake[0], POLLIN, 0 };
		pfd[1] = (struct pollfd){ erropen ? errfd : -1, POLLIN, 0 };
		n = poll(pfd, 2, timeout);
		if (n == -1 && errno != EINTR)
			return -1;
		if (n > 0 && (pfd[0].revents & POLLIN))
			while (read(wake[0], junk, sizeof junk) > 0)
				;
		if (n > 0 && erropen && (pfd[1].revents & (POLLIN | POLLHUP)))
			erropen = drain(errfd, o);
	}
	/* what is already in the pipe; a grandchild holding it open
	 * must not keep us here */
	if (erropen)
		drain(errfd, o);
	if (o->timed_out || o->interrupted)
		kill(-pid, SIGKILL);
	return 0;
}

static void
describe(const struct runner *r, const struct outcome *o, char *out,
    size_t outlen)
{
	if (o->timed_out)
		snprintf(out, outlen, "timed out after %lld s", r->timeout);
	else if (WIFEXITED(o->status))
		snprintf(out, outlen, "exit status %d", WEXITSTATUS(o->status));
	else if (WIFSIGNALED(o->status))
		snprintf(out, outlen, "killed by signal %d",
		    WTERMSIG(o->status));
	else
		snprintf(out, outlen, "wait status %d", o->status);
}

/*
 * Handled: done/ (or deleted), meta updated, or removed when it held only
 * the start record. A handled event must never run again, so when done/
 * cannot take it, it is deleted from cur/ instead.
 */
static void
finish_ok(struct runner *r, const char *id, int fd, long long attempt,
    json_object *m, int had_meta)
{
	char	 path[PATH_MAX];

	if (r->cfg->retry.keep_done_seconds > 0) {
		set_mtime(fd, now_secs());
		if (move_from_cur(r, r->donefd, HS_STATE_DONE, id) == 0)
			goto meta;
		fprintf(stderr, "hookspool: run: %s: handled, but done/ "
		    "cannot take it: deleted, so that it never runs again\n",
		    id);
	}
	if (unlinkat(r->curfd, id, 0) == -1) {
		fprintf(stderr, "hookspool: run: %s: handled, but cannot "
		    "delete it: %s\n", event_path(r, HS_STATE_CUR, id, path,
		    sizeof path), strerror(errno));
		r->errors++;
		return;
	}
	if (r->cfg->durable)
		fsync(r->curfd);
	if (r->cfg->retry.keep_done_seconds == 0) {
		hs_cli_meta_removeat(r->metafd, id);
		return;
	}
meta:
	/* most events never failed and had no meta: keep it that way */
	if (!had_meta) {
		hs_cli_meta_removeat(r->metafd, id);
		return;
	}
	meta_set_int(m, "attempts", attempt);
	meta_set_int(m, "done_at", now_secs());
	json_object_object_del(m, "next_attempt_at");
	json_object_object_del(m, "started_at");
	(void)meta_save(r, id, m);
}

static void
record_failure(json_object *m, const struct outcome *o)
{
	char	*clean;

	if (!o->timed_out && WIFEXITED(o->status))
		meta_set_int(m, "last_exit", WEXITSTATUS(o->status));
	else
		json_object_object_add(m, "last_exit", NULL);
	if (!o->timed_out && WIFSIGNALED(o->status))
		meta_set_int(m, "last_signal", WTERMSIG(o->status));
	else
		json_object_object_add(m, "last_signal", NULL);
	json_object_object_add(m, "last_timed_out",
	    json_object_new_boolean(o->timed_out));
	if ((clean = hs_cli_utf8_clean(o->tail, o->tail_len)) != NULL) {
		json_object_object_add(m, "last_stderr",
		    json_object_new_string(clean));
		free(clean);
	}
}

/*
 * The claim (see the top of the file). Returns the locked fd of the event
 * now in cur/, -1 when it is not ours (another runner has or had it), or
 * -2 when claiming cannot work here (r->fatal set, the error printed).
 */
static int
claim(struct runner *r, const char *id)
{
	char	 path[PATH_MAX];
	int	 fd, err;

	if ((fd = hs_cli_open_file(r->newfd, id, O_RDONLY)) == -1) {
		if (errno == ENOENT)
			return -1;	/* claimed and moved on meanwhile */
		refuse_file(r, HS_STATE_NEW, id, errno);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			fprintf(stderr, "hookspool: run: %s: flock: %s\n",
			    event_path(r, HS_STATE_NEW, id, path, sizeof path),
			    strerror(errno));
			r->errors++;
		}
		close(fd);
		return -1;	/* another runner is claiming it */
	}
	/* we may have locked it after its runner let go: is it still the
	 * file in new/? Nobody moves it out of new/ without the lock. */
	if (!same_file(fd, r->newfd, id)) {
		close(fd);
		return -1;
	}
	if (hs_spool_renameat_noreplace(r->newfd, id, r->curfd, id) == -1) {
		if (errno == ENOENT) {
			close(fd);
			return -1;
		}
		err = errno;
		fprintf(stderr, "hookspool: run: cannot claim %s: rename to "
		    "%s/%s/cur/: %s\n", event_path(r, HS_STATE_NEW, id, path,
		    sizeof path), r->cfg->spool_dir, r->queue, strerror(err));
		r->errors++;
		close(fd);
		/* a name taken in cur/ is this event's problem; anything
		 * else (permissions, a read-only file system) is every one's */
		if (err == EEXIST)
			return -1;
		r->fatal = 1;
		return -2;
	}
	return fd;
}

/*
 * Claims one event and runs the handler on it. Returns 1 handled,
 * 0 handler failed, -1 not ours or not run (another runner got it, not
 * due yet, an error already counted in r->errors).
 */
static int
run_one(struct runner *r, const char *id)
{
	struct hs_envelope_file ev;
	struct outcome o;
	struct stat st;
	json_object *m = NULL;
	char	 path[PATH_MAX], why[128];
	long long attempts;
	const char *to;
	int	 fd, infd = -1, errp[2] = { -1, -1 }, rc = -1, had_meta;
	pid_t	 pid, self = getpid();

	memset(&ev, 0, sizeof ev);
	memset(&o, 0, sizeof o);
	if ((fd = claim(r, id)) < 0)
		return -1;
	/* from here on the event is in cur/ and we hold its lock: every
	 * path below moves it out of cur/ before closing fd */
	event_path(r, HS_STATE_CUR, id, path, sizeof path);
	if ((m = meta_or_new(r, id, &had_meta)) == NULL) {
		(void)move_from_cur(r, r->newfd, HS_STATE_NEW, id);
		goto out;
	}
	attempts = hs_cli_meta_int(m, "attempts", 0);
	if (fstat(fd, &st) == -1 || hs_cli_next_attempt(&st, m) > now_secs()) {
		/* deferred by another runner after we listed new/ */
		(void)move_from_cur(r, r->newfd, HS_STATE_NEW, id);
		goto out;
	}
	set_mtime(fd, now_secs());	/* the claim time, for the lease */
	if (r->cfg->durable)
		fsync(r->curfd);
	if (hs_envelope_read(fd, &ev) == -1) {
		/* it will not parse next time either; no handler ran */
		snprintf(why, sizeof why, "unreadable event file: %s",
		    strerror(errno));
		give_back(r, id, fd, m, attempts, why, BACK_FAIL);
		fprintf(stderr, "hookspool: run: %s: %s; moved to failed/\n",
		    id, why);
		rc = 0;
		goto out;
	}
	/* the handler's own open, without our lock */
	if ((infd = hs_cli_open_file(r->curfd, id, O_RDONLY)) == -1 ||
	    !same_file(infd, r->curfd, id) || pipe2(errp, O_CLOEXEC) == -1) {
		fprintf(stderr, "hookspool: run: %s: %s\n", path,
		    strerror(errno));
		r->errors++;
		(void)move_from_cur(r, r->newfd, HS_STATE_NEW, id);
		goto out;
	}
	/*
	 * The start record: from here a death of ours costs this attempt.
	 * Losing it in a crash only loses the count of this one attempt, so
	 * no directory fsync; the file is fsync'd only when it replaces a
	 * meta with history in it (a crash must not leave that empty).
	 */
	meta_set_int(m, "attempts", attempts + 1);
	meta_set_int(m, "started_at", now_secs());
	if (hs_cli_meta_saveat(r->cfg, r->metafd, id, m, had_meta ?
	    HS_CLI_META_DATA : HS_CLI_META_LAZY) == -1) {
		fprintf(stderr, "hookspool: run: %s: cannot record the start "
		    "in meta/: %s; not run\n", id, strerror(errno));
		r->errors++;
		r->fatal = 1;	/* no event can be run safely */
		put_back(r, id, m, had_meta, attempts);
		goto out;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "hookspool: run: fork: %s\n", strerror(errno));
		r->errors++;
		put_back(r, id, m, had_meta, attempts);
		goto out;
	}
	if (pid == 0)
		exec_handler(r, &ev, id, path, attempts + 1, infd, errp[1],
		    self);
	attempts++;
	setpgid(pid, pid);	/* both sides: no window for kill(-pid) */
	close(errp[1]);
	errp[1] = -1;
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	if (supervise(r, pid, errp[0], &o) == -1) {
		fprintf(stderr, "hookspool: run: waitpid: %s\n",
		    strerror(errno));
		r->errors++;
		r->fatal = 1;
		goto out;	/* cur/ keeps it; the lease returns it */
	}
	if (o.interrupted) {
		/* not the event's fault: back, ready, no attempt counted */
		put_back(r, id, m, had_meta, attempts - 1);
		goto out;
	}
	if (!o.timed_out && WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) {
		finish_ok(r, id, fd, attempts, m, had_meta);
		if (r->verbose)
			printf("%s ok\n", id);
		rc = 1;
		goto out;
	}
	describe(r, &o, why, sizeof why);
	record_failure(m, &o);
	to = give_back(r, id, fd, m, attempts, why, BACK_OFF);
	if (to && strcmp(to, HS_STATE_FAILED) == 0)
		fprintf(stderr, "hookspool: run: %s (%s): %s; attempt %lld of "
		    "%ld, moved to failed/\n", id,
		    hs_envelope_str(&ev, "event"), why, attempts,
		    r->cfg->retry.max_attempts);
	else if (to) {
		char	 when[64];
		long long next = hs_cli_meta_int(m, "next_attempt_at", 0);

		if (next > 0) {
			hs_cli_fmt_time(next, when, sizeof when);
			fprintf(stderr, "hookspool: run: %s (%s): %s; attempt "
			    "%lld of %ld, next at %s\n", id,
			    hs_envelope_str(&ev, "event"), why, attempts,
			    r->cfg->retry.max_attempts, when);
		} else
			fprintf(stderr, "hookspool: run: %s (%s): %s; attempt "
			    "%lld of %ld, next attempt now\n", id,
			    hs_envelope_str(&ev, "event"), why, attempts,
			    r->cfg->retry.max_attempts);
	}
	rc = 0;
out:
	if (errp[0] != -1)
		close(errp[0]);
	if (errp[1] != -1)
		close(errp[1]);
	if (infd != -1)
		close(infd);
	hs_envelope_free(&ev);
	json_object_put(m);
	close(fd);	/* releases the lock: after the file left cur/ */
	return rc;
}

static int
out_of_budget(const struct runner *r)
{
	struct timespec now;

	if (stop_signal)
		return 1;
	if (r->max && r->handled >= r->max)
		return 1;
	if (r->budget) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - r->start.tv_sec >= r->budget)
			return 1;
	}
	return 0;
}

/*
 * Is this event one the runner hands out? Only read when a filter is on.
 * An unreadable file is "yes": run_one moves it to failed/ as it would.
 */
static int
picked(const struct runner *r, const char *id)
{
	struct hs_envelope_file ev;
	int	 body;

	if (r->pick == PICK_ANY)
		return 1;
	if (hs_cli_event_loadat(r->newfd, id, &ev) == -1)
		return errno == ENOENT ? 0 : 1;
	body = strcmp(hs_cli_event_scope(&ev), "body") == 0;
	hs_envelope_free(&ev);
	return r->pick == PICK_VERIFIED ? body : !body;
}

/* The events in new/ that are due, oldest first. What is not a regular
 * file is reported on the first pass (report), never read. */
static int
due_events(struct runner *r, struct hs_cli_names *due, int report)
{
	struct hs_cli_names l;
	struct stat st;
	long long now = now_secs();
	size_t	 i, o = 0;

	if (hs_cli_list_at(r->newfd, &l) == -1)
		return -1;
	for (i = 0; i < l.n; i++) {
		json_object *m;
		int	 ok;

		if (fstatat(r->newfd, l.v[i], &st, AT_SYMLINK_NOFOLLOW) == -1) {
			free(l.v[i]);	/* claimed meanwhile */
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			if (report)
				refuse_file(r, HS_STATE_NEW, l.v[i],
				    S_ISLNK(st.st_mode) ? ELOOP : EMEDIUMTYPE);
			free(l.v[i]);
			continue;
		}
		ok = st.st_mtim.tv_sec <= now;
		if (ok && (m = hs_cli_meta_loadat(r->metafd, l.v[i])) != NULL) {
			ok = hs_cli_next_attempt(&st, m) <= now;
			json_object_put(m);
		}
		if (ok && !picked(r, l.v[i]))
			ok = 0;
		if (ok)
			l.v[o++] = l.v[i];
		else
			free(l.v[i]);
	}
	l.n = o;
	*due = l;
	return 0;
}

static int
parse_args(struct runner *r, int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			if (i + 1 >= argc)
				return -1;
			r->cmd = argv + i + 1;
			break;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
			r->verbose = 1;
		else if (strcmp(a, "--max") == 0 && i + 1 < argc) {
			if (hs_cli_parse_count(argv[++i], 1LL << 40,
			    &r->max) == -1)
				return -1;
		} else if (strcmp(a, "--for") == 0 && i + 1 < argc) {
			if (hs_cli_parse_duration(argv[++i], &r->budget) == -1)
				return -1;
		} else if (strcmp(a, "--verified-only") == 0 ||
		    strcmp(a, "--unverified-only") == 0 ||
		    strcmp(a, "--any") == 0) {
			if (r->pick_set++)
				return -1;	/* one of them */
			r->pick = a[2] == 'v' ? PICK_VERIFIED : a[2] == 'u' ?
			    PICK_UNVERIFIED : PICK_ANY;
		} else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			if (hs_cli_parse_duration(argv[++i], &r->timeout) == -1)
				return -1;
		} else if (a[0] == '-' || r->queue != NULL)
			return -1;
		else
			r->queue = a;
	}
	if (r->queue == NULL || r->cmd == NULL)
		return -1;
	if (!hs_name_valid(r->queue)) {
		fprintf(stderr, "hookspool: run: bad queue name\n");
		return -1;
	}
	return 0;
}

/*
 * The queue's directories, each a real directory (never a symlink), made
 * when missing. 1: ready; 0: nothing to do (a routed queue nothing was
 * delivered to yet); -1: refused or broken, the error printed.
 */
static int
open_dirs(struct runner *r)
{
	static const struct {
		const char	*state;
		size_t		 off;
	} dirs[] = {
		{ HS_STATE_NEW, offsetof(struct runner, newfd) },
		{ HS_STATE_CUR, offsetof(struct runner, curfd) },
		{ HS_STATE_DONE, offsetof(struct runner, donefd) },
		{ HS_STATE_FAILED, offsetof(struct runner, failedfd) },
		{ HS_STATE_META, offsetof(struct runner, metafd) },
	};
	char	 qdir[PATH_MAX];
	size_t	 i;
	int	 fd;

	if ((r->qfd = hs_cli_dir(r->cfg, r->queue, NULL, 0)) == -1) {
		if (errno == ENOENT && hs_cli_queue_routed(r->cfg, r->queue))
			return 0;
		if (errno == ENOENT) {
			hs_cli_path(qdir, sizeof qdir, r->cfg, r->queue, NULL,
			    NULL);
			fprintf(stderr, "hookspool: run: no route delivers to "
			    "queue %s and %s does not exist\n", r->queue, qdir);
			return -2;
		}
		hs_cli_warn("run");
		return -1;
	}
	/* all of them before the first claim: an event must never get
	 * stuck halfway because done/ or meta/ turns out to be a symlink */
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		fd = hs_cli_subdir(r->cfg, r->qfd, r->queue, dirs[i].state, 1);
		if (fd == -1) {
			hs_cli_warn("run");
			return -1;
		}
		*(int *)((char *)r + dirs[i].off) = fd;
	}
	return 1;
}

static void
close_dirs(struct runner *r)
{
	int	*fds[] = { &r->qfd, &r->newfd, &r->curfd, &r->donefd,
	    &r->failedfd, &r->metafd };
	size_t	 i;

	for (i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (*fds[i] != -1) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

int
hs_cmd_run(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct runner r;
	struct hs_cli_names due;
	struct sigaction sa;
	const struct hs_queue_conf *qc;
	size_t	 i;
	int	 rc = 0, progress, pass = 0, ready;

	memset(&r, 0, sizeof r);
	r.qfd = r.newfd = r.curfd = r.donefd = r.failedfd = r.metafd = -1;
	r.timeout = -1;
	if (parse_args(&r, argc, argv) == -1)
		return hs_cli_usage("run");
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	r.cfg = &cfg;
	qc = hs_config_queue(&cfg, r.queue);
	if (!r.pick_set && qc && qc->verified_only)
		r.pick = PICK_VERIFIED;
	if (r.timeout < 0)
		r.timeout = cfg.retry.timeout_seconds;
	if ((ready = open_dirs(&r)) <= 0) {
		close_dirs(&r);
		hs_config_free(&cfg);
		return ready == 0 ? 0 : ready == -2 ? 2 : 1;
	}
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		fprintf(stderr, "hookspool: run: pipe: %s\n", strerror(errno));
		close_dirs(&r);
		hs_config_free(&cfg);
		return 1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;	/* poll(2) still wakes: self-pipe */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &r.start);

	recover(&r);
	sweep_done(&r);
	do {
		progress = 0;
		if (due_events(&r, &due, pass++ == 0) == -1) {
			fprintf(stderr, "hookspool: run: cannot read %s/%s/new: "
			    "%s\n", cfg.spool_dir, r.queue, strerror(errno));
			r.errors++;
			break;
		}
		for (i = 0; i < due.n && !out_of_budget(&r) && !r.fatal; i++) {
			int	 ok = run_one(&r, due.v[i]);

			if (ok < 0)
				continue;
			progress = 1;
			r.handled++;
			if (ok == 0)
				r.failures++;
		}
		hs_cli_names_free(&due);
	} while (progress && !out_of_budget(&r) && !r.fatal);
	if (r.failures || r.errors || stop_signal)
		rc = 1;
	if (r.verbose)
		printf("%lld handled, %d failed\n", r.handled, r.failures);
	if (r.errors)
		fprintf(stderr, "hookspool: run: %s: %d error%s (see above)%s\n",
		    r.queue, r.errors, r.errors == 1 ? "" : "s",
		    r.fatal ? "; stopped" : "");
	close(wake[0]);
	close(wake[1]);
	close_dirs(&r);
	hs_config_free(&cfg);
	return rc;
}
