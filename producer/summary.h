/* summary: the producer's figures at its end, in one vocabulary for
 * every reader.
 *
 *   the log's last line    finished documents=N files=N ... seconds=S
 *   --summary (people)     summary documents=N files=N ... on stdout
 *   --summary-file FILE    {"version":1,"documents":N,"files":N,...}
 *
 * `feedmill run` reads the JSON file (cli/run_summary.c) rather than
 * parsing a line: a key it needs and does not find is an error it says,
 * never a silent 0. The keys are the table in summary.c, one row per
 * field below; adding a figure is a field and a row, and version stays 1
 * (readers ignore keys they do not know). A change of a key's meaning
 * takes a new version. */
#ifndef FEEDMILL_PRODUCER_SUMMARY_H
#define FEEDMILL_PRODUCER_SUMMARY_H

#include <stdint.h>

#include "common/buf.h"

#define PRODUCER_SUMMARY_VERSION 1

/* Inputs in their words (files, lines, submissions); each ends as exactly
 * one of stored, updated, new_sources, unchanged, dead and skipped. */
typedef struct producer_summary {
    uint64_t documents;       /* inputs: files + lines + submissions */
    uint64_t files, lines, submissions;
    uint64_t skipped;         /* files acknowledged by an earlier run, not read */
    uint64_t stored, updated, new_sources, unchanged, dead;
    uint64_t retries;
    uint64_t skipped_paths;   /* loops, broken links, special files: never inputs */
    uint64_t own_files;       /* the producer's own files and --skip databases met */
} producer_summary_t;

/* "documents=N files=N ...": every key, in the table's order. */
void producer_summary_text(const producer_summary_t *self, buf_t *out);
/* Writes the JSON object to path (through path.tmp, renamed: a reader
 * never sees half of it). Returns 0, or -1 with *error set (free it). */
int producer_summary_write(const producer_summary_t *self, const char *path, char **error);
/* Reads what producer_summary_write wrote. Returns 0, or -1 with *error
 * set (free it): no such file, not JSON, another version, a key missing. */
int producer_summary_read(producer_summary_t *self, const char *path, char **error);

#endif
