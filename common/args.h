/* args: every command's command line, from one table of its options, and
 * strict parsing of their values.
 *
 * A command declares each option once, as a row of a table (its name, its
 * argument, its help); its getopt table, its --help and the dispatch of
 * each value to the one function that checks and stores it are all made
 * from the rows, so no command writes a getopt table, a switch over
 * getopt's values or the rows of its --help by hand. A command line may
 * join several tables: a component's own, then the operator options of
 * common/monitor.h (MONITOR_ARGS); `feedmill run` takes the producer's
 * rows marked .run.
 *
 * Values are checked strictly: "--workers 4x" or "--workers -1" must be a
 * clear error, not 4 or a wrapped-around 4294967295 (what atoi/strtoul
 * would quietly give). */
#ifndef FEEDMILL_ARGS_H
#define FEEDMILL_ARGS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One row of a table. Its id is its index; its place is its place in
 * --help. */
typedef struct args_option {
    const char *name;   /* the long name, without "--" */
    const char *arg;    /* the argument's name in --help; NULL: the option takes none */
    int run;            /* `feedmill run` offers it too (the producer's rows) */
    const char *help;   /* one paragraph, which args_help wraps; NULL: listed on the
                           next row's line and sharing its text */
} args_option_t;

/* One table of a command line, and where its values go. */
typedef struct args_table {
    const args_option_t *rows;
    int first, end;     /* the rows this command takes: ids first to end - 1 */
    int base;           /* getopt's value for row id is base + id: above every short
                           option, and apart from the other tables' (ARGS_GETOPT...) */
    int run_only;       /* only the rows marked .run (`feedmill run` on the producer's) */
    /* Checks a row's value (NULL for an option without argument) and
     * stores it in the options struct lying at offset in the command's.
     * Returns 0, or -1 after printing "feedmill COMMAND: ..." to stderr. */
    int (*apply)(void *opt, const char *command, int id, const char *value);
    size_t offset;
} args_table_t;

enum {
    ARGS_OPT_HELP = 0x100,    /* getopt's value for --help ('h' for -h) */
    ARGS_GETOPT = 0x200,      /* the base of a command's own table (the producer's and the
                                 monitor's have theirs: they join other commands) */
    /* args_command_t.flags */
    ARGS_IN_ORDER = 1,        /* the first operand ends the options ("+"): a query */
    ARGS_SAY_ERRORS = 2,      /* say what was wrong with an option in the command's
                                 words, not getopt's ("feedmill search: --db needs a
                                 value"), then its hint */
};

/* A command's whole command line, and its --help: usage, the rows of
 * its tables, more, "-h, --help", after. */
typedef struct args_command {
    const char *name;           /* "sink": its errors say "feedmill sink: ..." */
    const char *usage;          /* "usage: feedmill sink [OPTIONS]", what it does, a
                                   blank line */
    const args_table_t *tables;
    size_t table_count;
    const char *more;           /* NULL, or lines after the rows, before -h */
    const char *after;          /* NULL, or lines after -h */
    int flags;
    const char *hint;           /* with ARGS_SAY_ERRORS: a last line after a bad option */
    /* After the options: what they need of each other and of the
     * operands (argv from optind on, operands of them). NULL when the
     * command line is good, else what is wrong ("no PATH given"): a usage
     * error. NULL: anything goes. */
    const char *(*check)(const void *opt, int operands);
} args_command_t;

/* Parses argv into opt, the command's options struct (its defaults set),
 * and checks it (cmd->check). Returns -1 to go on (optind is the first
 * operand); else the exit status: 0 after --help (on stdout), 2 on a
 * usage error (said on stderr, with the --help). */
int args_parse(const args_command_t *cmd, void *opt, int argc, char **argv);
/* The start of a long-running component (producer, worker, sink):
 * args_parse, then, to go on, its log lines named after the command
 * (log_init) and SIGINT and SIGTERM taken over (signals_install).
 * Returns as args_parse. */
int args_start(const args_command_t *cmd, void *opt, int argc, char **argv);

/* The rows of one table as getopt's, into out (room for its rows);
 * returns how many. */
size_t args_longopts(const args_table_t *table, struct option *out);
/* The row id of a value getopt_long returned, or -1 when it is not the
 * table's. */
int args_table_of(const args_table_t *table, int getopt_value);

/* One option of a --help, in the layout every command shares: "  --NAME
 * ARG", the text from column ARGS_HELP_COLUMN (or two spaces after a
 * longer name), wrapped at word boundaries to lines of at most
 * ARGS_HELP_WIDTH characters. arg is NULL for an option without
 * argument. */
enum { ARGS_HELP_COLUMN = 24, ARGS_HELP_WIDTH = 80 };
void args_help(FILE *out, const char *name, const char *arg, const char *text);
/* The rows of a table in that layout. */
void args_help_table(FILE *out, const args_table_t *table);
/* A command's whole --help. */
void args_usage(FILE *out, const args_command_t *cmd);

/* Returns 0 and sets *out, or prints "feedmill COMMAND: OPTION ..." to
 * stderr and returns -1. */
int args_number(const char *command, const char *option, const char *text,
                double min, double max, double *out);
int args_count(const char *command, const char *option, const char *text,
               long min, long max, long *out);
/* The same for a table's row: OPTION is "--" and its name; a number of
 * seconds is stored as milliseconds. */
int args_row_count(const char *command, const args_option_t *row, const char *text,
                   long min, long max, long *out);
int args_row_ms(const char *command, const args_option_t *row, const char *text,
                double min_s, double max_s, int64_t *out_ms);

#endif
