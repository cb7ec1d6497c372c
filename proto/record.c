/* record: the extracted document and its JSON form. See record.h. */
#include "record.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"

record_t *record_new(void)
{
    return xcalloc(1, sizeof(record_t));
}

void record_destroy(record_t **self_p)
{
    record_t *self = *self_p;
    if (!self)
        return;
    free(self->source);
    free(self->kind);
    free(self->page_type);
    free(self->lang);
    free(self->title);
    free(self->published);
    free(self->author);
    free(self->body);
    for (size_t i = 0; i < self->entity_count; i++) {
        free(self->entities[i].type);
        free(self->entities[i].text);
        free(self->entities[i].unit);
    }
    free(self->entities);
    for (size_t i = 0; i < self->keyword_count; i++)
        free(self->keywords[i]);
    free(self->keywords);
    free(self);
    *self_p = NULL;
}

/* Room for one more in an array of count items with capacity *cap,
 * doubling so that n appends cost O(n). */
static void *grow(void *items, size_t count, size_t *cap, size_t size)
{
    if (count < *cap)
        return items;
    *cap = count < 4 ? 8 : count * 2;
    return xrealloc(items, *cap * size);
}

entity_t *record_add_entity(record_t *self, const char *type, const char *text,
                            double value, int has_value, const char *unit)
{
    self->entities = grow(self->entities, self->entity_count, &self->entity_cap,
                          sizeof(entity_t));
    entity_t *e = &self->entities[self->entity_count++];
    e->type = xstrdup(type);
    e->text = xstrdup(text);
    e->value = value;
    e->has_value = has_value;
    e->unit = unit ? xstrdup(unit) : NULL;
    e->offset = 0;
    e->has_offset = 0;
    return e;
}

void record_add_keyword(record_t *self, const char *keyword)
{
    self->keywords = grow(self->keywords, self->keyword_count, &self->keyword_cap,
                          sizeof(char *));
    self->keywords[self->keyword_count++] = xstrdup(keyword);
}

void record_simhash_hex(const record_t *self, char out[17])
{
    snprintf(out, 17, "%016" PRIx64, self->simhash);
}

static void put_key(buf_t *out, const char *key, int first)
{
    if (!first)
        buf_putc(out, ',');
    buf_put_json_string(out, key, strlen(key));
    buf_putc(out, ':');
}

static void put_string_or_null(buf_t *out, const char *key, const char *value)
{
    put_key(out, key, 0);
    if (value)
        buf_put_json_string(out, value, strlen(value));
    else
        buf_puts(out, "null");
}

/* Integral amounts (the common case: 1103500000000) print without an
 * exponent; JSON has no NaN or infinity, so those print as null. */
static void put_number(buf_t *out, double value)
{
    if (!isfinite(value))
        buf_puts(out, "null");
    else if (value == floor(value) && fabs(value) < 9007199254740992.0)
        buf_printf(out, "%.0f", value);
    else
        buf_printf(out, "%.17g", value);
}

static void put_string_value(buf_t *out, const char *value)
{
    if (value)
        buf_put_json_string(out, value, strlen(value));
    else
        buf_puts(out, "null");
}

static void put_entities_value(buf_t *out, const record_t *self)
{
    buf_putc(out, '[');
    for (size_t i = 0; i < self->entity_count; i++) {
        const entity_t *e = &self->entities[i];
        if (i)
            buf_putc(out, ',');
        buf_putc(out, '{');
        put_key(out, "type", 1);
        buf_put_json_string(out, e->type, strlen(e->type));
        put_string_or_null(out, "text", e->text);
        put_key(out, "offset", 0);
        if (e->has_offset)
            buf_printf(out, "%" PRIu64, e->offset);
        else
            buf_puts(out, "null");
        put_key(out, "value", 0);
        if (e->has_value)
            put_number(out, e->value);
        else
            buf_puts(out, "null");
        put_string_or_null(out, "unit", e->unit);
        buf_putc(out, '}');
    }
    buf_putc(out, ']');
}

static const char *const json_fields[] = {
    "id", "source", "kind", "page_type", "lang", "title", "published", "author", "body",
    "entities", "keywords", "simhash", NULL,
};

const char *const *record_json_fields(void)
{
    return json_fields;
}

int record_field_json(const record_t *self, const char *field, buf_t *out)
{
    if (!strcmp(field, "id")) {
        buf_put_json_string(out, self->id, strlen(self->id));
    } else if (!strcmp(field, "source")) {
        /* A file name need not be UTF-8; JSON must be (common/text.h). */
        char *source = self->source ? text_printable(self->source) : NULL;
        put_string_value(out, source);
        free(source);
    } else if (!strcmp(field, "kind")) {
        put_string_value(out, self->kind);
    } else if (!strcmp(field, "page_type")) {
        put_string_value(out, self->page_type);
    } else if (!strcmp(field, "lang")) {
        put_string_value(out, self->lang);
    } else if (!strcmp(field, "title")) {
        put_string_value(out, self->title);
    } else if (!strcmp(field, "published")) {
        put_string_value(out, self->published);
    } else if (!strcmp(field, "author")) {
        put_string_value(out, self->author);
    } else if (!strcmp(field, "body")) {
        put_string_value(out, self->body);
    } else if (!strcmp(field, "entities")) {
        put_entities_value(out, self);
    } else if (!strcmp(field, "keywords")) {
        buf_putc(out, '[');
        for (size_t i = 0; i < self->keyword_count; i++) {
            if (i)
                buf_putc(out, ',');
            buf_put_json_string(out, self->keywords[i], strlen(self->keywords[i]));
        }
        buf_putc(out, ']');
    } else if (!strcmp(field, "simhash")) {
        char hex[17];
        record_simhash_hex(self, hex);
        buf_put_json_string(out, hex, 16);
    } else {
        return -1;
    }
    return 0;
}

void record_to_json(const record_t *self, buf_t *out)
{
    buf_putc(out, '{');
    for (size_t i = 0; json_fields[i]; i++) {
        put_key(out, json_fields[i], i == 0);
        record_field_json(self, json_fields[i], out);
    }
    buf_putc(out, '}');
}
