/* message: encoding and strict decoding of the wire format.
 *
 * proto/README.md is the specification; this file implements it.
 *
 * Decoding happens in two passes. First scan_object() walks the raw
 * bytes itself and proves they hold exactly one well-formed msgpack
 * object: every declared string length fits in the bytes left, every
 * declared container count does too (an element takes at least one
 * byte), nesting stays within MAX_DEPTH, there are no ext types and
 * nothing follows the object. Only then does msgpack-c build the object
 * tree. The order matters: msgpack-c allocates a container by the count
 * it declares, so 5 bytes claiming an array of 2^32-1 elements make it ask
 * for 128 GiB. After the scan the tree costs at most a few
 * msgpack_object per input byte, whatever the peer claims.
 *
 * We let msgpack-c build the tree rather than decode straight from the
 * scan because its typed objects keep the field readers short; the scan
 * only has to be right about sizes, which is easy to see whole.
 *
 * The second pass reads fields by key through small typed readers that
 * name the offending field in every error ("field 'record.title' longer
 * than 1048576 bytes"), so a peer's author can fix it from the log. */
#include "message.h"

#include "common/text.h"

#include <inttypes.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The format nests 4 containers (message, record, entities, entity);
 * the slack leaves room for new fields in a later version. */
#define MAX_DEPTH 8

/* Peer-supplied names are echoed in errors only when this short. */
#define MAX_ECHO 32

static const char *const type_names[] = {
    [MSG_READY] = "ready", [MSG_DOC] = "doc", [MSG_RESULT] = "result",
    [MSG_FAILED] = "failed", [MSG_ACK] = "ack", [MSG_HELLO] = "hello",
    [MSG_SUBMIT] = "submit", [MSG_ACCEPTED] = "accepted", [MSG_COMMITTED] = "committed",
    [MSG_REJECTED] = "rejected",
};

static const char *const status_names[] = {
    [ACK_STORED] = "stored", [ACK_UNCHANGED] = "unchanged", [ACK_DEAD] = "dead",
};

const char *message_type_name(message_type_t type)
{
    return type >= MSG_READY && type <= MSG_REJECTED ? type_names[type] : NULL;
}

const char *ack_status_name(ack_status_t status)
{
    return status >= ACK_STORED && status <= ACK_DEAD ? status_names[status] : NULL;
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
    free(self->body);
    record_destroy(&self->record);
    free(self->error);
    free(self);
    *self_p = NULL;
}

/* ---- text rules shared by encoder and decoder ------------------------ */

enum { TEXT_NULLABLE = 1, TEXT_NONEMPTY = 2 };

/* Text fields become C strings handed to SQLite and JSON, so they must
 * be well-formed UTF-8 and hold no NUL, which would cut them short
 * without anyone noticing (common/text.h). */
static const char *text_problem(const char *s, size_t len)
{
    return text_utf8_problem(s, len);
}

static int text_ok(const char *s, size_t max, int flags)
{
    if (!s)
        return (flags & TEXT_NULLABLE) != 0;
    size_t len = strlen(s);
    if (len > max || (len == 0 && (flags & TEXT_NONEMPTY)))
        return 0;
    return text_problem(s, len) == NULL;
}

