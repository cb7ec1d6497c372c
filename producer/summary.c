/* summary: the producer's final figures as text and as JSON. See summary.h. */
#include "producer/summary.h"

#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* One row per field: its key everywhere (text and JSON). */
static const struct {
    const char *key;
    size_t offset;
} KEYS[] = {
    { "documents", offsetof(producer_summary_t, documents) },
    { "files", offsetof(producer_summary_t, files) },
    { "lines", offsetof(producer_summary_t, lines) },
    { "submissions", offsetof(producer_summary_t, submissions) },
    { "skipped", offsetof(producer_summary_t, skipped) },
    { "stored", offsetof(producer_summary_t, stored) },
    { "updated", offsetof(producer_summary_t, updated) },
    { "new_sources", offsetof(producer_summary_t, new_sources) },
    { "unchanged", offsetof(producer_summary_t, unchanged) },
    { "dead", offsetof(producer_summary_t, dead) },
    { "retries", offsetof(producer_summary_t, retries) },
    { "skipped_paths", offsetof(producer_summary_t, skipped_paths) },
    { "own_files", offsetof(producer_summary_t, own_files) },
};
enum { KEY_COUNT = sizeof KEYS / sizeof KEYS[0] };

static uint64_t *field(producer_summary_t *self, size_t i)
{
    return (uint64_t *)((char *)self + KEYS[i].offset);
}

static uint64_t value_of(const producer_summary_t *self, size_t i)
{
    return *(const uint64_t *)((const char *)self + KEYS[i].offset);
}

void producer_summary_text(const producer_summary_t *self, buf_t *out)
{
    for (size_t i = 0; i < KEY_COUNT; i++)
        buf_printf(out, "%s%s=%llu", i ? " " : "", KEYS[i].key,
                   (unsigned long long)value_of(self, i));
}

/* "WHAT PATH: WHY" into *error. */
static int fail(char **error, const char *what, const char *path, const char *why)
{
    buf_t text = BUF_INIT;
    buf_printf(&text, "%s %s: %s", what, path, why);
    *error = buf_detach(&text);
    return -1;
}

int producer_summary_write(const producer_summary_t *self, const char *path, char **error)
{
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(PRODUCER_SUMMARY_VERSION));
    for (size_t i = 0; i < KEY_COUNT; i++)
        json_object_set_new(root, KEYS[i].key, json_integer((json_int_t)value_of(self, i)));
    buf_t tmp = BUF_INIT;
    buf_printf(&tmp, "%s.tmp", path);
    int rc = json_dump_file(root, buf_str(&tmp), JSON_COMPACT) == 0
                 && rename(buf_str(&tmp), path) == 0
             ? 0
             : fail(error, "cannot write", path, strerror(errno));
    if (rc != 0)
        remove(buf_str(&tmp));
    buf_free(&tmp);
    json_decref(root);
    return rc;
}

int producer_summary_read(producer_summary_t *self, const char *path, char **error)
{
    *self = (producer_summary_t){ 0 };
    json_error_t parse;
    json_t *root = json_load_file(path, 0, &parse);
    if (!root)
        return fail(error, "cannot read", path, parse.text);
    int rc = 0;
    json_t *version = json_object_get(root, "version");
    if (!json_is_integer(version) || json_integer_value(version) != PRODUCER_SUMMARY_VERSION)
        rc = fail(error, "unknown version of", path, "expected \"version\": 1");
    for (size_t i = 0; i < KEY_COUNT && rc == 0; i++) {
        json_t *value = json_object_get(root, KEYS[i].key);
        if (!json_is_integer(value) || json_integer_value(value) < 0)
            rc = fail(error, "the summary lacks a key of version 1 in", path, KEYS[i].key);
        else
            *field(self, i) = (uint64_t)json_integer_value(value);
    }
    json_decref(root);
    return rc;
}
