/* response.c - CGI responses: one write, explicit length, JSON body. */
#include <string.h>

#include "hs_buf.h"
#include "hs_response.h"

const char *
hs_status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default:  return "Error";
	}
}

/* Printable ASCII, no CR/LF: a provider's header can never split the answer. */
static int
header_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

int
hs_response_send(const struct hs_io *io, const struct hs_answer *a)
{
	struct hs_buf body, out;
	size_t	 i;
	int	 rc;

	hs_buf_init(&body);
	hs_buf_init(&out);
	hs_buf_adds(&body, "{\"status\":");
	hs_buf_add_json_string(&body, a->state, strlen(a->state));
	if (a->error) {
		hs_buf_adds(&body, ",\"error\":");
		hs_buf_add_json_string(&body, a->error, strlen(a->error));
	}
	if (a->id) {
		hs_buf_adds(&body, ",\"id\":");
		hs_buf_add_json_string(&body, a->id, strlen(a->id));
	}
	if (a->ids) {
		hs_buf_adds(&body, ",\"ids\":[");
		for (i = 0; i < a->nids; i++) {
			if (i)
				hs_buf_adds(&body, ",");
			hs_buf_add_json_string(&body, a->ids[i],
			    strlen(a->ids[i]));
		}
		hs_buf_adds(&body, "]");
	}
	if (a->queue) {
		hs_buf_adds(&body, ",\"queue\":");
		hs_buf_add_json_string(&body, a->queue, strlen(a->queue));
	}
	if (a->message) {
		hs_buf_adds(&body, ",\"message\":");
		hs_buf_add_json_string(&body, a->message, strlen(a->message));
	}
	hs_buf_adds(&body, "}\n");

	hs_buf_reserve(&out, 256 + body.len);
	hs_buf_adds(&out, "Status: ");
	hs_buf_add_long(&out, a->status);
	hs_buf_adds(&out, " ");
	hs_buf_adds(&out, hs_status_reason(a->status));
	hs_buf_adds(&out, "\r\nContent-Type: application/json\r\n"
	    "Content-Length: ");
	hs_buf_add_long(&out, (long)body.len);
	hs_buf_adds(&out, "\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n");
	if (a->status == 405)
		hs_buf_adds(&out, "Allow: POST\r\n");
	if (a->status == 503)
		hs_buf_adds(&out, "Retry-After: 30\r\n");
	if (a->header_name && a->header_value &&
	    header_safe(a->header_name) && header_safe(a->header_value)) {
		hs_buf_adds(&out, a->header_name);
		hs_buf_adds(&out, ": ");
		hs_buf_adds(&out, a->header_value);
		hs_buf_adds(&out, "\r\n");
	}
	hs_buf_adds(&out, "\r\n");
	hs_buf_add(&out, body.data, body.len);
	rc = out.oom ? -1 : io->write(io->ctx, out.data, out.len);
	hs_buf_free(&body);
	hs_buf_free(&out);
	return rc;
}
