/* stdin_feed: standard input as a JSON-lines feed ("-" among the PATHs).
 *
 * A line is spooled (through the caller's function, into the state's
 * spool) and committed before it counts as read: from a pipe, tee(2)
 * copies the bytes and they stay in the pipe until the commit; a file is
 * read at the committed offset. So a producer killed at any moment loses
 * nothing a restarted one cannot read again. Lines are numbered across
 * producer restarts within one stream (the source "stdin:LINE"); a new
 * stream (another pipe or file) starts from line 1. A terminal is read
 * directly. */
#ifndef FEEDMILL_PRODUCER_STDIN_FEED_H
#define FEEDMILL_PRODUCER_STDIN_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "producer/state.h"

typedef struct stdin_feed stdin_feed_t;

/* One complete line and its number; too_long: why it was cut short, or
 * NULL. It spools the line into the state (uncommitted). */
typedef void stdin_feed_line_fn(void *ctx, int64_t number, const char *line, size_t len,
                                const char *too_long);

/* Makes standard input non-blocking and takes up the stream where the
 * state says an earlier producer committed (line count, the start of an
 * unfinished line). NULL when it cannot (logged). */
stdin_feed_t *stdin_feed_new(state_t *state, stdin_feed_line_fn *take, void *ctx);
void stdin_feed_destroy(stdin_feed_t **self_p);

/* Reads what standard input has, hands each complete line to take and
 * commits them with the start of an unfinished line (state_flush): only
 * then are the bytes taken. When the commit fails, nothing is taken and
 * the same bytes are read again later. At end of input a last line
 * without its newline still counts, and the feed closes. */
void stdin_feed_read(stdin_feed_t *self);

/* 1 until standard input has ended (and that end is committed). */
int stdin_feed_open(const stdin_feed_t *self);

#endif
