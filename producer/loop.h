/* loop: the producer's state, and the functions its loop is made of,
 * shared by the three files of that loop. A private header: nothing
 * outside producer/ includes it.
 *
 *   producer.c  sockets, the poll loop, start, drain and stop
 *   intake.c    inputs into the in-flight table: files read (or found
 *               unchanged since an earlier run), spooled lines and
 *               submissions taken, copies folded into their twin
 *   delivery.c  documents out to workers and the sink, resent, paused or
 *               given up on; READY, FAILED, HELLO and ACK back
 *
 * One struct for the three, as Redis's server.h does for its files: they
 * read and write the same tables (the in-flight documents, the workers'
 * ledger, the state), and passing those around one by one would only
 * hide that. Each table has its own module with its own invariants
 * (inflight.h, ledger.h, state.h); what is here is the glue. */
#ifndef FEEDMILL_PRODUCER_LOOP_H
#define FEEDMILL_PRODUCER_LOOP_H

#include <stddef.h>
#include <stdint.h>

#include "producer/follow.h"
#include "producer/inflight.h"
#include "producer/ledger.h"
#include "producer/names.h"
#include "producer/options.h"
#include "producer/ownfiles.h"
#include "producer/report.h"
#include "producer/state.h"
#include "producer/stdin_feed.h"
#include "producer/submit.h"
#include "producer/walk.h"
#include "producer/watch.h"
#include "proto/curve.h"
#include "proto/link.h"
#include "proto/message.h"

enum {
    /* A stop request waits for acknowledgements while they come, up to
     * --drain-timeout. Without one for this long, and with no worker or
     * no sink to bring any, waiting on is pointless: the drain ends early. */
    DRAIN_QUIET_MS = 5000,
    /* --watch: a file a scan finds must be this old (unchanged) to be
     * taken; a fresher one may still be being written. */
    SETTLE_MS = 1000,
    /* Workers heartbeat every second. After a connection on the work
     * socket closes, a worker not heard from within this long is the one
     * that left. */
    DISCONNECT_GRACE_MS = 2500,
    /* Spooled documents not yet sent: stdin, followed files and the
     * submission socket are read only below this, so a fast writer waits
     * on the pipe, the file or the socket, not in our memory or disk. */
    SPOOL_BACKLOG = 64,
    /* The sink says HELLO every second: silence this long is worth a
     * warning while documents wait for acknowledgement. */
    SINK_SILENCE_MS = 3000,
    /* A worker that holds documents past --retry-after while it and the
     * sink are alive gets nothing for this many times --retry-after. */
    PAUSE_RETRY_AFTERS = 5,
    /* A sink that acknowledges nothing is said again this often. */
    REPEAT_MS = 10000,
    /* Further sources of documents in flight (a feed repeating one story
     * from many URLs): reading waits above this many, so a feed of one
     * text a million times costs no more memory than a few SOURCES. */
    MORE_SOURCES_MAX = 4 * MESSAGE_MAX_SOURCES,
};

/* Inputs are counted in the words that fit them (files, lines of a
 * JSON-lines feed, submissions); every input ends as exactly one of
 * stored, updated, new_sources, unchanged, dead and skipped, the words
 * of the ACK (proto/message.h), so the run's summary adds up and each
 * figure matches the database (a new row, a new source of a row). */
typedef struct producer_counts {
    uint64_t documents;         /* inputs: files + lines + submissions */
    uint64_t files, lines, submissions;
    uint64_t skipped;           /* files acknowledged by an earlier run, not read */
    uint64_t stored, updated, new_sources, unchanged, dead;
    uint64_t retries, own_files;
    uint64_t bad_work, bad_acks;   /* messages that were not valid, per socket */
} producer_counts_t;

/* The state's note (state_note) of the last sink session heard. */
#define STATE_SINK_SESSION "sink session"

