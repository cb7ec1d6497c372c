/* message_rules: what the encoder, the scanner and the decoder of the wire
 * format share, inside proto/ only (proto/message.h is the public face).
 *
 * The text rules are applied on both sides: a sender never packs a
 * string a receiver would refuse, and a receiver refuses what the rules
 * forbid whoever sent it. */
#ifndef FEEDMILL_MESSAGE_RULES_H
#define FEEDMILL_MESSAGE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "proto/message.h"

/* The format nests 4 containers (message, record, entities, entity);
 * the slack leaves room for new fields in a later version. */
#define MESSAGE_MAX_DEPTH 8

/* Peer-supplied names are echoed in errors only when this short. */
#define MESSAGE_MAX_ECHO 32

enum { TEXT_NULLABLE = 1, TEXT_NONEMPTY = 2 };

/* Names on the wire, indexed by message_type_t and ack_status_t. */
extern const char *const message_type_names[];
extern const char *const message_status_names[];

/* Text fields become C strings handed to SQLite and JSON, so they must
 * be well-formed UTF-8 and hold no NUL, which would cut them short
 * without anyone noticing (common/text.h). NULL when s[0..len) is fine. */
const char *message_text_problem(const char *s, size_t len);
/* A C string that obeys the text rules, within max bytes; flags as above. */
int message_text_ok(const char *s, size_t max, int flags);
/* A HELLO session: exactly MESSAGE_SESSION_LEN lowercase hex digits. */
int message_session_ok(const char *s);
/* An entity's offset: its text, text_len bytes from offset, lies inside
 * the body (of body_len bytes). Whether those bytes are the text is the
 * extractor's promise, not checked (a receiver only refuses what it
 * could not store consistently). */
int message_offset_ok(uint64_t offset, size_t text_len, size_t body_len);

/* Where a decoding error goes: the caller's char **error (may be NULL:
 * the caller only wants to know). Nothing is allocated until a failure. */
typedef struct {
    char **error;
} reason_t;

/* Sets *error to the reason (malloc'd; one set before is freed: the last
 * failure is the reason); always returns -1 so error paths read
 * `return message_fail(...)`. */
int message_fail(reason_t *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Pass 1 of decoding (message_scan.c): proves data holds exactly one
 * well-formed msgpack object within the structural limits. 0, or -1 with
 * the reason. */
int message_scan(const uint8_t *data, size_t len, reason_t *why);

#endif
