/* message_decode: strict decoding of the wire format, pass 2.
 *
 * After message_scan() has proved the bytes are one bounded msgpack
 * object, msgpack-c builds the tree (its typed objects keep the field
 * readers short), and fields are read by key through small typed
 * readers that name the offending field in every error ("field
 * 'record.title' longer than 1048576 bytes"), so a peer's author can fix
 * it from the log. See proto/README.md. */
#include "message.h"
#include "message_rules.h"

#include <inttypes.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

/* ---- decoder: pass 2, reading fields ----------------------------------- */

/* One map being read. path names it in errors: "" for the message,
 * "record", "record.entities[3]". */
typedef struct {
    const msgpack_object_map *map;
    const char *path;
    reason_t *why;
    int borrow;   /* a DOC's body points into the bytes read (message_decode_view) */
    int outline;  /* a RESULT's record is checked to be a map, not read */
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
    return message_fail(r->why, "field '%s%s%s'%s", r->path, *r->path ? "." : "",
                key, detail);
}

static int reader_init(reader_t *r, const msgpack_object *map,
                       const char *path, reason_t *why)
{
    r->map = &map->via.map;
    r->path = path;
    r->why = why;
    r->borrow = 0;
    r->outline = 0;
    for (uint32_t i = 0; i < r->map->size; i++)
        if (r->map->ptr[i].key.type != MSGPACK_OBJECT_STR)
            return *path ? message_fail(why, "field '%s': map keys must be strings", path)
                         : message_fail(why, "map keys must be strings");
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
    const char *problem = message_text_problem(s->ptr, s->size);
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

/* The bin at key, at most max bytes, into *o. */
static int find_bin(const reader_t *r, const char *key, size_t max, const msgpack_object **o)
{
    *o = find(r, key);
    if (!*o)
        return -1;
    if ((*o)->type != MSGPACK_OBJECT_BIN)
        return fail_field(r, key, ": expected binary");
    if ((*o)->via.bin.size > max)
        return fail_field(r, key, " longer than %zu bytes", max);
    return 0;
}

/* The copy is never NULL, even when empty, so callers can hash or write
 * it without a special case. */
static int read_bin(const reader_t *r, const char *key, size_t max,
                    uint8_t **out, size_t *len)
{
    const msgpack_object *o;
    if (find_bin(r, key, max, &o) < 0)
        return -1;
    *len = o->via.bin.size;
    *out = xmalloc(*len);
    if (*len)
        memcpy(*out, o->via.bin.ptr, *len);
    return 0;
}

/* read_bin without the copy: m->body points into the message's bytes. */
static int borrow_bin(const reader_t *r, const char *key, size_t max, message_t *m)
{
    const msgpack_object *o;
    if (find_bin(r, key, max, &o) < 0)
        return -1;
    m->body = (uint8_t *)(uintptr_t)o->via.bin.ptr;
    m->body_len = o->via.bin.size;
    m->body_borrowed = 1;
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
        if (message_session_ok(out))
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
    if (o->via.str.size <= MESSAGE_MAX_ECHO && !message_text_problem(o->via.str.ptr, o->via.str.size))
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

/* An entity's optional "offset": a uint that puts its text inside the
 * body (message_offset_ok). Absent: the entity has no offset. */
static int read_offset(const reader_t *r, entity_t *e, size_t body_len)
{
    const msgpack_object *o = NULL;
    int rc = lookup(r, "offset", &o);
    if (rc <= 0 || !o)
        return rc;
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return fail_field(r, "offset", ": expected unsigned integer");
    if (!message_offset_ok(o->via.u64, strlen(e->text), body_len))
        return fail_field(r, "offset", ": text of %zu bytes at %" PRIu64
                          " ends past the body's %zu bytes", strlen(e->text),
                          o->via.u64, body_len);
    e->offset = o->via.u64;
    e->has_offset = 1;
    return 0;
}

/* ---- decoder: the messages -------------------------------------------- */

/* body_len: bytes of the record's body, read before its entities. */
static int decode_entity(const reader_t *rec_r, uint32_t i,
                         const msgpack_object *o, entity_t *e, size_t body_len)
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
        || read_text(&r, "unit", MESSAGE_MAX_TEXT, TEXT_NULLABLE, &e->unit) < 0
        || read_offset(&r, e, body_len) < 0)
        return -1;
    return 0;
}

