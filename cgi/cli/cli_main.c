/* cli_main.c - `hookspool COMMAND [ARGS]`: parse -c, dispatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_cli.h"

struct command {
	const char *name;
	int	(*fn)(const char *config, int argc, char **argv);
	const char *usage;
};

static const struct command commands[] = {
	{ "ls", hs_cmd_ls, "ls [QUEUE] [--state new|deferred|cur|done|failed|pending|held|rejected] [--json]" },
	{ "show", hs_cmd_show, "show ID [--json]" },
	{ "stats", hs_cmd_stats, "stats [--json]" },
	{ "run", hs_cmd_run, "run QUEUE [--max N] [--for SECONDS] [--timeout SECONDS] [-v] -- CMD [ARGS...]" },
	{ "retry", hs_cmd_retry, "retry ID | retry --failed [QUEUE]" },
	{ "purge", hs_cmd_purge, "purge --older-than DURATION [--done] [--failed] [--rejected] [--json]" },
	{ "verify", hs_cmd_verify, "verify [-v] [ENDPOINT] | verify --release ID | verify --reject ID [--reason TEXT]" },
	{ "check-config", hs_cmd_check_config, "check-config [--json]" },
	{ "sign", hs_cmd_sign, "sign ENDPOINT --event NAME [--body FILE|-] [--send URL | --url URL] [--delivery-id ID] [--at UNIX]" },
	{ NULL, NULL, NULL }
};

static void
usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: hookspool [-c CONFIG] COMMAND [ARGS]\n\n");
	for (c = commands; c->name; c++)
		fprintf(f, "  hookspool %s\n", c->usage);
	fprintf(f, "\nThe config is -c CONFIG, else $HOOKSPOOL_CONFIG, else "
	    "/etc/hookspool/hookspool.json.\nSee hookspool(1).\n");
}

int
main(int argc, char **argv)
{
	const struct command *c;
	const char *config = NULL;
	int	 i = 1;

	while (i < argc && argv[i][0] == '-') {
		if ((strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0) && i + 1 < argc) {
			config = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	for (c = commands; c->name; c++)
		if (strcmp(c->name, argv[i]) == 0)
			return c->fn(config, argc - i, argv + i);
	fprintf(stderr, "hookspool: unknown command %s\n", argv[i]);
	usage(stderr);
	return 2;
}
