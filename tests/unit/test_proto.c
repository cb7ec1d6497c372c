/* test_proto: the wire format (proto/message.h, proto/README.md).
 *
 * Round trips for every message type, golden bytes that pin the format
 * to the README, and the decoder's strictness: every rule is broken by a
 * hand-made message. Most malformed messages are a valid one with one
 * edit applied (a key left out, repeated or given another value), so the
 * rules are tested for every field of every message, not just a few. */
#include "proto/message.h"
#include "proto/wire.h"
#include "testing.h"

#include <errno.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* ---- samples ------------------------------------------------------------ */

static char sample_id[DOC_ID_LEN + 1];

static message_t *sample(message_type_t type)
{
    message_t *m = message_new(type);
    memcpy(m->id, sample_id, sizeof m->id);
    m->attempt = 2;
    switch (type) {
    case MSG_READY:
        m->credit = 16;
        m->received = 300;
        break;
    case MSG_DOC:
        m->source = xstrdup("/srv/feeds/2024-01-05/samsung.html");
        m->body_len = 6;
        m->body = malloc(m->body_len);
        memcpy(m->body, "a\0\xff\xfe\x80z", m->body_len);   /* not text */
        break;
    case MSG_RESULT: {
        m->source = xstrdup("https://example.com/news/1");
        record_t *rec = m->record = record_new();
        memcpy(rec->id, m->id, sizeof rec->id);
        rec->source = xstrdup(m->source);
        rec->kind = xstrdup("html");
        rec->lang = xstrdup("ko");
        rec->title = xstrdup("삼성전자 실적 발표");
        rec->published = xstrdup("2024-01-05");
        rec->author = NULL;
        rec->body = xstrdup("첫 문단.\n\nSecond paragraph 😀.");
        record_add_entity(rec, "money", "1조1천35억 엔", 1103500000000.0, 1, "JPY");
        record_add_entity(rec, "percent", "3.5%", 3.5, 1, "%");
        record_add_entity(rec, "date", "지난해", 0, 0, NULL);
        record_add_keyword(rec, "삼성전자");
        record_add_keyword(rec, "실적");
        rec->simhash = 0xfedcba9876543210u;
        break;
    }
    case MSG_FAILED:
        m->source = xstrdup("/srv/feeds/broken.pdf");
        m->error = xstrdup("no text extracted");
        break;
    case MSG_ACK:
        m->status = ACK_UNCHANGED;
        break;
    case MSG_HELLO:
        memcpy(m->session, "0123456789abcdef0123456789abcdef", MESSAGE_SESSION_LEN + 1);
        break;
    case MSG_SUBMIT:
        m->ref = 7;
        m->body_len = 5;
        m->body = malloc(m->body_len);
        memcpy(m->body, "<p>x\xff", m->body_len);
        break;
    case MSG_ACCEPTED:
        m->ref = 7;
        break;
    case MSG_COMMITTED:
        m->ref = 7;
        m->status = ACK_STORED;
        break;
    case MSG_REJECTED:
        m->ref = 7;
        m->has_ref = 1;
        m->error = xstrdup("body longer than 67108864 bytes");
        break;
    case MSG_SOURCES:
        m->source_count = 2;
        m->sources = xcalloc(2, sizeof *m->sources);
        m->sources[0] = xstrdup("https://example.com/wire/1");
        m->sources[1] = xstrdup("in/\xb4\xba\xbd\xba.txt");   /* CP949: travels as bin */
        break;
    }
    return m;
}

static uint8_t *encode(const message_t *m, size_t *len)
{
    uint8_t *data = NULL;
    int rc = message_encode(m, &data, len);
    CHECK(rc == 0 && data != NULL);
    return data;
}

static uint8_t *encode_sample(message_type_t type, size_t *len)
{
    message_t *m = sample(type);
    uint8_t *data = encode(m, len);
    message_destroy(&m);
    return data;
}

/* ---- hand-made messages --------------------------------------------------- */

typedef enum { EDIT_OMIT, EDIT_REPEAT, EDIT_REPLACE, EDIT_ADD, EDIT_ADD_RAW } edit_op_t;

/* One change to a valid message. path names a key or array element as
 * the decoder's errors do ("record.entities[0].unit"); for EDIT_ADD it
 * names the map ("" is the message) that gets an extra key "future";
 * EDIT_ADD_RAW adds raw, which holds a key and its value. */
typedef struct {
    edit_op_t op;
    const char *path;
    const uint8_t *raw;     /* msgpack bytes: new or added value */
    size_t raw_len;
} edit_t;

static void put_raw(msgpack_packer *pk, const uint8_t *raw, size_t len)
{
    pk->callback(pk->data, (const char *)raw, len);
}

static void join(char *out, size_t size, const char *path, const char *key,
                 size_t key_len)
{
    snprintf(out, size, "%s%s%.*s", path, *path ? "." : "", (int)key_len, key);
}

static void repack(msgpack_packer *pk, const msgpack_object *o,
                   const char *path, const edit_t *e)
{
    char child[160];
    if (o->type == MSGPACK_OBJECT_MAP) {
        const msgpack_object_map *map = &o->via.map;
        size_t count = map->size;
        for (uint32_t i = 0; i < map->size; i++) {
            const msgpack_object_str *k = &map->ptr[i].key.via.str;
            join(child, sizeof child, path, k->ptr, k->size);
            if (strcmp(child, e->path) == 0)
                count += e->op == EDIT_OMIT ? -1 : e->op == EDIT_REPEAT ? 1 : 0;
        }
        int add_here = (e->op == EDIT_ADD || e->op == EDIT_ADD_RAW) && strcmp(path, e->path) == 0;
        msgpack_pack_map(pk, count + (size_t)add_here);
        for (uint32_t i = 0; i < map->size; i++) {
            const msgpack_object_str *k = &map->ptr[i].key.via.str;
            join(child, sizeof child, path, k->ptr, k->size);
            int hit = strcmp(child, e->path) == 0;
            if (hit && e->op == EDIT_OMIT)
                continue;
            for (int copy = 0; copy < (hit && e->op == EDIT_REPEAT ? 2 : 1); copy++) {
                msgpack_pack_object(pk, map->ptr[i].key);
                if (hit && e->op == EDIT_REPLACE)
                    put_raw(pk, e->raw, e->raw_len);
                else
                    repack(pk, &map->ptr[i].val, child, e);
            }
        }
        if (add_here) {
            if (e->op == EDIT_ADD)
                msgpack_pack_str_with_body(pk, "future", 6);
            put_raw(pk, e->raw, e->raw_len);
        }
    } else if (o->type == MSGPACK_OBJECT_ARRAY) {
        msgpack_pack_array(pk, o->via.array.size);
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            snprintf(child, sizeof child, "%s[%u]", path, (unsigned)i);
            if (e->op == EDIT_REPLACE && strcmp(child, e->path) == 0)
                put_raw(pk, e->raw, e->raw_len);
            else
                repack(pk, &o->via.array.ptr[i], child, e);
        }
    } else {
        msgpack_pack_object(pk, *o);
    }
}

static uint8_t *edited(const uint8_t *data, size_t len, const edit_t *e,
                       size_t *out_len)
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    CHECK(msgpack_unpack_next(&u, (const char *)data, len, &off)
          == MSGPACK_UNPACK_SUCCESS);
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    repack(&pk, &u.data, "", e);
    msgpack_unpacked_destroy(&u);
    *out_len = sbuf.size;
    return (uint8_t *)msgpack_sbuffer_release(&sbuf);
}

/* Every path of a message: map keys (keys_only) or also array elements. */
static void collect_paths(const msgpack_object *o, const char *path,
                          int keys_only, char paths[][160], size_t *count)
{
    char child[160];
    if (o->type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object_str *k = &o->via.map.ptr[i].key.via.str;
            join(child, sizeof child, path, k->ptr, k->size);
            strcpy(paths[(*count)++], child);
            collect_paths(&o->via.map.ptr[i].val, child, keys_only, paths, count);
        }
    } else if (o->type == MSGPACK_OBJECT_ARRAY) {
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            snprintf(child, sizeof child, "%s[%u]", path, (unsigned)i);
            if (!keys_only)
                strcpy(paths[(*count)++], child);
            collect_paths(&o->via.array.ptr[i], child, keys_only, paths, count);
        }
    }
}

static size_t paths_of(const uint8_t *data, size_t len, int keys_only,
                       char paths[][160])
{
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0, count = 0;
    msgpack_unpack_next(&u, (const char *)data, len, &off);
    collect_paths(&u.data, "", keys_only, paths, &count);
    msgpack_unpacked_destroy(&u);
    return count;
}

/* ---- expectations ---------------------------------------------------------- */

static void expect_error(const uint8_t *data, size_t len, const char *want,
                         const char *label)
{
    char *error = NULL, detail[512];
    message_t *m = message_decode(data, len, &error);
    snprintf(detail, sizeof detail, "%s: wanted \"%s\", got \"%s\"", label, want,
             m ? "a decoded message" : error ? error : "(not set)");
    CHECK_MSG(m == NULL && error && strstr(error, want) != NULL, detail);
    message_destroy(&m);
    free(error);
}

static message_t *expect_ok(const uint8_t *data, size_t len, const char *label)
{
    char *error = NULL, detail[512];
    message_t *m = message_decode(data, len, &error);
    snprintf(detail, sizeof detail, "%s: %s", label, error ? error : "");
    CHECK_MSG(m != NULL && error == NULL, detail);
    free(error);
    return m;
}

