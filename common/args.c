/* args: see args.h. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void args_help(FILE *out, const char *name, const char *arg, const char *text)
{
    int column = fprintf(out, "  --%s%s%s", name, arg ? " " : "", arg ? arg : "");
    if (column < 0)
        return;
    column += fprintf(out, "%*s", column <= ARGS_HELP_COLUMN - 2 ? ARGS_HELP_COLUMN - column : 2,
                      "");
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
