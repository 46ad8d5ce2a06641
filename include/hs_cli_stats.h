/*
 * hs_cli_stats.h - what `hookspool stats` gathers, shared by its three
 * renderings: the table and --json (cli_stats.c) and the Prometheus text
 * exposition format (cli_prom.c).
 */
#ifndef HS_CLI_STATS_H
#define HS_CLI_STATS_H

#include <stdio.h>

#include "hs_cli_counters.h"
#include "hs_cli_spool.h"
#include "hs_config.h"

#define HS_CLI_NSTATES	7	/* hs_cli_states[] */

struct hs_cli_tally {
	long long	 count;
	long long	 oldest;	/* seconds; -1: none */
	long long	 deferred;	/* new/ only: waiting for a retry */
};

struct hs_cli_queue_stats {
	const char	*name;
	struct hs_cli_tally state[HS_CLI_NSTATES];
};

struct hs_cli_stats {
	const char	*spool;		/* the config's spool_dir */
	struct hs_cli_names names;	/* the queues' names */
	struct hs_cli_queue_stats *queues;
	size_t		 nqueues;
	size_t		 problems;	/* refused dirs and files, said on stderr */
	long long	 now;
	struct hs_cli_counters counters;
	const char	*counters_error;	/* NULL: read (or none yet) */
};

/* Gathers cfg's queues and counters (cmd names the command on stderr). 0,
 * or -1 when there is nothing to show (out of memory, no queue list). */
int	hs_cli_stats_gather(const struct hs_config *cfg, const char *cmd,
	    struct hs_cli_stats *st);
void	hs_cli_stats_free(struct hs_cli_stats *st);

/* The Prometheus text exposition format (version 0.0.4). */
void	hs_cli_prometheus(FILE *f, const struct hs_cli_stats *st);

#endif
