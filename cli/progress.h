/* progress: how far `feedmill run` is, for whoever watches it.
 *
 * The total comes from a walk of its own over the PATHs, with the
 * producer's rules (hidden and --ignore'd names, feedmill's own database
 * files), a few thousand entries per call so the supervisor never stalls:
 * it finishes long before the producer, which reads each file. The done
 * count comes from the producer's figures (its --metrics-file): documents
 * acknowledged, plus files skipped as acknowledged by an earlier run. The
 * rate is taken over the last few seconds; the ETA is what remains at
 * that rate. With standard input or --files0-from the total is unknown,
 * and with --watch it is what the first scan found: the line then says
 * what is done and how fast, without an ETA.
 *
 * In a terminal the line is redrawn in place (progress_line); elsewhere
 * the supervisor logs it every --status-interval (progress_log). */
#ifndef FEEDMILL_PROGRESS_H
#define FEEDMILL_PROGRESS_H

#include <stdint.h>

#include "common/buf.h"

typedef struct progress progress_t;

/* paths: the PATHs of the run ("-" is skipped); own: files never to count
 * (the database, the producer's state). total_known is 0 when inputs
 * come from elsewhere too (stdin, --files0-from). */
progress_t *progress_new(char **paths, int path_count, const char *const *ignore,
                         int ignore_count, const char *const *own, int own_count,
                         int total_known);
void progress_destroy(progress_t **self_p);
/* Counts a few thousand more inputs; cheap once the count is complete. */
void progress_count(progress_t *self);
/* The producer's figures (exposition text) as of now. */
void progress_update(progress_t *self, const char *producer_metrics, int64_t now);
/* "1234 of 5000 documents (24.7%), 312.5 docs/s, ETA 12 s" */
void progress_line(const progress_t *self, buf_t *out);
/* The same as one log line: progress done=... total=... */
void progress_log(const progress_t *self);

#endif
