/* message_encode: packs a message into msgpack, after checking it whole
 * against the format's rules, so an encoder error never leaves a
 * half-written buffer behind and nothing a receiver would refuse is sent.
 * See proto/README.md. */
#include "message.h"
#include "message_rules.h"

#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

/* A message is checked whole before a byte is packed, so an encoder
 * error never leaves a half-written buffer behind. */
/* A source is bytes (a Linux file name need not be UTF-8): any non-empty
 * C string up to MESSAGE_MAX_SOURCE bytes. put_source() picks str or
 * bin. */
static int source_ok(const char *source)
{
    size_t len = source ? strlen(source) : 0;
    return len >= 1 && len <= MESSAGE_MAX_SOURCE;
}

static int header_ok(const message_t *m)
{
    return hash_is_doc_id(m->id)
        && source_ok(m->source)
        && m->attempt >= 1 && m->attempt <= MESSAGE_MAX_ATTEMPT;
}

static int record_ok(const message_t *m)
{
    const record_t *rec = m->record;
    if (!rec)
        return 0;
    /* The wire carries id and source once, at the top. A record that
     * names another document is a caller bug, not something to send. */
    if ((rec->id[0] && strcmp(rec->id, m->id) != 0)
        || (rec->source && strcmp(rec->source, m->source) != 0))
        return 0;
    if (!message_text_ok(rec->kind, MESSAGE_MAX_TEXT, 0)
        || !message_text_ok(rec->lang, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
        || !message_text_ok(rec->title, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
        || !message_text_ok(rec->published, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
        || !message_text_ok(rec->author, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
        || !message_text_ok(rec->body, MESSAGE_MAX_BODY, 0)
        || (rec->page_type
            && !message_text_ok(rec->page_type, MESSAGE_MAX_PAGE_TYPE, TEXT_NONEMPTY))
        || rec->entity_count > MESSAGE_MAX_ITEMS
        || rec->keyword_count > MESSAGE_MAX_ITEMS)
        return 0;
    size_t body_len = strlen(rec->body);
    for (size_t i = 0; i < rec->entity_count; i++) {
        const entity_t *e = &rec->entities[i];
        if (!message_text_ok(e->type, MESSAGE_MAX_TEXT, 0)
            || !message_text_ok(e->text, MESSAGE_MAX_TEXT, 0)
            || !message_text_ok(e->unit, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            || (e->has_offset
                && !message_offset_ok(e->offset, strlen(e->text), body_len)))
            return 0;
    }
    for (size_t i = 0; i < rec->keyword_count; i++)
        if (!message_text_ok(rec->keywords[i], MESSAGE_MAX_TEXT, 0))
            return 0;
    return 1;
}

static int seconds_ok(const message_t *m)
{
    return !m->has_extract_seconds
        || (m->extract_seconds >= 0 && m->extract_seconds <= MESSAGE_MAX_SECONDS);
}

static int message_ok(const message_t *m)
{
    switch (m->type) {
    case MSG_READY:
        return m->credit <= MESSAGE_MAX_CREDIT && m->received <= MESSAGE_MAX_RECEIVED;
    case MSG_DOC:
        return header_ok(m) && m->body_len <= MESSAGE_MAX_BODY
            && (m->body || m->body_len == 0)
            && message_text_ok(m->hints.title, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && message_text_ok(m->hints.published, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && message_text_ok(m->hints.author, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && message_text_ok(m->hints.lang, MESSAGE_MAX_TEXT, TEXT_NULLABLE);
    case MSG_RESULT:
        return header_ok(m) && record_ok(m) && seconds_ok(m);
    case MSG_FAILED:
        return header_ok(m) && message_text_ok(m->error, MESSAGE_MAX_TEXT, TEXT_NONEMPTY)
            && seconds_ok(m);
    case MSG_ACK:
        return hash_is_doc_id(m->id) && ack_status_name(m->status) != NULL
            && (!m->has_new_sources || m->new_sources <= MESSAGE_MAX_SOURCES);
    case MSG_SOURCES:
        if (!hash_is_doc_id(m->id) || m->source_count < 1
            || m->source_count > MESSAGE_MAX_SOURCES)
            return 0;
        for (size_t i = 0; i < m->source_count; i++)
            if (!source_ok(m->sources[i]))
                return 0;
        return 1;
    case MSG_HELLO:
        return message_session_ok(m->session);
    case MSG_SUBMIT:
        return m->ref <= MESSAGE_MAX_REF && m->body_len <= MESSAGE_MAX_BODY
            && (m->body || m->body_len == 0)
            && (!m->source || source_ok(m->source))
            && message_text_ok(m->hints.title, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && message_text_ok(m->hints.published, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && message_text_ok(m->hints.author, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && message_text_ok(m->hints.lang, MESSAGE_MAX_TEXT, TEXT_NULLABLE);
    case MSG_ACCEPTED:
        return m->ref <= MESSAGE_MAX_REF && hash_is_doc_id(m->id);
    case MSG_COMMITTED:
        return m->ref <= MESSAGE_MAX_REF && hash_is_doc_id(m->id)
            && ack_status_name(m->status) != NULL;
    case MSG_REJECTED:
        return m->ref <= MESSAGE_MAX_REF && message_text_ok(m->error, MESSAGE_MAX_TEXT, TEXT_NONEMPTY);
    }
    return 0;
}

/* A map being written: where its header byte is, and its keys so far. */
typedef struct {
    size_t at;
    unsigned keys;
} open_map_t;

/* The deepest maps nest: message, record, entity. */
#define MAX_DEPTH 4

/* msgpack-c reports a failed write (only an sbuffer realloc can fail)
 * per call; we remember it once and check at the end. */
typedef struct {
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    int failed;
    open_map_t maps[MAX_DEPTH];
    int depth;
} writer_t;

/* Maps count their own keys: map_open() writes a fixmap header for none,
 * every put_key() counts one, and map_close() writes the count into the
 * header. Nothing counts entries by hand, so an optional key can never
 * disagree with the size (every map here has at most 15 keys: a fixmap,
 * one byte, as an encoder that counted first would write). */
static void map_open(writer_t *w)
{
    if (w->depth == MAX_DEPTH) {
        w->failed = 1;
        return;
    }
    w->maps[w->depth++] = (open_map_t){ w->sbuf.size, 0 };
    w->failed |= msgpack_pack_map(&w->pk, 0) != 0;
}

static void map_close(writer_t *w)
{
    if (w->depth == 0) {
        w->failed = 1;
        return;
    }
    open_map_t m = w->maps[--w->depth];
    if (m.keys > 15 || w->failed)
        w->failed = 1;
    else
        w->sbuf.data[m.at] = (char)(0x80 | m.keys);
}

static void put_array(writer_t *w, size_t count)
{
    w->failed |= msgpack_pack_array(&w->pk, count) != 0;
}

static void put_nil(writer_t *w)
{
    w->failed |= msgpack_pack_nil(&w->pk) != 0;
}

static void put_uint(writer_t *w, uint64_t value)
{
    w->failed |= msgpack_pack_uint64(&w->pk, value) != 0;
}

static void put_double(writer_t *w, double value)
{
    w->failed |= msgpack_pack_double(&w->pk, value) != 0;
}

static void put_str(writer_t *w, const char *s)
{
    size_t len = strlen(s);
    w->failed |= msgpack_pack_str(&w->pk, len) != 0
              || msgpack_pack_str_body(&w->pk, s, len) != 0;
}

static void put_str_or_nil(writer_t *w, const char *s)
{
    if (s)
        put_str(w, s);
    else
        put_nil(w);
}

/* A key of the innermost open map. */
static void put_key(writer_t *w, const char *key)
{
    if (w->depth > 0)
        w->maps[w->depth - 1].keys++;
    else
        w->failed = 1;
    put_str(w, key);
}

static void put_bool(writer_t *w, int value)
{
    w->failed |= (value ? msgpack_pack_true(&w->pk) : msgpack_pack_false(&w->pk)) != 0;
}

static void put_bin(writer_t *w, const uint8_t *data, size_t len)
{
    w->failed |= msgpack_pack_bin(&w->pk, len) != 0
              || msgpack_pack_bin_body(&w->pk, data, len) != 0;
}

/* Opens the top-level map, which put_message() closes. */
static void put_envelope(writer_t *w, const message_t *m)
{
    map_open(w);
    put_key(w, "v");
    put_uint(w, MESSAGE_VERSION);
    put_key(w, "type");
    put_str(w, message_type_name(m->type));
}

/* str when the source is UTF-8, as nearly every one is; bin carries
 * the exact bytes of one that is not, so nothing is lost on the way. */
static void put_source(writer_t *w, const char *source)
{
    if (text_is_utf8(source))
        put_str(w, source);
    else
        put_bin(w, (const uint8_t *)source, strlen(source));
}

static void put_header(writer_t *w, const message_t *m)
{
    put_key(w, "id");
    put_str(w, m->id);
    put_key(w, "source");
    put_source(w, m->source);
    put_key(w, "attempt");
    put_uint(w, m->attempt);
}

/* offset is optional (added to version 1 later) and comes last, only
 * when known: a record decoded without one re-encodes without one. */
static void put_entity(writer_t *w, const entity_t *e)
{
    map_open(w);
    put_key(w, "type");
    put_str(w, e->type);
    put_key(w, "text");
    put_str(w, e->text);
    put_key(w, "value");
    if (e->has_value)
        put_double(w, e->value);
    else
        put_nil(w);
    put_key(w, "unit");
    put_str_or_nil(w, e->unit);
    if (e->has_offset) {
        put_key(w, "offset");
        put_uint(w, e->offset);
    }
    map_close(w);
}

static void put_record(writer_t *w, const record_t *rec)
{
    char simhash[17];
    record_simhash_hex(rec, simhash);
    map_open(w);
    put_key(w, "kind");
    put_str(w, rec->kind);
    put_key(w, "lang");
    put_str_or_nil(w, rec->lang);
    put_key(w, "title");
    put_str_or_nil(w, rec->title);
    put_key(w, "published");
    put_str_or_nil(w, rec->published);
    put_key(w, "author");
    put_str_or_nil(w, rec->author);
    put_key(w, "body");
    put_str(w, rec->body);
    put_key(w, "entities");
    put_array(w, rec->entity_count);
    for (size_t i = 0; i < rec->entity_count; i++)
        put_entity(w, &rec->entities[i]);
    put_key(w, "keywords");
    put_array(w, rec->keyword_count);
    for (size_t i = 0; i < rec->keyword_count; i++)
        put_str(w, rec->keywords[i]);
    put_key(w, "simhash");
    put_str(w, simhash);
    /* Optional, added to version 1 later: last, and only when known. */
    if (rec->page_type) {
        put_key(w, "page_type");
        put_str(w, rec->page_type);
    }
    map_close(w);
}

/* Only the hints that are set: the map's keys are all optional. */
static void put_hints(writer_t *w, const doc_hints_t *h)
{
    const char *const keys[] = { "title", "published", "author", "lang" };
    const char *const values[] = { h->title, h->published, h->author, h->lang };
    put_key(w, "hints");
    map_open(w);
    for (size_t i = 0; i < 4; i++) {
        if (!values[i])
            continue;
        put_key(w, keys[i]);
        put_str(w, values[i]);
    }
    map_close(w);
}

/* RESULT's and FAILED's optional timing. */
static void put_extract_seconds(writer_t *w, const message_t *m)
{
    if (!m->has_extract_seconds)
        return;
    put_key(w, "extract_seconds");
    put_double(w, m->extract_seconds);
}

static void put_message(writer_t *w, const message_t *m)
{
    switch (m->type) {
    case MSG_READY:
        put_envelope(w, m);
        put_key(w, "credit");
        put_uint(w, m->credit);
        put_key(w, "received");
        put_uint(w, m->received);
        break;
    case MSG_DOC:
        put_envelope(w, m);
        put_header(w, m);
        put_key(w, "body");
        put_bin(w, m->body, m->body_len);
        if (doc_hints_any(&m->hints))
            put_hints(w, &m->hints);
        break;
    case MSG_RESULT:
        put_envelope(w, m);
        put_header(w, m);
        put_key(w, "record");
        put_record(w, m->record);
        put_extract_seconds(w, m);
        break;
    case MSG_FAILED:
        put_envelope(w, m);
        put_header(w, m);
        put_key(w, "error");
        put_str(w, m->error);
        put_extract_seconds(w, m);
        break;
    case MSG_ACK:
        put_envelope(w, m);
        put_key(w, "id");
        put_str(w, m->id);
        put_key(w, "status");
        put_str(w, ack_status_name(m->status));
        if (m->has_new_sources) {
            put_key(w, "sources");
            put_uint(w, m->new_sources);
        }
        break;
    case MSG_SOURCES:
        put_envelope(w, m);
        put_key(w, "id");
        put_str(w, m->id);
        put_key(w, "sources");
        put_array(w, m->source_count);
        for (size_t i = 0; i < m->source_count; i++)
            put_source(w, m->sources[i]);
        break;
    case MSG_HELLO:
        put_envelope(w, m);
        put_key(w, "session");
        put_str(w, m->session);
        break;
    case MSG_SUBMIT:
        put_envelope(w, m);
        put_key(w, "ref");
        put_uint(w, m->ref);
        put_key(w, "body");
        put_bin(w, m->body, m->body_len);
        put_key(w, "commit");
        put_bool(w, m->want_commit);
        if (m->source) {
            put_key(w, "source");
            put_source(w, m->source);
        }
        if (doc_hints_any(&m->hints))
            put_hints(w, &m->hints);
        break;
    case MSG_ACCEPTED:
        put_envelope(w, m);
        put_key(w, "ref");
        put_uint(w, m->ref);
        put_key(w, "id");
        put_str(w, m->id);
        break;
    case MSG_COMMITTED:
        put_envelope(w, m);
        put_key(w, "ref");
        put_uint(w, m->ref);
        put_key(w, "id");
        put_str(w, m->id);
        put_key(w, "status");
        put_str(w, ack_status_name(m->status));
        break;
    case MSG_REJECTED:
        put_envelope(w, m);
        put_key(w, "ref");
        if (m->has_ref)
            put_uint(w, m->ref);
        else
            put_nil(w);
        put_key(w, "error");
        put_str(w, m->error);
        break;
    }
    map_close(w);
}

int message_encode(const message_t *self, uint8_t **data, size_t *len)
{
    if (!self || !message_ok(self))
        return -1;
    writer_t w;
    msgpack_sbuffer_init(&w.sbuf);
    msgpack_packer_init(&w.pk, &w.sbuf, msgpack_sbuffer_write);
    w.failed = 0;
    w.depth = 0;
    put_message(&w, self);
    if (w.failed || w.depth != 0) {
        msgpack_sbuffer_destroy(&w.sbuf);
        return -1;
    }
    /* sbuffer memory comes from realloc: the caller's free() fits. */
    *len = w.sbuf.size;
    *data = (uint8_t *)msgpack_sbuffer_release(&w.sbuf);
    return 0;
}