static int decode_entities(const reader_t *r, record_t *rec)
{
    const msgpack_object_array *a;
    if (read_array(r, "entities", MESSAGE_MAX_ITEMS, &a) < 0)
        return -1;
    size_t body_len = strlen(rec->body);
    if (a->size)
        rec->entities = xcalloc(a->size, sizeof(entity_t));
    for (uint32_t i = 0; i < a->size; i++) {
        /* Counted before it is read, so record_destroy frees a
         * half-read entity (its unread strings are NULL). */
        rec->entity_count++;
        if (decode_entity(r, i, &a->ptr[i], &rec->entities[i], body_len) < 0)
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
/* record's optional "page_type": a short string; absent or nil, none. */
static int read_page_type(const reader_t *r, record_t *rec)
{
    const msgpack_object *o = NULL;
    int rc = lookup(r, "page_type", &o);
    if (rc <= 0 || !o || o->type == MSGPACK_OBJECT_NIL)
        return rc;
    if (o->type != MSGPACK_OBJECT_STR)
        return fail_field(r, "page_type", ": expected string or nil");
    return take_text(r, "page_type", &o->via.str, MESSAGE_MAX_PAGE_TYPE, TEXT_NONEMPTY,
                     &rec->page_type);
}

static int decode_record(const reader_t *top, message_t *m)
{
    const msgpack_object *o = find(top, "record");
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_MAP)
        return fail_field(top, "record", ": expected map");
    if (top->outline)
        return 0;
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
        || read_simhash(&r, "simhash", &rec->simhash) < 0
        || read_page_type(&r, rec) < 0)
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
    const char *problem = message_text_problem(o->via.str.ptr, o->via.str.size);
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

/* RESULT's and FAILED's optional "extract_seconds": a float64 (as every
 * float on this wire) from 0 to a day. */
static int read_extract_seconds(const reader_t *r, message_t *m)
{
    const msgpack_object *o = NULL;
    int rc = lookup(r, "extract_seconds", &o);
    if (rc <= 0 || !o)
        return rc;
    if (o->type != MSGPACK_OBJECT_FLOAT64)
        return fail_field(r, "extract_seconds", ": expected float64");
    if (!(o->via.f64 >= 0 && o->via.f64 <= MESSAGE_MAX_SECONDS))
        return fail_field(r, "extract_seconds", " out of range 0..%.0f", MESSAGE_MAX_SECONDS);
    m->extract_seconds = o->via.f64;
    m->has_extract_seconds = 1;
    return 0;
}

/* An ACK's optional "sources": present in the answer to a SOURCES only,
 * how many of its sources were new. */
static int read_new_sources(const reader_t *r, message_t *m)
{
    const msgpack_object *o = NULL;
    int rc = lookup(r, "sources", &o);
    if (rc <= 0 || !o)
        return rc;
    uint64_t n;
    if (read_uint(r, "sources", 0, MESSAGE_MAX_SOURCES, &n) < 0)
        return -1;
    m->new_sources = (uint32_t)n;
    m->has_new_sources = 1;
    return 0;
}

/* SOURCES' array of 1..MESSAGE_MAX_SOURCES sources, each as `source`.
 * An array element is read as the value of a one-key map would be, so
 * the rules (and the errors) are read_source's. */
static int read_sources(const reader_t *r, message_t *m)
{
    const msgpack_object *o = find(r, "sources");
    if (!o)
        return -1;
    if (o->type != MSGPACK_OBJECT_ARRAY)
        return fail_field(r, "sources", ": expected array");
    const msgpack_object_array *a = &o->via.array;
    if (a->size < 1 || a->size > MESSAGE_MAX_SOURCES)
        return fail_field(r, "sources", " must hold 1..%d items", MESSAGE_MAX_SOURCES);
    m->sources = xcalloc(a->size, sizeof *m->sources);
    for (uint32_t i = 0; i < a->size; i++) {
        msgpack_object_kv kv = { .key = { .type = MSGPACK_OBJECT_STR,
                                          .via.str = { 7, "sources" } },
                                 .val = a->ptr[i] };
        msgpack_object_map one = { 1, &kv };
        reader_t item = *r;
        item.map = &one;
        if (read_source(&item, "sources", &m->sources[i]) < 0)
            return -1;
        m->source_count++;
    }
    return 0;
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
        if (decode_header(r, m) < 0)
            return -1;
        if (r->borrow) {
            if (borrow_bin(r, "body", MESSAGE_MAX_BODY, m) < 0)
                return -1;
        } else if (read_bin(r, "body", MESSAGE_MAX_BODY, &m->body, &m->body_len) < 0) {
            return -1;
        }
        return decode_hints(r, &m->hints);
    case MSG_RESULT:
        if (decode_header(r, m) < 0 || decode_record(r, m) < 0)
            return -1;
        return read_extract_seconds(r, m);
    case MSG_FAILED:
        if (decode_header(r, m) < 0
            || read_text(r, "error", MESSAGE_MAX_TEXT, TEXT_NONEMPTY, &m->error) < 0)
            return -1;
        return read_extract_seconds(r, m);
    case MSG_ACK:
        if (read_id(r, "id", m->id) < 0
            || read_name(r, "status", message_status_names, ACK_LAST, &status) < 0)
            return -1;
        m->status = (ack_status_t)status;
        return read_new_sources(r, m);
    case MSG_SOURCES:
        if (read_id(r, "id", m->id) < 0)
            return -1;
        return read_sources(r, m);
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
            || read_name(r, "status", message_status_names, ACK_LAST, &status) < 0)
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

/* The ways to decode (decode_object's flags). */
enum { DECODE_BORROW = 1, DECODE_OUTLINE = 2 };

/* The version is checked before the type, so a newer peer's new message
 * types are reported as what they are: a version mismatch. */
static message_t *decode_object(const msgpack_object *root, int flags, reason_t *why)
{
    if (root->type != MSGPACK_OBJECT_MAP) {
        message_fail(why, "message is not a map");
        return NULL;
    }
    reader_t r;
    uint64_t version;
    int type;
    if (reader_init(&r, root, "", why) < 0
        || read_uint(&r, "v", 0, UINT64_MAX, &version) < 0)
        return NULL;
    r.borrow = (flags & DECODE_BORROW) != 0;
    r.outline = (flags & DECODE_OUTLINE) != 0;
    if (version != MESSAGE_VERSION) {
        message_fail(why, "unsupported version %" PRIu64, version);
        return NULL;
    }
    if (read_name(&r, "type", message_type_names, MSG_SOURCES, &type) < 0)
        return NULL;
    message_t *m = message_new((message_type_t)type);
    if (decode_fields(&r, m) < 0)
        message_destroy(&m);
    return m;
}

static message_t *decode(const uint8_t *data, size_t len, int flags, char **error)
{
    reason_t why = { error };
    if (error)
        *error = NULL;
    if (!data)
        len = 0;   /* nothing to read: reported as an empty message */
    if (message_scan(data, len, &why) < 0)
        return NULL;

    msgpack_unpacked unpacked;
    msgpack_unpacked_init(&unpacked);
    size_t off = 0;
    message_t *m = NULL;
    msgpack_unpack_return rc =
        msgpack_unpack_next(&unpacked, (const char *)data, len, &off);
    if (rc != MSGPACK_UNPACK_SUCCESS || off != len)
        message_fail(&why, "msgpack-c could not unpack the message (%d)", (int)rc);
    else
        m = decode_object(&unpacked.data, flags, &why);
    msgpack_unpacked_destroy(&unpacked);
    return m;
}

message_t *message_decode(const uint8_t *data, size_t len, char **error)
{
    return decode(data, len, 0, error);
}

/* msgpack_unpack_next leaves bin objects pointing into data (only its
 * zone, for the objects themselves, is freed above), so a borrowed
 * body stays valid as long as data does. */
message_t *message_decode_view(const uint8_t *data, size_t len, char **error)
{
    return decode(data, len, DECODE_BORROW, error);
}

message_t *message_decode_outline(const uint8_t *data, size_t len, char **error)
{
    return decode(data, len, DECODE_OUTLINE, error);
}
