/* commands: one entry point per `feedmill` subcommand.
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status. The components
 * declare their own in their own headers; the cli's are below. */
#ifndef FEEDMILL_COMMANDS_H
#define FEEDMILL_COMMANDS_H

#include "producer/producer.h"
#include "sink/sink.h"
#include "workers/worker.h"

int run_main(int argc, char **argv);        /* cli/run.c */
int extract_main(int argc, char **argv);    /* cli/extract_cmd.c */
int search_main(int argc, char **argv);     /* cli/search_cmd.c */
int stats_main(int argc, char **argv);      /* cli/stats_cmd.c */
int export_main(int argc, char **argv);     /* cli/export_cmd.c */
int top_main(int argc, char **argv);        /* cli/top_cmd.c */
int retry_main(int argc, char **argv);      /* cli/retry_cmd.c */
int keygen_main(int argc, char **argv);     /* cli/keygen_cmd.c */

#endif