/* What the producer has heard of its peers, to say when one is missing. */
typedef struct peers {
    link_t *work_link;          /* connections of workers (bound: counted) */
    link_t *sink_link;          /* our connection to the sink's results */
    link_t *acks_link;          /* the sink's connection (bound: refusals only) */
    char sink_session[MESSAGE_SESSION_LEN + 1];   /* "" until a HELLO */
    /* The session an earlier run of this producer heard last, from the
     * state: the sink may have died, with results of documents that run
     * left in flight, before this run heard it (on_hello). */
    char earlier_session[MESSAGE_SESSION_LEN + 1];
    int64_t sink_heard;         /* clock_ms() of the last HELLO, or start */
    int64_t workers_seen;       /* clock_ms() when a worker was last known */
    int64_t disconnect_handled; /* the last work-socket disconnect acted on */
    int64_t next_sink_warning, next_worker_warning;
    /* clock_ms() of the last ACK from the sink, for any document (or of
     * the start): without one since a document went out, the sink may be
     * what holds it up (sink_to_blame). */
    int64_t last_ack;
    int64_t silent_said;        /* the last "sink acknowledges nothing"; 0: not silent */
} peers_t;

/* The drain after a stop request (drained()). */
typedef struct drain {
    int64_t started;            /* clock_ms() of the stop request; 0 before */
    int64_t progress_at;        /* the last acknowledgement, or the start */
    uint64_t acked_at_start;    /* acknowledged() then */
    uint64_t acked_seen;        /* acknowledged() at the last look */
} drain_t;

typedef struct producer {
    producer_options_t opt;
    curve_t *curve;             /* CurveZMQ, and the context of every socket */
    void *ctx, *work, *acks, *sink;
    peers_t peers;
    walk_t *walk;
    int walk_done;
    int walked_once;            /* the first full walk is over */
    int rescan_owed;            /* a rescan was asked for during a walk */
    names_t *names;
    watch_t *watch;             /* --watch, else NULL */
    int stdin_wanted;           /* "-" among the PATHs */
    stdin_feed_t *in;           /* then standard input's JSON lines, else NULL */
    follow_t *follow;           /* --follow, else NULL */
    submit_t *submit;           /* --submit, else NULL */
    int64_t spool_cursor;       /* the last spooled document taken */
    int64_t next_compact;       /* clock_ms() of the next state_compact step */
    int spool_active;           /* a spooling input is open, or the spool
                                   held documents at start: only then is it
                                   consulted, so file feeds pay no query per
                                   document */
    ownfiles_t *own;
    inflight_t *inflight;
    ledger_t *ledger;
    state_t *state;
    producer_counts_t counts;
    report_t *report;           /* status line and metrics */
    drain_t drain;
} producer_t;

/* intake.c */

/* Reads new documents while some worker has room for them; spool_only:
 * only spooled lines and submissions (no file is read). */
void producer_feed(producer_t *self, int spool_only);
/* Files the watch saw completed, into the walk's queue. */
void producer_on_watch(producer_t *self);
/* Few spooled documents wait to be taken into the in-flight table. */
int producer_spool_backlog_small(producer_t *self);
/* The commit of lines of followed files failed: they are read again. */
void producer_rollback_followed(producer_t *self);
/* The line callbacks of stdin_feed_new and follow_new: into the spool. */
void producer_take_stdin_line(void *ctx, int64_t number, const char *line, size_t len,
                              const char *too_long);
void producer_take_followed_line(void *ctx, const char *path, int64_t line, const char *bytes,
                                 size_t len, const char *too_long);

/* delivery.c */

/* Sends one pending document (to a worker, or to the sink as FAILED or
 * SOURCES). Returns 0 when sent, -1 when it must wait (no worker has
 * room, or the sink's queue is full). */
int producer_send_pending(producer_t *self, pending_t *p);
/* Expires the documents whose deadline passed (resent, given up on, or
 * waiting on a silent sink), and sends those that wait to go out. */
void producer_send_due(producer_t *self);
/* p is given up on: it goes to the sink as FAILED, with why. */
void producer_give_up(producer_t *self, pending_t *p);
/* Documents out with a worker or the sink. */
size_t producer_sent_count(producer_t *self);
/* The sink said HELLO within the last few seconds. */
int producer_sink_alive(const producer_t *self);
/* Workers silent past --worker-timeout lose what they held to others. */
void producer_reap_silent_workers(producer_t *self);
/* The work socket: READY, FAILED attempts, heartbeats, and workers that
 * connect or leave. */
void producer_on_work_socket(producer_t *self);
/* The acks socket: the sink's ACKs (committed in bursts) and HELLOs. */
void producer_on_ack(producer_t *self);
/* Says so when a peer the producer needs has been missing a while. */
void producer_watch_peers(producer_t *self);

#endif
