/* hs_cli.h - the `hookspool` subcommands; cli_main.c dispatches to these. */
#ifndef HS_CLI_H
#define HS_CLI_H

#include "hs_config.h"

/* Shared by every subcommand: the config named by -c/--config or found
 * the way the receiver finds it. Prints the error and returns -1. */
int	hs_cli_load_config(const char *path, struct hs_config *cfg);

/* Prints the command's usage (cli_main.c's table) to stderr; returns 2. */
int	hs_cli_usage(const char *command);

int	hs_cmd_sign(const char *config, int argc, char **argv);
int	hs_cmd_ls(const char *config, int argc, char **argv);
int	hs_cmd_show(const char *config, int argc, char **argv);
int	hs_cmd_stats(const char *config, int argc, char **argv);
int	hs_cmd_report(const char *config, int argc, char **argv);
int	hs_cmd_run(const char *config, int argc, char **argv);
int	hs_cmd_retry(const char *config, int argc, char **argv);
int	hs_cmd_purge(const char *config, int argc, char **argv);
int	hs_cmd_verify(const char *config, int argc, char **argv);
int	hs_cmd_check_config(const char *config, int argc, char **argv);

#endif
