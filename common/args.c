/* args: see args.h. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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
