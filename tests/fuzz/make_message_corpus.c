/* make_message_corpus: writes the seed corpus of fuzz_message.
 *
 *   make_message_corpus DIR
 *
 * One file per message type and variant (every ACK status, nil and set
 * optional fields, entities with and without a value, empty and binary
 * DOC bodies), encoded by message_encode so the seeds follow the format
 * exactly. A few more are packed by hand in forms our encoder never
 * writes but the decoder accepts (integers in wider formats, unknown
 * keys, another key order), so the fuzzer starts from both. The output
 * is deterministic: rerun it after a format change and commit the diff. */
#include "proto/message.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *out_dir;
static int written;

static void write_file(const char *name, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    written++;
}

/* Encodes m into DIR/name and frees it. */
static void emit(const char *name, message_t *m)
{
    uint8_t *data;
    size_t len;
    if (message_encode(m, &data, &len) != 0) {
        fprintf(stderr, "make_message_corpus: %s does not encode\n", name);
        exit(1);
    }
    write_file(name, data, len);
    free(data);
    message_destroy(&m);
}

static message_t *with_header(message_type_t type, const char *doc, const char *source)
{
    message_t *m = message_new(type);
    hash_doc_id(doc, strlen(doc), m->id);
    m->source = xstrdup(source);
    m->attempt = 1;
    return m;
}

static void emit_ready(void)
{
    message_t *m = message_new(MSG_READY);
    m->credit = 2;
    emit("ready.msgpack", m);
    m = message_new(MSG_READY);
    m->credit = MESSAGE_MAX_CREDIT;
    m->received = MESSAGE_MAX_RECEIVED;
    emit("ready-max.msgpack", m);
}

static void emit_doc(const char *name, const char *source, const void *body, size_t len)
{
    message_t *m = with_header(MSG_DOC, "", source);
    hash_doc_id(body, len, m->id);
    m->body_len = len;
    m->body = xmalloc(len ? len : 1);
    memcpy(m->body, body, len);
    emit(name, m);
}

static void emit_docs(void)
{
    static const char page[] =
        "<html><head><meta charset=\"utf-8\"><title>싱가포르</title></head>"
        "<body><p>1조1천35억 엔</p></body></html>";
    emit_doc("doc-empty.msgpack", "in/empty.txt", "", 0);
    emit_doc("doc-html.msgpack", "https://example.com/news/1", page, sizeof page - 1);
    emit_doc("doc-binary.msgpack", "in/blob.bin", "a\0\xff\xfe\x80z", 6);
}

static record_t *full_record(const message_t *m)
{
    record_t *r = record_new();
    memcpy(r->id, m->id, sizeof r->id);
    r->source = xstrdup(m->source);
    r->kind = xstrdup("html");
    r->lang = xstrdup("ko");
    r->title = xstrdup("싱가포르와 협력");
    r->published = xstrdup("2024-03-01T09:30:00+09:00");
    r->author = xstrdup("김기자");
    r->body = xstrdup("첫 문단.\n\n두 번째 문단, 3억 달러.");
    record_add_entity(r, "money", "1조1천35억 엔", 1103500000000.0, 1, "JPY");
    record_add_entity(r, "percent", "-2.5%", -2.5, 1, "%");
    record_add_entity(r, "date", "3월 1일", 0, 0, NULL);
    record_add_keyword(r, "싱가포르");
    record_add_keyword(r, "협력");
    r->simhash = 0x0123456789abcdefULL;
    return r;
}

static void emit_results(void)
{
    message_t *m = with_header(MSG_RESULT, "full", "https://example.com/news/1");
    m->attempt = 3;
    m->record = full_record(m);
    emit("result-full.msgpack", m);

    m = with_header(MSG_RESULT, "minimal", "in/a.txt");
    m->record = record_new();
    memcpy(m->record->id, m->id, sizeof m->id);
    m->record->source = xstrdup(m->source);
    m->record->kind = xstrdup("text");
    m->record->body = xstrdup("");
    emit("result-minimal.msgpack", m);
}

static void emit_failed_and_acks(void)
{
    message_t *m = with_header(MSG_FAILED, "failed", "in/empty.txt");
    m->error = xstrdup("empty document");
    emit("failed.msgpack", m);

    static const char *const names[] = { "ack-stored.msgpack",
        "ack-unchanged.msgpack", "ack-dead.msgpack", "ack-updated.msgpack",
        "ack-source.msgpack" };
    for (int status = ACK_STORED; status <= ACK_LAST; status++) {
        m = message_new(MSG_ACK);
        hash_doc_id("hello", 5, m->id);
        m->status = (ack_status_t)status;
        emit(names[status - ACK_STORED], m);
    }
    m = message_new(MSG_ACK);
    hash_doc_id("hello", 5, m->id);
    m->status = ACK_SOURCE;
    m->has_new_sources = 1;
    m->new_sources = 2;
    emit("ack-sources.msgpack", m);

    m = message_new(MSG_SOURCES);
    hash_doc_id("hello", 5, m->id);
    m->source_count = 3;
    m->sources = xcalloc(3, sizeof *m->sources);
    m->sources[0] = xstrdup("https://two.example/story");
    m->sources[1] = xstrdup("in/\xb4\xba\xbd\xba.txt");   /* not UTF-8: bin */
    m->sources[2] = xstrdup("feed.jsonl:7");
    emit("sources.msgpack", m);
}

