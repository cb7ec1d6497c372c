/* bench: what every benchmark program shares.
 *
 * Each program times one pass of its stage's work over inputs already in
 * memory and prints one line that bench.sh parses:
 *
 *   items=200 bytes=26657707 seconds=0.812345 failed=0 version=2.9.14
 *
 * Reading the inputs is never part of the timed work. */
#ifndef FEEDMILL_BENCH_H
#define FEEDMILL_BENCH_H

#include <stddef.h>

typedef struct file {
    char *path;
    char *data;   /* the whole file, NUL-terminated for convenience */
    size_t len;
} file_t;

typedef struct files {
    file_t *items;
    size_t count;
    size_t bytes;  /* sum of all lengths */
} files_t;

/* Reads every path into memory; exits with a message on any error. */
files_t files_load(char **paths, int count);
void files_free(files_t *self);

/* Monotonic clock, in seconds. */
double now(void);

/* The one result line, on stdout. */
void print_result(size_t items, size_t bytes, double seconds, size_t failed,
                  const char *version);
/* The same, with cpu= the CPU seconds (user and system, all threads) that
 * the process measured spent in those seconds. */
void print_result_cpu(size_t items, size_t bytes, double seconds, size_t failed,
                      const char *version, double cpu);

#endif