/* ---- encoder ---------------------------------------------------------- */

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
    if (!text_ok(rec->kind, MESSAGE_MAX_TEXT, 0)
        || !text_ok(rec->lang, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
        || !text_ok(rec->title, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
        || !text_ok(rec->published, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
        || !text_ok(rec->author, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
        || !text_ok(rec->body, MESSAGE_MAX_BODY, 0)
        || rec->entity_count > MESSAGE_MAX_ITEMS
        || rec->keyword_count > MESSAGE_MAX_ITEMS)
        return 0;
    for (size_t i = 0; i < rec->entity_count; i++) {
        const entity_t *e = &rec->entities[i];
        if (!text_ok(e->type, MESSAGE_MAX_TEXT, 0)
            || !text_ok(e->text, MESSAGE_MAX_TEXT, 0)
            || !text_ok(e->unit, MESSAGE_MAX_TEXT, TEXT_NULLABLE))
            return 0;
    }
    for (size_t i = 0; i < rec->keyword_count; i++)
        if (!text_ok(rec->keywords[i], MESSAGE_MAX_TEXT, 0))
            return 0;
    return 1;
}

/* A HELLO session: exactly MESSAGE_SESSION_LEN lowercase hex digits. */
static int session_ok(const char *s)
{
    size_t i = 0;
    while (i < MESSAGE_SESSION_LEN && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
        i++;
    return i == MESSAGE_SESSION_LEN && s[i] == '\0';
}

static int message_ok(const message_t *m)
{
    switch (m->type) {
    case MSG_READY:
        return m->credit <= MESSAGE_MAX_CREDIT && m->received <= MESSAGE_MAX_RECEIVED;
    case MSG_DOC:
        return header_ok(m) && m->body_len <= MESSAGE_MAX_BODY
            && (m->body || m->body_len == 0)
            && text_ok(m->hints.title, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && text_ok(m->hints.published, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && text_ok(m->hints.author, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && text_ok(m->hints.lang, MESSAGE_MAX_TEXT, TEXT_NULLABLE);
    case MSG_RESULT:
        return header_ok(m) && record_ok(m);
    case MSG_FAILED:
        return header_ok(m) && text_ok(m->error, MESSAGE_MAX_TEXT, TEXT_NONEMPTY);
    case MSG_ACK:
        return hash_is_doc_id(m->id) && ack_status_name(m->status) != NULL;
    case MSG_HELLO:
        return session_ok(m->session);
    case MSG_SUBMIT:
        return m->ref <= MESSAGE_MAX_REF && m->body_len <= MESSAGE_MAX_BODY
            && (m->body || m->body_len == 0)
            && (!m->source || source_ok(m->source))
            && text_ok(m->hints.title, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && text_ok(m->hints.published, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && text_ok(m->hints.author, MESSAGE_MAX_TEXT, TEXT_NULLABLE)
            && text_ok(m->hints.lang, MESSAGE_MAX_TEXT, TEXT_NULLABLE);
    case MSG_ACCEPTED:
        return m->ref <= MESSAGE_MAX_REF && hash_is_doc_id(m->id);
    case MSG_COMMITTED:
        return m->ref <= MESSAGE_MAX_REF && hash_is_doc_id(m->id)
            && ack_status_name(m->status) != NULL;
    case MSG_REJECTED:
        return m->ref <= MESSAGE_MAX_REF && text_ok(m->error, MESSAGE_MAX_TEXT, TEXT_NONEMPTY);
    }
    return 0;
}

/* msgpack-c reports a failed write (only an sbuffer realloc can fail)
 * per call; we remember it once and check at the end. */
typedef struct {
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    int failed;
} writer_t;

static void put_map(writer_t *w, size_t count)
{
    w->failed |= msgpack_pack_map(&w->pk, count) != 0;
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

static void put_bool(writer_t *w, int value)
{
    w->failed |= (value ? msgpack_pack_true(&w->pk) : msgpack_pack_false(&w->pk)) != 0;
}

static void put_bin(writer_t *w, const uint8_t *data, size_t len)
{
    w->failed |= msgpack_pack_bin(&w->pk, len) != 0
              || msgpack_pack_bin_body(&w->pk, data, len) != 0;
}

/* Opens the top-level map: `entries` counts v and type too. */
static void put_envelope(writer_t *w, const message_t *m, size_t entries)
{
    put_map(w, entries);
    put_str(w, "v");
    put_uint(w, MESSAGE_VERSION);
    put_str(w, "type");
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
    put_str(w, "id");
    put_str(w, m->id);
    put_str(w, "source");
    put_source(w, m->source);
    put_str(w, "attempt");
    put_uint(w, m->attempt);
}

static void put_entity(writer_t *w, const entity_t *e)
{
    put_map(w, 4);
    put_str(w, "type");
    put_str(w, e->type);
    put_str(w, "text");
    put_str(w, e->text);
    put_str(w, "value");
    if (e->has_value)
        put_double(w, e->value);
    else
        put_nil(w);
    put_str(w, "unit");
    put_str_or_nil(w, e->unit);
}

static void put_record(writer_t *w, const record_t *rec)
{
    char simhash[17];
    record_simhash_hex(rec, simhash);
    put_map(w, 9);
    put_str(w, "kind");
    put_str(w, rec->kind);
    put_str(w, "lang");
    put_str_or_nil(w, rec->lang);
    put_str(w, "title");
    put_str_or_nil(w, rec->title);
    put_str(w, "published");
    put_str_or_nil(w, rec->published);
    put_str(w, "author");
    put_str_or_nil(w, rec->author);
    put_str(w, "body");
    put_str(w, rec->body);
    put_str(w, "entities");
    put_array(w, rec->entity_count);
    for (size_t i = 0; i < rec->entity_count; i++)
        put_entity(w, &rec->entities[i]);
    put_str(w, "keywords");
    put_array(w, rec->keyword_count);
    for (size_t i = 0; i < rec->keyword_count; i++)
        put_str(w, rec->keywords[i]);
    put_str(w, "simhash");
    put_str(w, simhash);
}

/* Only the hints that are set: the map's keys are all optional. */
static void put_hints(writer_t *w, const doc_hints_t *h)
{
    const char *const keys[] = { "title", "published", "author", "lang" };
    const char *const values[] = { h->title, h->published, h->author, h->lang };
    size_t count = 0;
    for (size_t i = 0; i < 4; i++)
        count += values[i] != NULL;
    put_str(w, "hints");
    put_map(w, count);
    for (size_t i = 0; i < 4; i++) {
        if (!values[i])
            continue;
        put_str(w, keys[i]);
        put_str(w, values[i]);
    }
}

static void put_message(writer_t *w, const message_t *m)
{
    switch (m->type) {
    case MSG_READY:
        put_envelope(w, m, 4);
        put_str(w, "credit");
        put_uint(w, m->credit);
        put_str(w, "received");
        put_uint(w, m->received);
        break;
    case MSG_DOC:
        put_envelope(w, m, doc_hints_any(&m->hints) ? 7 : 6);
        put_header(w, m);
        put_str(w, "body");
        put_bin(w, m->body, m->body_len);
        if (doc_hints_any(&m->hints))
            put_hints(w, &m->hints);
        break;
    case MSG_RESULT:
        put_envelope(w, m, 6);
        put_header(w, m);
        put_str(w, "record");
        put_record(w, m->record);
        break;
    case MSG_FAILED:
        put_envelope(w, m, 6);
        put_header(w, m);
        put_str(w, "error");
        put_str(w, m->error);
        break;
    case MSG_ACK:
        put_envelope(w, m, 4);
        put_str(w, "id");
        put_str(w, m->id);
        put_str(w, "status");
        put_str(w, ack_status_name(m->status));
        break;
    case MSG_HELLO:
        put_envelope(w, m, 3);
        put_str(w, "session");
        put_str(w, m->session);
        break;
    case MSG_SUBMIT:
        put_envelope(w, m, 5 + (m->source != NULL) + doc_hints_any(&m->hints));
        put_str(w, "ref");
        put_uint(w, m->ref);
        put_str(w, "body");
        put_bin(w, m->body, m->body_len);
        put_str(w, "commit");
        put_bool(w, m->want_commit);
        if (m->source) {
            put_str(w, "source");
            put_source(w, m->source);
        }
        if (doc_hints_any(&m->hints))
            put_hints(w, &m->hints);
        break;
    case MSG_ACCEPTED:
        put_envelope(w, m, 4);
        put_str(w, "ref");
        put_uint(w, m->ref);
        put_str(w, "id");
        put_str(w, m->id);
        break;
    case MSG_COMMITTED:
        put_envelope(w, m, 5);
        put_str(w, "ref");
        put_uint(w, m->ref);
        put_str(w, "id");
        put_str(w, m->id);
        put_str(w, "status");
        put_str(w, ack_status_name(m->status));
        break;
    case MSG_REJECTED:
        put_envelope(w, m, 4);
        put_str(w, "ref");
        if (m->has_ref)
            put_uint(w, m->ref);
        else
            put_nil(w);
        put_str(w, "error");
        put_str(w, m->error);
        break;
    }
}

int message_encode(const message_t *self, uint8_t **data, size_t *len)
{
    if (!self || !message_ok(self))
        return -1;
    writer_t w;
    msgpack_sbuffer_init(&w.sbuf);
    msgpack_packer_init(&w.pk, &w.sbuf, msgpack_sbuffer_write);
    w.failed = 0;
    put_message(&w, self);
    if (w.failed) {
        msgpack_sbuffer_destroy(&w.sbuf);
        return -1;
    }
    /* sbuffer memory comes from realloc: the caller's free() fits. */
    *len = w.sbuf.size;
    *data = (uint8_t *)msgpack_sbuffer_release(&w.sbuf);
    return 0;
}

/* ---- decoder: errors -------------------------------------------------- */

typedef struct {
    char *text;     /* the caller's buffer, may be NULL */
    size_t size;
} reason_t;

static int fail(reason_t *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Always returns -1 so error paths read `return fail(...)`. */
static int fail(reason_t *why, const char *fmt, ...)
{
    if (why->text && why->size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why->text, why->size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---- decoder: pass 1, the raw scan ------------------------------------ */

typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
    reason_t *why;
} scanner_t;

static int scan_object(scanner_t *s, int depth);

/* Reads a big-endian unsigned integer of `width` bytes. *out is written
 * on every path: fail() is not inlined, so the compiler cannot see that a
 * failure returns -1 and would warn that callers may read *out unset. */
static int scan_uint(scanner_t *s, size_t width, uint64_t *out)
{
    *out = 0;
    if (s->len - s->pos < width)
        return fail(s->why, "message truncated at byte %zu", s->len);
    uint64_t value = 0;
    for (size_t i = 0; i < width; i++)
        value = value << 8 | s->data[s->pos++];
    *out = value;
    return 0;
}

static int scan_skip(scanner_t *s, uint64_t count)
{
    if (count > s->len - s->pos)
        return fail(s->why, "message truncated at byte %zu", s->len);
    s->pos += (size_t)count;
    return 0;
}

/* A str or bin: a length of `width` bytes, then that many bytes. */
static int scan_bytes(scanner_t *s, size_t width)
{
    uint64_t count;
    if (scan_uint(s, width, &count) < 0)
        return -1;
    return scan_skip(s, count);
}

/* An array (per_entry 1) or map (per_entry 2) of `count` entries whose
 * header started at byte `at`. The fit check is the memory bound: each
 * element needs at least one byte, so a count the remaining bytes cannot
 * hold is a lie that msgpack-c must never see. */
static int scan_items(scanner_t *s, uint64_t count, unsigned per_entry,
                      int depth, size_t at)
{
    if (depth >= MAX_DEPTH)
        return fail(s->why, "nesting deeper than %d levels at byte %zu",
                    MAX_DEPTH, at);
    if (count * per_entry > s->len - s->pos)
        return fail(s->why, "%s at byte %zu declares %" PRIu64
                    " entries, more than the %zu bytes left",
                    per_entry == 2 ? "map" : "array", at, count, s->len - s->pos);
    for (uint64_t i = 0; i < count * per_entry; i++)
        if (scan_object(s, depth + 1) < 0)
            return -1;
    return 0;
}

/* A container with a count of `width` bytes. */
static int scan_container(scanner_t *s, size_t width, unsigned per_entry,
                          int depth, size_t at)
{
    uint64_t count;
    if (scan_uint(s, width, &count) < 0)
        return -1;
    return scan_items(s, count, per_entry, depth, at);
}

/* depth counts the containers around this object. */
static int scan_object(scanner_t *s, int depth)
{
    if (s->pos >= s->len)
        return fail(s->why, "message truncated at byte %zu", s->len);
    size_t at = s->pos;
    uint8_t b = s->data[s->pos++];

    if (b <= 0x7f || b >= 0xe0)                     /* fixint */
        return 0;
    if (b <= 0x8f)                                  /* fixmap */
        return scan_items(s, b & 0x0f, 2, depth, at);
    if (b <= 0x9f)                                  /* fixarray */
        return scan_items(s, b & 0x0f, 1, depth, at);
    if (b <= 0xbf)                                  /* fixstr */
        return scan_skip(s, b & 0x1f);
    switch (b) {
    case 0xc0: case 0xc2: case 0xc3:                /* nil, false, true */
        return 0;
    case 0xc4: case 0xd9: return scan_bytes(s, 1);  /* bin 8, str 8 */
    case 0xc5: case 0xda: return scan_bytes(s, 2);  /* bin 16, str 16 */
    case 0xc6: case 0xdb: return scan_bytes(s, 4);  /* bin 32, str 32 */
    case 0xcc: case 0xd0: return scan_skip(s, 1);   /* uint 8, int 8 */
    case 0xcd: case 0xd1: return scan_skip(s, 2);
    case 0xca: case 0xce: case 0xd2: return scan_skip(s, 4);  /* + float 32 */
    case 0xcb: case 0xcf: case 0xd3: return scan_skip(s, 8);  /* + float 64 */
    case 0xdc: return scan_container(s, 2, 1, depth, at);     /* array 16 */
    case 0xdd: return scan_container(s, 4, 1, depth, at);     /* array 32 */
    case 0xde: return scan_container(s, 2, 2, depth, at);     /* map 16 */
    case 0xdf: return scan_container(s, 4, 2, depth, at);     /* map 32 */
    case 0xc7: case 0xc8: case 0xc9:
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        return fail(s->why, "ext type at byte %zu not allowed", at);
    default:                                        /* 0xc1, never used */
        return fail(s->why, "invalid msgpack byte 0x%02x at byte %zu", b, at);
    }
}

static int scan_message(const uint8_t *data, size_t len, reason_t *why)
{
    if (len == 0)
        return fail(why, "empty message");
    scanner_t s = { data, len, 0, why };
    if (scan_object(&s, 0) < 0)
        return -1;
    if (s.pos != len)
        return fail(why, "trailing %zu bytes after message", len - s.pos);
    return 0;
}

/* ---- decoder: pass 2, reading fields ----------------------------------- */

/* One map being read. path names it in errors: "" for the message,
 * "record", "record.entities[3]". */
typedef struct {
    const msgpack_object_map *map;
    const char *path;
    reason_t *why;
} reader_t;

static int fail_field(const reader_t *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports "field '<path>.<key>'" followed by fmt. */
static int fail_field(const reader_t *r, const char *key, const char *fmt, ...)
{
    char detail[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return fail(r->why, "field '%s%s%s'%s", r->path, *r->path ? "." : "",
                key, detail);
}

static int reader_init(reader_t *r, const msgpack_object *map,
                       const char *path, reason_t *why)
{
    r->map = &map->via.map;
    r->path = path;
    r->why = why;
    for (uint32_t i = 0; i < r->map->size; i++)
        if (r->map->ptr[i].key.type != MSGPACK_OBJECT_STR)
            return *path ? fail(why, "field '%s': map keys must be strings", path)
                         : fail(why, "map keys must be strings");
    return 0;
}

static int str_is(const msgpack_object_str *s, const char *name)
{
    size_t len = strlen(name);
    return s->size == len && memcmp(s->ptr, name, len) == 0;
}

/* Every key of the format is required. A key given twice is an error,
 * not "last one wins": two decoders must never read one message two
 * ways. Keys we do not know are skipped unread (a peer of the same
 * version may add some), so their repeats are not ours to judge. */
/* 1 and *out when key is there once, 0 when absent, -1 (reported) when
 * it appears twice. */
static int lookup(const reader_t *r, const char *key, const msgpack_object **out)
{
    const msgpack_object *found = NULL;
    *out = NULL;   /* on every path: gcc -O3 cannot see through fail_field */
    for (uint32_t i = 0; i < r->map->size; i++) {
        const msgpack_object_kv *kv = &r->map->ptr[i];
        if (!str_is(&kv->key.via.str, key))
            continue;
        if (found)
            return fail_field(r, key, " appears twice");
        found = &kv->val;
    }
    *out = found;
    return found != NULL;
}

static const msgpack_object *find(const reader_t *r, const char *key)
{
    const msgpack_object *found = NULL;
    int rc = lookup(r, key, &found);
    if (rc == 0)
        fail_field(r, key, " is missing");
    return rc == 1 ? found : NULL;
}

/* msgpack-c hands every non-negative integer over as POSITIVE_INTEGER,
 * whichever encoding the peer chose (fixint, uint 8..64, int 8..64).
 * *out is written on every path, 0 on failure (see scan_uint). */
static int read_uint(const reader_t *r, const char *key, uint64_t min,
                     uint64_t max, uint64_t *out)
{
    *out = 0;
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return fail_field(r, key, ": expected unsigned integer");
    if (o->via.u64 < min || o->via.u64 > max)
        return fail_field(r, key, " out of range %" PRIu64 "..%" PRIu64, min, max);
    *out = o->via.u64;
    return 0;
}

/* Copies a str that obeys the text rules into a new C string. */
static int take_text(const reader_t *r, const char *key,
                     const msgpack_object_str *s, size_t max, int flags,
                     char **out)
{
    if (s->size > max)
        return fail_field(r, key, " longer than %zu bytes", max);
    if (s->size == 0 && (flags & TEXT_NONEMPTY))
        return fail_field(r, key, " is empty");
    const char *problem = text_problem(s->ptr, s->size);
    if (problem)
        return fail_field(r, key, ": %s", problem);
    *out = xstrndup(s->ptr, s->size);
    return 0;
}

/* A nullable field given as nil leaves *out NULL. */
static int read_text(const reader_t *r, const char *key, size_t max,
                     int flags, char **out)
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type == MSGPACK_OBJECT_NIL && (flags & TEXT_NULLABLE))
        return 0;
    if (o->type != MSGPACK_OBJECT_STR)
        return fail_field(r, key, (flags & TEXT_NULLABLE)
                          ? ": expected string or nil" : ": expected string");
    return take_text(r, key, &o->via.str, max, flags, out);
}

/* The copy is never NULL, even when empty, so callers can hash or write
 * it without a special case. */
static int read_bin(const reader_t *r, const char *key, size_t max,
                    uint8_t **out, size_t *len)
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_BIN)
        return fail_field(r, key, ": expected binary");
    if (o->via.bin.size > max)
        return fail_field(r, key, " longer than %zu bytes", max);
    *len = o->via.bin.size;
    *out = xmalloc(*len);
    if (*len)
        memcpy(*out, o->via.bin.ptr, *len);
    return 0;
}

static int read_id(const reader_t *r, const char *key, char out[DOC_ID_LEN + 1])
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_STR)
        return fail_field(r, key, ": expected string");
    if (o->via.str.size == DOC_ID_LEN) {
        memcpy(out, o->via.str.ptr, DOC_ID_LEN);
        out[DOC_ID_LEN] = '\0';
        if (hash_is_doc_id(out))
            return 0;
    }
    out[0] = '\0';
    return fail_field(r, key, ": expected %d lowercase hex digits", DOC_ID_LEN);
}

static int read_session(const reader_t *r, const char *key,
                        char out[MESSAGE_SESSION_LEN + 1])
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_STR)
        return fail_field(r, key, ": expected string");
    if (o->via.str.size == MESSAGE_SESSION_LEN) {
        memcpy(out, o->via.str.ptr, MESSAGE_SESSION_LEN);
        out[MESSAGE_SESSION_LEN] = '\0';
        if (session_ok(out))
            return 0;
    }
    out[0] = '\0';
    return fail_field(r, key, ": expected %d lowercase hex digits", MESSAGE_SESSION_LEN);
}

/* A str naming one of names[1..last]; *out gets its index. The peer's
 * value is echoed only when short and clean: errors end up in logs. */
static int read_name(const reader_t *r, const char *key,
                     const char *const names[], int last, int *out)
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_STR)
        return fail_field(r, key, ": expected string");
    for (int i = 1; i <= last; i++)
        if (str_is(&o->via.str, names[i])) {
            *out = i;
            return 0;
        }
    if (o->via.str.size <= MAX_ECHO && !text_problem(o->via.str.ptr, o->via.str.size))
        return fail_field(r, key, ": unknown value '%.*s'",
                          (int)o->via.str.size, o->via.str.ptr);
    return fail_field(r, key, ": unknown value");
}

/* *out is written on every path, NULL on failure (see scan_uint). */
static int read_array(const reader_t *r, const char *key, size_t max,
                      const msgpack_object_array **out)
{
    *out = NULL;
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return fail_field(r, key, ": expected array");
    if (o->via.array.size > max)
        return fail_field(r, key, " has more than %zu items", max);
    *out = &o->via.array;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* 16 lowercase hex digits: msgpack could carry the uint64 as is, but
 * JSON and SQLite carry it as text (record.h), and one spelling
 * everywhere is easier to grep. */
static int read_simhash(const reader_t *r, const char *key, uint64_t *out)
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_STR)
        return fail_field(r, key, ": expected string");
    if (o->via.str.size == 16) {
        uint64_t value = 0;
        int i = 0, digit;
        while (i < 16 && (digit = hex_digit(o->via.str.ptr[i])) >= 0) {
            value = value << 4 | (uint64_t)digit;
            i++;
        }
        if (i == 16) {
            *out = value;
            return 0;
        }
    }
    return fail_field(r, key, ": expected 16 lowercase hex digits");
}

/* float64, any integer, or nil for "no numeric value". float32 is
 * refused: it would silently round amounts like 1103500000000. */
static int read_number(const reader_t *r, const char *key, double *value,
                       int *has_value)
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    *has_value = 1;
    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        *has_value = 0;
        *value = 0;
        return 0;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        *value = (double)o->via.u64;
        return 0;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        *value = (double)o->via.i64;
        return 0;
    case MSGPACK_OBJECT_FLOAT64:
        *value = o->via.f64;
        return 0;
    default:
        return fail_field(r, key, ": expected float64, integer or nil");
    }
}

/* ---- decoder: the messages -------------------------------------------- */

static int decode_entity(const reader_t *rec_r, uint32_t i,
                         const msgpack_object *o, entity_t *e)
{
    char key[32], path[64];
    snprintf(key, sizeof key, "entities[%" PRIu32 "]", i);
    if (o->type != MSGPACK_OBJECT_MAP)
        return fail_field(rec_r, key, ": expected map");
    snprintf(path, sizeof path, "%s.%s", rec_r->path, key);
    reader_t r;
    if (reader_init(&r, o, path, rec_r->why) < 0
        || read_text(&r, "type", MESSAGE_MAX_TEXT, 0, &e->type) < 0
        || read_text(&r, "text", MESSAGE_MAX_TEXT, 0, &e->text) < 0
        || read_number(&r, "value", &e->value, &e->has_value) < 0
        || read_text(&r, "unit", MESSAGE_MAX_TEXT, TEXT_NULLABLE, &e->unit) < 0)
        return -1;
    return 0;
}

static int decode_entities(const reader_t *r, record_t *rec)
{
    const msgpack_object_array *a;
    if (read_array(r, "entities", MESSAGE_MAX_ITEMS, &a) < 0)
        return -1;
    if (a->size)
        rec->entities = xcalloc(a->size, sizeof(entity_t));
    for (uint32_t i = 0; i < a->size; i++) {
        /* Counted before it is read, so record_destroy frees a
         * half-read entity (its unread strings are NULL). */
        rec->entity_count++;
        if (decode_entity(r, i, &a->ptr[i], &rec->entities[i]) < 0)
            return -1;
    }
    return 0;
}

static int decode_keywords(const reader_t *r, record_t *rec)
{
    const msgpack_object_array *a;
    if (read_array(r, "keywords", MESSAGE_MAX_ITEMS, &a) < 0)
        return -1;
    if (a->size)
        rec->keywords = xcalloc(a->size, sizeof(char *));
    for (uint32_t i = 0; i < a->size; i++) {
        char key[32];
        snprintf(key, sizeof key, "keywords[%" PRIu32 "]", i);
        if (a->ptr[i].type != MSGPACK_OBJECT_STR)
            return fail_field(r, key, ": expected string");
        rec->keyword_count++;
        if (take_text(r, key, &a->ptr[i].via.str, MESSAGE_MAX_TEXT, 0,
                      &rec->keywords[i]) < 0)
            return -1;
    }
    return 0;
}

/* The record goes on the message before it is filled, so message_destroy
 * cleans up whatever a failure leaves half-read. */
static int decode_record(const reader_t *top, message_t *m)
{
    const msgpack_object *o = find(top, "record");
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_MAP)
        return fail_field(top, "record", ": expected map");
    record_t *rec = m->record = record_new();
    memcpy(rec->id, m->id, sizeof rec->id);
    rec->source = xstrdup(m->source);
    reader_t r;
    if (reader_init(&r, o, "record", top->why) < 0
        || read_text(&r, "kind", MESSAGE_MAX_TEXT, 0, &rec->kind) < 0
        || read_text(&r, "lang", MESSAGE_MAX_TEXT, TEXT_NULLABLE, &rec->lang) < 0
        || read_text(&r, "title", MESSAGE_MAX_TEXT, TEXT_NULLABLE, &rec->title) < 0
        || read_text(&r, "published", MESSAGE_MAX_TEXT, TEXT_NULLABLE,
                     &rec->published) < 0
        || read_text(&r, "author", MESSAGE_MAX_TEXT, TEXT_NULLABLE, &rec->author) < 0
        || read_text(&r, "body", MESSAGE_MAX_BODY, 0, &rec->body) < 0
        || decode_entities(&r, rec) < 0
        || decode_keywords(&r, rec) < 0
        || read_simhash(&r, "simhash", &rec->simhash) < 0)
        return -1;
    return 0;
}

