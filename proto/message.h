/* message: the versioned msgpack wire format between the stages.
 *
 * Every message is one ZeroMQ frame holding one msgpack map with string
 * keys; proto/README.md specifies each field so a client in another
 * language can be written from that file alone.
 *
 *   READY   worker  -> producer  "I have `credit` free slots and have received
 *                                `received` DOCs": sent at start, after each
 *                                document and every second (the heartbeat)
 *   DOC     producer -> worker   one raw document to extract
 *   RESULT  worker  -> sink      the extracted record
 *   FAILED  worker|producer -> sink  a document that could not be processed
 *   SOURCES producer -> sink     more sources of a stored document (the same
 *                                bytes read from other files, URLs, lines)
 *   ACK     sink    -> producer  the document's row (or dead letter), or its
 *                                sources, are committed
 *   HELLO   sink    -> producer  "I am here, this is my session": on connecting
 *                                and every second, so a restarted sink is
 *                                noticed at once and a missing one is reported
 *
 * On the producer's submission socket, programs push documents:
 *
 *   SUBMIT    client  -> producer  one raw document, numbered `ref` by the client
 *   ACCEPTED  producer -> client   it is on the producer's disk: it will be
 *                                  stored or dead-lettered, whatever crashes
 *   COMMITTED producer -> client   (when the SUBMIT asked) its row is committed
 *   REJECTED  producer -> client   the SUBMIT was not accepted, and why
 *
 * Decoding is strict and bounded: wrong types, missing fields, unknown
 * versions or types, oversized fields, trailing bytes or nesting deeper
 * than the format allows give NULL and a reason, never a crash or an
 * over-read. */
#ifndef FEEDMILL_MESSAGE_H
#define FEEDMILL_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/record.h"

#define MESSAGE_VERSION 1

/* Bounds a decoder enforces whatever the peer claims. */
#define MESSAGE_MAX_SOURCE   4096           /* bytes of a source path/URL */
#define MESSAGE_MAX_TEXT     (1u << 20)     /* title, author, error, ... */
#define MESSAGE_MAX_BODY     (64u << 20)    /* raw document or record body */
#define MESSAGE_MAX_ITEMS    100000         /* entities or keywords */
#define MESSAGE_MAX_CREDIT   1024
#define MESSAGE_MAX_RECEIVED 9007199254740991ull   /* 2^53 - 1: exact in any JSON/JS client */
#define MESSAGE_MAX_ATTEMPT  1000000
#define MESSAGE_MAX_SOURCES  1024           /* sources in one SOURCES */
#define MESSAGE_MAX_PAGE_TYPE 64            /* bytes of a record's page_type */

typedef enum {
    MSG_READY = 1,
    MSG_DOC,
    MSG_RESULT,
    MSG_FAILED,
    MSG_ACK,
    MSG_HELLO,
    MSG_SUBMIT,
    MSG_ACCEPTED,
    MSG_COMMITTED,
    MSG_REJECTED,
    MSG_SOURCES
} message_type_t;

#define MESSAGE_MAX_REF MESSAGE_MAX_RECEIVED   /* a client's number for a SUBMIT */
#define MESSAGE_MAX_SECONDS 86400.0            /* extract_seconds */

#define MESSAGE_SESSION_LEN 32   /* hex characters of a HELLO session */
#define MESSAGE_KEY_LEN 40       /* a CurveZMQ public key in Z85 text */

/* DOC: what the document's sender knows of it (a JSON-lines feed's
 * "title", "date", "author", "lang"). The worker uses each only when
 * the document itself yields none. All NULL: no hints. */
typedef struct doc_hints {
    char *title;
    char *published;
    char *author;
    char *lang;
} doc_hints_t;

/* What a commit did for a document (or for a SOURCES: whether any of its
 * sources was new). The names are the words of every count: the run's
 * summary, the status lines, the metrics. */