static void expect_edit_error(message_type_t type, edit_t e, const char *want)
{
    size_t len, edited_len;
    uint8_t *data = encode_sample(type, &len);
    uint8_t *bad = edited(data, len, &e, &edited_len);
    char label[200];
    snprintf(label, sizeof label, "%s edit %d at '%s'", message_type_name(type),
             (int)e.op, e.path);
    expect_error(bad, edited_len, want, label);
    free(bad);
    free(data);
}

static message_t *expect_edit_ok(message_type_t type, edit_t e)
{
    size_t len, edited_len;
    uint8_t *data = encode_sample(type, &len);
    uint8_t *good = edited(data, len, &e, &edited_len);
    char label[200];
    snprintf(label, sizeof label, "%s edit %d at '%s'", message_type_name(type),
             (int)e.op, e.path);
    message_t *m = expect_ok(good, edited_len, label);
    free(good);
    free(data);
    return m;
}

static edit_t replace(const char *path, const void *raw, size_t raw_len)
{
    edit_t e = { EDIT_REPLACE, path, raw, raw_len };
    return e;
}

/* A msgpack str (or bin) of len bytes of `fill`, as str 32 / bin 32. */
static uint8_t *raw_sized(uint8_t marker, size_t len, char fill, size_t *raw_len)
{
    uint8_t *raw = malloc(len + 5);
    raw[0] = marker;
    raw[1] = (uint8_t)(len >> 24);
    raw[2] = (uint8_t)(len >> 16);
    raw[3] = (uint8_t)(len >> 8);
    raw[4] = (uint8_t)len;
    memset(raw + 5, fill, len);
    *raw_len = len + 5;
    return raw;
}

static void expect_long_rejected(message_type_t type, const char *path,
                                 uint8_t marker, size_t len, const char *want)
{
    size_t raw_len;
    uint8_t *raw = raw_sized(marker, len, 'x', &raw_len);
    expect_edit_error(type, replace(path, raw, raw_len), want);
    free(raw);
}

static void expect_long_accepted(message_type_t type, const char *path,
                                 uint8_t marker, size_t len)
{
    size_t raw_len;
    uint8_t *raw = raw_sized(marker, len, 'x', &raw_len);
    message_t *m = expect_edit_ok(type, replace(path, raw, raw_len));
    message_destroy(&m);
    free(raw);
}

/* ---- tests: names, lifecycle, round trips ---------------------------------- */

static void test_names(void)
{
    CHECK_STR(message_type_name(MSG_READY), "ready");
    CHECK_STR(message_type_name(MSG_DOC), "doc");
    CHECK_STR(message_type_name(MSG_RESULT), "result");
    CHECK_STR(message_type_name(MSG_FAILED), "failed");
    CHECK_STR(message_type_name(MSG_ACK), "ack");
    CHECK_STR(message_type_name(MSG_HELLO), "hello");
    CHECK(message_type_name((message_type_t)0) == NULL);
    CHECK(message_type_name((message_type_t)99) == NULL);
    CHECK_STR(ack_status_name(ACK_STORED), "stored");
    CHECK_STR(ack_status_name(ACK_UNCHANGED), "unchanged");
    CHECK_STR(ack_status_name(ACK_DEAD), "dead");
    CHECK_STR(ack_status_name(ACK_UPDATED), "updated");
    CHECK_STR(ack_status_name(ACK_SOURCE), "source");
    CHECK_STR(message_type_name(MSG_SOURCES), "sources");
    CHECK(ack_status_name((ack_status_t)0) == NULL);
    CHECK(ack_status_name((ack_status_t)(ACK_LAST + 1)) == NULL);
}

static void test_new_destroy(void)
{
    message_t *m = message_new(MSG_DOC);
    CHECK(m && m->type == MSG_DOC && m->source == NULL && m->record == NULL);
    message_destroy(&m);
    CHECK(m == NULL);
    message_destroy(&m);   /* a NULL pointer is fine */
    for (message_type_t t = MSG_READY; t <= MSG_SOURCES; t++) {
        m = sample(t);
        message_destroy(&m);
        CHECK(m == NULL);
    }
}

static message_t *roundtrip(const message_t *m)
{
    size_t len;
    uint8_t *data = encode(m, &len);
    message_t *back = expect_ok(data, len, message_type_name(m->type));
    free(data);
    return back;
}

static void test_roundtrip_simple(void)
{
    message_t *m = sample(MSG_READY);
    message_t *back = roundtrip(m);
    CHECK(back && back->type == MSG_READY && back->credit == 16 && back->received == 300);
    message_destroy(&back);
    message_destroy(&m);

    m = sample(MSG_DOC);
    back = roundtrip(m);
    CHECK(back && back->type == MSG_DOC && back->attempt == 2);
    CHECK(back && strcmp(back->id, m->id) == 0);
    CHECK(back && strcmp(back->source, m->source) == 0);
    CHECK(back && back->body_len == m->body_len
          && memcmp(back->body, m->body, m->body_len) == 0);
    message_destroy(&back);

    free(m->body);           /* an empty document is a document */
    m->body = NULL;
    m->body_len = 0;
    back = roundtrip(m);
    CHECK(back && back->body_len == 0 && back->body != NULL);
    message_destroy(&back);
    message_destroy(&m);

    m = sample(MSG_FAILED);
    back = roundtrip(m);
    CHECK(back && back->type == MSG_FAILED && back->attempt == 2);
    CHECK(back && strcmp(back->source, m->source) == 0);
    CHECK(back && strcmp(back->error, m->error) == 0);
    message_destroy(&back);
    message_destroy(&m);

    for (ack_status_t s = ACK_STORED; s <= ACK_LAST; s++) {
        m = sample(MSG_ACK);
        m->status = s;
        back = roundtrip(m);
        CHECK(back && back->type == MSG_ACK && back->status == s);
        CHECK(back && strcmp(back->id, sample_id) == 0);
        message_destroy(&back);
        message_destroy(&m);
    }
}

/* decode reads a FAILED whole, owning what it holds (its error outlives
 * the bytes). */
static void expect_failed_whole(message_t *(*decode)(const uint8_t *, size_t, char **))
{
    message_t *m = sample(MSG_FAILED);
    size_t len;
    uint8_t *data = encode(m, &len);
    message_t *back = decode(data, len, NULL);
    CHECK(back && back->type == MSG_FAILED && !back->body_borrowed && !back->record);
    free(data);
    CHECK(back && back->error && strcmp(back->error, m->error) == 0);
    message_destroy(&back);
    message_destroy(&m);
}

static int inside(const uint8_t *p, size_t n, const uint8_t *data, size_t len)
{
    uintptr_t a = (uintptr_t)p, start = (uintptr_t)data;
    return a >= start && a + n <= start + len;
}

/* message_decode_view: a DOC's body is the bytes inside the message,
 * not a copy, and the message is freed without them (under ASan, a free
 * of the borrowed pointer fails the test); everything else is as
 * message_decode reads it, refusals included. */
static void test_decode_view(void)
{
    message_t *m = sample(MSG_DOC);
    size_t len;
    uint8_t *data = encode(m, &len);
    message_t *view = message_decode_view(data, len, NULL);
    CHECK(view && view->type == MSG_DOC && view->body_borrowed);
    CHECK(view && inside(view->body, view->body_len, data, len));
    CHECK(view && view->body_len == m->body_len
          && memcmp(view->body, m->body, m->body_len) == 0);
    CHECK(view && strcmp(view->id, m->id) == 0 && strcmp(view->source, m->source) == 0
          && view->attempt == m->attempt);
    message_destroy(&view);
    message_t *copy = message_decode(data, len, NULL);
    CHECK(copy && !copy->body_borrowed && !inside(copy->body, 1, data, len));
    message_destroy(&copy);
    char *why = NULL;
    CHECK(message_decode_view(data, len - 1, &why) == NULL && why != NULL);
    free(why);
    free(data);
    message_destroy(&m);

    /* Other messages own what they hold, as from message_decode. */
    expect_failed_whole(message_decode_view);
}

/* message_decode_outline: a RESULT's header without its record; the
 * record must still be a map, and whatever else a message holds is read
 * and checked as message_decode does. */
static void test_decode_outline(void)
{
    message_t *m = sample(MSG_RESULT);
    size_t len, bad_len;
    uint8_t *data = encode(m, &len);
    message_t *o = message_decode_outline(data, len, NULL);
    CHECK(o && o->type == MSG_RESULT && o->record == NULL);
    CHECK(o && strcmp(o->id, m->id) == 0 && strcmp(o->source, m->source) == 0
          && o->attempt == m->attempt);
    message_destroy(&o);

    /* A record message_decode refuses (a title that is not UTF-8) is
     * the sink's to refuse; a record that is not a map is no RESULT. */
    static const uint8_t bad_title[] = { 0xa2, 0xff, 0xfe };
    uint8_t *bad = edited(data, len, &(edit_t){ EDIT_REPLACE, "record.title", bad_title,
                                                 sizeof bad_title }, &bad_len);
    char *why = NULL;
    CHECK(message_decode(bad, bad_len, &why) == NULL && why != NULL);
    free(why);
    o = message_decode_outline(bad, bad_len, NULL);
    CHECK(o && o->type == MSG_RESULT && o->record == NULL);
    message_destroy(&o);
    free(bad);
    static const uint8_t not_a_map[] = { 0x01 };
    bad = edited(data, len, &(edit_t){ EDIT_REPLACE, "record", not_a_map, sizeof not_a_map },
                 &bad_len);
    why = NULL;
    CHECK(message_decode_outline(bad, bad_len, &why) == NULL && why != NULL
          && strstr(why, "record") != NULL);
    free(why);
    free(bad);
    free(data);
    message_destroy(&m);

    /* Anything but a RESULT is read whole. */
    expect_failed_whole(message_decode_outline);
}