/* A str (UTF-8, as text fields) or a bin holding the exact bytes of a
 * source that is not UTF-8; either way 1..MESSAGE_MAX_SOURCE bytes and
 * no NUL, since it becomes a C string. */
static int read_source(const reader_t *r, const char *key, char **out)
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type == MSGPACK_OBJECT_STR)
        return take_text(r, key, &o->via.str, MESSAGE_MAX_SOURCE, TEXT_NONEMPTY, out);
    if (o->type != MSGPACK_OBJECT_BIN)
        return fail_field(r, key, ": expected string or binary");
    const msgpack_object_bin *b = &o->via.bin;
    if (b->size > MESSAGE_MAX_SOURCE)
        return fail_field(r, key, " longer than %d bytes", MESSAGE_MAX_SOURCE);
    if (b->size == 0)
        return fail_field(r, key, " is empty");
    if (memchr(b->ptr, 0, b->size))
        return fail_field(r, key, ": contains a NUL byte");
    *out = xstrndup(b->ptr, b->size);
    return 0;
}

/* DOC's optional "hints": a map whose keys are all optional strings. A
 * repeated known key is refused as everywhere; unknown keys are skipped. */
static int read_hint(const reader_t *r, const char *key, char **out)
{
    const msgpack_object *o = NULL;
    int rc = lookup(r, key, &o);
    if (rc <= 0 || !o)
        return rc;
    if (o->type != MSGPACK_OBJECT_STR)
        return fail_field(r, key, ": expected string");
    return take_text(r, key, &o->via.str, MESSAGE_MAX_TEXT, 0, out);
}

