/*
 * fcgi_main.c - hookspool.fcgi: FastCGI when fd 0 is a listening socket
 * (mod_fcgid, lighttpd bin-path, spawn-fcgi), plain CGI otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "hs_handler.h"
#include "hs_spool.h"
#include "hs_verify.h"

extern char **environ;

/* CGI: the body on fd 0, the answer on fd 1. */
struct cgi_fds {
	int	in;
	int	out;
};

static ssize_t
fd_read(void *ctx, char *buf, size_t len)
{
	ssize_t	 n;

	do
		n = read(((struct cgi_fds *)ctx)->in, buf, len);
	while (n == -1 && errno == EINTR);
	return n;
}

static int
fd_write(void *ctx, const char *buf, size_t len)
{
	return hs_write_all(((struct cgi_fds *)ctx)->out, buf, len);
}

static ssize_t
fcgx_read(void *ctx, char *buf, size_t len)
{
	FCGX_Request *req = ctx;
	int	 n;

	if (len > 1 << 30)
		len = 1 << 30;
	n = FCGX_GetStr(buf, (int)len, req->in);
	if (n == 0 && FCGX_GetError(req->in) != 0)
		return -1;
	return n;
}

static int
fcgx_write(void *ctx, const char *buf, size_t len)
{
	FCGX_Request *req = ctx;

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
	return hs_handle(h, environ, &io) >= 500 ? 1 : 0;
}

int
main(void)
{
	struct hs_handler h;
	FCGX_Request req;
	struct sigaction sa;
	int	 rc = 0;

	hs_crypto_init_lean();	/* failing, OpenSSL just starts as usual */
	hs_handler_init(&h);
	if (FCGX_IsCGI()) {
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
	FCGX_InitRequest(&req, 0, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		struct hs_io io = { fcgx_read, fcgx_write, &req };

		hs_handle(&h, req.envp, &io);
		FCGX_Finish_r(&req);
	}
	hs_handler_free(&h);
	return 0;
}
