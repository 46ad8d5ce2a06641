/*
 * cli_run.c - `hookspool run QUEUE -- CMD`: the consumer. An event is
 * claimed by renaming new/ID to cur/ID (exactly one runner wins), held
 * with flock(2) while CMD runs, then renamed to done/, back to new/ with
 * a future mtime (backoff), or to failed/. A cur/ file nobody holds a
 * lock on, older than the lease, belonged to a runner that died.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
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
#include "hs_cli_common.h"
#include "hs_spool.h"

#define KILL_GRACE	5	/* seconds between TERM and KILL */

struct runner {
	const struct hs_config *cfg;
	const char	*queue;
	char		**cmd;
	long long	 max;		/* 0: no limit */
	long long	 budget;	/* --for; 0: no limit */
	long long	 timeout;	/* 0: none */
	int		 verbose;
	long long	 handled;
	int		 failures;
	struct timespec	 start;
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

/* Is fd still the file at path? A lost race leaves us a stale inode. */
static int
same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
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

static json_object *
meta_or_new(const struct runner *r, const char *id)
{
	json_object *m = hs_cli_meta_load(r->cfg, r->queue, id);

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

/*
 * Records a failed attempt and moves the event on: back to new/ with its
 * next time, or to failed/ after the last attempt. Returns the new state.
 */
enum { BACK_OFF, BACK_NOW, BACK_FAIL };

static const char *
give_back(const struct runner *r, const char *id, int fd, json_object *m,
    long long attempt, const char *why, int how)
{
	const struct hs_retry *rt = &r->cfg->retry;
	long long now = now_secs(), next;
	const char *to;

	meta_set_int(m, "attempts", attempt);
	meta_set_int(m, "last_attempt_at", now);
	json_object_object_add(m, "last_error", json_object_new_string(why));
	if (attempt >= rt->max_attempts || how == BACK_FAIL) {
		to = HS_STATE_FAILED;
		json_object_object_del(m, "next_attempt_at");
		meta_set_int(m, "failed_at", now);
		next = now;
	} else {
		to = HS_STATE_NEW;
		next = how == BACK_NOW ? now : now + backoff(rt, attempt);
		if (next > now)
			meta_set_int(m, "next_attempt_at", next);
		else
			json_object_object_del(m, "next_attempt_at");
	}
	/* meta first: once the file is back in new/ someone may claim it */
	if (hs_cli_meta_save(r->cfg, r->queue, id, m) == -1)
		fprintf(stderr, "hookspool: run: %s: cannot write meta: %s\n",
		    id, strerror(errno));
	set_mtime(fd, next);
	if (hs_cli_move(r->cfg, r->queue, HS_STATE_CUR, to, id) == -1) {
		fprintf(stderr, "hookspool: run: %s: cannot move to %s/: %s\n",
		    id, to, strerror(errno));
		return NULL;
	}
	return to;
}

/*
 * Lease recovery: a cur/ file whose lock is free and which was claimed
 * longer ago than the lease belongs to a runner that died. Both ctime
 * (rename sets it) and mtime (the claim sets it) must be old, so an event
 * claimed a moment ago and not yet locked is left alone.
 */
static void
recover(struct runner *r)
{
	struct hs_cli_names l;
	struct stat st;
	char	 dir[PATH_MAX], path[PATH_MAX];
	long long lease = r->cfg->retry.lease_seconds, now = now_secs();
	size_t	 i;

	if (hs_cli_path(dir, sizeof dir, r->cfg, r->queue, HS_STATE_CUR,
	    NULL) == -1 || hs_cli_list_dir(dir, &l) == -1)
		return;
	for (i = 0; i < l.n; i++) {
		const char *id = l.v[i], *to;
		json_object *m;
		int	 fd;

		if (snprintf(path, sizeof path, "%s/%s", dir, id) >=
		    (int)sizeof path)
			continue;
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == -1 ||
		    !same_file(fd, path) || fstat(fd, &st) == -1 ||
		    st.st_mtim.tv_sec > now - lease ||
		    st.st_ctim.tv_sec > now - lease) {
			close(fd);
			continue;
		}
		m = meta_or_new(r, id);
		/* the dead runner's backoff is the lease it already took */
		to = give_back(r, id, fd, m,
		    hs_cli_meta_int(m, "attempts", 0) + 1,
		    "runner died (lease expired)", BACK_NOW);
		if (to)
			fprintf(stderr, "hookspool: run: %s: runner died; "
			    "returned to %s/\n", id, to);
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
	char	 dir[PATH_MAX], path[PATH_MAX];
	long long keep = r->cfg->retry.keep_done_seconds, now = now_secs();
	size_t	 i;

	if (hs_cli_path(dir, sizeof dir, r->cfg, r->queue, HS_STATE_DONE,
	    NULL) == -1 || hs_cli_list_dir(dir, &l) == -1)
		return;
	for (i = 0; i < l.n; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, l.v[i]) >=
		    (int)sizeof path || lstat(path, &st) == -1 ||
		    hs_cli_state_time(&st) > now - keep)
			continue;
		if (unlink(path) == 0)
			hs_cli_meta_remove(r->cfg, r->queue, l.v[i]);
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
exec_handler(const struct runner *r, const struct hs_cli_event *ev,
    const char *id, const char *path, long long attempt, int errfd,
    pid_t parent)
{
	json_object *v;
	char	 num[32];
	sigset_t none;
	int	 fd;

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
	/* a fresh open: the lock stays with the runner, not the handler */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) == -1 ||
	    dup2(fd, 0) == -1 || dup2(errfd, 2) == -1)
		_exit(127);
	if (fd != 0)
		close(fd);
	close(errfd);
	put_env("HOOKSPOOL_FILE", path);
	put_env("HOOKSPOOL_ID", id);
	put_env("HOOKSPOOL_EVENT", hs_cli_event_str(ev, "event"));
	put_env("HOOKSPOOL_ENDPOINT", hs_cli_event_str(ev, "endpoint"));
	put_env("HOOKSPOOL_PROVIDER", hs_cli_event_str(ev, "provider"));
	put_env("HOOKSPOOL_QUEUE", r->queue);
	put_env("HOOKSPOOL_DOCUMENT_ID", hs_cli_event_str(ev, "document_id"));
	put_env("HOOKSPOOL_DELIVERY_ID", hs_cli_event_str(ev, "delivery_id"));
	put_env("HOOKSPOOL_RECEIVED_AT", hs_cli_event_str(ev, "received_at"));
	put_env("HOOKSPOOL_OCCURRED_AT", hs_cli_event_str(ev, "occurred_at"));
	v = NULL;
	json_object_object_get_ex(ev->head, "verified", &v);
	put_env("HOOKSPOOL_VERIFIED", json_object_get_boolean(v) ? "true" :
	    "false");
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

/* Handled: done/ or deleted, meta updated or removed. */
static void
finish_ok(struct runner *r, const char *id, int fd, long long attempt)
{
	char	 path[PATH_MAX], dir[PATH_MAX];
	json_object *m;

	if (r->cfg->retry.keep_done_seconds == 0) {
		hs_cli_path(path, sizeof path, r->cfg, r->queue, HS_STATE_CUR,
		    id);
		hs_cli_path(dir, sizeof dir, r->cfg, r->queue, HS_STATE_CUR,
		    NULL);
		if (unlink(path) == -1)
			fprintf(stderr, "hookspool: run: %s: cannot delete: "
			    "%s\n", id, strerror(errno));
		else if (r->cfg->durable)
			hs_spool_fsync_dir(dir);
		hs_cli_meta_remove(r->cfg, r->queue, id);
		return;
	}
	set_mtime(fd, now_secs());
	if (hs_cli_move(r->cfg, r->queue, HS_STATE_CUR, HS_STATE_DONE,
	    id) == -1) {
		fprintf(stderr, "hookspool: run: %s: cannot move to done/: "
		    "%s\n", id, strerror(errno));
		return;
	}
	/* most events never failed and have no meta: keep it that way */
	if ((m = hs_cli_meta_load(r->cfg, r->queue, id)) != NULL) {
		meta_set_int(m, "attempts", attempt);
		meta_set_int(m, "done_at", now_secs());
		json_object_object_del(m, "next_attempt_at");
		hs_cli_meta_save(r->cfg, r->queue, id, m);
		json_object_put(m);
	}
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
 * Claims one event and runs the handler on it. Returns 1 handled,
 * 0 handler failed, -1 not ours (another runner got it, or not due yet).
 */
static int
run_one(struct runner *r, const char *id)
{
	struct hs_cli_event ev;
	struct outcome o;
	struct stat st;
	json_object *m = NULL;
	char	 src[PATH_MAX], path[PATH_MAX], why[128];
	long long attempt;
	const char *to;
	int	 fd = -1, errp[2] = { -1, -1 }, rc = -1;
	pid_t	 pid, self = getpid();

	memset(&ev, 0, sizeof ev);
	memset(&o, 0, sizeof o);
	if (hs_cli_path(src, sizeof src, r->cfg, r->queue, HS_STATE_NEW,
	    id) == -1 || hs_cli_path(path, sizeof path, r->cfg, r->queue,
	    HS_STATE_CUR, id) == -1)
		return -1;
	/* the claim: of overlapping runners exactly one rename succeeds */
	if (renameat2(AT_FDCWD, src, AT_FDCWD, path, RENAME_NOREPLACE) == -1 &&
	    (errno != EINVAL || rename(src, path) == -1))
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1 || !same_file(fd, path))
		goto out;	/* lease recovery took it back meanwhile */
	m = meta_or_new(r, id);
	if (fstat(fd, &st) == -1)
		goto out;
	if (hs_cli_next_attempt(&st, m) > now_secs()) {
		/* deferred by another runner after we listed new/ */
		hs_cli_move(r->cfg, r->queue, HS_STATE_CUR, HS_STATE_NEW, id);
		goto out;
	}
	set_mtime(fd, now_secs());	/* the claim time, for the lease */
	if (r->cfg->durable) {
		hs_cli_path(src, sizeof src, r->cfg, r->queue, HS_STATE_CUR,
		    NULL);
		hs_spool_fsync_dir(src);
	}
	attempt = hs_cli_meta_int(m, "attempts", 0) + 1;
	if (hs_cli_event_read(fd, &ev) == -1) {
		/* it will not parse next time either */
		snprintf(why, sizeof why, "unreadable event file: %s",
		    strerror(errno));
		give_back(r, id, fd, m, attempt, why, BACK_FAIL);
		fprintf(stderr, "hookspool: run: %s: %s; moved to failed/\n",
		    id, why);
		rc = 0;
		goto out;
	}
	if (pipe2(errp, O_CLOEXEC) == -1)
		goto out;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "hookspool: run: fork: %s\n", strerror(errno));
		hs_cli_move(r->cfg, r->queue, HS_STATE_CUR, HS_STATE_NEW, id);
		goto out;
	}
	if (pid == 0)
		exec_handler(r, &ev, id, path, attempt, errp[1], self);
	setpgid(pid, pid);	/* both sides: no window for kill(-pid) */
	close(errp[1]);
	errp[1] = -1;
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	if (supervise(r, pid, errp[0], &o) == -1) {
		fprintf(stderr, "hookspool: run: waitpid: %s\n",
		    strerror(errno));
		goto out;	/* cur/ keeps it; the lease returns it */
	}
	if (o.interrupted) {
		/* not the event's fault: back, ready, no attempt counted */
		hs_cli_move(r->cfg, r->queue, HS_STATE_CUR, HS_STATE_NEW, id);
		goto out;
	}
	if (!o.timed_out && WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) {
		finish_ok(r, id, fd, attempt);
		if (r->verbose)
			printf("%s ok\n", id);
		rc = 1;
		goto out;
	}
	describe(r, &o, why, sizeof why);
	record_failure(m, &o);
	to = give_back(r, id, fd, m, attempt, why, BACK_OFF);
	if (to && strcmp(to, HS_STATE_FAILED) == 0)
		fprintf(stderr, "hookspool: run: %s (%s): %s; attempt %lld of "
		    "%ld, moved to failed/\n", id,
		    hs_cli_event_str(&ev, "event"), why, attempt,
		    r->cfg->retry.max_attempts);
	else if (to) {
		char	 when[64];

		hs_cli_fmt_time(hs_cli_meta_int(m, "next_attempt_at", 0),
		    when, sizeof when);
		fprintf(stderr, "hookspool: run: %s (%s): %s; attempt %lld of "
		    "%ld, next at %s\n", id, hs_cli_event_str(&ev, "event"),
		    why, attempt, r->cfg->retry.max_attempts, when);
	}
	rc = 0;
