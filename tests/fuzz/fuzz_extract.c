/* fuzz_extract: libFuzzer target for document extraction.
 *
 * extract_document runs on whatever bytes a feed delivers, so it must be
 * safe on any input (extract/extract.h) and never crash, leak or hang.
 * Beyond that we check only what callers are promised:
 *   - success: id is hash_doc_id(data), source is ours, kind is "text"
 *     or "html", body is set, every string is valid UTF-8 (record.h),
 *     published is NULL or starts "YYYY-MM-DD", and the record encodes
 *     as a RESULT message (else the worker could not send it);
 *   - failure: the reason is a non-empty UTF-8 string that a FAILED
 *     message can carry; an empty document always fails;
 *   - both: the same bytes give the same answer twice (pure function;
 *     checked on inputs up to 4 KB, where a second run is cheap);
 *   - the input: utf8_scan_clean (the fast path of every UTF-8 check
 *     on a document's way) says yes only for UTF-8 without NUL, and with
 *     UTF8_SCAN_CONTROLS without controls.
 * A broken promise aborts, so libFuzzer keeps the input. */
#include "common/hash.h"
#include "common/utf8_scan.h"
#include "extract/extract.h"
#include "proto/message.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOURCE "fuzz://input"

/* Larger inputs are extracted once: a second run would halve the speed
 * of the fuzzer on whole web pages for a check that small inputs,
 * mutated far more often, already cover. */
#define DETERMINISM_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void violated(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_extract: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF),
 * written here rather than borrowed from extract/utf8.c so that a bug
 * there cannot hide itself. */
static int utf8_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, more, lo = 0x80, hi = 0xbf;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            more = 1;
        else if (c >= 0xe0 && c <= 0xef)
            more = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        else if (c >= 0xf0 && c <= 0xf4)
            more = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        else
            return 0;
        if (p[1] < lo || p[1] > hi)
            return 0;
        for (unsigned k = 2; k <= more; k++)
            if (p[k] < 0x80 || p[k] > 0xbf)
                return 0;
        p += more + 1;
    }
    return 1;
}

/* NULL is fine where the field is optional. */
static void check_text(const char *field, const char *s)
{
    if (s && !utf8_ok(s))
        violated("not valid UTF-8", field);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD" at least (record.h), so that dates sort as text. */
static void check_published(const char *s)
{
    if (!s)
        return;
    static const char shape[] = "dddd-dd-dd";
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
            violated("published is not YYYY-MM-DD...", s);
}

static void check_strings(const record_t *r)
{
    check_text("kind", r->kind);
    check_text("lang", r->lang);
    check_text("title", r->title);
    check_text("published", r->published);
    check_text("author", r->author);
    check_text("body", r->body);
    for (size_t i = 0; i < r->entity_count; i++) {
        check_text("entity type", r->entities[i].type);
        check_text("entity text", r->entities[i].text);
        check_text("entity unit", r->entities[i].unit);
    }
    for (size_t i = 0; i < r->keyword_count; i++)
        check_text("keyword", r->keywords[i]);
}

/* What the worker does with a result or a failure: it must encode. */
static void check_encodes(record_t *record, char *error)
{
    message_t m = { .type = record ? MSG_RESULT : MSG_FAILED,
                    .source = SOURCE, .attempt = 1,
                    .record = record, .error = error };
    hash_doc_id("", 0, m.id);
    if (record)
        memcpy(m.id, record->id, sizeof m.id);
    uint8_t *bytes;
    size_t len;
    if (message_encode(&m, &bytes, &len) != 0)
        violated(record ? "record does not encode as RESULT"
                        : "error does not encode as FAILED", error);
    free(bytes);
}

static void check_record(record_t *r, const uint8_t *data, size_t size)
{
    char id[DOC_ID_LEN + 1];
    hash_doc_id(data, size, id);
    if (strcmp(r->id, id) != 0)
        violated("id is not hash_doc_id(data)", r->id);
    if (!r->source || strcmp(r->source, SOURCE) != 0)
        violated("source is not the one given", r->source);
    if (!r->kind || (strcmp(r->kind, "text") != 0 && strcmp(r->kind, "html") != 0))
        violated("kind is neither text nor html", r->kind);
    if (!r->body)
        violated("body is NULL", NULL);
    if (size == 0)
        violated("an empty document was extracted", NULL);
    check_strings(r);
    check_published(r->published);
    check_encodes(r, NULL);
}

static void check_error(const char *error)
{
    if (!error || !*error)
        violated("failure without a reason", NULL);
    check_text("error", error);
}

/* The record as JSON, or the error: what a second run must repeat. */
static char *answer_text(const record_t *r, const char *error)
{
    if (!r)
        return xstrdup(error);
    buf_t json = BUF_INIT;
    record_to_json(r, &json);
    return buf_detach(&json);
}

static void check_deterministic(const char *first, const uint8_t *data, size_t size)
{
    char *error = NULL;
    record_t *r = extract_document(SOURCE, data, size, &error);
    char *again = answer_text(r, error);
    if (strcmp(first, again) != 0)
        violated("a second run gives another answer", NULL);
    free(again);
    record_destroy(&r);
    free(error);
}

/* A C0 control but tab, LF and CR, DEL, or a C1 control (C2 80-9F in
 * UTF-8) in s, which is valid UTF-8. */
static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f
            || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
            return 1;
    return 0;
}

/* utf8_scan_clean vouches for strings so that the exact checks skip
 * them: each "yes" must be true. */
static void check_scan(const uint8_t *data, size_t size)
{
    int nul = utf8_scan_clean((const char *)data, size, UTF8_SCAN_NUL);
    int controls = utf8_scan_clean((const char *)data, size, UTF8_SCAN_CONTROLS);
    if (!nul && !controls)
        return;
    char *copy = malloc(size + 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    copy[size] = '\0';
    if (memchr(data, 0, size) || !utf8_ok(copy))
        violated("utf8_scan_clean passed bytes that are not UTF-8 without NUL", NULL);
    if (controls && has_control(copy))
        violated("utf8_scan_clean passed a control character", NULL);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *error = NULL;
    check_scan(data, size);
    record_t *r = extract_document(SOURCE, data, size, &error);
    if (r) {
        check_record(r, data, size);
    } else {
        check_error(error);
        check_encodes(NULL, error);
    }
    if (size <= DETERMINISM_MAX) {
        char *first = answer_text(r, error);
        check_deterministic(first, data, size);
        free(first);
    }
    record_destroy(&r);
    free(error);
    return 0;
}
