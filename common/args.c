/* args: see args.h. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/signals.h"

int args_number(const char *command, const char *option, const char *text,
                double min, double max, double *out)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(value) || value < min || value > max) {
        fprintf(stderr, "feedmill %s: %s must be a number from %g to %g, not '%s'\n",
                command, option, min, max, text);
        return -1;
    }
    *out = value;
    return 0;
}

int args_count(const char *command, const char *option, const char *text,
               long min, long max, long *out)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value < min || value > max) {
        fprintf(stderr, "feedmill %s: %s must be a whole number from %ld to %ld, not '%s'\n",
                command, option, min, max, text);
        return -1;
    }
    *out = value;
    return 0;
}

size_t args_longopts(const args_table_t *table, struct option *out)
{
    size_t n = 0;
    for (int id = table->first; id < table->end; id++) {
        const args_option_t *row = &table->rows[id];
        if (table->run_only && !row->run)
            continue;
        out[n++] = (struct option){ .name = row->name,
                                    .has_arg = row->arg ? required_argument : no_argument,
                                    .val = table->base + id };
    }
    return n;
}

int args_table_of(const args_table_t *table, int getopt_value)
{
    int id = getopt_value - table->base;
    return id >= table->first && id < table->end ? id : -1;
}

/* After a bad option, with ARGS_SAY_ERRORS: what was wrong, in the
 * command's words. getopt has said nothing (":" in its short options). */
static void say_bad_option(const args_command_t *cmd, int c, char **argv)
{
    if (c == ':') {
        /* Only the last word can lack its value: it is argv[optind - 1]. */
        fprintf(stderr, "feedmill %s: %s needs a value\n", cmd->name, argv[optind - 1]);
        return;
    }
    /* A long option was the last word read ("--json=1": optopt is its
     * value); a short one may be inside a word ("-5%"), so only its
     * letter is known. */
    if (optopt >= ARGS_OPT_HELP)
        fprintf(stderr, "feedmill %s: %s takes no value\n", cmd->name, argv[optind - 1]);
    else if (optopt)
        fprintf(stderr, "feedmill %s: unknown option -%c\n", cmd->name, optopt);
    else
        fprintf(stderr, "feedmill %s: unknown option %s\n", cmd->name, argv[optind - 1]);
    if (cmd->hint)
        fprintf(stderr, "feedmill %s: %s\n", cmd->name, cmd->hint);
}

int args_parse(const args_command_t *cmd, void *opt, int argc, char **argv)
{
    size_t rows = 0;
    for (size_t t = 0; t < cmd->table_count; t++)
        rows += (size_t)(cmd->tables[t].end - cmd->tables[t].first);
    /* The tables' rows, --help, and getopt's all-zero end. */
    struct option *longopts = xcalloc(rows + 2, sizeof *longopts);
    size_t n = 0;
    for (size_t t = 0; t < cmd->table_count; t++)
        n += args_longopts(&cmd->tables[t], longopts + n);
    longopts[n] = (struct option){ .name = "help", .has_arg = no_argument, .val = ARGS_OPT_HELP };
    int say = (cmd->flags & ARGS_SAY_ERRORS) != 0;
    const char *shorts = cmd->flags & ARGS_IN_ORDER ? (say ? "+:h" : "+h") : (say ? ":h" : "h");
    int rc = -1, c;
    while (rc < 0 && (c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
        if (c == 'h' || c == ARGS_OPT_HELP) {
            args_usage(stdout, cmd);
            rc = 0;
            continue;
        }
        const args_table_t *table = NULL;
        int id = -1;
        for (size_t t = 0; t < cmd->table_count && id < 0; t++)
            if ((id = args_table_of(&cmd->tables[t], c)) >= 0)
                table = &cmd->tables[t];
        if (table) {
            if (table->apply((char *)opt + table->offset, cmd->name, id, optarg) != 0)
                rc = 2;
            continue;
        }
        /* '?' or ':': getopt has said what was wrong, unless we say it. */
        if (say)
            say_bad_option(cmd, c, argv);
        args_usage(stderr, cmd);
        rc = 2;
    }
    free(longopts);
    const char *wrong = rc < 0 && cmd->check ? cmd->check(opt, argc - optind) : NULL;
    if (wrong) {
        fprintf(stderr, "feedmill %s: %s\n", cmd->name, wrong);
        args_usage(stderr, cmd);
        rc = 2;
    }
    return rc;
}

int args_start(const args_command_t *cmd, void *opt, int argc, char **argv)
{
    int rc = args_parse(cmd, opt, argc, argv);
    if (rc < 0) {
        log_init(cmd->name);
        signals_install();
    }
    return rc;
}

void args_help(FILE *out, const char *name, const char *arg, const char *text)
{
    int column = fprintf(out, "  --%s%s%s", name, arg ? " " : "", arg ? arg : "");
    if (column < 0)
        return;
    /* A name past half the line (several options sharing one text) has
     * its text on the next line. */
    if (column > ARGS_HELP_WIDTH / 2)
        column = fprintf(out, "\n%*s", ARGS_HELP_COLUMN, "") - 1;
    else
        column += fprintf(out, "%*s",
                          column <= ARGS_HELP_COLUMN - 2 ? ARGS_HELP_COLUMN - column : 2, "");
    /* Word by word; a line holds at least one word, however long. */
    int first = 1;
    while (*text) {
        while (*text == ' ')
            text++;
        size_t len = strcspn(text, " ");
        if (!len)
            break;
        if (!first && column + 1 + (int)len > ARGS_HELP_WIDTH) {
            column = fprintf(out, "\n%*s", ARGS_HELP_COLUMN, "") - 1;
            first = 1;
        }
        column += fprintf(out, "%s%.*s", first ? "" : " ", (int)len, text);
        first = 0;
        text += len;
    }
    fputc('\n', out);
}

void args_help_table(FILE *out, const args_table_t *table)
{
    /* Rows without a text of their own, waiting for the next row's. */
    buf_t shared = BUF_INIT;
    for (int id = table->first; id < table->end; id++) {
        const args_option_t *row = &table->rows[id];
        if (table->run_only && !row->run)
            continue;
        if (!row->help) {
            buf_printf(&shared, "%s%s%s, --", row->name, row->arg ? " " : "",
                       row->arg ? row->arg : "");
            continue;
        }
        buf_puts(&shared, row->name);
        args_help(out, buf_str(&shared), row->arg, row->help);
        buf_reset(&shared);
    }
    buf_free(&shared);
}

void args_usage(FILE *out, const args_command_t *cmd)
{
    fputs(cmd->usage, out);
    for (size_t t = 0; t < cmd->table_count; t++)
        args_help_table(out, &cmd->tables[t]);
    if (cmd->more)
        fputs(cmd->more, out);
    fprintf(out, "  %-*s%s\n", ARGS_HELP_COLUMN - 2, "-h, --help", "this help");
    if (cmd->after)
        fputs(cmd->after, out);
}

int args_row_count(const char *command, const args_option_t *row, const char *text,
                   long min, long max, long *out)
{
    char option[64];
    snprintf(option, sizeof option, "--%s", row->name);
    return args_count(command, option, text, min, max, out);
}

int args_row_ms(const char *command, const args_option_t *row, const char *text,
                double min_s, double max_s, int64_t *out_ms)
{
    char option[64];
    snprintf(option, sizeof option, "--%s", row->name);
    double s;
    if (args_number(command, option, text, min_s, max_s, &s))
        return -1;
    *out_ms = (int64_t)(s * 1000);
    return 0;
}
