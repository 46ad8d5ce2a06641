/* hs_response.h - the CGI answer: status line, headers, small JSON body. */
#ifndef HS_RESPONSE_H
#define HS_RESPONSE_H

#include "hs_request.h"

struct hs_answer {
	int		 status;	/* HTTP status code */
	const char	*state;		/* JSON "status": accepted, duplicate, ... */
	const char	*error;		/* static text; never request data */
	const char	*id;		/* spool id, or NULL */
	const char	*queue;		/* queue, or NULL */
	/* the spool ids of a batch's events (JSON "ids"), or NULL */
	const char	**ids;
	size_t		 nids;
	/* what a provider's reply rule adds (static or config text only) */
	const char	*header_name;	/* one more response header, or NULL */
	const char	*header_value;
	const char	*message;	/* JSON "message", or NULL */
};

const char *hs_status_reason(int status);

/* Writes "Status: ..." + headers + {"status":...} to io. */
int	hs_response_send(const struct hs_io *io, const struct hs_answer *a);

#endif