static int decode_hints(const reader_t *top, doc_hints_t *h)
{
    const msgpack_object *o = NULL;
    int rc = lookup(top, "hints", &o);
    if (rc <= 0 || !o)
        return rc;
    if (o->type != MSGPACK_OBJECT_MAP)
        return fail_field(top, "hints", ": expected map");
    reader_t r;
    if (reader_init(&r, o, "hints", top->why) < 0
        || read_hint(&r, "title", &h->title) < 0
        || read_hint(&r, "published", &h->published) < 0
        || read_hint(&r, "author", &h->author) < 0
        || read_hint(&r, "lang", &h->lang) < 0)
        return -1;
    return 0;
}

/* SUBMIT's body: the document's bytes, as bin, or as str (its UTF-8
 * bytes, so a JSON-lines document and a SUBMIT of the same text share
 * an id). Never NULL, even when empty. */
static int read_body(const reader_t *r, const char *key, uint8_t **out, size_t *len)
{
    const msgpack_object *o = find(r, key);
    if (!o)
        return -1;
    if (o->type == MSGPACK_OBJECT_BIN)
        return read_bin(r, key, MESSAGE_MAX_BODY, out, len);
    if (o->type != MSGPACK_OBJECT_STR)
        return fail_field(r, key, ": expected binary or string");
    if (o->via.str.size > MESSAGE_MAX_BODY)
        return fail_field(r, key, " longer than %u bytes", MESSAGE_MAX_BODY);
    const char *problem = text_problem(o->via.str.ptr, o->via.str.size);
    if (problem)
        return fail_field(r, key, ": %s", problem);
    *len = o->via.str.size;
    *out = xmalloc(*len + 1);
    memcpy(*out, o->via.str.ptr, *len);
    return 0;
}

