/* run_term: the progress line and the log lines above it. See run_term.h. */
#include "cli/run_term.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"

struct run_term {
    int fd;                    /* the terminal */
    int pipe[2];               /* stderr's new end [1], read at [0] */
    buf_t pending;             /* read from the pipe, not passed on yet */
    int line_shown;            /* the progress line is on the terminal */
};

static void term_write(run_term_t *self, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(self->fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;   /* a terminal that went away: nothing to tell */
        data += n;
        len -= (size_t)n;
    }
}

static void clear_line(run_term_t *self)
{
    if (self->line_shown)
        term_write(self, "\r\033[K", 4);
    self->line_shown = 0;
}

run_term_t *run_term_open(void)
{
    if (!isatty(STDERR_FILENO) || log_get_format() == LOG_FORMAT_JSON)
        return NULL;
    run_term_t *self = xcalloc(1, sizeof(run_term_t));
    if (pipe2(self->pipe, O_CLOEXEC) != 0) {
        free(self);
        return NULL;
    }
    fcntl(self->pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(self->pipe[0], F_SETPIPE_SZ, 1 << 20);
    self->fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (self->fd < 0 || dup2(self->pipe[1], STDERR_FILENO) < 0) {
        if (self->fd >= 0)
            close(self->fd);
        close(self->pipe[0]);
        close(self->pipe[1]);
        free(self);
        return NULL;
    }
    return self;
}

void run_term_close(run_term_t **self_p)
{
    run_term_t *self = *self_p;
    if (!self)
        return;
    run_term_pump(self, 1);
    clear_line(self);
    dup2(self->fd, STDERR_FILENO);
    close(self->fd);
    close(self->pipe[0]);
    close(self->pipe[1]);
    buf_free(&self->pending);
    free(self);
    *self_p = NULL;
}

void run_term_pump(run_term_t *self, int all)
{
    if (!self)
        return;
    char chunk[8192];
    ssize_t n;
    while ((n = read(self->pipe[0], chunk, sizeof chunk)) > 0)
        buf_append(&self->pending, chunk, (size_t)n);
    const char *end = self->pending.len ? memrchr(self->pending.data, '\n', self->pending.len)
                                        : NULL;
    size_t complete = all ? self->pending.len : end ? (size_t)(end - self->pending.data) + 1 : 0;
    if (!complete)
        return;
    clear_line(self);
    term_write(self, self->pending.data, complete);
    memmove(self->pending.data, self->pending.data + complete, self->pending.len - complete);
    buf_truncate(&self->pending, self->pending.len - complete);
}

void run_term_show(run_term_t *self, const char *text)
{
    buf_t line = BUF_INIT;
    buf_printf(&line, "\r\033[K%s", text);
    term_write(self, line.data, line.len);
    self->line_shown = 1;
    buf_free(&line);
}
