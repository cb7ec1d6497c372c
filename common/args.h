/* args: strict parsing of numeric command-line values.
 *
 * "--workers 4x" or "--workers -1" must be a clear error, not 4 or a
 * wrapped-around 4294967295 (what atoi/strtoul would quietly give). */
#ifndef FEEDMILL_ARGS_H
#define FEEDMILL_ARGS_H

/* Returns 0 and sets *out, or prints "feedmill COMMAND: OPTION ..." to
 * stderr and returns -1. */
int args_number(const char *command, const char *option, const char *text,
                double min, double max, double *out);
int args_count(const char *command, const char *option, const char *text,
               long min, long max, long *out);

#endif
