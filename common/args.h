/* args: strict parsing of numeric command-line values.
 *
 * "--workers 4x" or "--workers -1" must be a clear error, not 4 or a
 * wrapped-around 4294967295 (what atoi/strtoul would quietly give).
 * And the rows of a --help, laid out alike in every command. */
#ifndef FEEDMILL_ARGS_H
#define FEEDMILL_ARGS_H

#include <stdio.h>

/* Returns 0 and sets *out, or prints "feedmill COMMAND: OPTION ..." to
 * stderr and returns -1. */
int args_number(const char *command, const char *option, const char *text,
                double min, double max, double *out);
int args_count(const char *command, const char *option, const char *text,
               long min, long max, long *out);

/* One option of a --help, in the layout every command shares (and
 * MONITOR_USAGE spells out by hand): "  --NAME ARG", the text from column
 * ARGS_HELP_COLUMN (or two spaces after a longer name), wrapped at word
 * boundaries to lines of at most ARGS_HELP_WIDTH characters. arg is NULL for an option
 * without argument. */
enum { ARGS_HELP_COLUMN = 24, ARGS_HELP_WIDTH = 80 };
void args_help(FILE *out, const char *name, const char *arg, const char *text);

#endif
