/*
 * cli_util.c - the command line's own helpers: numbers and durations from
 * arguments, times and ages for people, and text from the spool or a
 * handler made safe for a terminal. Nothing here touches the spool.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "hs_cli_util.h"
#include "hs_clock.h"
#include "hs_json.h"

int
hs_cli_parse_count(const char *s, long long max, long long *out)
{
	char	*end;
	long long v;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int
hs_cli_parse_duration(const char *s, long long *secs)
{
	char	*end;
	long long v, mul = 1;

	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || v < 0)
		return -1;
	if (*end == 's')
		mul = 1;
	else if (*end == 'm')
		mul = 60;
	else if (*end == 'h')
		mul = 3600;
	else if (*end == 'd')
		mul = 86400;
	else if (*end == 'w')
		mul = 7 * 86400;
	else if (*end != '\0')
		return -1;
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > 100LL * 365 * 86400 / mul)
		return -1;
	*secs = v * mul;
	return 0;
}

void
hs_cli_fmt_time(long long t, char *out, size_t outlen)
{
	char	 buf[HS_RFC3339_LEN];

	if (hs_clock_rfc3339_secs(t, buf) == -1)
		snprintf(buf, sizeof buf, "%lld", t);
	snprintf(out, outlen, "%s", buf);
}

void
hs_cli_fmt_age(long long s, char *out, size_t outlen)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, outlen, "%llds", s);
	else if (s < 7200)
		snprintf(out, outlen, "%lldm", s / 60);
	else if (s < 2 * 86400)
		snprintf(out, outlen, "%lldh", s / 3600);
	else
		snprintf(out, outlen, "%lldd", s / 86400);
}

char *
hs_cli_utf8_clean(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	char	*out;
	size_t	 i = 0, o = 0, n;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	while (i < len) {
		n = hs_utf8_len(s + i, len - i);
		if (n == 0 || (n == 1 && u[i] == 0)) {
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

void
hs_cli_put_text(FILE *f, const char *s, size_t len, int multiline)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i = 0, n;

	while (i < len) {
		n = hs_utf8_len(s + i, len - i);
		if (n == 1 && ((u[i] >= 0x20 && u[i] != 0x7f) || u[i] == '\t' ||
		    (u[i] == '\n' && multiline)))
			fputc(u[i], f);
		else if (n == 1 || n == 0)
			/* C0 controls, DEL, and bytes that are not UTF-8 (a
			 * lone 0x9b is CSI to an 8-bit terminal) */
			fprintf(f, "\\x%02x", u[i]);
		else if (n == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)
			/* C1 controls, U+0080..U+009F */
			fprintf(f, "\\u%04x", u[i + 1]);
		else
			fwrite(u + i, 1, n, f);
		i += n ? n : 1;
	}
}

void
hs_cli_print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}