/* An optional key: absent is fine, present must be right. */
static int read_optional_bool(const reader_t *r, const char *key, int *out)
{
    const msgpack_object *o = NULL;
    int rc = lookup(r, key, &o);
    if (rc <= 0 || !o)
        return rc;
    if (o->type != MSGPACK_OBJECT_BOOLEAN)
        return fail_field(r, key, ": expected true or false");
    *out = o->via.boolean;
    return 0;
}

static int read_optional_source(const reader_t *r, const char *key, char **out)
{
    const msgpack_object *o = NULL;
    int rc = lookup(r, key, &o);
    if (rc <= 0 || !o)
        return rc;
    return read_source(r, key, out);
}

/* REJECTED's ref: nil when the SUBMIT could not be read at all. */
static int read_ref_or_nil(const reader_t *r, message_t *m)
{
    const msgpack_object *o = find(r, "ref");
    if (!o)
        return -1;
    if (o->type == MSGPACK_OBJECT_NIL)
        return 0;
    m->has_ref = 1;
    return read_uint(r, "ref", 0, MESSAGE_MAX_REF, &m->ref);
}

/* id, source and attempt: what DOC, RESULT and FAILED share. */
static int decode_header(const reader_t *r, message_t *m)
{
    uint64_t attempt;
    if (read_id(r, "id", m->id) < 0
        || read_source(r, "source", &m->source) < 0
        || read_uint(r, "attempt", 1, MESSAGE_MAX_ATTEMPT, &attempt) < 0)
        return -1;
    m->attempt = (uint32_t)attempt;
    return 0;
}