static void test_roundtrip_result(void)
{
    message_t *m = sample(MSG_RESULT);
    message_t *back = roundtrip(m);
    CHECK(back && back->type == MSG_RESULT && back->attempt == 2 && back->record);
    if (back && back->record) {
        buf_t want = BUF_INIT, got = BUF_INIT;
        record_to_json(m->record, &want);
        record_to_json(back->record, &got);
        CHECK_STR(buf_str(&got), buf_str(&want));
        const record_t *r = back->record;
        CHECK_STR(r->id, sample_id);
        CHECK_STR(r->source, m->source);
        CHECK(r->author == NULL);
        CHECK(r->simhash == 0xfedcba9876543210u);
        CHECK(r->entity_count == 3 && r->keyword_count == 2);
        CHECK(r->entities[0].has_value && r->entities[0].value == 1103500000000.0);
        CHECK(r->entities[1].value == 3.5);
        CHECK(!r->entities[2].has_value && r->entities[2].unit == NULL);
        buf_free(&want);
        buf_free(&got);
    }
    message_destroy(&back);

    /* Every optional field empty, and a record whose own id/source are
     * unset: the wire's top-level id/source fill them on arrival. */
    record_t *bare = record_new();
    bare->kind = xstrdup("text");
    bare->body = xstrdup("");
    record_destroy(&m->record);
    m->record = bare;
    back = roundtrip(m);
    CHECK(back && back->record && back->record->lang == NULL
          && back->record->title == NULL && back->record->entity_count == 0
          && back->record->keywords == NULL && back->record->simhash == 0);
    CHECK(back && back->record && strcmp(back->record->id, sample_id) == 0
          && strcmp(back->record->source, m->source) == 0);
    message_destroy(&back);
    message_destroy(&m);
}

/* The bytes of proto/README.md's example: the README and the code must
 * not drift apart. */
static void test_golden(void)
{
    static const char ack[] =
        "\x84"
        "\xa1" "v" "\x01"
        "\xa4" "type" "\xa3" "ack"
        "\xa2" "id" "\xd9\x40"
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        "\xa6" "status" "\xa6" "stored";
    message_t *m = message_new(MSG_ACK);
    hash_doc_id("hello", 5, m->id);
    m->status = ACK_STORED;
    size_t len;
    uint8_t *data = encode(m, &len);
    CHECK(len == sizeof ack - 1 && memcmp(data, ack, len) == 0);
    free(data);
    message_destroy(&m);

    static const char ready[] =
        "\x84" "\xa1" "v" "\x01" "\xa4" "type" "\xa5" "ready"
        "\xa6" "credit" "\x10" "\xa8" "received" "\xcd\x01\x2c";
    m = sample(MSG_READY);
    data = encode(m, &len);
    CHECK(len == sizeof ready - 1 && memcmp(data, ready, len) == 0);
    free(data);
    message_destroy(&m);
}

/* ---- tests: the encoder refuses what the decoder would refuse -------------- */

static void expect_encode_fails(message_t *m, const char *label)
{
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK_MSG(message_encode(m, &data, &len) == -1 && data == NULL, label);
    message_destroy(&m);
}

static void test_encode_rejects(void)
{
    message_t *m;
    uint8_t *data = NULL;
    size_t len;
    CHECK(message_encode(NULL, &data, &len) == -1);

    m = sample(MSG_READY); m->received = MESSAGE_MAX_RECEIVED + 1;
    expect_encode_fails(m, "received beyond 2^53 - 1");
    m = sample(MSG_READY); m->credit = MESSAGE_MAX_CREDIT + 1;
    expect_encode_fails(m, "credit too big");
    m = sample(MSG_READY); m->type = (message_type_t)0;
    expect_encode_fails(m, "type 0");
    m = sample(MSG_READY); m->type = (message_type_t)42;
    expect_encode_fails(m, "type 42");

    m = sample(MSG_DOC); m->id[0] = 'A'; expect_encode_fails(m, "uppercase id");
    m = sample(MSG_DOC); m->id[63] = '\0'; expect_encode_fails(m, "short id");
    m = sample(MSG_DOC); m->id[0] = '\0'; expect_encode_fails(m, "empty id");
    m = sample(MSG_DOC); free(m->source); m->source = NULL;
    expect_encode_fails(m, "no source");
    m = sample(MSG_DOC); m->source[0] = '\0'; expect_encode_fails(m, "empty source");
    m = sample(MSG_DOC); free(m->source);
    m->source = malloc(MESSAGE_MAX_SOURCE + 2);
    memset(m->source, 'a', MESSAGE_MAX_SOURCE + 1);
    m->source[MESSAGE_MAX_SOURCE + 1] = '\0';
    expect_encode_fails(m, "long source");
    m = sample(MSG_DOC); m->attempt = 0; expect_encode_fails(m, "attempt 0");
    m = sample(MSG_DOC); m->attempt = MESSAGE_MAX_ATTEMPT + 1;
    expect_encode_fails(m, "attempt too big");
    m = sample(MSG_DOC); free(m->body); m->body = NULL;
    expect_encode_fails(m, "body NULL with a length");
    m = sample(MSG_DOC); m->body_len = (size_t)MESSAGE_MAX_BODY + 1;
    expect_encode_fails(m, "body too long");

    m = sample(MSG_RESULT); record_destroy(&m->record);
    expect_encode_fails(m, "no record");
    m = sample(MSG_RESULT); free(m->record->kind); m->record->kind = NULL;
    expect_encode_fails(m, "no kind");
    m = sample(MSG_RESULT); free(m->record->body); m->record->body = NULL;
    expect_encode_fails(m, "no body");
    m = sample(MSG_RESULT); m->record->title[0] = '\xc0';
    expect_encode_fails(m, "title not UTF-8");
    m = sample(MSG_RESULT); m->record->id[5] ^= 1;
    expect_encode_fails(m, "record of another id");
    m = sample(MSG_RESULT); m->record->source[0] = 'x';
    expect_encode_fails(m, "record of another source");
    m = sample(MSG_RESULT); free(m->record->entities[1].type);
    m->record->entities[1].type = NULL;
    expect_encode_fails(m, "entity without type");
    m = sample(MSG_RESULT); free(m->record->entities[0].text);
    m->record->entities[0].text = NULL;
    expect_encode_fails(m, "entity without text");
    m = sample(MSG_RESULT); m->record->keywords[1][0] = '\xff';
    expect_encode_fails(m, "keyword not UTF-8");

    m = sample(MSG_FAILED); free(m->error); m->error = NULL;
    expect_encode_fails(m, "no error");
    m = sample(MSG_FAILED); m->error[0] = '\0'; expect_encode_fails(m, "empty error");

    m = sample(MSG_ACK); m->status = (ack_status_t)0; expect_encode_fails(m, "status 0");
    m = sample(MSG_ACK); m->status = (ack_status_t)(ACK_LAST + 1);
    expect_encode_fails(m, "status past the last");
    m = sample(MSG_ACK); m->id[10] = 'g'; expect_encode_fails(m, "id not hex");
}

/* ---- tests: decoder strictness --------------------------------------------- */

static void test_not_a_message(void)
{
    static const uint8_t array[] = { 0x93, 0x01, 0x02, 0x03 };
    static const uint8_t str[] = { 0xa3, 'a', 'c', 'k' };
    static const uint8_t nil[] = { 0xc0 };
    static const uint8_t int_key[] = { 0x81, 0x01, 0x01 };
    expect_error(array, sizeof array, "message is not a map", "array");
    expect_error(str, sizeof str, "message is not a map", "str");
    expect_error(nil, sizeof nil, "message is not a map", "nil");
    expect_error(int_key, sizeof int_key, "map keys must be strings", "int key");
    expect_error((const uint8_t *)"", 0, "empty message", "empty");
    expect_error(NULL, 0, "empty message", "NULL");

    static const uint8_t int_key_in_record[] = { 0x81, 0x01, 0x01 };
    expect_edit_error(MSG_RESULT, replace("record", int_key_in_record, 3),
                      "field 'record': map keys must be strings");
}

/* Every key of every message type, left out, repeated, or given a value
 * of a type no field accepts (true). */
static void test_every_field(void)
{
    static const uint8_t yes[] = { 0xc3 };
    static char paths[64][160];
    char want[200];
    for (message_type_t t = MSG_READY; t <= MSG_HELLO; t++) {
        size_t len;
        uint8_t *data = encode_sample(t, &len);
        size_t n = paths_of(data, len, 1, paths);
        for (size_t i = 0; i < n; i++) {
            snprintf(want, sizeof want, "field '%.159s' is missing", paths[i]);
            expect_edit_error(t, (edit_t){ EDIT_OMIT, paths[i], NULL, 0 }, want);
            snprintf(want, sizeof want, "field '%.159s' appears twice", paths[i]);
            expect_edit_error(t, (edit_t){ EDIT_REPEAT, paths[i], NULL, 0 }, want);
        }
        n = paths_of(data, len, 0, paths);
        for (size_t i = 0; i < n; i++) {
            snprintf(want, sizeof want, "field '%.159s': expected", paths[i]);
            expect_edit_error(t, replace(paths[i], yes, 1), want);
        }
        free(data);
    }
}

