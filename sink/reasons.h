/* reasons: the class of a dead letter's reason, for metrics and `stats`.
 *
 * A dead letter's error is free text written where the failure happened
 * (producer, worker, extractor, sink). Operators alert and count by
 * cause, not by wording, so each text maps to one of a few stable class
 * names, the `reason` label of feedmill_sink_dead_letters_total:
 *
 *   unreadable  the producer could not read the file (permissions, I/O,
 *               a file that changed while read)
 *   too_large   over --max-size, or past the wire format's limits
 *   timeout     every attempt outran --time-limit
 *   crashed     every attempt crashed the extractor
 *   lost        no result after --max-attempts (workers died or hung)
 *   bad_line    a JSON line on standard input that is not a document
 *   database    the database refused the record
 *   refused     the extractor refused the document (empty, binary, ...)
 *
 * The texts matched are the ones feedmill writes; anything else is
 * `refused`, the extractor's own verdicts being the open-ended set. */
#ifndef FEEDMILL_REASONS_H
#define FEEDMILL_REASONS_H

typedef enum {
    REASON_UNREADABLE,
    REASON_TOO_LARGE,
    REASON_TIMEOUT,
    REASON_CRASHED,
    REASON_LOST,
    REASON_BAD_LINE,
    REASON_DATABASE,
    REASON_REFUSED,
    REASON_COUNT
} reason_class_t;

reason_class_t reason_classify(const char *error);
const char *reason_name(reason_class_t reason);

#endif