/* ---- hand-packed forms the decoder accepts ------------------------------ */

static void pack_str(msgpack_packer *pk, const char *s)
{
    msgpack_pack_str(pk, strlen(s));
    msgpack_pack_str_body(pk, s, strlen(s));
}

static void pack_id(msgpack_packer *pk, const char *doc)
{
    char id[DOC_ID_LEN + 1];
    hash_doc_id(doc, strlen(doc), id);
    pack_str(pk, id);
}

static void write_sbuffer(const char *name, msgpack_sbuffer *sbuf)
{
    write_file(name, sbuf->data, sbuf->size);
    msgpack_sbuffer_destroy(sbuf);
}

/* FAILED with the keys reversed, attempt as uint 64, and an unknown key
 * holding a nested array and map. */
static void emit_failed_odd(void)
{
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 7);
    pack_str(&pk, "later");
    msgpack_pack_array(&pk, 2);
    msgpack_pack_true(&pk);
    msgpack_pack_map(&pk, 1);
    pack_str(&pk, "x");
    msgpack_pack_float(&pk, 1.5f);
    pack_str(&pk, "error");
    pack_str(&pk, "larger than --max-size");
    pack_str(&pk, "attempt");
    msgpack_pack_fix_uint64(&pk, 2);
    pack_str(&pk, "source");
    pack_str(&pk, "in/big.html");
    pack_str(&pk, "id");
    pack_id(&pk, "odd");
    pack_str(&pk, "type");
    pack_str(&pk, "failed");
    pack_str(&pk, "v");
    msgpack_pack_fix_int8(&pk, 1);
    write_sbuffer("failed-odd.msgpack", &sbuf);
}

/* offset < 0: the entity has none (the optional key is left out). */
static void pack_entity(msgpack_packer *pk, const char *text, int64_t value, int64_t offset)
{
    msgpack_pack_map(pk, offset < 0 ? 4 : 5);
    pack_str(pk, "type");
    pack_str(pk, "money");
    pack_str(pk, "text");
    pack_str(pk, text);
    pack_str(pk, "value");
    msgpack_pack_fix_int64(pk, value);
    pack_str(pk, "unit");
    pack_str(pk, "KRW");
    if (offset >= 0) {
        pack_str(pk, "offset");
        msgpack_pack_fix_uint32(pk, (uint32_t)offset);
    }
}

/* RESULT whose entity values are integers, not float64; one entity has
 * its offset (a fixed-width uint), the other none. */
static void emit_result_int_values(void)
{
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 6);
    pack_str(&pk, "v");
    msgpack_pack_uint8(&pk, 1);
    pack_str(&pk, "type");
    pack_str(&pk, "result");
    pack_str(&pk, "id");
    pack_id(&pk, "ints");
    pack_str(&pk, "source");
    pack_str(&pk, "in/b.txt");
    pack_str(&pk, "attempt");
    msgpack_pack_fix_uint16(&pk, 1);
    pack_str(&pk, "record");
    msgpack_pack_map(&pk, 9);
    pack_str(&pk, "kind");
    pack_str(&pk, "text");
    pack_str(&pk, "lang");
    msgpack_pack_nil(&pk);
    pack_str(&pk, "title");
    msgpack_pack_nil(&pk);
    pack_str(&pk, "published");
    pack_str(&pk, "2024-03-01");
    pack_str(&pk, "author");
    msgpack_pack_nil(&pk);
    pack_str(&pk, "body");
    pack_str(&pk, "500억원, -3억원");
    pack_str(&pk, "entities");
    msgpack_pack_array(&pk, 2);
    pack_entity(&pk, "500억원", 50000000000, -1);
    pack_entity(&pk, "-3억원", -300000000, (int64_t)strlen("500억원, "));
    pack_str(&pk, "keywords");
    msgpack_pack_array(&pk, 0);
    pack_str(&pk, "simhash");
    pack_str(&pk, "ffffffffffffffff");
    write_sbuffer("result-int-values.msgpack", &sbuf);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_message_corpus DIR\n");
        return 2;
    }
    out_dir = argv[1];
    emit_ready();
    emit_docs();
    emit_results();
    emit_failed_and_acks();
    emit_failed_odd();
    emit_result_int_values();
    printf("make_message_corpus: %d files in %s\n", written, out_dir);
    return 0;
}
