/*
 * log.c - request log on stderr: under mod_fcgid and lighttpd that is the
 * server's error log, under mod_cgi too. Written with one write(2) so lines
 * from concurrent processes never interleave.
 */
#include <string.h>
#include <unistd.h>

#include "hs_buf.h"
#include "hs_clock.h"
#include "hs_log.h"

#define FIELD_MAX	80	/* hostile values are cut to this many bytes */

/* key="value" with quotes, backslashes and non-printables escaped. */
static void
field(struct hs_buf *b, const char *key, const char *val)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i, run;

	if (val == NULL)
		return;
	hs_buf_adds(b, " ");
	hs_buf_adds(b, key);
	hs_buf_adds(b, "=\"");
	for (i = 0; val[i] && i < FIELD_MAX; ) {
		unsigned char c = (unsigned char)val[i];

		/* copy runs of plain bytes at once */
		for (run = 0; i + run < FIELD_MAX && val[i + run] &&
		    (unsigned char)val[i + run] >= 0x20 &&
		    (unsigned char)val[i + run] < 0x7f &&
		    val[i + run] != '"' && val[i + run] != '\\'; run++)
			;
		if (run) {
			hs_buf_add(b, &val[i], run);
			i += run;
			continue;
		}
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			hs_buf_add(b, esc, 2);
		} else {
			char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			hs_buf_add(b, esc, 4);
		}
		i++;
	}
	if (val[i])
		hs_buf_adds(b, "...");
	hs_buf_adds(b, "\"");
}

static void
emit(struct hs_buf *b)
{
	hs_buf_adds(b, "\n");
	if (!b->oom) {
		ssize_t n = write(STDERR_FILENO, b->data, b->len);
		(void)n;
	}
	hs_buf_free(b);
}

void
hs_log_request(const struct hs_log_line *l)
{
	struct hs_buf b;
	char	 ts[HS_RFC3339_LEN];

	hs_buf_init(&b);
	hs_buf_reserve(&b, 256);
	hs_clock_rfc3339(hs_clock_now(), ts);
	hs_buf_adds(&b, ts);
	hs_buf_adds(&b, " hookspool[");
	hs_buf_add_long(&b, (long)getpid());
	hs_buf_adds(&b, "]: status=");
	hs_buf_add_long(&b, l->status);
	field(&b, "outcome", l->outcome);
	field(&b, "endpoint", l->endpoint);
	field(&b, "event", l->event);
	field(&b, "queue", l->queue);
	field(&b, "id", l->id);
	field(&b, "error", l->error);
	hs_buf_adds(&b, " us=");
	hs_buf_add_long(&b, l->micros);
	emit(&b);
}

void
hs_log_msg(const char *what, const char *detail)
{
	struct hs_buf b;
	char	 ts[HS_RFC3339_LEN];
	size_t	 i;

	hs_buf_init(&b);
	hs_clock_rfc3339(hs_clock_now(), ts);
	hs_buf_printf(&b, "%s hookspool[%ld]: %s: ", ts, (long)getpid(), what);
	for (i = 0; detail[i] && i < 1024; i++) {
		unsigned char c = (unsigned char)detail[i];

		if (c < 0x20 || c == 0x7f)
			hs_buf_printf(&b, "\\x%02x", c);
		else
			hs_buf_add(&b, &detail[i], 1);
	}
	emit(&b);
}
