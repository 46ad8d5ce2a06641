/*
 * fcgi_main.c - hookspool.fcgi: FastCGI when fd 0 is a listening socket
 * (mod_fcgid, lighttpd bin-path, spawn-fcgi), plain CGI otherwise.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "hs_clock.h"
#include "hs_handler.h"
#include "hs_fdio.h"
#include "hs_verify.h"
#include "hs_version.h"

extern char **environ;

/* CGI: the body on fd 0, the answer on fd 1. */
struct cgi_fds {
	int	in;
	int	out;
};

/*
 * stdin is a pipe (mod_cgi, fcgiwrap), a file or /dev/null (lighttpd):
 * poll with what is left of the deadline, then one read of what is there.
 */
static ssize_t
fd_read(void *ctx, char *buf, size_t len, const struct timespec *deadline)
{
	struct pollfd pfd = { ((struct cgi_fds *)ctx)->in, POLLIN, 0 };
	long long us;
	ssize_t	 n;
	int	 ms;

	for (;;) {
		if (deadline != NULL) {
			if ((us = hs_clock_us_left(deadline)) <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			/* round up: poll must not wake just before the end */
			ms = us / 1000 >= INT_MAX ? INT_MAX :
			    (int)((us + 999) / 1000);
			n = poll(&pfd, 1, ms);
			if (n == 0 || (n == -1 && errno == EINTR))
				continue;
			if (n == -1)
				return -1;
		}
		n = read(pfd.fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		return n;
	}
}

static int
fd_write(void *ctx, const char *buf, size_t len)
{
	return hs_write_all(((struct cgi_fds *)ctx)->out, buf, len);
}

/*
 * FastCGI: FCGX_GetStr may call read(2) several times before it returns
 * (a record header, then its content, padding, the next record), and
 * each read blocks. SO_RCVTIMEO would bound each read on its own, so a
 * client trickling a byte per timeout would still renew it; a timer
 * bounds the whole call. libfcgi's OS_Read is a bare read(2): a signal
 * without SA_RESTART makes it fail with EINTR, FillBuffProc then calls
 * SetError, and the stream reads as EOF with FCGX_GetError() == EINTR.
 * FCGX_Finish_r closes a connection whose input stream has an error, so
 * nothing of the stalled request is left for the next FCGX_Accept_r.
 * The timer repeats every 10 ms after the deadline: a SIGALRM landing
 * while libfcgi is between two reads (in user code) interrupts nothing,
 * and the next one catches the read that follows.
 */
static volatile sig_atomic_t alarm_fired;

static void
on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

static void
set_timer(long long us)
{
	struct itimerval it;

	memset(&it, 0, sizeof it);
	if (us > 0) {
		it.it_value.tv_sec = (time_t)(us / 1000000);
		it.it_value.tv_usec = (suseconds_t)(us % 1000000);
		it.it_interval.tv_usec = 10000;
	}
	setitimer(ITIMER_REAL, &it, NULL);
}

struct fcgx_ctx {
	FCGX_Request	*req;
	int		 timed_out;	/* a read ran out of time */
};

static ssize_t
fcgx_read(void *ctx, char *buf, size_t len, const struct timespec *deadline)
{
	struct fcgx_ctx *c = ctx;
	long long us;
	int	 n;

	if (len > 1 << 30)
		len = 1 << 30;
	if (deadline != NULL) {
		if ((us = hs_clock_us_left(deadline)) <= 0)
			goto timeout;
		alarm_fired = 0;
		set_timer(us);
	}
	n = FCGX_GetStr(buf, (int)len, c->req->in);
	if (deadline != NULL)
		set_timer(0);
	if (n == 0 && FCGX_GetError(c->req->in) != 0) {
		if (deadline != NULL && (alarm_fired ||
		    hs_clock_us_left(deadline) <= 0))
			goto timeout;
		errno = EIO;
		return -1;
	}
	return n;
timeout:
	c->timed_out = 1;
	errno = ETIMEDOUT;
	return -1;
}

static int
fcgx_write(void *ctx, const char *buf, size_t len)
{
	FCGX_Request *req = ((struct fcgx_ctx *)ctx)->req;

	return FCGX_PutStr(buf, (int)len, req->out) == (int)len ? 0 : -1;
}

static void
on_term(int sig)
{
	(void)sig;
	FCGX_ShutdownPending();
}

static int
serve_cgi(struct hs_handler *h)
{
	struct cgi_fds fds = { STDIN_FILENO, STDOUT_FILENO };
	struct hs_io io = { fd_read, fd_write, &fds };

	signal(SIGPIPE, SIG_IGN);
	return hs_handle(h, environ, &io) >= 500 || h->exit_status ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct hs_handler h;
	FCGX_Request req;
	struct sigaction sa;
	int	 rc = 0;

	/* Only from a shell: under CGI, mod_cgi turns a query "?--version"
	 * into an argument, and a request must never get anything but the
	 * pipeline's answer. */
	if (argc == 2 && strcmp(argv[1], "--version") == 0 &&
	    getenv("GATEWAY_INTERFACE") == NULL) {
		printf("hookspool.fcgi " HS_VERSION "\n");
		return 0;
	}

	hs_crypto_init_lean();	/* failing, OpenSSL just starts as usual */
	hs_handler_init(&h);
	if (FCGX_IsCGI()) {
		h.confine = HS_CONFINE_CGI;	/* hs_sandbox.h */
		rc = serve_cgi(&h);
		hs_handler_free(&h);
		return rc;
	}
	/* libfcgi's own handlers lack SA_RESTART; keep it that way so TERM
	 * interrupts accept() and the process exits between requests. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	/* the body deadline (fcgx_read): also without SA_RESTART */
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	h.confine = HS_CONFINE_SERVER;
	FCGX_InitRequest(&req, 0, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		struct fcgx_ctx ctx = { &req, 0 };
		struct hs_io io = { fcgx_read, fcgx_write, &ctx };

		hs_handle(&h, req.envp, &io);
		/*
		 * FCGX_Finish_r closes a connection whose input failed, but
		 * first (OS_Close) it shuts down its sending side and waits
		 * up to 2 s for the server to close, reading what it sends.
		 * A server still waiting for its client's body (mod_proxy_fcgi
		 * blocks on that read) sends nothing, so this process would sit
		 * out the 2 s too. Shutting down our receiving side makes that
		 * wait end at once; the answer is written before the close.
		 */
		if (ctx.timed_out && req.ipcFd >= 0)
			shutdown(req.ipcFd, SHUT_RD);
		FCGX_Finish_r(&req);
		if (h.exit_after)	/* the server starts a fresh process */
			break;
	}
	rc = h.exit_status;
	hs_handler_free(&h);
	return rc;
}
