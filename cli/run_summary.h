/* run_summary: what `feedmill run` says at the end: each input in its
 * word, the outcomes (which add up to them), and what the database holds.
 * docs/feeds.md, "Sources and counts", explains the words. */
#ifndef FEEDMILL_CLI_RUN_SUMMARY_H
#define FEEDMILL_CLI_RUN_SUMMARY_H

#include "producer/summary.h"

/* producer: the figures the producer wrote with --summary-file
 * (producer/summary.h); all 0 when it wrote none (killed while stopping). */
void run_summary_print(const producer_summary_t *producer, const char *db, double seconds);

#endif