out:
	if (errp[0] != -1)
		close(errp[0]);
	if (errp[1] != -1)
		close(errp[1]);
	hs_cli_event_free(&ev);
	json_object_put(m);
	if (fd != -1)
		close(fd);	/* releases the lock: after the rename */
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

/* The events in new/ that are due, oldest first. */
static int
due_events(struct runner *r, struct hs_cli_names *due)
{
	struct hs_cli_names l;
	struct stat st;
	char	 dir[PATH_MAX], path[PATH_MAX];
	long long now = now_secs();
	size_t	 i, o = 0;

	if (hs_cli_path(dir, sizeof dir, r->cfg, r->queue, HS_STATE_NEW,
	    NULL) == -1 || hs_cli_list_dir(dir, &l) == -1)
		return -1;
	for (i = 0; i < l.n; i++) {
		json_object *m;
		int	 ok;

		if (snprintf(path, sizeof path, "%s/%s", dir, l.v[i]) >=
		    (int)sizeof path || lstat(path, &st) == -1 ||
		    !S_ISREG(st.st_mode)) {
			free(l.v[i]);
			continue;
		}
		ok = st.st_mtim.tv_sec <= now;
		if (ok && (m = hs_cli_meta_load(r->cfg, r->queue,
		    l.v[i])) != NULL) {
			ok = hs_cli_next_attempt(&st, m) <= now;
			json_object_put(m);
		}
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
usage(void)
{
	fprintf(stderr, "usage: hookspool run QUEUE [--max N] [--for SECONDS] "
	    "[--timeout SECONDS] [-v] -- CMD [ARGS...]\n");
	return 2;
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

int
hs_cmd_run(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct runner r;
	struct hs_cli_names due;
	struct sigaction sa;
	char	 qdir[PATH_MAX];
	size_t	 i;
	int	 rc = 0, progress;

	memset(&r, 0, sizeof r);
	r.timeout = -1;
	if (parse_args(&r, argc, argv) == -1)
		return usage();
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	r.cfg = &cfg;
	if (r.timeout < 0)
		r.timeout = cfg.retry.timeout_seconds;
	if (hs_cli_path(qdir, sizeof qdir, &cfg, r.queue, NULL, NULL) == -1 ||
	    (!hs_cli_queue_routed(&cfg, r.queue) && access(qdir, F_OK) == -1)) {
		fprintf(stderr, "hookspool: run: no route delivers to queue %s "
		    "and %s does not exist\n", r.queue, qdir);
		hs_config_free(&cfg);
		return 2;
	}
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		fprintf(stderr, "hookspool: run: pipe: %s\n", strerror(errno));
		hs_config_free(&cfg);
		return 1;
	}
	/* claims rename into cur/: it must exist (the receiver makes it,
	 * but a queue may have been filled by hand) */
	if (access(qdir, F_OK) == 0)
		(void)hs_spool_make_dir(cfg.spool_dir, r.queue, HS_STATE_CUR);
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
		if (due_events(&r, &due) == -1) {
			fprintf(stderr, "hookspool: run: cannot read %s/new: "
			    "%s\n", qdir, strerror(errno));
			rc = 1;
			break;
		}
		for (i = 0; i < due.n && !out_of_budget(&r); i++) {
			int	 ok = run_one(&r, due.v[i]);

			if (ok < 0)
				continue;
			progress = 1;
			r.handled++;
			if (ok == 0)
				r.failures++;
		}
		hs_cli_names_free(&due);
	} while (progress && !out_of_budget(&r));
	if (r.failures || stop_signal)
		rc = 1;
	if (r.verbose)
		printf("%lld handled, %d failed\n", r.handled, r.failures);
	close(wake[0]);
	close(wake[1]);
	hs_config_free(&cfg);
	return rc;
}
