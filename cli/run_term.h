/* run_term: the terminal under `feedmill run`: a progress line that stays
 * at the bottom, and every log line written above it.
 *
 * In a terminal, stderr (run's, and its children's, which inherit it)
 * becomes a pipe, and the terminal is kept aside: run_term_pump passes
 * the complete lines waiting in the pipe to the terminal, above the
 * progress line, which run_term_show redraws in place. The pipe is large
 * and run reads it every 20 ms, so no writer waits on it. */
#ifndef FEEDMILL_CLI_RUN_TERM_H
#define FEEDMILL_CLI_RUN_TERM_H

typedef struct run_term run_term_t;

/* NULL when stderr is not a terminal, or the logs are JSON lines (for
 * programs: no progress line among them), or the pipe cannot be made:
 * then run logs a `progress` line every --status-interval instead. */
run_term_t *run_term_open(void);
/* Writes the last lines, including an unfinished one, and puts the
 * terminal back on stderr. NULL is fine. */
void run_term_close(run_term_t **self_p);

/* Passes the complete lines waiting in the pipe to the terminal, above
 * the progress line; all: an unfinished last line too. NULL (no
 * terminal) is fine. */
void run_term_pump(run_term_t *self, int all);
/* Draws text as the progress line, in place of the last one. */
void run_term_show(run_term_t *self, const char *text);

#endif
