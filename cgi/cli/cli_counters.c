/*
 * cli_counters.c - the command line's view of <spool_dir>/.counters
 * (format: hs_counters.h): slots merged by endpoint name (two receivers
 * claiming one name at once make two slots), the hour windows `stats`
 * and the page speak of, and what a pattern of refusals means.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_cli_counters.h"

static struct hs_cli_ep_counts *
entry(struct hs_cli_counters *out, const char *name)
{
	size_t	 i;

	for (i = 0; i < out->n; i++)
		if (strcmp(out->ep[i].name, name) == 0)
			return &out->ep[i];
	if (out->n == sizeof out->ep / sizeof out->ep[0])
		return NULL;
	memset(&out->ep[out->n], 0, sizeof out->ep[0]);
	snprintf(out->ep[out->n].name, sizeof out->ep[0].name, "%s", name);
	return &out->ep[out->n++];
}

static void
merge(struct hs_cli_counters *out, const struct hs_counters_slot *s)
{
	struct hs_cli_ep_counts *e;
	char	 name[sizeof s->name + 1];
	uint64_t last;
	size_t	 h, o;

	/* a name is NUL-padded; one that is not is cut, never overread */
	memcpy(name, s->name, sizeof s->name);
	name[sizeof s->name] = '\0';
	if ((e = entry(out, name)) == NULL)
		return;
	for (o = 0; o < HS_OUT_N; o++) {
		e->total[o] += __atomic_load_n(&s->total[o], __ATOMIC_RELAXED);
		for (h = 0; h < HS_COUNTERS_HOURS; h++)
			e->hour[h][o] += hs_counters_hour(s, out->now_hour - h,
			    (enum hs_outcome)o);
	}
	last = __atomic_load_n(&s->last_refusal, __ATOMIC_ACQUIRE);
	if (last >> 10 > e->last_refusal_usec) {
		e->last_refusal_usec = last >> 10;
		e->last_status = (int)(last & 1023);
		memcpy(e->last_reason, s->last_reason, sizeof e->last_reason);
		e->last_reason[sizeof e->last_reason - 1] = '\0';
		/* written by a receiver just now: the reason may be the next
		 * refusal's; the word that dates it did not change, or the
		 * reason is dropped rather than mismatched */
		if (__atomic_load_n(&s->last_refusal, __ATOMIC_ACQUIRE) != last)
			e->last_reason[0] = '\0';
	}
}

static int
by_name(const void *a, const void *b)
{
	const struct hs_cli_ep_counts *x = a, *y = b;
	int	 xs = x->name[0] == '(', ys = y->name[0] == '(';

	if (xs != ys)
		return xs - ys;		/* "(unknown)", "(other)" last */
	return strcmp(x->name, y->name);
}

int
hs_cli_counters_load(const struct hs_config *cfg, long long now,
    struct hs_cli_counters *out, const char **why)
{
	const struct hs_counters_header *h;
	const struct hs_counters_slot *s;
	const void *map = NULL;
	struct hs_cli_ep_counts *e;
	size_t	 i;

	memset(out, 0, offsetof(struct hs_cli_counters, ep));
	*why = NULL;
	out->now_hour = (uint64_t)(now < 0 ? 0 : now) / 3600;
	if (hs_counters_open_ro(cfg->spool_dir, &map, why) == -1) {
		if (errno != ENOENT) {
			if (*why == NULL)
				*why = errno == ELOOP ?
				    "a symbolic link (not followed)" :
				    strerror(errno);
			return -1;
		}
	} else {
		out->present = 1;
		h = map;
		out->created = h->created;
		for (i = 0; i < HS_COUNTERS_SLOTS; i++)
			if ((s = hs_counters_slot(map, i)) != NULL)
				merge(out, s);
		hs_counters_unmap(map);
	}
	for (i = 0; i < cfg->nendpoints; i++)
		if ((e = entry(out, cfg->endpoints[i].name)) != NULL)
			e->configured = 1;
	/* the two fixed slots show only when something was counted there */
	for (i = 0; i < out->n; i++) {
		e = &out->ep[i];
		if (e->name[0] == '(' && hs_cli_counts_ok(e, 0) == 0 &&
		    hs_cli_counts_refused(e, 0) == 0) {
			out->ep[i--] = out->ep[--out->n];
		}
	}
	qsort(out->ep, out->n, sizeof out->ep[0], by_name);
	return 0;
}

uint64_t
hs_cli_counts_window(const struct hs_cli_ep_counts *e, int hours,
    enum hs_outcome o)
{
	uint64_t sum = 0;
	int	 h;

	if (hours <= 0)
		return e->total[o];
	for (h = 0; h < hours && h < HS_COUNTERS_HOURS; h++)
		sum += e->hour[h][o];
	return sum;
}

/* hours 0: the running totals */
uint64_t
hs_cli_counts_ok(const struct hs_cli_ep_counts *e, int hours)
{
	uint64_t sum = 0;
	int	 o;

	for (o = HS_OUT_ACCEPTED; o <= HS_OUT_IGNORED; o++)
		sum += hs_cli_counts_window(e, hours, (enum hs_outcome)o);
	return sum;
}

uint64_t
hs_cli_counts_refused(const struct hs_cli_ep_counts *e, int hours)
{
	uint64_t sum = 0;
	int	 o;

	for (o = HS_OUT_400; o < HS_OUT_N; o++)
		sum += hs_cli_counts_window(e, hours, (enum hs_outcome)o);
	return sum;
}

size_t
hs_cli_counts_hints(const struct hs_cli_ep_counts *e, const char **hints,
    size_t max)
{
	const int hr = HS_CLI_WINDOW_HOUR, day = HS_CLI_WINDOW_DAY;
	size_t	 n = 0;

#define HINT(cond, text) do { if ((cond) && n < max) hints[n++] = (text); } \
	while (0)
	HINT(hs_cli_counts_window(e, hr, HS_OUT_401) &&
	    hs_cli_counts_ok(e, day), "401 in the last hour after accepted "
	    "events in the last day: signature mismatch: was the secret "
	    "rotated?");
	HINT(hs_cli_counts_window(e, hr, HS_OUT_401) &&
	    !hs_cli_counts_ok(e, day), "401 and nothing accepted in the last "
	    "day: check the endpoint's secret against the sender's");
	HINT(hs_cli_counts_window(e, day, HS_OUT_413), "413: bodies over "
	    "max_body_bytes: raise max_body_bytes");
	HINT(hs_cli_counts_window(e, day, HS_OUT_503), "503: spool not "
	    "writable / disk full: see the receiver's log");
	HINT(hs_cli_counts_window(e, day, HS_OUT_500), "500: the receiver's "
	    "config does not load: run hookspool check-config");
	HINT(hs_cli_counts_window(e, day, HS_OUT_403), "403: a source address "
	    "outside allow_from: has the sender's address range changed?");
	HINT(hs_cli_counts_window(e, day, HS_OUT_408), "408: bodies not "
	    "received in time: a slow network or a stalled client");
	HINT(hs_cli_counts_window(e, day, HS_OUT_415), "415: a Content-Type "
	    "the endpoint does not take: check the sender's format setting");
	HINT(strcmp(e->name, HS_COUNTERS_UNKNOWN) == 0 &&
	    hs_cli_counts_window(e, day, HS_OUT_404), "404: requests for "
	    "endpoints not in the config: check the URL the sender posts to");
	HINT(strcmp(e->name, HS_COUNTERS_OTHER) == 0, "more endpoints than "
	    "the counters file has slots: these are counted together");
#undef HINT
	return n;
}
