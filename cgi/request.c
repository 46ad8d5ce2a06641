/* request.c - CGI variables, CONTENT_LENGTH and the bounded body read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hs_clock.h"
#include "hs_request.h"

const char *
hs_request_var(const struct hs_request *req, const char *name)
{
	size_t	 n = strlen(name);
	char	**e;

	for (e = req->envp; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return (*e)[n + 1] ? *e + n + 1 : NULL;
	return NULL;
}

int
hs_parse_content_length(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (~0ULL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return 0;
}

/* The media type's length: CONTENT_TYPE up to its parameters. */
static size_t
media_type_len(const char *ct)
{
	size_t	 n = strcspn(ct, ";");

	while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	return n;
}

int
hs_content_type_is(const char *ct, const char *type)
{
	size_t	 n;

	if (ct == NULL)
		return 0;
	n = media_type_len(ct);
	return n == strlen(type) && strncasecmp(ct, type, n) == 0;
}

int
hs_content_type_is_json(const char *ct)
{
	size_t	 n;

	if (ct == NULL)
		return 0;
	if (hs_content_type_is(ct, "application/json"))
		return 1;
	/* application/<anything>+json, e.g. application/cloudevents+json */
	n = media_type_len(ct);
	return n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
	    strncasecmp(ct + n - 5, "+json", 5) == 0 &&
	    memchr(ct + 12, '/', n - 12) == NULL;
}

void
hs_request_init(struct hs_request *req, char **envp)
{
	const char *pi, *slash;
	size_t	 len;

	memset(req, 0, sizeof *req);
	req->envp = envp;
	req->method = hs_request_var(req, "REQUEST_METHOD");
	req->content_type = hs_request_var(req, "CONTENT_TYPE");
	req->has_length = hs_parse_content_length(
	    hs_request_var(req, "CONTENT_LENGTH"), &req->content_length) == 0;
	if ((pi = hs_request_var(req, "PATH_INFO")) != NULL) {
		size_t n = strlen(pi);

		/* "/webhooks/circularo/" names the same endpoint */
		while (n > 1 && pi[n - 1] == '/')
			n--;
		slash = memrchr(pi, '/', n);
		req->endpoint = slash ? slash + 1 : pi;
		len = (size_t)(pi + n - req->endpoint);
		/* an overlong name is simply unknown: keep a prefix for the log */
		if (len >= sizeof req->endpoint_buf)
			len = sizeof req->endpoint_buf - 1;
		memcpy(req->endpoint_buf, req->endpoint, len);
		req->endpoint_buf[len] = '\0';
		req->endpoint = len ? req->endpoint_buf : NULL;
	}
}

void
hs_request_free(struct hs_request *req)
{
	free(req->body);
	req->body = NULL;
	req->body_len = 0;
}

/*
 * One deadline for the whole body, not a timeout per read: a client that
 * sends a byte now and then would renew an idle timeout forever, holding
 * a FastCGI process (often the only one) all the while.
 */
int
hs_request_read_body(struct hs_request *req, const struct hs_io *io,
    long timeout)
{
	struct timespec deadline = hs_clock_deadline(timeout);
	size_t	 want = (size_t)req->content_length, got = 0;
	ssize_t	 r;

	if ((req->body = malloc(want + 1)) == NULL)
		return -1;
	while (got < want) {
		r = io->read(io->ctx, req->body + got, want - got, &deadline);
		if (r == -1 && errno == ETIMEDOUT)
			return HS_BODY_TIMEOUT;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	req->body[got] = '\0';
	req->body_len = got;
	req->doc = req->body;
	req->doc_len = got;
	return 0;
}

void
hs_request_drain(const struct hs_io *io, unsigned long long len,
    unsigned long long cap, long timeout)
{
	struct timespec deadline = hs_clock_deadline(timeout);
	char	 sink[8192];
	ssize_t	 r;

	if (len > cap)
		len = cap;
	while (len > 0) {
		r = io->read(io->ctx, sink,
		    len < sizeof sink ? (size_t)len : sizeof sink, &deadline);
		if (r <= 0)
			break;
		len -= (unsigned long long)r;
	}
}
