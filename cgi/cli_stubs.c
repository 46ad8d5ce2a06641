/* cli_stubs.c - TEMPORARY: commands not written yet. Delete when done. */
#include <stdio.h>

#include "hs_cli.h"

#define STUB(fn) int fn(const char *config, int argc, char **argv) \
	{ (void)config; (void)argc; (void)argv; \
	  fprintf(stderr, "hookspool: not implemented yet\n"); return 2; }

STUB(hs_cmd_sign)
STUB(hs_cmd_ls)
STUB(hs_cmd_show)
STUB(hs_cmd_stats)
STUB(hs_cmd_run)
STUB(hs_cmd_retry)
STUB(hs_cmd_purge)
STUB(hs_cmd_verify)
STUB(hs_cmd_check_config)

int
hs_cli_load_config(const char *path, struct hs_config *cfg)
{
	(void)path; (void)cfg;
	return -1;
}
