/* run_summary: what `feedmill run` says at the end: each input in its
 * word, the outcomes (which add up to them), and what the database holds.
 * docs/feeds.md, "Sources and counts", explains the words. */
#ifndef FEEDMILL_CLI_RUN_SUMMARY_H
#define FEEDMILL_CLI_RUN_SUMMARY_H

/* producer_output: what the producer printed on stdout with --summary
 * ("summary documents=N files=N ..."); keys it lacks count 0. */
void run_summary_print(const char *producer_output, const char *db, double seconds);

#endif
