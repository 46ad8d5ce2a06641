/*
 * hs_cli_util.h - the command line's helpers (cgi/cli/cli_util.c): argument
 * numbers and durations, times for people, terminal-safe text.
 */
#ifndef HS_CLI_UTIL_H
#define HS_CLI_UTIL_H

#include <stddef.h>
#include <stdio.h>

struct json_object;

/* "30s", "15m", "36h", "7d" (or plain seconds) -> seconds. */
int	hs_cli_parse_duration(const char *s, long long *secs);
/* A non-negative decimal number for --max, --for, --timeout. */
int	hs_cli_parse_count(const char *s, long long max, long long *out);
void	hs_cli_fmt_time(long long t, char *out, size_t outlen);
void	hs_cli_fmt_age(long long secs, char *out, size_t outlen);
/* Bytes from a handler or a server -> a valid UTF-8 copy ('?' for junk). */
char	*hs_cli_utf8_clean(const char *s, size_t len);
/*
 * Text from the spool or a handler, safe for a terminal: control bytes
 * other than tab (and newline when multiline), DEL and bytes that are not
 * UTF-8 as \xNN, C1 controls as \u0080..\u009f.
 */
void	hs_cli_put_text(FILE *f, const char *s, size_t len, int multiline);
/* Pretty JSON on stdout, with a newline. */
void	hs_cli_print_json(struct json_object *o);

#endif
