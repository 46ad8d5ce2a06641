/*
 * floor.c - the benchmark floor: an empty FastCGI responder (libfcgi FCGX
 * API) that reads the whole request body and answers 200 with a small JSON
 * body, nothing else. Run behind the same lighttpd, with the same
 * max-procs, as hookspool.fcgi, it measures what lighttpd + FastCGI cost on
 * their own. Like hookspool.fcgi it serves one request as plain CGI when fd
 * 0 is not a listening socket (the CGI baseline in bench/run.sh).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#define ANSWER	"Status: 200 OK\r\n" \
		"Content-Type: application/json\r\n" \
		"Content-Length: 16\r\n" \
		"\r\n" \
		"{\"status\":\"ok\"}\n"

int	main(void);

static void
serve_cgi(void)
{
	char	 buf[65536];
	ssize_t	 n;

	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		;
	n = write(STDOUT_FILENO, ANSWER, sizeof ANSWER - 1);
	(void)n;
}

int
main(void)
{
	FCGX_Request req;
	char	 buf[65536];

	if (FCGX_IsCGI()) {
		serve_cgi();
		return 0;
	}
	FCGX_Init();
	FCGX_InitRequest(&req, 0, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		while (FCGX_GetStr(buf, (int)sizeof buf, req.in) > 0)
			;
		FCGX_PutStr(ANSWER, (int)sizeof ANSWER - 1, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
