/*
 * cli_main.c - `hookspool COMMAND [ARGS]`: parse -c, dispatch. The
 * commands and their usage live here and nowhere else: a subcommand that
 * finds its arguments wrong returns hs_cli_usage(its name).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_cli.h"
#include "hs_version.h"

struct command {
	const char *name;
	int	(*fn)(const char *config, int argc, char **argv);
	const char *usage;	/* its forms, one per line, after "hookspool " */
};

static const struct command commands[] = {
	{ "ls", hs_cmd_ls, "ls [QUEUE] [--state new|deferred|cur|done|failed|"
	    "pending|held|rejected] [--json]" },
	{ "show", hs_cmd_show, "show ID [--json]" },
	{ "stats", hs_cmd_stats, "stats [--json | --prometheus]" },
	{ "report", hs_cmd_report, "report --html FILE" },
	{ "run", hs_cmd_run, "run QUEUE [--max N] [--for SECONDS] "
	    "[--timeout SECONDS] [--verified-only|--unverified-only|--any] "
	    "[-v] -- CMD [ARGS...]" },
	{ "retry", hs_cmd_retry, "retry ID\nretry --failed [QUEUE]" },
	{ "purge", hs_cmd_purge, "purge --older-than DURATION [--done] "
	    "[--failed] [--rejected] [--json]" },
	{ "verify", hs_cmd_verify, "verify [-v] [ENDPOINT]\n"
	    "verify --release ID\nverify --reject ID [--reason TEXT]" },
	{ "check-config", hs_cmd_check_config, "check-config [--json]" },
	{ "sign", hs_cmd_sign, "sign ENDPOINT --event NAME [--body FILE|-] "
	    "[--send URL | --url URL] [--delivery-id ID] [--at UNIX_SECONDS]" },
	{ NULL, NULL, NULL }
};

/* One command's forms: "usage: hookspool A" then "       hookspool B". */
static void
print_forms(FILE *f, const char *lead, const char *forms)
{
	const char *nl;

	while (forms != NULL) {
		nl = strchr(forms, '\n');
		fprintf(f, "%shookspool %.*s\n", lead,
		    nl ? (int)(nl - forms) : (int)strlen(forms), forms);
		lead = "       ";
		forms = nl ? nl + 1 : NULL;
	}
}

static const struct command *
find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int
hs_cli_usage(const char *name)
{
	const struct command *c = find(name);

	if (c != NULL)
		print_forms(stderr, "usage: ", c->usage);
	return 2;
}

static void
usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: hookspool [-c CONFIG] COMMAND [ARGS]\n"
	    "       hookspool COMMAND --help\n"
	    "       hookspool --version\n\n");
	for (c = commands; c->name; c++)
		print_forms(f, "  ", c->usage);
	fprintf(f, "\nThe config is -c CONFIG, else $HOOKSPOOL_CONFIG, else "
	    "/etc/hookspool/hookspool.json.\nSee hookspool(1).\n");
}

/* --help or -h among a command's own arguments (not after run's --). */
static int
wants_help(int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
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
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("hookspool " HS_VERSION "\n");
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
	if ((c = find(argv[i])) != NULL) {
		if (wants_help(argc - i, argv + i)) {
			print_forms(stdout, "usage: ", c->usage);
			return 0;
		}
		return c->fn(config, argc - i, argv + i);
	}
	fprintf(stderr, "hookspool: unknown command %s\n", argv[i]);
	usage(stderr);
	return 2;
}