/* nil is a value only for the fields the format marks nullable. */
static void test_nil_fields(void)
{
    static const uint8_t nil[] = { 0xc0 };
    static const char *const nullable[] = {
        "record.lang", "record.title", "record.published", "record.author",
        "record.entities[0].value", "record.entities[0].unit",
        "record.entities[1].value", "record.entities[1].unit",
        "record.entities[2].value", "record.entities[2].unit",
    };
    static char paths[64][160];
    char want[200];
    for (message_type_t t = MSG_READY; t <= MSG_HELLO; t++) {
        size_t len;
        uint8_t *data = encode_sample(t, &len);
        size_t n = paths_of(data, len, 0, paths);
        for (size_t i = 0; i < n; i++) {
            int ok = 0;
            for (size_t k = 0; k < sizeof nullable / sizeof *nullable; k++)
                ok |= strcmp(paths[i], nullable[k]) == 0;
            if (ok) {
                message_t *m = expect_edit_ok(t, replace(paths[i], nil, 1));
                message_destroy(&m);
            } else {
                snprintf(want, sizeof want, "field '%.159s': expected", paths[i]);
                expect_edit_error(t, replace(paths[i], nil, 1), want);
            }
        }
        free(data);
    }
    message_t *m = expect_edit_ok(MSG_RESULT, replace("record.title", nil, 1));
    CHECK(m && m->record && m->record->title == NULL);
    message_destroy(&m);
}

static void test_version_and_type(void)
{
    static const uint8_t two[] = { 0x02 }, zero[] = { 0x00 }, minus[] = { 0xff };
    static const uint8_t big[] = { 0xcd, 0x01, 0x00 };
    expect_edit_error(MSG_ACK, replace("v", two, 1), "unsupported version 2");
    expect_edit_error(MSG_ACK, replace("v", zero, 1), "unsupported version 0");
    expect_edit_error(MSG_ACK, replace("v", big, 3), "unsupported version 256");
    expect_edit_error(MSG_ACK, replace("v", minus, 1),
                      "field 'v': expected unsigned integer");

    /* A newer peer's new type is reported as a version mismatch. */
    static const uint8_t future[] = {
        0x82, 0xa1, 'v', 0x02, 0xa4, 't', 'y', 'p', 'e',
        0xa8, 't', 'e', 'l', 'e', 'p', 'o', 'r', 't',
    };
    expect_error(future, sizeof future, "unsupported version 2", "v2 teleport");

    static const uint8_t bogus[] = { 0xa5, 'b', 'o', 'g', 'u', 's' };
    static const uint8_t upper[] = { 0xa5, 'R', 'E', 'A', 'D', 'Y' };
    expect_edit_error(MSG_READY, replace("type", bogus, sizeof bogus),
                      "field 'type': unknown value 'bogus'");
    expect_edit_error(MSG_READY, replace("type", upper, sizeof upper),
                      "field 'type': unknown value 'READY'");
    size_t raw_len;
    uint8_t *long_type = raw_sized(0xdb, 100, 'q', &raw_len);
    expect_edit_error(MSG_READY, replace("type", long_type, raw_len),
                      "field 'type': unknown value");
    free(long_type);

    static const uint8_t lost[] = { 0xa4, 'l', 'o', 's', 't' };
    expect_edit_error(MSG_ACK, replace("status", lost, sizeof lost),
                      "field 'status': unknown value 'lost'");

    /* The fields of another type are not enough. */
    static const uint8_t doc[] = { 0xa3, 'd', 'o', 'c' };
    expect_edit_error(MSG_ACK, replace("type", doc, sizeof doc),
                      "field 'source' is missing");
}