static int decode_fields(const reader_t *r, message_t *m)
{
    uint64_t credit;
    int status;
    switch (m->type) {
    case MSG_READY:
        if (read_uint(r, "credit", 0, MESSAGE_MAX_CREDIT, &credit) < 0
            || read_uint(r, "received", 0, MESSAGE_MAX_RECEIVED, &m->received) < 0)
            return -1;
        m->credit = (uint32_t)credit;
        return 0;
    case MSG_DOC:
        if (decode_header(r, m) < 0
            || read_bin(r, "body", MESSAGE_MAX_BODY, &m->body, &m->body_len) < 0)
            return -1;
        return decode_hints(r, &m->hints);
    case MSG_RESULT:
        if (decode_header(r, m) < 0)
            return -1;
        return decode_record(r, m);
    case MSG_FAILED:
        if (decode_header(r, m) < 0)
            return -1;
        return read_text(r, "error", MESSAGE_MAX_TEXT, TEXT_NONEMPTY, &m->error);
    case MSG_ACK:
        if (read_id(r, "id", m->id) < 0
            || read_name(r, "status", status_names, ACK_DEAD, &status) < 0)
            return -1;
        m->status = (ack_status_t)status;
        return 0;
    case MSG_HELLO:
        return read_session(r, "session", m->session);
    case MSG_SUBMIT:
        m->has_ref = 1;
        if (read_uint(r, "ref", 0, MESSAGE_MAX_REF, &m->ref) < 0
            || read_body(r, "body", &m->body, &m->body_len) < 0
            || read_optional_bool(r, "commit", &m->want_commit) < 0
            || read_optional_source(r, "source", &m->source) < 0)
            return -1;
        return decode_hints(r, &m->hints);
    case MSG_ACCEPTED:
        m->has_ref = 1;
        if (read_uint(r, "ref", 0, MESSAGE_MAX_REF, &m->ref) < 0)
            return -1;
        return read_id(r, "id", m->id);
    case MSG_COMMITTED:
        m->has_ref = 1;
        if (read_uint(r, "ref", 0, MESSAGE_MAX_REF, &m->ref) < 0
            || read_id(r, "id", m->id) < 0
            || read_name(r, "status", status_names, ACK_DEAD, &status) < 0)
            return -1;
        m->status = (ack_status_t)status;
        return 0;
    case MSG_REJECTED:
        if (read_ref_or_nil(r, m) < 0)
            return -1;
        return read_text(r, "error", MESSAGE_MAX_TEXT, TEXT_NONEMPTY, &m->error);
    }
    return -1;
}

