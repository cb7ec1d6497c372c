/* message: the wire format's messages: names, life cycle and the rules
 * every field obeys. proto/README.md is the specification.
 *
 * The work is split by job: message_encode.c packs a message after
 * checking it whole, message_scan.c proves raw bytes are one bounded
 * msgpack object before anything is allocated for them, and
 * message_decode.c reads the fields strictly. message_rules.h holds what
 * they share. */
#include "message.h"
#include "message_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"

const char *const message_type_names[] = {
    [MSG_READY] = "ready", [MSG_DOC] = "doc", [MSG_RESULT] = "result",
    [MSG_FAILED] = "failed", [MSG_ACK] = "ack", [MSG_HELLO] = "hello",
    [MSG_SUBMIT] = "submit", [MSG_ACCEPTED] = "accepted", [MSG_COMMITTED] = "committed",
    [MSG_REJECTED] = "rejected", [MSG_SOURCES] = "sources",
};

const char *const message_status_names[] = {
    [ACK_STORED] = "stored", [ACK_UNCHANGED] = "unchanged", [ACK_DEAD] = "dead",
    [ACK_UPDATED] = "updated", [ACK_SOURCE] = "source",
};

const char *message_type_name(message_type_t type)
{
    return type >= MSG_READY && type <= MSG_SOURCES ? message_type_names[type] : NULL;
}

const char *ack_status_name(ack_status_t status)
{
    return status >= ACK_STORED && status <= ACK_LAST ? message_status_names[status] : NULL;
}

message_t *message_new(message_type_t type)
{
    message_t *self = xcalloc(1, sizeof(message_t));
    self->type = type;
    return self;
}

void doc_hints_clear(doc_hints_t *hints)
{
    free(hints->title);
    free(hints->published);
    free(hints->author);
    free(hints->lang);
    *hints = (doc_hints_t){ 0 };
}

int doc_hints_any(const doc_hints_t *hints)
{
    return hints->title || hints->published || hints->author || hints->lang;
}

void message_destroy(message_t **self_p)
{
    message_t *self = *self_p;
    if (!self)
        return;
    doc_hints_clear(&self->hints);
    free(self->source);
    if (!self->body_borrowed)
        free(self->body);
    record_destroy(&self->record);
    free(self->error);
    for (size_t i = 0; i < self->source_count; i++)
        free(self->sources[i]);
    free(self->sources);
    free(self);
    *self_p = NULL;
}

/* ---- text rules shared by encoder and decoder ------------------------ */

const char *message_text_problem(const char *s, size_t len)
{
    return text_utf8_problem(s, len);
}

int message_text_ok(const char *s, size_t max, int flags)
{
    if (!s)
        return (flags & TEXT_NULLABLE) != 0;
    size_t len = strlen(s);
    if (len > max || (len == 0 && (flags & TEXT_NONEMPTY)))
        return 0;
    return message_text_problem(s, len) == NULL;
}

int message_offset_ok(uint64_t offset, size_t text_len, size_t body_len)
{
    return offset <= body_len && text_len <= body_len - offset;
}

int message_session_ok(const char *s)
{
    size_t i = 0;
    while (i < MESSAGE_SESSION_LEN && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
        i++;
    return i == MESSAGE_SESSION_LEN && s[i] == '\0';
}

int message_fail(reason_t *why, const char *fmt, ...)
{
    if (why->error) {
        buf_t reason = BUF_INIT;
        va_list ap;
        va_start(ap, fmt);
        buf_vprintf(&reason, fmt, ap);
        va_end(ap);
        free(*why->error);
        *why->error = buf_detach(&reason);
    }
    return -1;
}
