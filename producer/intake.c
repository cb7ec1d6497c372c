/* intake: the producer's inputs into its in-flight table. See loop.h.
 *
 * A file is read only when there is room (has_room: by count, by bytes
 * held for resending, by further sources waiting), after the state says
 * whether an earlier run already had it acknowledged; spooled lines and
 * submissions come from the state's spool in the order they were
 * committed. A copy of a document already in flight is folded into that
 * twin as one more source: it is extracted once. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/clock.h"
#include "common/hash.h"
#include "common/log.h"
#include "producer/follow.h"
#include "producer/inflight.h"
#include "producer/jsonl.h"
#include "producer/ledger.h"
#include "producer/loop.h"
#include "producer/ownfiles.h"
#include "producer/state.h"
#include "producer/walk.h"
#include "producer/watch.h"

/* Reads a whole file, refusing more than max bytes without reading them. */
static uint8_t *read_document(const char *path, size_t max, size_t *len, char **error)
{
    buf_t msg = BUF_INIT;
    uint8_t *data = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        buf_printf(&msg, "cannot read file: %s", strerror(errno));
        goto fail;
    }
    if ((uint64_t)st.st_size > max) {
        buf_printf(&msg, "file is %lld bytes, over the --max-size limit of %zu",
                   (long long)st.st_size, max);
        goto fail;
    }
    /* One byte more than its size: a file that grows while we read it
     * shows up as a longer read, one that shrinks as a shorter one. */
    size_t want = (size_t)st.st_size + 1, got = 0;
    data = xmalloc(want);
    ssize_t n = 0;
    while (got < want && (n = read(fd, data + got, want - got)) > 0) {
        got += (size_t)n;
        /* A regular file reads short only at its end: no second read to
         * find the end already found (one system call a document). */
        if (got == (size_t)st.st_size)
            break;
    }
    if (n < 0) {
        buf_printf(&msg, "cannot read file: %s", strerror(errno));
        goto fail;
    }
    if (got != (size_t)st.st_size) {
        buf_printf(&msg, "file changed while being read");
        goto fail;
    }
    close(fd);
    *len = got;
    return data;
fail:
    free(data);
    if (fd >= 0)
        close(fd);
    *error = buf_detach(&msg);
    return NULL;
}

/* What the state says of a file: 0 to send it (with *attempts sends
 * already made by an earlier run), 1 to skip it (acknowledged before),
 * 2 when the watch holds it back until it is complete. */
static int seen_before(producer_t *self, const char *path, int from_scan,
                       file_stamp_t *stamp, uint32_t *attempts)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *stamp = (file_stamp_t){ -1, -1 };
        *attempts = 0;
        return 0;   /* reading it will fail and say why */
    }
    *stamp = (file_stamp_t){ st.st_size, (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec };
    file_status_t status = state_lookup(self->state, path, stamp, attempts);
    if (status == FILE_DONE || status == FILE_DEAD) {
        self->counts.skipped++;
        log_debug("unchanged since acknowledged, skipping source=%s", log_q(path));
        return 1;
    }
    if (status == FILE_SENT) {
        log_info("resuming document sent by an earlier run source=%s attempts=%u",
                 log_q(path), *attempts);
        return 0;
    }
    /* A scan cannot see a writer close the file: a fresh one waits until
     * it has settled, or until its close or move-in is seen. */
    if (self->watch && from_scan && watch_too_fresh(self->watch, &st.st_mtim)) {
        log_debug("too fresh to be complete, waiting source=%s", log_q(path));
        watch_defer(self->watch, path);
        return 2;
    }
    return 0;
}