static void test_numbers(void)
{
    static const uint8_t c0[] = { 0x00 }, c1025[] = { 0xcd, 0x04, 0x01 };
    static const uint8_t c1024[] = { 0xcd, 0x04, 0x00 };
    static const uint8_t int8_5[] = { 0xd0, 0x05 };
    static const uint8_t u64_5[] = { 0xcf, 0, 0, 0, 0, 0, 0, 0, 0x05 };
    static const uint8_t a_big[] = { 0xce, 0x00, 0x0f, 0x42, 0x41 };   /* 1000001 */
    static const uint8_t a_max[] = { 0xce, 0x00, 0x0f, 0x42, 0x40 };
    static const uint8_t f64_one[] = { 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t str_one[] = { 0xa1, '1' };
    message_t *m;

    /* credit 0 is a busy worker's heartbeat. */
    m = expect_edit_ok(MSG_READY, replace("credit", c0, 1));
    CHECK(m && m->credit == 0);
    message_destroy(&m);
    expect_edit_error(MSG_READY, replace("credit", c1025, 3),
                      "field 'credit' out of range 0..1024");
    m = expect_edit_ok(MSG_READY, replace("credit", c1024, 3));
    CHECK(m && m->credit == 1024);
    message_destroy(&m);
    /* Any integer encoding of a non-negative value is an unsigned integer. */
    m = expect_edit_ok(MSG_READY, replace("credit", int8_5, 2));
    CHECK(m && m->credit == 5);
    message_destroy(&m);
    m = expect_edit_ok(MSG_READY, replace("credit", u64_5, 9));
    CHECK(m && m->credit == 5);
    message_destroy(&m);
    expect_edit_error(MSG_READY, replace("credit", f64_one, 9),
                      "field 'credit': expected unsigned integer");
    expect_edit_error(MSG_READY, replace("credit", str_one, 2),
                      "field 'credit': expected unsigned integer");

    expect_edit_error(MSG_DOC, replace("attempt", c0, 1),
                      "field 'attempt' out of range 1..1000000");
    expect_edit_error(MSG_FAILED, replace("attempt", a_big, 5),
                      "field 'attempt' out of range 1..1000000");
    m = expect_edit_ok(MSG_RESULT, replace("attempt", a_max, 5));
    CHECK(m && m->attempt == MESSAGE_MAX_ATTEMPT);
    message_destroy(&m);
}

static void test_entity_values(void)
{
    static const uint8_t five[] = { 0x05 }, minus_one[] = { 0xff };
    static const uint8_t u64_max[] = { 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t f32[] = { 0xca, 0x40, 0x60, 0x00, 0x00 };   /* 3.5f */
    const char *path = "record.entities[2].value";
    message_t *m = expect_edit_ok(MSG_RESULT, replace(path, five, 1));
    CHECK(m && m->record->entities[2].has_value && m->record->entities[2].value == 5.0);
    message_destroy(&m);
    m = expect_edit_ok(MSG_RESULT, replace(path, minus_one, 1));
    CHECK(m && m->record->entities[2].has_value && m->record->entities[2].value == -1.0);
    message_destroy(&m);
    m = expect_edit_ok(MSG_RESULT, replace(path, u64_max, 9));
    CHECK(m && m->record->entities[2].value == 18446744073709551615.0);
    message_destroy(&m);
    expect_edit_error(MSG_RESULT, replace(path, f32, 5),
                      "field 'record.entities[2].value': expected float64, integer or nil");
}

/* An entity's optional offset (added to version 1 later): absent is no
 * offset, and what old encoders send; a uint that keeps the text inside
 * the body is taken and re-encoded; anything else is refused, on both
 * sides. The sample's body is "첫 문단.\n\nSecond paragraph 😀." and its
 * entities[2] is "지난해" (9 bytes). */
static void test_entity_offsets(void)
{
    /* Absent: decoded without an offset, encoded without the key. */
    size_t len;
    uint8_t *data = encode_sample(MSG_RESULT, &len);
    CHECK(memmem(data, len, "\xa6offset", 7) == NULL);
    message_t *m = expect_ok(data, len, "no offsets");
    CHECK(m && !m->record->entities[2].has_offset);
    message_destroy(&m);
    free(data);

    /* Set on one entity: it travels, the others stay without. */
    m = sample(MSG_RESULT);
    size_t body_len = strlen(m->record->body);
    m->record->entities[2].offset = body_len - strlen("지난해");
    m->record->entities[2].has_offset = 1;
    message_t *back = roundtrip(m);
    CHECK(back && back->record->entities[2].has_offset
          && back->record->entities[2].offset == body_len - 9);
    CHECK(back && !back->record->entities[0].has_offset && !back->record->entities[1].has_offset);
    if (back) {
        buf_t want = BUF_INIT, got = BUF_INIT;
        record_to_json(m->record, &want);
        record_to_json(back->record, &got);
        CHECK_STR(buf_str(&got), buf_str(&want));
        CHECK(strstr(buf_str(&got), "\"text\":\"지난해\",\"offset\":26,\"value\":null"));
        CHECK(strstr(buf_str(&got), "\"text\":\"3.5%\",\"offset\":null,\"value\":3.5"));
        buf_free(&want);
        buf_free(&got);
    }
    message_destroy(&back);

    /* Repeated: refused like any key. */
    data = encode(m, &len);
    edit_t repeat = { EDIT_REPEAT, "record.entities[2].offset", NULL, 0 };
    size_t bad_len;
    uint8_t *bad = edited(data, len, &repeat, &bad_len);
    expect_error(bad, bad_len, "field 'record.entities[2].offset' appears twice", "repeat");
    free(bad);
    free(data);

    /* A span past the end of the body is not encoded. */
    m->record->entities[2].offset = body_len - 8;
    expect_encode_fails(m, "offset past the body");

    static const uint8_t zero[] = { 0xa6, 'o', 'f', 'f', 's', 'e', 't', 0x00 };
    static const uint8_t last[] = { 0xa6, 'o', 'f', 'f', 's', 'e', 't', 0x1a };  /* 26 */
    static const uint8_t past[] = { 0xa6, 'o', 'f', 'f', 's', 'e', 't', 0x1b };  /* 27 */
    static const uint8_t huge[] = { 0xa6, 'o', 'f', 'f', 's', 'e', 't',
                                    0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t minus[] = { 0xa6, 'o', 'f', 'f', 's', 'e', 't', 0xff };
    static const uint8_t nil[] = { 0xa6, 'o', 'f', 'f', 's', 'e', 't', 0xc0 };
    static const uint8_t str[] = { 0xa6, 'o', 'f', 'f', 's', 'e', 't', 0xa1, '1' };
    static const uint8_t f64[] = { 0xa6, 'o', 'f', 'f', 's', 'e', 't',
                                   0xcb, 0, 0, 0, 0, 0, 0, 0, 0 };
    const char *at = "record.entities[2]";
    m = expect_edit_ok(MSG_RESULT, (edit_t){ EDIT_ADD_RAW, at, zero, sizeof zero });
    CHECK(m && m->record->entities[2].has_offset && m->record->entities[2].offset == 0);
    message_destroy(&m);
    m = expect_edit_ok(MSG_RESULT, (edit_t){ EDIT_ADD_RAW, at, last, sizeof last });
    CHECK(m && m->record->entities[2].has_offset && m->record->entities[2].offset == 26);
    message_destroy(&m);
    expect_edit_error(MSG_RESULT, (edit_t){ EDIT_ADD_RAW, at, past, sizeof past },
                      "field 'record.entities[2].offset': text of 9 bytes at 27 ends past "
                      "the body's 35 bytes");
    expect_edit_error(MSG_RESULT, (edit_t){ EDIT_ADD_RAW, at, huge, sizeof huge },
                      "field 'record.entities[2].offset': text of 9 bytes at "
                      "18446744073709551615 ends past");
    const uint8_t *const wrong[] = { minus, nil, str, f64 };
    const size_t wrong_len[] = { sizeof minus, sizeof nil, sizeof str, sizeof f64 };
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++)
        expect_edit_error(MSG_RESULT, (edit_t){ EDIT_ADD_RAW, at, wrong[i], wrong_len[i] },
                          "field 'record.entities[2].offset': expected unsigned integer");
}

static void test_ids(void)
{
    static const char *const bad[] = {
        "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824",
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982",
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98240",
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982g",
        "",
    };
    uint8_t raw[80];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t n = strlen(bad[i]);
        raw[0] = 0xd9;
        raw[1] = (uint8_t)n;
        memcpy(raw + 2, bad[i], n);
        expect_edit_error(MSG_ACK, replace("id", raw, n + 2),
                          "field 'id': expected 64 lowercase hex digits");
        expect_edit_error(MSG_DOC, replace("id", raw, n + 2),
                          "field 'id': expected 64 lowercase hex digits");
    }
    /* A NUL inside the 64 bytes must not pass for a shorter string. */
    raw[0] = 0xd9;
    raw[1] = 64;
    memcpy(raw + 2, sample_id, 64);
    raw[2 + 63] = '\0';
    expect_edit_error(MSG_RESULT, replace("id", raw, 66),
                      "field 'id': expected 64 lowercase hex digits");
    raw[0] = 0xc4;   /* the right bytes as bin are still the wrong type */
    memcpy(raw + 2, sample_id, 64);
    expect_edit_error(MSG_FAILED, replace("id", raw, 66), "field 'id': expected string");

    static const char *const bad_simhash[] = {
        "FEDCBA9876543210", "fedcba987654321", "fedcba98765432100",
        "fedcba987654321g", "-edcba9876543210", "",
    };
    for (size_t i = 0; i < sizeof bad_simhash / sizeof *bad_simhash; i++) {
        size_t n = strlen(bad_simhash[i]);
        raw[0] = (uint8_t)(0xa0 | n);
        memcpy(raw + 1, bad_simhash[i], n);
        expect_edit_error(MSG_RESULT, replace("record.simhash", raw, n + 1),
                          "field 'record.simhash': expected 16 lowercase hex digits");
    }
    static const uint8_t zero[] = { 0xb0, '0', '0', '0', '0', '0', '0', '0', '0',
                                    '0', '0', '0', '0', '0', '0', '0', '1' };
    message_t *m = expect_edit_ok(MSG_RESULT, replace("record.simhash", zero, sizeof zero));
    CHECK(m && m->record->simhash == 1);
    message_destroy(&m);
}

static void test_text_rules(void)
{
    static const char *const invalid[] = {
        "\xff", "\x80", "abc\xc3", "\xc0\xaf", "\xc1\xbf",   /* stray, cut, overlong */
        "\xe0\x80\xaf", "\xf0\x80\x80\xaf",                  /* overlong */
        "\xed\xa0\x80", "\xed\xbf\xbf",                      /* surrogates */
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",              /* past U+10FFFF */
        "\xe2\x82", "\xe2\x28\xa1", "\xf0\x9f\x98",          /* truncated, bad tail */
    };
    static const char *const valid[] = {
        "plain", "é", "한국어", "😀", "\xf4\x8f\xbf\xbf", "\xef\xbf\xbf", "\xed\x9f\xbf",
    };
    static const char *const fields[] = {
        "record.title", "record.body", "record.entities[1].text",
        "record.keywords[1]", "record.kind",
    };
    uint8_t raw[40];
    char want[160];
    for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
        for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
            size_t n = strlen(invalid[i]);
            raw[0] = (uint8_t)(0xa0 | n);
            memcpy(raw + 1, invalid[i], n);
            snprintf(want, sizeof want, "field '%s': not valid UTF-8", fields[f]);
            expect_edit_error(MSG_RESULT, replace(fields[f], raw, n + 1), want);
        }
        for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
            size_t n = strlen(valid[i]);
            raw[0] = (uint8_t)(0xa0 | n);
            memcpy(raw + 1, valid[i], n);
            message_t *m = expect_edit_ok(MSG_RESULT, replace(fields[f], raw, n + 1));
            message_destroy(&m);
        }
        static const uint8_t nul[] = { 0xa3, 'a', 0x00, 'b' };
        snprintf(want, sizeof want, "field '%s': contains a NUL byte", fields[f]);
        expect_edit_error(MSG_RESULT, replace(fields[f], nul, sizeof nul), want);
    }
    static const uint8_t bad_source[] = { 0xa2, 'a', 0xff };
    expect_edit_error(MSG_DOC, replace("source", bad_source, 3),
                      "field 'source': not valid UTF-8");
    static const uint8_t nul_error[] = { 0xa1, 0x00 };
    expect_edit_error(MSG_FAILED, replace("error", nul_error, 2),
                      "field 'error': contains a NUL byte");
    /* The raw document is bytes, not text: any bytes, NUL included, pass. */
    static const uint8_t bin[] = { 0xc4, 0x03, 0x00, 0xff, 0xc0 };
    message_t *m = expect_edit_ok(MSG_DOC, replace("body", bin, sizeof bin));
    CHECK(m && m->body_len == 3 && m->body[1] == 0xff);
    message_destroy(&m);
    static const uint8_t str_body[] = { 0xa1, 'x' };
    expect_edit_error(MSG_DOC, replace("body", str_body, 2), "field 'body': expected binary");
}

static void test_lengths(void)
{
    static const uint8_t empty[] = { 0xa0 };
    expect_edit_error(MSG_DOC, replace("source", empty, 1), "field 'source' is empty");
    expect_edit_error(MSG_FAILED, replace("error", empty, 1), "field 'error' is empty");
    message_t *m = expect_edit_ok(MSG_RESULT, replace("record.kind", empty, 1));
    message_destroy(&m);

    expect_long_rejected(MSG_DOC, "source", 0xdb, MESSAGE_MAX_SOURCE + 1,
                         "field 'source' longer than 4096 bytes");
    expect_long_accepted(MSG_DOC, "source", 0xdb, MESSAGE_MAX_SOURCE);
    expect_long_rejected(MSG_RESULT, "record.title", 0xdb, MESSAGE_MAX_TEXT + 1,
                         "field 'record.title' longer than 1048576 bytes");
    expect_long_accepted(MSG_RESULT, "record.title", 0xdb, MESSAGE_MAX_TEXT);
    expect_long_rejected(MSG_RESULT, "record.author", 0xdb, MESSAGE_MAX_TEXT + 1,
                         "field 'record.author' longer than 1048576 bytes");
    expect_long_rejected(MSG_RESULT, "record.entities[0].unit", 0xdb,
                         MESSAGE_MAX_TEXT + 1,
                         "field 'record.entities[0].unit' longer than 1048576 bytes");
    expect_long_rejected(MSG_RESULT, "record.keywords[0]", 0xdb, MESSAGE_MAX_TEXT + 1,
                         "field 'record.keywords[0]' longer than 1048576 bytes");
    expect_long_rejected(MSG_FAILED, "error", 0xdb, MESSAGE_MAX_TEXT + 1,
                         "field 'error' longer than 1048576 bytes");
    expect_long_rejected(MSG_RESULT, "record.body", 0xdb, MESSAGE_MAX_BODY + 1,
                         "field 'record.body' longer than 67108864 bytes");
    expect_long_rejected(MSG_DOC, "body", 0xc6, MESSAGE_MAX_BODY + 1,
                         "field 'body' longer than 67108864 bytes");

    /* The largest document goes through the encoder and back. */
    m = sample(MSG_DOC);
    free(m->body);
    m->body_len = MESSAGE_MAX_BODY;
    m->body = calloc(1, m->body_len);
    message_t *back = roundtrip(m);
    CHECK(back && back->body_len == MESSAGE_MAX_BODY);
    message_destroy(&back);
    message_destroy(&m);

    /* MESSAGE_MAX_ITEMS + 1 nils: small on the wire, refused by count. */
    size_t n = MESSAGE_MAX_ITEMS + 1;
    uint8_t *many = malloc(n + 5);
    many[0] = 0xdd;
    many[1] = (uint8_t)(n >> 24);
    many[2] = (uint8_t)(n >> 16);
    many[3] = (uint8_t)(n >> 8);
    many[4] = (uint8_t)n;
    memset(many + 5, 0xc0, n);
    expect_edit_error(MSG_RESULT, replace("record.entities", many, n + 5),
                      "field 'record.entities' has more than 100000 items");
    expect_edit_error(MSG_RESULT, replace("record.keywords", many, n + 5),
                      "field 'record.keywords' has more than 100000 items");
    free(many);
}

