/*
 * cli_prom.c - `hookspool stats --prometheus`: the Prometheus text
 * exposition format (0.0.4), for node_exporter's textfile collector (a
 * cron line writes hookspool.prom atomically; README, "Watching it").
 *
 * Every endpoint gets every outcome, zeros included, so rate() and
 * increase() work from the first scrape. Label values are config names
 * (and "(unknown)", "(other)"); they are escaped all the same.
 */
#include <stdio.h>
#include <string.h>

#include "hs_cli_stats.h"
#include "hs_cli_spool.h"
#include "hs_spool.h"

/* A label value: backslash, double quote and newline escaped. */
static void
label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
endpoint_metrics(FILE *f, const struct hs_cli_stats *st)
{
	const struct hs_cli_counters *c = &st->counters;
	size_t	 i;
	int	 o;

	family(f, "hookspool_requests_total", "counter", "Requests the "
	    "receiver answered, by endpoint and outcome (accepted, pending, "
	    "duplicate, ignored, or the refusal's status code), since the "
	    "counters file was made.");
	for (i = 0; i < c->n; i++)
		for (o = 0; o < HS_OUT_N; o++) {
			fputs("hookspool_requests_total{endpoint=\"", f);
			label(f, c->ep[i].name);
			fprintf(f, "\",outcome=\"%s\"} %llu\n",
			    hs_outcome_names[o],
			    (unsigned long long)c->ep[i].total[o]);
		}
	family(f, "hookspool_last_refusal_timestamp_seconds", "gauge",
	    "When the endpoint last refused a request (Unix time).");
	for (i = 0; i < c->n; i++) {
		if (!c->ep[i].last_refusal_usec)
			continue;
		fputs("hookspool_last_refusal_timestamp_seconds{endpoint=\"", f);
		label(f, c->ep[i].name);
		fprintf(f, "\",status=\"%d\"} %.3f\n", c->ep[i].last_status,
		    (double)c->ep[i].last_refusal_usec / 1e6);
	}
	family(f, "hookspool_counters_created_timestamp_seconds", "gauge",
	    "When the counters file was made: the counters' reset time.");
	if (c->present)
		fprintf(f, "hookspool_counters_created_timestamp_seconds %llu\n",
		    (unsigned long long)c->created);
}

static void
queue_metrics(FILE *f, const struct hs_cli_stats *st)
{
	size_t	 q, s;

	family(f, "hookspool_events", "gauge", "Events in the spool, by queue "
	    "and state (failed: the dead-letter queue; pending and held: "
	    "Ignisign events waiting for verification or a person).");
	for (q = 0; q < st->nqueues; q++)
		for (s = 0; s < HS_CLI_NSTATES && hs_cli_states[s]; s++) {
			fputs("hookspool_events{queue=\"", f);
			label(f, st->queues[q].name);
			fprintf(f, "\",state=\"%s\"} %lld\n", hs_cli_states[s],
			    st->queues[q].state[s].count);
		}
	family(f, "hookspool_oldest_event_age_seconds", "gauge", "Age of the "
	    "oldest event, by queue and state; 0 when there is none.");
	for (q = 0; q < st->nqueues; q++)
		for (s = 0; s < HS_CLI_NSTATES && hs_cli_states[s]; s++) {
			const struct hs_cli_tally *t = &st->queues[q].state[s];

			fputs("hookspool_oldest_event_age_seconds{queue=\"", f);
			label(f, st->queues[q].name);
			fprintf(f, "\",state=\"%s\"} %lld\n", hs_cli_states[s],
			    t->count && t->oldest > 0 ? t->oldest : 0);
		}
	family(f, "hookspool_deferred_events", "gauge", "Events in new/ "
	    "waiting for their next attempt after a failed one.");
	for (q = 0; q < st->nqueues; q++)
		for (s = 0; s < HS_CLI_NSTATES && hs_cli_states[s]; s++) {
			if (strcmp(hs_cli_states[s], HS_STATE_NEW) != 0)
				continue;
			fputs("hookspool_deferred_events{queue=\"", f);
			label(f, st->queues[q].name);
			fprintf(f, "\"} %lld\n", st->queues[q].state[s].deferred);
		}
	family(f, "hookspool_spool_problems", "gauge", "Directories and files "
	    "of the spool that stats refused to read (symlinks, foreign "
	    "files, permissions; named on stderr): alert above 0.");
	fprintf(f, "hookspool_spool_problems %zu\n", st->problems);
}

void
hs_cli_prometheus(FILE *f, const struct hs_cli_stats *st)
{
	endpoint_metrics(f, st);
	queue_metrics(f, st);
}
