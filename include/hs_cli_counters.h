/*
 * hs_cli_counters.h - the read side of <spool_dir>/.counters for the
 * command line (stats, stats --prometheus, report --html): each endpoint's
 * counts gathered from its slots, the windows `stats` speaks of, and the
 * plain-words hints a pattern of refusals earns.
 */
#ifndef HS_CLI_COUNTERS_H
#define HS_CLI_COUNTERS_H

#include <stdint.h>

#include "hs_config.h"
#include "hs_counters.h"

struct hs_cli_ep_counts {
	char		 name[64];	/* a configured name, "(unknown)" or
					 * "(other)"; never request data */
	int		 configured;	/* named by the current config */
	uint64_t	 total[HS_OUT_N];	/* since the file was made */
	/* hour[0] is the current clock hour, hour[23] the one 23 hours
	 * before it */
	uint64_t	 hour[HS_COUNTERS_HOURS][HS_OUT_N];
	uint64_t	 last_refusal_usec;	/* 0: none */
	int		 last_status;
	char		 last_reason[HS_COUNTERS_REASON_MAX];
};

struct hs_cli_counters {
	int		 present;	/* 0: no file yet (nothing counted) */
	uint64_t	 created;	/* the file's creation, Unix seconds */
	uint64_t	 now_hour;	/* Unix hours of hour[0] */
	size_t		 n;
	struct hs_cli_ep_counts ep[HS_COUNTERS_SLOTS + 64];
};

/*
 * Reads cfg's spool's counters as of now (Unix seconds): every slot in use,
 * merged by name, plus each configured endpoint (zeros if never counted),
 * sorted by name with "(unknown)" and "(other)" last. 0 (present says
 * whether there was a file), or -1 with *why for a file that is torn,
 * foreign, a symlink or unreadable.
 */
int	hs_cli_counters_load(const struct hs_config *cfg, long long now,
	    struct hs_cli_counters *out, const char **why);

/* The sum of outcome o over the last hours clock hours (1: this hour). */
uint64_t hs_cli_counts_window(const struct hs_cli_ep_counts *e, int hours,
	    enum hs_outcome o);
/* Every 2xx (accepted, pending, duplicate, ignored) over the window. */
uint64_t hs_cli_counts_ok(const struct hs_cli_ep_counts *e, int hours);
/* Every refusal (4xx, 5xx, other) over the window. */
uint64_t hs_cli_counts_refused(const struct hs_cli_ep_counts *e, int hours);

/*
 * `stats` speaks of the last hour as this clock hour and the one before
 * (60 to 120 minutes: a refusal a minute ago never reads as none because
 * the clock struck), and of the last day as 24 clock hours.
 */
#define HS_CLI_WINDOW_HOUR	2
#define HS_CLI_WINDOW_DAY	HS_COUNTERS_HOURS

/* Up to max plain-words hints for e's pattern of refusals; how many. */
size_t	hs_cli_counts_hints(const struct hs_cli_ep_counts *e,
	    const char **hints, size_t max);

#endif