/* The version is checked before the type, so a newer peer's new message
 * types are reported as what they are: a version mismatch. */
static message_t *decode_object(const msgpack_object *root, reason_t *why)
{
    if (root->type != MSGPACK_OBJECT_MAP) {
        fail(why, "message is not a map");
        return NULL;
    }
    reader_t r;
    uint64_t version;
    int type;
    if (reader_init(&r, root, "", why) < 0
        || read_uint(&r, "v", 0, UINT64_MAX, &version) < 0)
        return NULL;
    if (version != MESSAGE_VERSION) {
        fail(why, "unsupported version %" PRIu64, version);
        return NULL;
    }
    if (read_name(&r, "type", type_names, MSG_REJECTED, &type) < 0)
        return NULL;
    message_t *m = message_new((message_type_t)type);
    if (decode_fields(&r, m) < 0)
        message_destroy(&m);
    return m;
}

message_t *message_decode(const uint8_t *data, size_t len,
                          char *error, size_t error_size)
{
    reason_t why = { error, error_size };
    if (error && error_size)
        error[0] = '\0';
    if (!data)
        len = 0;   /* nothing to read: reported as an empty message */
    if (scan_message(data, len, &why) < 0)
        return NULL;

    msgpack_unpacked unpacked;
    msgpack_unpacked_init(&unpacked);
    size_t off = 0;
    message_t *m = NULL;
    msgpack_unpack_return rc =
        msgpack_unpack_next(&unpacked, (const char *)data, len, &off);
    if (rc != MSGPACK_UNPACK_SUCCESS || off != len)
        fail(&why, "msgpack-c could not unpack the message (%d)", (int)rc);
    else
        m = decode_object(&unpacked.data, &why);
    msgpack_unpacked_destroy(&unpacked);
    return m;
}
