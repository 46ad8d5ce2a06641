/* buf.c - growable buffer used for answers, envelopes and log lines. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_buf.h"

void
hs_buf_init(struct hs_buf *b)
{
	memset(b, 0, sizeof *b);
}

void
hs_buf_free(struct hs_buf *b)
{
	free(b->data);
	hs_buf_init(b);
}

void
hs_buf_reset(struct hs_buf *b)
{
	b->len = 0;
	b->oom = 0;
}

int
hs_buf_reserve(struct hs_buf *b, size_t extra)
{
	size_t	 want, ncap;
	char	*p;

	if (b->oom)
		return -1;
	if (extra > (size_t)-1 / 2 - b->len - 1)
		goto fail;
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < want)
		ncap *= 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		goto fail;
	b->data = p;
	b->cap = ncap;
	return 0;
fail:
	b->oom = 1;
	return -1;
}

int
hs_buf_add(struct hs_buf *b, const void *p, size_t n)
{
	if (hs_buf_reserve(b, n) == -1)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
hs_buf_adds(struct hs_buf *b, const char *s)
{
	return hs_buf_add(b, s, strlen(s));
}

int
hs_buf_add_long(struct hs_buf *b, long v)
{
	char	 digits[24], *p = digits + sizeof digits;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return hs_buf_add(b, p, (size_t)(digits + sizeof digits - p));
}

int
hs_buf_printf(struct hs_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 room;
	int	 n;

	if (b->oom)
		return -1;
	/* format straight into the free space; only a miss formats twice */
	room = b->cap > b->len ? b->cap - b->len : 0;
	va_start(ap, fmt);
	n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
		return 0;
	}
	if (room)
		b->data[b->len] = '\0';	/* undo the truncated attempt */
	if (n < 0 || hs_buf_reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* Bytes copied as they are inside a JSON string literal. */
static int
json_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
}

int
hs_buf_add_json_string(struct hs_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i = 0, run;
	unsigned char c;

	/* one reservation covers a string with nothing to escape */
	if (hs_buf_reserve(b, n + 2) == -1 || hs_buf_add(b, "\"", 1) == -1)
		return -1;
	for (;;) {
		for (run = i; run < n && json_plain((unsigned char)s[run]); run++)
			;
		if (hs_buf_add(b, s + i, run - i) == -1)
			return -1;
		if (run == n)
			break;
		c = (unsigned char)s[run];
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			hs_buf_add(b, esc, 2);
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			hs_buf_add(b, esc, 6);
		}
		i = run + 1;
	}
	return hs_buf_add(b, "\"", 1);
}

const char *
hs_buf_cstr(struct hs_buf *b)
{
	if (b->data == NULL && hs_buf_reserve(b, 0) == -1)
		return "";
	b->data[b->len] = '\0';	/* a buffer never written to, too */
	return b->data;
}