static void test_unknown_keys(void)
{
    static const uint8_t value[] = { 0x92, 0x01, 0x81, 0xa1, 'a', 0xc0 };  /* [1,{a:nil}] */
    static const char *const maps[] = { "", "record", "record.entities[1]" };
    for (message_type_t t = MSG_READY; t <= MSG_HELLO; t++) {
        message_t *m = expect_edit_ok(t, (edit_t){ EDIT_ADD, "", value, sizeof value });
        CHECK(m && m->type == t);
        message_destroy(&m);
    }
    for (size_t i = 1; i < sizeof maps / sizeof *maps; i++) {
        message_t *m = expect_edit_ok(MSG_RESULT,
                                      (edit_t){ EDIT_ADD, maps[i], value, sizeof value });
        message_destroy(&m);
    }
}

static void test_trailing_and_truncated(void)
{
    for (message_type_t t = MSG_READY; t <= MSG_HELLO; t++) {
        size_t len;
        uint8_t *data = encode_sample(t, &len);
        uint8_t *longer = malloc(len + 3);
        memcpy(longer, data, len);
        memcpy(longer + len, "\x01\x02\x03", 3);
        expect_error(longer, len + 3, "trailing 3 bytes after message",
                     message_type_name(t));
        free(longer);

        /* Every prefix, down to none, fails cleanly. */
        int bad = 0;
        for (size_t cut = 0; cut < len; cut++) {
            char *error = NULL;
            /* A copy of exactly `cut` bytes, so ASan sees any over-read. */
            uint8_t *prefix = malloc(cut ? cut : 1);
            memcpy(prefix, data, cut);
            message_t *m = message_decode(prefix, cut, &error);
            if (m || !error || error[0] == '\0')
                bad++;
            message_destroy(&m);
            free(error);
            free(prefix);
        }
        CHECK_MSG(bad == 0, message_type_name(t));
        free(data);
    }
}

/* msgpack-c would allocate these counts before noticing the bytes are
 * missing; under ASan an attempt aborts the test. */
static void test_bounded_memory(void)
{
    static const uint8_t array32[] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0 };
    static const uint8_t map32[] = { 0xdf, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0 };
    static const uint8_t array16[] = { 0xdc, 0xff, 0xff, 0xc0, 0xc0 };
    static const uint8_t map16[] = { 0xde, 0x00, 0x04, 0xa1, 'a', 0xc0, 0xa1, 'b', 0xc0 };
    static const uint8_t str32[] = { 0xdb, 0xff, 0xff, 0xff, 0xff, 'a' };
    static const uint8_t bin32[] = { 0xc6, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t nested[] = {
        0x82, 0xa1, 'v', 0x01, 0xa1, 'x', 0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0,
    };
    static const uint8_t fits[] = { 0x93, 0xc0, 0xc0, 0xc0 };
    expect_error(array32, sizeof array32,
                 "array at byte 0 declares 4294967295 entries, more than the 5 bytes left",
                 "array32");
    expect_error(map32, sizeof map32, "map at byte 0 declares 4294967295 entries", "map32");
    expect_error(array16, sizeof array16, "array at byte 0 declares 65535 entries", "array16");
    expect_error(map16, sizeof map16, "map at byte 0 declares 4 entries, more than the 6 bytes left", "map16");
    expect_error(str32, sizeof str32, "message truncated", "str32");
    expect_error(bin32, sizeof bin32, "message truncated", "bin32");
    expect_error(nested, sizeof nested, "array at byte 6 declares 4294967295 entries",
                 "nested");
    expect_error(fits, sizeof fits, "message is not a map", "exact fit");
}

/* {v:1, type:"ready", credit:1, received:0, x:[[...[]...]]} with `arrays` arrays. */
static uint8_t *nested_ready(int arrays, size_t *len)
{
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 5);
    msgpack_pack_str_with_body(&pk, "v", 1);
    msgpack_pack_uint8(&pk, 1);
    msgpack_pack_str_with_body(&pk, "type", 4);
    msgpack_pack_str_with_body(&pk, "ready", 5);
    msgpack_pack_str_with_body(&pk, "credit", 6);
    msgpack_pack_uint8(&pk, 1);
    msgpack_pack_str_with_body(&pk, "received", 8);
    msgpack_pack_uint8(&pk, 0);
    msgpack_pack_str_with_body(&pk, "x", 1);
    for (int i = 0; i < arrays; i++)
        msgpack_pack_array(&pk, i + 1 < arrays ? 1 : 0);
    *len = sbuf.size;
    return (uint8_t *)msgpack_sbuffer_release(&sbuf);
}