typedef enum {
    ACK_STORED = 1,   /* a new row was committed */
    ACK_UNCHANGED,    /* nothing new: the row and this source were already there */
    ACK_DEAD,         /* committed to dead_letters */
    ACK_UPDATED,      /* the row was there, written by an older extractor: rewritten */
    ACK_SOURCE        /* the row was there; this source of it is new */
} ack_status_t;
#define ACK_LAST ACK_SOURCE

typedef struct message {
    message_type_t type;
    uint32_t credit;              /* READY: free slots now, 0..MESSAGE_MAX_CREDIT */
    uint64_t received;            /* READY: DOCs this worker has received so far */
    char id[DOC_ID_LEN + 1];      /* DOC, RESULT, FAILED, ACK, ACCEPTED, COMMITTED, SOURCES */
    char *source;                 /* DOC, RESULT, FAILED; SUBMIT: optional (NULL) */
    uint32_t attempt;             /* DOC, RESULT, FAILED: 1 on first send */
    uint8_t *body;                /* DOC, SUBMIT: raw bytes */
    size_t body_len;
    int body_borrowed;            /* DOC from message_decode_view: body points into
                                     the decoded bytes, not freed with the message */
    doc_hints_t hints;            /* DOC, SUBMIT: optional, owned */
    record_t *record;             /* RESULT: owned; id/source mirror the above */
    char *error;                  /* FAILED, REJECTED */
    ack_status_t status;          /* ACK, COMMITTED */
    char **sources;               /* SOURCES: owned, each as `source` */
    size_t source_count;          /* SOURCES: 1..MESSAGE_MAX_SOURCES */
    uint32_t new_sources;         /* ACK of a SOURCES: how many were new; */
    int has_new_sources;          /* 0 in the ACK of anything else */
    char session[MESSAGE_SESSION_LEN + 1];   /* HELLO: names one run of the sink */
    uint64_t ref;                 /* SUBMIT and its answers: the client's number */
    int has_ref;                  /* REJECTED: 0 when the SUBMIT was unreadable */
    int want_commit;              /* SUBMIT: answer COMMITTED too */
    double extract_seconds;       /* RESULT, FAILED from a worker: optional, */
    int has_extract_seconds;      /* the time its extraction took */
    /* Not on the wire: what the connection it arrived on says of its
     * sender, filled by wire_recv. The CurveZMQ public key zauth
     * authenticated (ZeroMQ's "User-Id", Z85), "" on a socket without
     * CURVE; and the peer's IP address, "" when unknown. A peer cannot
     * choose these: they come from the handshake, not the message. */
    char peer_key[MESSAGE_KEY_LEN + 1];
    char peer_address[64];
} message_t;

message_t *message_new(message_type_t type);
void message_destroy(message_t **self);

/* Fills *data (malloc'd, caller frees) and *len. Returns 0, or -1 when
 * the message breaks the format's own rules (e.g. an id that is not a
 * doc id); then nothing is allocated. */
int message_encode(const message_t *self, uint8_t **data, size_t *len);

/* Returns a new message, or NULL with a reason in *error (malloc'd, the
 * caller frees it; error may be NULL). Allocates a reason only on
 * failure: *error is NULL after a success. */
message_t *message_decode(const uint8_t *data, size_t len, char **error);

/* As message_decode, but a DOC's body is not copied: it points into
 * data, which must outlive the message. For a DOC read only to be
 * passed on or read in place (a worker's, its extraction child's): a
 * page's bytes are then neither copied nor allocated a second time. */
message_t *message_decode_view(const uint8_t *data, size_t len, char **error);

/* As message_decode, but a RESULT's record is only checked to be there
 * (a map): it is not read, and m->record stays NULL. For a worker that
 * passes its extraction child's answer on to the sink as it is and
 * needs only its kind and header: the sink reads the record whole. */
message_t *message_decode_outline(const uint8_t *data, size_t len, char **error);

/* Frees the strings of hints and NULLs them. */
void doc_hints_clear(doc_hints_t *hints);
/* 1 when any hint is set. */
int doc_hints_any(const doc_hints_t *hints);

const char *message_type_name(message_type_t type);
const char *ack_status_name(ack_status_t status);

#endif
