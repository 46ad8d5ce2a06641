/*
 * cli_stats.c - `hookspool stats [--json | --prometheus]`: per queue and
 * state the events waiting and the oldest one's age, and per endpoint what
 * the receiver answered in the last hour and day (<spool>/.counters), with
 * a hint in plain words where a pattern of refusals means something.
 * Read-only: no lock taken, nothing moved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hs_cli.h"
#include "hs_cli_spool.h"
#include "hs_cli_stats.h"
#include "hs_cli_util.h"
#include "hs_spool.h"

/* Counts one state directory; what is not a regular file is reported. */
static int
tally_state(const struct hs_config *cfg, const char *cmd, int qfd, int mfd,
    const char *queue, const char *state, long long now,
    struct hs_cli_tally *t)
{
	struct hs_cli_names l;
	struct stat st;
	long long age;
	size_t	 i;
	int	 sfd, rc = 0;

	t->count = t->deferred = 0;
	t->oldest = -1;
	if (qfd == -1)
		return 0;	/* a routed queue nothing was delivered to */
	if ((sfd = hs_cli_subdir(cfg, qfd, queue, state, 0)) == -1) {
		if (errno == ENOENT)
			return 0;
		hs_cli_warn(cmd);
		return -1;
	}
	if (hs_cli_list_at(sfd, &l) == -1) {
		fprintf(stderr, "hookspool: %s: %s/%s/%s: %s\n", cmd,
		    cfg->spool_dir, queue, state, strerror(errno));
		close(sfd);
		return -1;
	}
	for (i = 0; i < l.n; i++) {
		if (fstatat(sfd, l.v[i], &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (!S_ISREG(st.st_mode)) {
			hs_cli_not_an_event(cfg, cmd, queue, state, l.v[i],
			    S_ISLNK(st.st_mode) ? ELOOP : EMEDIUMTYPE);
			rc = -1;
			continue;
		}
		t->count++;
		age = now - hs_cli_id_time(l.v[i], &st);
		if (age > t->oldest)
			t->oldest = age;
		if (strcmp(state, HS_STATE_NEW) == 0) {
			json_object *m = mfd == -1 ? NULL :
			    hs_cli_meta_loadat(mfd, l.v[i]);

			if (hs_cli_next_attempt(&st, m) > now)
				t->deferred++;
			json_object_put(m);
		}
	}
	hs_cli_names_free(&l);
	close(sfd);
	return rc;
}

int
hs_cli_stats_gather(const struct hs_config *cfg, const char *cmd,
    struct hs_cli_stats *st)
{
	struct hs_cli_names *queues = &st->names;
	size_t	 q, s;
	int	 qfd, mfd;

	st->now = (long long)time(NULL);
	if (hs_cli_counters_load(cfg, st->now, &st->counters,
	    &st->counters_error) == -1) {
		fprintf(stderr, "hookspool: %s: %s/%s: %s\n", cmd,
		    cfg->spool_dir, HS_COUNTERS_FILE, st->counters_error);
		st->problems++;
	}
	st->spool = cfg->spool_dir;
	if (hs_cli_queues(cfg, queues) == -1) {
		hs_cli_warn(cmd);
		return -1;
	}
	if ((st->queues = calloc(queues->n + 1, sizeof *st->queues)) == NULL) {
		hs_cli_warn(cmd);
		return -1;
	}
	for (q = 0; q < queues->n; q++) {
		struct hs_cli_queue_stats *qs = &st->queues[st->nqueues];

		if ((qfd = hs_cli_open_queue(cfg, cmd, queues->v[q], &mfd)) ==
		    -1) {
			st->problems++;
			continue;	/* refused: no numbers to give */
		}
		if (qfd == -2)
			qfd = -1;
		qs->name = queues->v[q];
		for (s = 0; s < HS_CLI_NSTATES && hs_cli_states[s]; s++)
			if (tally_state(cfg, cmd, qfd, mfd, queues->v[q],
			    hs_cli_states[s], st->now, &qs->state[s]) == -1)
				st->problems++;
		st->nqueues++;
		if (mfd != -1)
			close(mfd);
		if (qfd != -1)
			close(qfd);
	}
	return 0;
}

void
hs_cli_stats_free(struct hs_cli_stats *st)
{
	free(st->queues);
	st->queues = NULL;
	hs_cli_names_free(&st->names);
	st->nqueues = 0;
}

static json_object *
outcome_counts(const struct hs_cli_ep_counts *e, int hours)
{
	json_object *o = json_object_new_object();
	int	 i;

	for (i = 0; i < HS_OUT_N; i++)
		json_object_object_add(o, hs_outcome_names[i],
		    json_object_new_int64((int64_t)hs_cli_counts_window(e,
		    hours, (enum hs_outcome)i)));
	return o;
}

static json_object *
endpoints_json(const struct hs_cli_stats *st)
{
	const struct hs_cli_counters *c = &st->counters;
	json_object *root = json_object_new_object(), *eps, *o, *arr;
	const char *hints[8];
	size_t	 i, h, nh;

	json_object_object_add(root, "counters_file", c->present ?
	    json_object_new_int64((int64_t)c->created) : NULL);
	json_object_object_add(root, "error", st->counters_error ?
	    json_object_new_string(st->counters_error) : NULL);
	eps = json_object_new_object();
	for (i = 0; i < c->n; i++) {
		const struct hs_cli_ep_counts *e = &c->ep[i];

		o = json_object_new_object();
		json_object_object_add(o, "configured",
		    json_object_new_boolean(e->configured));
		json_object_object_add(o, "last_hour",
		    outcome_counts(e, HS_CLI_WINDOW_HOUR));
		json_object_object_add(o, "last_day",
		    outcome_counts(e, HS_CLI_WINDOW_DAY));
		json_object_object_add(o, "total", outcome_counts(e, 0));
		if (e->last_refusal_usec) {
			json_object *r = json_object_new_object();

			json_object_object_add(r, "at", json_object_new_int64(
			    (int64_t)(e->last_refusal_usec / 1000000)));
			json_object_object_add(r, "status",
			    json_object_new_int(e->last_status));
			json_object_object_add(r, "reason",
			    json_object_new_string(e->last_reason));
			json_object_object_add(o, "last_refusal", r);
		} else
			json_object_object_add(o, "last_refusal", NULL);
		arr = json_object_new_array();
		nh = hs_cli_counts_hints(e, hints, 8);
		for (h = 0; h < nh; h++)
			json_object_array_add(arr,
			    json_object_new_string(hints[h]));
		json_object_object_add(o, "hints", arr);
		json_object_object_add(eps, e->name, o);
	}
	json_object_object_add(root, "endpoints", eps);
	return root;
}

static void
print_json(const struct hs_cli_stats *st)
{
	json_object *root = json_object_new_object(), *qo, *so;
	size_t	 q, s;

	for (q = 0; q < st->nqueues; q++) {
		const struct hs_cli_queue_stats *qs = &st->queues[q];

		qo = json_object_new_object();
		for (s = 0; s < HS_CLI_NSTATES && hs_cli_states[s]; s++) {
			const struct hs_cli_tally *t = &qs->state[s];

			so = json_object_new_object();
			json_object_object_add(so, "count",
			    json_object_new_int64(t->count));
			json_object_object_add(so, "oldest_age_seconds",
			    t->count ? json_object_new_int64(t->oldest < 0 ?
			    0 : t->oldest) : NULL);
			if (strcmp(hs_cli_states[s], HS_STATE_NEW) == 0)
				json_object_object_add(so, "deferred",
				    json_object_new_int64(t->deferred));
			json_object_object_add(qo, hs_cli_states[s], so);
		}
		json_object_object_add(root, qs->name, qo);
	}
	/* a queue name never starts with a dot: this key is never one */
	json_object_object_add(root, ".receiver", endpoints_json(st));
	hs_cli_print_json(root);
	json_object_put(root);
}

/* "401 x3, 413 x1" for the refusals of the window; "" when none */
static void
refusal_words(const struct hs_cli_ep_counts *e, int hours, char *out,
    size_t outlen)
{
	size_t	 len = 0;
	uint64_t n;
	int	 o;

	out[0] = '\0';
	for (o = HS_OUT_400; o < HS_OUT_N && len < outlen; o++) {
		if ((n = hs_cli_counts_window(e, hours, (enum hs_outcome)o)) == 0)
			continue;
		len += (size_t)snprintf(out + len, outlen - len, "%s%s x%llu",
		    len ? ", " : "", hs_outcome_names[o],
		    (unsigned long long)n);
	}
}

static void
print_endpoints(const struct hs_cli_stats *st)
{
	const struct hs_cli_counters *c = &st->counters;
	const char *hints[8];
	char	 words[256], age[32];
	size_t	 i, h, nh;

	printf("\n");
	if (st->counters_error) {
		printf("endpoints: counters unreadable: %s\n",
		    st->counters_error);
		return;
	}
	printf("%-24s %9s %9s %9s %9s  %s\n", "ENDPOINT", "HOUR OK",
	    "REFUSED", "DAY OK", "REFUSED", "LAST REFUSAL");
	for (i = 0; i < c->n; i++) {
		const struct hs_cli_ep_counts *e = &c->ep[i];

		printf("%-24s %9llu %9llu %9llu %9llu  ", e->name,
		    (unsigned long long)hs_cli_counts_ok(e, HS_CLI_WINDOW_HOUR),
		    (unsigned long long)hs_cli_counts_refused(e,
		    HS_CLI_WINDOW_HOUR),
		    (unsigned long long)hs_cli_counts_ok(e, HS_CLI_WINDOW_DAY),
		    (unsigned long long)hs_cli_counts_refused(e,
		    HS_CLI_WINDOW_DAY));
		if (e->last_refusal_usec) {
			hs_cli_fmt_age(st->now - (long long)(e->last_refusal_usec /
			    1000000), age, sizeof age);
			printf("%d %s ago: %s\n", e->last_status, age,
			    e->last_reason[0] ? e->last_reason : "-");
		} else
			printf("-\n");
		refusal_words(e, HS_CLI_WINDOW_DAY, words, sizeof words);
		if (words[0])
			printf("  refused in the last day: %s\n", words);
		nh = hs_cli_counts_hints(e, hints, 8);
		for (h = 0; h < nh; h++)
			printf("  hint: %s\n", hints[h]);
	}
	if (!c->present)
		printf("(nothing counted yet: %s/%s is made at the first "
		    "request)\n", st->spool, HS_COUNTERS_FILE);
}

static void
print_text(const struct hs_cli_stats *st)
{
	char	 age[32];
	size_t	 q, s;

	printf("%-16s %-9s %7s %8s %s\n", "QUEUE", "STATE", "COUNT", "OLDEST",
	    "");
	for (q = 0; q < st->nqueues; q++)
		for (s = 0; s < HS_CLI_NSTATES && hs_cli_states[s]; s++) {
			const struct hs_cli_tally *t = &st->queues[q].state[s];

			if (!t->count)
				continue;
			hs_cli_fmt_age(t->oldest, age, sizeof age);
			printf("%-16s %-9s %7lld %8s", st->queues[q].name,
			    hs_cli_states[s], t->count, age);
			if (t->deferred)
				printf(" (%lld deferred)", t->deferred);
			printf("\n");
		}
	print_endpoints(st);
}

int
hs_cmd_stats(const char *config, int argc, char **argv)
{
	struct hs_config cfg;
	struct hs_cli_stats *st;
	int	 json = 0, prom = 0, rc;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		json = 1;
	else if (argc == 2 && strcmp(argv[1], "--prometheus") == 0)
		prom = 1;
	else if (argc != 1)
		return hs_cli_usage("stats");
	if (hs_cli_load_config(config, &cfg) == -1)
		return 2;
	if ((st = calloc(1, sizeof *st)) == NULL ||
	    hs_cli_stats_gather(&cfg, "stats", st) == -1) {
		if (st == NULL)
			hs_cli_warn("stats");
		free(st);
		hs_config_free(&cfg);
		return 1;
	}
	if (prom)
		hs_cli_prometheus(stdout, st);
	else if (json)
		print_json(st);
	else
		print_text(st);
	/* --prometheus: a refused directory is a gauge (and said on
	 * stderr), so a cron line writing the textfile keeps it fresh */
	rc = st->problems && !prom ? 1 : 0;
	if (fflush(stdout) == EOF || ferror(stdout))
		rc = 1;
	hs_cli_stats_free(st);
	free(st);
	hs_config_free(&cfg);
	return rc;
}