/* Reads one file into the in-flight table (or onto its twin there). */
static void admit(producer_t *self, const char *path, const file_stamp_t *stamp, uint32_t attempts)
{
    size_t len = 0;
    char *error = NULL;
    uint8_t *body = read_document(path, self->opt.max_size, &len, &error);
    char id[DOC_ID_LEN + 1];
    /* An unreadable file has no content hash; its path names it. */
    if (body)
        hash_doc_id(body, len, id);
    else
        hash_doc_id(path, strlen(path), id);
    /* The wire carries at most MESSAGE_MAX_SOURCE bytes of source; a
     * deeper path (walks can build them) is named by its first bytes. */
    char *source = xstrndup(path, MESSAGE_MAX_SOURCE);
    pending_t *same = inflight_find(self->inflight, id);
    if (same) {
        inflight_add_source(self->inflight, same, source);
        log_debug("same content as a document in flight, one more source of it id=%.12s "
                  "source=%s", id, log_q(path));
        state_mark_sent(self->state, path, stamp, id, same->attempt, NULL);
        free(source);
        free(body);
        free(error);
        return;
    }
    if (error)
        log_error("cannot read document source=%s error=%s", log_q(path), log_q(error));
    pending_t *p = inflight_add(self->inflight, id, source, body, len, error);
    free(source);
    p->attempt = attempts;
    if (attempts >= self->opt.max_attempts && !p->error)
        producer_give_up(self, p);
    producer_send_pending(self, p);
    state_mark_sent(self->state, path, stamp, id, p->attempt, NULL);
}

/* A spooled document (a JSON line) into the in-flight table. It leaves
 * the spool when acknowledged. */
static void admit_spooled(producer_t *self, spooled_t *doc)
{
    self->counts.documents++;
    doc->input == SPOOL_SUBMISSION ? self->counts.submissions++ : self->counts.lines++;
    pending_t *same = inflight_find(self->inflight, doc->id);
    if (same) {
        /* Its spool row stays until the id is acknowledged, sources
         * and all: a restart finds it there and sends it again. */
        inflight_add_source(self->inflight, same, doc->source);
        if (doc->seq > same->spool_seq)
            same->spool_seq = doc->seq;
        log_debug("same content as a document in flight, one more source of it id=%.12s "
                  "source=%s", doc->id, log_q(doc->source));
        state_spooled_clear(doc);
        return;
    }
    pending_t *p = inflight_add(self->inflight, doc->id, doc->source, doc->error ? NULL : doc->body,
                                doc->error ? 0 : doc->len, doc->error ? xstrdup(doc->error) : NULL);
    if (doc->error)
        free(doc->body);
    p->hints = doc->hints;
    p->spooled = 1;
    p->spool_seq = doc->seq;
    doc->hints = (doc_hints_t){ 0 };
    free(doc->source);
    free(doc->error);
    *doc = (spooled_t){ 0 };
    producer_send_pending(self, p);
}

/* One complete line of a JSON-lines feed into the spool: a document, or
 * a dead letter naming FEED:LINE and why. Blank lines are no documents. */
static void spool_line(producer_t *self, const char *feed, int64_t number, const char *line,
                       size_t len, const char *too_long)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    if (!len && !too_long)
        return;
    char id[DOC_ID_LEN + 1];
    buf_t name = BUF_INIT;
    buf_printf(&name, "%s:%lld", feed, (long long)number);
    /* The wire carries at most MESSAGE_MAX_SOURCE bytes of source. */
    char *source = xstrndup(name.data, MESSAGE_MAX_SOURCE);
    buf_free(&name);
    jsonl_doc_t doc;
    char *error = too_long ? xstrdup(too_long) : NULL;
    if (!error && jsonl_parse(line, len, &doc, &error) == 0) {
        hash_doc_id(doc.body, doc.len, id);
        state_spool_add(self->state, SPOOL_LINE, id, doc.url ? doc.url : source, doc.body, doc.len, NULL,
                        &doc.hints, NULL);
        jsonl_doc_clear(&doc);
    } else {
        /* Not a document: named by the line's bytes, so the same bad line
         * is one dead letter however often it comes. */
        hash_doc_id(line, len, id);
        log_warn("not a document line=%s error=%s", log_q(source), log_q(error));
        state_spool_add(self->state, SPOOL_LINE, id, source, NULL, 0, error, NULL, NULL);
    }
    free(error);
    free(source);
}