static void test_depth_and_ext(void)
{
    size_t len;
    uint8_t *data = nested_ready(7, &len);    /* 8 levels with the message */
    message_t *m = expect_ok(data, len, "8 levels");
    message_destroy(&m);
    free(data);
    data = nested_ready(8, &len);
    expect_error(data, len, "nesting deeper than 8 levels", "9 levels");
    free(data);
    data = nested_ready(100000, &len);
    expect_error(data, len, "nesting deeper than 8 levels", "100000 levels");
    free(data);

    static const uint8_t fixext[] = { 0xd4, 0x01, 0x00 };
    static const uint8_t ext8[] = { 0xc7, 0x01, 0x05, 0x00 };
    static const uint8_t reserved[] = { 0xc1 };
    /* The added value starts at byte 42: the 35-byte READY, then "future". */
    expect_edit_error(MSG_READY, (edit_t){ EDIT_ADD, "", fixext, sizeof fixext },
                      "ext type at byte 42 not allowed");
    expect_edit_error(MSG_READY, (edit_t){ EDIT_ADD, "", ext8, sizeof ext8 },
                      "ext type at byte 42 not allowed");
    expect_edit_error(MSG_READY, (edit_t){ EDIT_ADD, "", reserved, 1 },
                      "invalid msgpack byte 0xc1 at byte 42");
    expect_error(reserved, 1, "invalid msgpack byte 0xc1 at byte 0", "0xc1");
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random bytes and randomly damaged messages: never a crash, always a
 * reason, and whatever is accepted could have been sent by us. */
static void test_random(void)
{
    size_t len;
    uint8_t *valid = encode_sample(MSG_RESULT, &len);
    uint8_t buf[1024];
    int bad = 0, decoded = 0;
    for (int round = 0; round < 8000; round++) {
        size_t n;
        if (round % 2 == 0) {
            n = rng() % 64;
            for (size_t i = 0; i < n; i++)
                buf[i] = (uint8_t)rng();
            if (n && round % 4 == 0)
                buf[0] = (uint8_t)(0x80 | (buf[0] & 0x0f));   /* a fixmap */
        } else {
            n = len;
            memcpy(buf, valid, n);
            for (uint64_t k = 1 + rng() % 3; k > 0; k--)
                buf[rng() % n] = (uint8_t)rng();
        }
        uint8_t *copy = malloc(n ? n : 1);   /* exact size for ASan */
        memcpy(copy, buf, n);
        char *error = NULL;
        message_t *m = message_decode(copy, n, &error);
        if (m) {
            uint8_t *again = NULL;
            size_t again_len;
            decoded++;
            if (error || message_encode(m, &again, &again_len) != 0)
                bad++;
            free(again);
        } else if (!error || error[0] == '\0') {
            bad++;
        }
        message_destroy(&m);
        free(error);
        free(copy);
    }
    CHECK(bad == 0);
    CHECK(decoded > 0);   /* some damage lands in text and stays valid */
    free(valid);
}

/* The error convention (docs/style.md): a reason, malloc'd, only on
 * failure; NULL after a success; a caller that passes NULL is fine. */
static void test_error_reason(void)
{
    static const uint8_t nil[] = { 0xc0 };
    char *error = (char *)"stale";   /* overwritten, never freed */
    CHECK(message_decode(nil, 1, &error) == NULL);
    CHECK_MSG(error && strncmp(error, "message", 7) == 0, error);
    free(error);
    CHECK(message_decode(nil, 1, NULL) == NULL);

    message_t *ready = sample(MSG_READY);
    size_t len;
    uint8_t *data = encode(ready, &len);
    error = (char *)"stale";
    message_t *back = data ? message_decode(data, len, &error) : NULL;
    CHECK(back != NULL && error == NULL);
    message_destroy(&back);
    free(data);
    message_destroy(&ready);
}

/* A decoded record's arrays are allocated to size; appending to them
 * must still grow them (ASan catches a write past the end). */
static void test_record_append_after_decode(void)
{
    message_t *m = sample(MSG_RESULT);
    message_t *back = roundtrip(m);
    CHECK(back && back->record->entity_count > 0 && back->record->keyword_count > 0);
    if (back) {
        size_t entities = back->record->entity_count, keywords = back->record->keyword_count;
        for (int i = 0; i < 1000; i++) {
            record_add_entity(back->record, "money", "3억 달러", 3e8, 1, "USD");
            record_add_keyword(back->record, "싱가포르");
        }
        CHECK(back->record->entity_count == entities + 1000);
        CHECK(back->record->keyword_count == keywords + 1000);
        CHECK_STR(back->record->entities[entities + 999].unit, "USD");
    }
    message_destroy(&back);
    message_destroy(&m);
}

/* DOC's optional hints: round trip, only the keys set, strict types. */
static void test_doc_hints(void)
{
    message_t *m = sample(MSG_DOC);
    m->hints.title = xstrdup("싱가포르 협력");
    m->hints.lang = xstrdup("ko");
    message_t *back = roundtrip(m);
    CHECK(back && back->hints.title && strcmp(back->hints.title, "싱가포르 협력") == 0);
    CHECK(back && back->hints.lang && strcmp(back->hints.lang, "ko") == 0);
    CHECK(back && !back->hints.published && !back->hints.author);
    message_destroy(&back);
    message_destroy(&m);

    m = sample(MSG_DOC);   /* none: no "hints" key at all, as before */
    size_t len;
    uint8_t *data = encode(m, &len);
    CHECK(data && !memmem(data, len, "hints", 5));
    free(data);
    back = roundtrip(m);
    CHECK(back && !doc_hints_any(&back->hints));
    message_destroy(&back);
    message_destroy(&m);

    m = sample(MSG_DOC);
    m->hints.author = xstrdup("bad \xff");
    expect_encode_fails(m, "hint not UTF-8");

    /* Decoding: a "hints" key added to a sample DOC by hand. */
    static const uint8_t not_map[] = { 0xa5, 'h', 'i', 'n', 't', 's', 0x01 };
    static const uint8_t number_title[] = { 0xa5, 'h', 'i', 'n', 't', 's',
                                            0x81, 0xa5, 't', 'i', 't', 'l', 'e', 0x05 };
    static const uint8_t twice[] = { 0xa5, 'h', 'i', 'n', 't', 's', 0x82,
                                     0xa4, 'l', 'a', 'n', 'g', 0xa2, 'k', 'o',
                                     0xa4, 'l', 'a', 'n', 'g', 0xa2, 'e', 'n' };
    static const uint8_t unknown[] = { 0xa5, 'h', 'i', 'n', 't', 's', 0x81,
                                       0xa3, 'f', 'o', 'o', 0x05 };
    expect_edit_error(MSG_DOC, (edit_t){ EDIT_ADD_RAW, "", not_map, sizeof not_map },
                      "field 'hints': expected map");
    expect_edit_error(MSG_DOC, (edit_t){ EDIT_ADD_RAW, "", number_title, sizeof number_title },
                      "field 'hints.title': expected string");
    expect_edit_error(MSG_DOC, (edit_t){ EDIT_ADD_RAW, "", twice, sizeof twice },
                      "field 'hints.lang' appears twice");
    message_t *ok = expect_edit_ok(MSG_DOC, (edit_t){ EDIT_ADD_RAW, "", unknown, sizeof unknown });
    CHECK(ok && !doc_hints_any(&ok->hints));
    message_destroy(&ok);
}

/* The submission socket's messages: round trips, the optional keys of
 * SUBMIT, a str body being its UTF-8 bytes, REJECTED's nil ref. */
static void test_submission(void)
{
    for (message_type_t t = MSG_SUBMIT; t <= MSG_REJECTED; t++) {
        message_t *m = sample(t);
        message_t *back = roundtrip(m);
        CHECK(back && back->type == t && back->ref == 7);
        if (back && t != MSG_SUBMIT && t != MSG_REJECTED)
            CHECK_STR(back->id, sample_id);
        message_destroy(&back);
        message_destroy(&m);
    }
    CHECK_STR(message_type_name(MSG_SUBMIT), "submit");
    CHECK_STR(message_type_name(MSG_REJECTED), "rejected");

    message_t *m = sample(MSG_SUBMIT);
    m->source = xstrdup("https://example.com/a");
    m->hints.title = xstrdup("제목");
    m->want_commit = 1;
    m->ref = MESSAGE_MAX_REF;
    message_t *back = roundtrip(m);
    CHECK(back && back->want_commit == 1 && back->ref == MESSAGE_MAX_REF);
    CHECK(back && back->source && strcmp(back->source, "https://example.com/a") == 0);
    CHECK(back && back->hints.title && strcmp(back->hints.title, "제목") == 0);
    CHECK(back && back->body_len == 5 && memcmp(back->body, "<p>x\xff", 5) == 0);
    message_destroy(&back);
    m->ref = MESSAGE_MAX_REF + 1;
    expect_encode_fails(m, "ref past 2^53-1");

    /* Optional keys absent: no source, no hints, commit false. */
    static const uint8_t str_body[] = { 0xa3, 'a', 'b', 'c' };
    message_t *ok = expect_edit_ok(MSG_SUBMIT, (edit_t){ EDIT_OMIT, "commit", NULL, 0 });
    CHECK(ok && ok->want_commit == 0 && ok->source == NULL && !doc_hints_any(&ok->hints));
    message_destroy(&ok);
    ok = expect_edit_ok(MSG_SUBMIT, replace("body", str_body, sizeof str_body));
    CHECK(ok && ok->body_len == 3 && memcmp(ok->body, "abc", 3) == 0);
    message_destroy(&ok);
    static const uint8_t bad_str[] = { 0xa2, 'a', 0xff }, number[] = { 0x05 };
    expect_edit_error(MSG_SUBMIT, replace("body", bad_str, sizeof bad_str), "field 'body': ");
    expect_edit_error(MSG_SUBMIT, replace("body", number, 1),
                      "field 'body': expected binary or string");
    expect_edit_error(MSG_SUBMIT, replace("commit", number, 1),
                      "field 'commit': expected true or false");
    expect_edit_error(MSG_SUBMIT, (edit_t){ EDIT_OMIT, "ref", NULL, 0 }, "field 'ref' is missing");
    expect_edit_error(MSG_SUBMIT, (edit_t){ EDIT_OMIT, "body", NULL, 0 }, "field 'body' is missing");
    static const uint8_t empty_source[] = { 0xa6, 's', 'o', 'u', 'r', 'c', 'e', 0xa0 };
    expect_edit_error(MSG_SUBMIT, (edit_t){ EDIT_ADD_RAW, "", empty_source, sizeof empty_source },
                      "field 'source' is empty");

    /* REJECTED of a SUBMIT that could not be read: ref is nil. */
    static const uint8_t nil[] = { 0xc0 };
    ok = expect_edit_ok(MSG_REJECTED, replace("ref", nil, 1));
    CHECK(ok && ok->has_ref == 0 && ok->error);
    message_destroy(&ok);
    m = sample(MSG_REJECTED);
    m->has_ref = 0;
    back = roundtrip(m);
    CHECK(back && back->has_ref == 0);
    message_destroy(&back);
    message_destroy(&m);
    expect_edit_error(MSG_COMMITTED, (edit_t){ EDIT_OMIT, "status", NULL, 0 },
                      "field 'status' is missing");
    expect_edit_error(MSG_ACCEPTED, (edit_t){ EDIT_OMIT, "id", NULL, 0 }, "field 'id' is missing");
}

/* RESULT's and FAILED's optional extraction time. */
static void test_extract_seconds(void)
{
    for (message_type_t t = MSG_RESULT; t <= MSG_FAILED; t++) {
        message_t *m = sample(t);
        m->has_extract_seconds = 1;
        m->extract_seconds = 0.0125;
        message_t *back = roundtrip(m);
        CHECK(back && back->has_extract_seconds && back->extract_seconds == 0.0125);
        message_destroy(&back);
        m->extract_seconds = -1;
        expect_encode_fails(m, "negative extraction time");
        m = sample(t);   /* absent: the key is not written, and reads as absent */
        back = roundtrip(m);
        CHECK(back && !back->has_extract_seconds);
        message_destroy(&back);
        message_destroy(&m);
    }
    static const uint8_t as_int[] = { 0xaf, 'e', 'x', 't', 'r', 'a', 'c', 't', '_', 's', 'e', 'c',
                                      'o', 'n', 'd', 's', 0x05 };
    static const uint8_t negative[] = { 0xaf, 'e', 'x', 't', 'r', 'a', 'c', 't', '_', 's', 'e',
                                        'c', 'o', 'n', 'd', 's', 0xcb, 0xbf, 0xf0, 0, 0, 0, 0, 0, 0 };
    expect_edit_error(MSG_RESULT, (edit_t){ EDIT_ADD_RAW, "", as_int, sizeof as_int },
                      "field 'extract_seconds': expected float64");
    expect_edit_error(MSG_FAILED, (edit_t){ EDIT_ADD_RAW, "", negative, sizeof negative },
                      "field 'extract_seconds' out of range");
}

/* SOURCES and the ACK that answers it: every source arrives byte for
 * byte, the bounds hold both ways, and an ACK without "sources" is the
 * answer to something else. */
static void test_sources(void)
{
    message_t *m = sample(MSG_SOURCES);
    message_t *back = roundtrip(m);
    CHECK(back && back->type == MSG_SOURCES && back->source_count == 2);
    CHECK(back && strcmp(back->id, sample_id) == 0);
    CHECK(back && back->source_count == 2 && strcmp(back->sources[0], m->sources[0]) == 0
          && strcmp(back->sources[1], m->sources[1]) == 0);
    message_destroy(&back);
    message_destroy(&m);
    m = message_new(MSG_SOURCES);
    memcpy(m->id, sample_id, sizeof m->id);
    expect_encode_fails(m, "SOURCES without a source");
    m = sample(MSG_SOURCES);
    free(m->sources[1]);
    m->sources[1] = xstrdup("");
    expect_encode_fails(m, "an empty source");
    m = sample(MSG_SOURCES);
    m->sources = xrealloc(m->sources, (MESSAGE_MAX_SOURCES + 1) * sizeof *m->sources);
    for (size_t i = 2; i <= MESSAGE_MAX_SOURCES; i++)
        m->sources[i] = xstrdup("s");
    m->source_count = MESSAGE_MAX_SOURCES + 1;
    expect_encode_fails(m, "too many sources");

    static const uint8_t empty[] = { 0x90 };
    static const uint8_t not_array[] = { 0xa1, 'x' };
    static const uint8_t with_nul[] = { 0x91, 0xc4, 0x02, 'a', 0x00 };
    static const uint8_t with_int[] = { 0x91, 0x05 };
    expect_edit_error(MSG_SOURCES, replace("sources", empty, sizeof empty),
                      "field 'sources' must hold 1..1024 items");
    expect_edit_error(MSG_SOURCES, replace("sources", not_array, sizeof not_array),
                      "field 'sources': expected array");
    expect_edit_error(MSG_SOURCES, replace("sources", with_nul, sizeof with_nul),
                      "field 'sources': contains a NUL byte");
    expect_edit_error(MSG_SOURCES, replace("sources", with_int, sizeof with_int),
                      "field 'sources': expected string or binary");

    m = sample(MSG_ACK);
    m->status = ACK_SOURCE;
    m->has_new_sources = 1;
    m->new_sources = 3;
    back = roundtrip(m);
    CHECK(back && back->status == ACK_SOURCE && back->has_new_sources && back->new_sources == 3);
    message_destroy(&back);
    m->new_sources = MESSAGE_MAX_SOURCES + 1;
    expect_encode_fails(m, "more new sources than a SOURCES holds");
    m = sample(MSG_ACK);
    back = roundtrip(m);
    CHECK(back && !back->has_new_sources);
    message_destroy(&back);
    message_destroy(&m);
    static const uint8_t big[] = { 0xa7, 's', 'o', 'u', 'r', 'c', 'e', 's', 0xcd, 0x04, 0x01 };
    expect_edit_error(MSG_ACK, (edit_t){ EDIT_ADD_RAW, "", big, sizeof big },
                      "field 'sources' out of range 0..1024");
}

/* HELLO: the sink's session, round trip and strictness. */
static void test_hello(void)
{
    message_t *m = sample(MSG_HELLO);
    message_t *back = roundtrip(m);
    CHECK(back && back->type == MSG_HELLO && strcmp(back->session, m->session) == 0);
    message_destroy(&back);
    m->session[3] = 'G';
    expect_encode_fails(m, "session not lowercase hex");
    m = sample(MSG_HELLO);
    m->session[5] = '\0';
    expect_encode_fails(m, "short session");
    static const uint8_t short_session[] = { 0xa3, 'a', 'b', 'c' };
    expect_edit_error(MSG_HELLO, replace("session", short_session, sizeof short_session),
                      "field 'session': expected 32 lowercase hex digits");
}

/* A file name that is not UTF-8 (CP949 "뉴스.txt") is a valid source:
 * it travels as bin and arrives byte for byte. */
static void test_source_bytes(void)
{
    static const char cp949[] = "in/\xb4\xba\xbd\xba.txt";
    message_type_t types[] = { MSG_DOC, MSG_RESULT, MSG_FAILED };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        message_t *m = sample(types[i]);
        free(m->source);
        m->source = xstrdup(cp949);
        if (m->record) {
            free(m->record->source);
            m->record->source = xstrdup(cp949);
        }
        size_t len;
        uint8_t *data = encode(m, &len);
        CHECK_MSG(data != NULL, message_type_name(types[i]));
        /* bin 8 (0xc4) of 11 bytes right after the key "source" */
        static const uint8_t as_bin[] = { 0xa6, 's', 'o', 'u', 'r', 'c', 'e', 0xc4, 11 };
        CHECK(data && memmem(data, len, as_bin, sizeof as_bin) != NULL);
        char *error = NULL;
        message_t *back = data ? message_decode(data, len, &error) : NULL;
        CHECK_MSG(back != NULL, error);
        free(error);
        CHECK(back && strcmp(back->source, cp949) == 0);
        CHECK(!back || !back->record || strcmp(back->record->source, cp949) == 0);
        message_destroy(&back);
        free(data);
        message_destroy(&m);
    }
    /* A UTF-8 source stays a str, so existing peers see no change. */
    message_t *m = sample(MSG_DOC);
    size_t len;
    uint8_t *data = encode(m, &len);
    static const uint8_t as_str[] = { 0xa6, 's', 'o', 'u', 'r', 'c', 'e', 0xd9 };
    CHECK(data && memmem(data, len, as_str, sizeof as_str) != NULL);
    free(data);
    message_destroy(&m);

    /* bin sources obey the same bounds, and no NUL. */
    static const uint8_t nul_bin[] = { 0xc4, 3, 'a', 0, 'b' };
    expect_edit_error(MSG_DOC, replace("source", nul_bin, sizeof nul_bin),
                      "field 'source': contains a NUL byte");
    static const uint8_t empty_bin[] = { 0xc4, 0 };
    expect_edit_error(MSG_DOC, replace("source", empty_bin, sizeof empty_bin),
                      "field 'source' is empty");
    static const uint8_t number[] = { 0x05 };
    expect_edit_error(MSG_DOC, replace("source", number, sizeof number),
                      "field 'source': expected string or binary");
}

