/* hs_buf.h - a growable byte buffer with a hard size cap. */
#ifndef HS_BUF_H
#define HS_BUF_H

#include <stddef.h>

struct hs_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	int	 oom;		/* sticky: an append failed, contents are truncated */
};

void	hs_buf_init(struct hs_buf *b);
void	hs_buf_free(struct hs_buf *b);
void	hs_buf_reset(struct hs_buf *b);
int	hs_buf_reserve(struct hs_buf *b, size_t extra);
int	hs_buf_add(struct hs_buf *b, const void *p, size_t n);
int	hs_buf_adds(struct hs_buf *b, const char *s);
/* Appends v in decimal (the hot paths' printf("%ld")). */
int	hs_buf_add_long(struct hs_buf *b, long v);
int	hs_buf_printf(struct hs_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quotes included). */
int	hs_buf_add_json_string(struct hs_buf *b, const char *s, size_t n);
/* NUL-terminates without counting the NUL in len. */
const char *hs_buf_cstr(struct hs_buf *b);

#endif
