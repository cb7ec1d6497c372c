/* stdin_feed: standard input as a JSON-lines feed. See stdin_feed.h. */
#include "producer/stdin_feed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "producer/linebuf.h"

struct stdin_feed {
    state_t *state;             /* the producer's: positions, the spool, commits */
    stdin_feed_line_fn *take;
    void *ctx;
    int open;                   /* still reading */
    int is_pipe;                /* peeked with tee(2) before it is consumed */
    int is_file;                /* a regular file: read with pread(2) at offset */
    int64_t offset;             /* is_file: bytes taken and committed */
    int peek[2];                /* the private pipe tee(2) copies into */
    linebuf_t lines;            /* the line not yet complete */
    int64_t line;               /* lines taken so far */
    int64_t dev, ino;           /* the stream, as the state knows it */
    int reset_owed;             /* a new stream the state could not note yet */
};

/* A line of standard input, numbered across restarts of one stream. */
static void take_line(void *ctx, const char *line, size_t len, const char *too_long)
{
    stdin_feed_t *in = ctx;
    in->line++;
    in->take(in->ctx, in->line, line, len, too_long);
    state_set_position(in->state, "stdin", in->line, NULL);
}

/* Copies what standard input holds into chunk without taking it out:
 * from a pipe, tee(2) duplicates the bytes and they stay in the pipe
 * until consume_stdin(), once they are on disk; a file is read at the
 * committed offset, which moves only with the commit. So a producer
 * killed at any moment loses nothing a restarted one cannot read again.
 * A terminal is read directly. */
static ssize_t peek_stdin(stdin_feed_t *in, char *chunk, size_t size)
{
    if (in->is_file)
        return pread(STDIN_FILENO, chunk, size, in->offset);
    if (!in->is_pipe)
        return read(STDIN_FILENO, chunk, size);
    ssize_t n = tee(STDIN_FILENO, in->peek[1], size, SPLICE_F_NONBLOCK);
    if (n <= 0)
        return n;
    ssize_t got = 0, r = 0;
    while (got < n && (r = read(in->peek[0], chunk + got, (size_t)(n - got))) > 0)
        got += r;
    return r < 0 ? -1 : got;
}

static void consume_stdin(stdin_feed_t *in, char *chunk, size_t n)
{
    size_t done = 0;
    ssize_t r;
    while (in->is_pipe && done < n && (r = read(STDIN_FILENO, chunk, n - done)) > 0)
        done += (size_t)r;
}

/* The state notes a new stream: its identity, and nothing read of it. */
static void note_new_stream(stdin_feed_t *in)
{
    state_set_position(in->state, "stdin dev", in->dev, NULL);
    state_set_position(in->state, "stdin ino", in->ino, NULL);
    state_set_position(in->state, "stdin", 0, NULL);
    state_set_position(in->state, "stdin offset", 0, NULL);
    state_partial_clear(in->state, "stdin", NULL);
}

/* The commit of what stdin_feed_read took failed: the state has none of
 * it, so memory forgets it too (line count, the unfinished line as the
 * state keeps it), and the bytes, still in the pipe or past the committed
 * offset, are read again once the state can be written. A terminal is
 * read directly: what it gave is lost with the commit. */
static void rollback(stdin_feed_t *in, int64_t line, int discarding)
{
    in->line = line;
    linebuf_reset(&in->lines);
    in->lines.discarding = discarding;
    if (!discarding && !in->reset_owed)
        state_partial_load(in->state, "stdin", &in->lines.pending);
    log_info("lines read from standard input not written, reading them again once the "
             "producer state can be written after_line=%lld", (long long)line);
}

void stdin_feed_read(stdin_feed_t *in)
{
    static char chunk[65536];
    ssize_t n = peek_stdin(in, chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    int64_t line = in->line;
    int discarding = in->lines.discarding;
    if (in->reset_owed)
        note_new_stream(in);
    if (n <= 0) {
        if (n < 0)
            log_error("cannot read standard input error=%s", log_q(strerror(errno)));
        linebuf_finish(&in->lines, take_line, in);
        state_partial_clear(in->state, "stdin", NULL);
        state_set_position(in->state, "stdin", 0, NULL);   /* this stream is done */
        state_set_position(in->state, "stdin offset", 0, NULL);
        if (state_flush(in->state, NULL) != 0) {
            rollback(in, line, discarding);   /* the end comes again */
            return;
        }
        in->open = 0;
        in->reset_owed = 0;
        log_info("standard input ended lines=%lld", (long long)in->line);
        return;
    }
    size_t complete = linebuf_feed(&in->lines, chunk, (size_t)n, take_line, in);
    if (complete)
        state_partial_clear(in->state, "stdin", NULL);
    if (complete < (size_t)n)
        state_partial_append(in->state, "stdin", chunk + complete,
                             in->lines.discarding ? 0 : (size_t)n - complete, NULL);
    if (in->is_file)
        state_set_position(in->state, "stdin offset", in->offset + n, NULL);
    if (state_flush(in->state, NULL) != 0) {
        rollback(in, line, discarding);
        return;
    }
    in->reset_owed = 0;
    consume_stdin(in, chunk, (size_t)n);
    in->offset += n;
}

stdin_feed_t *stdin_feed_new(state_t *state, stdin_feed_line_fn *take, void *ctx)
{
    stdin_feed_t *in = xcalloc(1, sizeof *in);
    in->state = state;
    in->take = take;
    in->ctx = ctx;
    in->open = 1;
    in->peek[0] = in->peek[1] = -1;
    struct stat st;
    int known = fstat(STDIN_FILENO, &st) == 0;
    in->is_pipe = known && S_ISFIFO(st.st_mode);
    in->is_file = known && S_ISREG(st.st_mode);
    if (in->is_pipe && pipe2(in->peek, O_CLOEXEC) != 0) {
        log_error("cannot create a pipe error=%s", log_q(strerror(errno)));
        in->is_pipe = 0;
        stdin_feed_destroy(&in);
        return NULL;
    }
    int flags = fcntl(STDIN_FILENO, F_GETFL);
    if (flags >= 0)
        fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
    /* The stream an earlier producer was reading, if it is this one (a
     * restart under `run`); any other stream starts afresh. */
    in->dev = known ? (int64_t)st.st_dev : -1;
    in->ino = known ? (int64_t)st.st_ino : -1;
    if (state_position(state, "stdin dev") != in->dev
        || state_position(state, "stdin ino") != in->ino) {
        note_new_stream(in);
        /* Not written: the first lines' commit notes it (stdin_feed_read). */
        in->reset_owed = state_flush(state, NULL) != 0;
    }
    if (in->reset_owed)
        return in;
    in->line = state_position(state, "stdin");
    in->offset = in->is_file ? state_position(state, "stdin offset") : 0;
    state_partial_load(state, "stdin", &in->lines.pending);
    if (in->line || in->lines.pending.len)
        log_info("resuming standard input after line=%lld", (long long)in->line);
    return in;
}

void stdin_feed_destroy(stdin_feed_t **self_p)
{
    stdin_feed_t *in = *self_p;
    if (!in)
        return;
    linebuf_free(&in->lines);
    if (in->peek[0] >= 0)
        close(in->peek[0]);
    if (in->peek[1] >= 0)
        close(in->peek[1]);
    free(in);
    *self_p = NULL;
}

int stdin_feed_open(const stdin_feed_t *self)
{
    return self && self->open;
}