/* wire_send_to must never leave a routing frame behind: a message that
 * cannot be encoded sends nothing, and the next message to the same
 * peer arrives intact (the stall of a whole run, issue 6). */
static void test_send_to_encode_failure(void)
{
    void *ctx = zmq_ctx_new();
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    void *dealer = zmq_socket(ctx, ZMQ_DEALER);
    CHECK(zmq_bind(router, "inproc://send-to") == 0);
    CHECK(zmq_connect(dealer, "inproc://send-to") == 0);
    message_t *ready = sample(MSG_READY);
    CHECK(wire_send(dealer, ready, 0) == 0);
    wire_peer_t peer;
    message_t *got = NULL;
    char *error = NULL;
    CHECK(wire_recv_from(router, 0, &peer, &got, &error) == WIRE_OK);
    CHECK(error == NULL);
    message_destroy(&got);

    message_t *bad = sample(MSG_DOC);
    bad->id[0] = 'X';                       /* not a document id */
    errno = 0;
    CHECK(wire_send_to(router, &peer, bad, ZMQ_DONTWAIT) == -1 && errno == EINVAL);
    message_t *good = sample(MSG_DOC);
    CHECK(wire_send_to(router, &peer, good, ZMQ_DONTWAIT) == 0);
    wire_status_t status = wire_recv(dealer, 0, &got, &error);
    CHECK_MSG(status == WIRE_OK, error);
    free(error);
    CHECK(got && got->type == MSG_DOC && strcmp(got->source, good->source) == 0);
    message_destroy(&got);
    CHECK(wire_recv(dealer, ZMQ_DONTWAIT, &got, &error) == WIRE_AGAIN && error == NULL);

    message_destroy(&bad);
    message_destroy(&good);
    message_destroy(&ready);
    int linger = 0;
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(router);
    zmq_close(dealer);
    zmq_ctx_term(ctx);
}

static int setup(void)
{
    hash_doc_id("hello", 5, sample_id);
    return 0;
}

TESTING_MAIN_WITH(setup, NULL,
    TEST(test_source_bytes),
    TEST(test_send_to_encode_failure),
    TEST(test_hello),
    TEST(test_sources),
    TEST(test_submission),
    TEST(test_extract_seconds),
    TEST(test_doc_hints),
    TEST(test_record_append_after_decode),
    TEST(test_names),
    TEST(test_new_destroy),
    TEST(test_roundtrip_simple),
    TEST(test_decode_view),
    TEST(test_decode_outline),
    TEST(test_roundtrip_result),
    TEST(test_golden),
    TEST(test_encode_rejects),
    TEST(test_not_a_message),
    TEST(test_every_field),
    TEST(test_nil_fields),
    TEST(test_version_and_type),
    TEST(test_numbers),
    TEST(test_entity_values),
    TEST(test_entity_offsets),
    TEST(test_ids),
    TEST(test_text_rules),
    TEST(test_lengths),
    TEST(test_unknown_keys),
    TEST(test_trailing_and_truncated),
    TEST(test_bounded_memory),
    TEST(test_depth_and_ext),
    TEST(test_random),
    TEST(test_error_reason))
