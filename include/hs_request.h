/* hs_request.h - one HTTP request as the CGI/FastCGI gateway hands it over. */
#ifndef HS_REQUEST_H
#define HS_REQUEST_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* Byte stream the body is read from (stdin in CGI, FCGX in FastCGI). */
struct hs_io {
	/*
	 * Returns bytes read, 0 at end of input, -1 on error. deadline
	 * (CLOCK_MONOTONIC, see hs_clock_deadline) bounds the call when not
	 * NULL: once it has passed, -1 with errno ETIMEDOUT, and the stream
	 * may be unusable for further reads.
	 */
	ssize_t	(*read)(void *ctx, char *buf, size_t len,
		    const struct timespec *deadline);
	/* returns 0 when all len bytes were written, -1 otherwise */
	int	(*write)(void *ctx, const char *buf, size_t len);
	void	*ctx;
};

struct hs_request {
	char		**envp;
	const char	*method;
	const char	*endpoint;	/* last PATH_INFO segment, or NULL */
	char		 endpoint_buf[128];
	const char	*content_type;
	int		 has_length;
	unsigned long long content_length;
	char		*body;		/* body_len bytes + NUL, owned */
	size_t		 body_len;
	/* the JSON document parsed and stored: the body, or the part of it
	 * a provider's extract() names (a multipart field) */
	const char	*doc;
	size_t		 doc_len;
	/* the verification clock (what verify() gets), for a describe()
	 * that checks a signed time inside the body (Dropbox Sign) */
	long long	 now;
};

/* A request variable (CGI name) or NULL. Empty values count as absent. */
const char *hs_request_var(const struct hs_request *req, const char *name);

/* Fills method, endpoint, content type and length from envp. */
void	hs_request_init(struct hs_request *req, char **envp);
void	hs_request_free(struct hs_request *req);

/*
 * CONTENT_LENGTH as the gateway sent it: digits only, no sign, no space,
 * no overflow. Returns 0 and sets *out, or -1.
 */
int	hs_parse_content_length(const char *s, unsigned long long *out);

/* Is CONTENT_TYPE a JSON media type (application/json, application/x+json)? */
int	hs_content_type_is_json(const char *ct);
/* Is CONTENT_TYPE's media type type ("text/xml"), parameters and case aside? */
int	hs_content_type_is(const char *ct, const char *type);

#define HS_BODY_TIMEOUT	(-2)

/*
 * Reads exactly content_length bytes within timeout seconds in all (a
 * total, so a client trickling bytes cannot extend it). Returns 0, -1
 * when the stream ended early or failed (a truncated body), or
 * HS_BODY_TIMEOUT when the time ran out first.
 */
int	hs_request_read_body(struct hs_request *req, const struct hs_io *io,
	    long timeout);

/*
 * Reads and discards up to cap bytes so the server sees a clean close;
 * gives up after timeout seconds in all.
 */
void	hs_request_drain(const struct hs_io *io, unsigned long long len,
	    unsigned long long cap, long timeout);

#endif