/* A line of standard input (producer/stdin_feed.h numbers them). */
void producer_take_stdin_line(void *ctx, int64_t number, const char *line, size_t len,
                              const char *too_long)
{
    spool_line(ctx, "stdin", number, line, len, too_long);
}

/* A line of a followed file (producer/follow.h keeps its position). */
void producer_take_followed_line(void *ctx, const char *path, int64_t line, const char *bytes,
                                 size_t len, const char *too_long)
{
    spool_line(ctx, path, line, bytes, len, too_long);
}

/* The commit of lines of followed files failed: they are read again,
 * from the positions the state kept, once it can be written. */
void producer_rollback_followed(producer_t *self)
{
    follow_rollback(self->follow);
    log_info("lines of followed files not written, reading them again once the producer "
             "state can be written");
}

/* Few spooled documents wait to be taken into the in-flight table. */
int producer_spool_backlog_small(producer_t *self)
{
    return state_spool_waiting(self->state, self->spool_cursor, SPOOL_BACKLOG) < SPOOL_BACKLOG;
}

/* Room to read one more document: by count, and by bytes held for
 * resending (--max-in-flight); never less than one. */
static int has_room(producer_t *self)
{
    size_t count = inflight_count(self->inflight);
    return count == 0 || (count < self->opt.max_inflight
                          && inflight_bytes(self->inflight) < self->opt.max_inflight_bytes
                          && inflight_more_count(self->inflight) < MORE_SOURCES_MAX);
}

/* The next path to consider: from the walk (the PATHs at start, and
 * every rescan), then, with --watch, the files the watch saw completed.
 * *from_scan says which. */
static const char *next_input(producer_t *self, int *from_scan)
{
    if (!self->walk_done) {
        const char *path = walk_next(self->walk);
        if (path) {
            *from_scan = 1;
            return path;
        }
        self->walk_done = 1;
        if (!self->walked_once)
            log_info("all inputs read documents=%llu skipped=%llu%s",
                     (unsigned long long)self->counts.documents,
                     (unsigned long long)self->counts.skipped,
                     self->watch ? ", watching for new files" : "");
        self->walked_once = 1;
    }
    *from_scan = 0;
    return self->watch ? watch_next(self->watch) : NULL;
}

/* Reads new documents while some worker has room for them. */
void producer_feed(producer_t *self, int spool_only)
{
    while (has_room(self) && ledger_pick(self->ledger)) {
        spooled_t doc;
        if (self->spool_active && state_spool_next(self->state, self->spool_cursor, &doc)) {
            self->spool_cursor = doc.seq;
            admit_spooled(self, &doc);
            continue;
        }
        /* A file read now could not be recorded as sent: it waits. */
        if (spool_only || state_failing(self->state))
            return;
        int from_scan;
        const char *path = next_input(self, &from_scan);
        if (!path)
            return;
        if (ownfiles_match(self->own, path)) {
            if (!self->walked_once)
                log_info("not ingesting feedmill's own database file source=%s", log_q(path));
            self->counts.own_files += !self->walked_once;
            continue;
        }
        file_stamp_t stamp;
        uint32_t attempts;
        int seen = seen_before(self, path, from_scan, &stamp, &attempts);
        if (seen == 0) {
            self->counts.documents++;
            self->counts.files++;
            admit(self, path, &stamp, attempts);
        } else if (seen == 1 && !self->walked_once) {
            self->counts.documents++;   /* the summary counts skipped files too */
            self->counts.files++;
        }
    }
}

/* --watch: events in, and a new walk when the watch asks for one (a lost
 * event queue, a polling round). A walk in progress finishes first. */
void producer_on_watch(producer_t *self)
{
    if (!self->watch)
        return;
    watch_process(self->watch);
    if (watch_rescan_due(self->watch, clock_ms()))
        self->rescan_owed = 1;
    if (self->rescan_owed && self->walk_done) {
        self->rescan_owed = 0;
        walk_restart(self->walk);
        self->walk_done = 0;
        log_debug("rescanning the watched folders");
    }
}
