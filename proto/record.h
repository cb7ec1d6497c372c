/* record: the structured result of extracting one document.
 *
 * Produced by extract/, carried by a RESULT message (proto/message.h),
 * stored by sink/store.h, printed as JSON by `feedmill extract`.
 * All strings are UTF-8 and owned by the record; optional ones may be NULL. */
#ifndef FEEDMILL_RECORD_H
#define FEEDMILL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/hash.h"

typedef struct entity {
    char *type;     /* "money", "date", "percent", ... */
    char *text;     /* the span as written: "1조1천35억 엔" */
    double value;   /* normalised number: 1103500000000 */
    int has_value;  /* 0 when the entity has no numeric value */
    char *unit;     /* "JPY", "KRW", "USD", "%", ... or NULL */
    uint64_t offset;  /* bytes into the record's body where text starts */
    int has_offset;   /* 0 when unknown (a record from an older worker) */
} entity_t;

typedef struct record {
    char id[DOC_ID_LEN + 1];  /* SHA-256 hex of the raw document bytes */
    char *source;             /* path or URL the document came from */
    char *kind;               /* "text" or "html" */
    char *page_type;          /* HTML: article, forum, product, collection, listing,
                                 documentation, service (extract/page_type.h); text: NULL */
    char *lang;               /* ISO 639-1 ("ko", "en") or "und" */
    char *title;
    char *published;          /* ISO 8601, "YYYY-MM-DD" at least, or NULL */
    char *author;
    char *body;               /* clean main text, paragraphs split by "\n\n" */
    entity_t *entities;
    size_t entity_count;
    size_t entity_cap;        /* allocated; 0 means exactly entity_count */
    char **keywords;
    size_t keyword_count;
    size_t keyword_cap;       /* allocated; 0 means exactly keyword_count */
    uint64_t simhash;         /* 64-bit near-duplicate fingerprint */
} record_t;

record_t *record_new(void);
void record_destroy(record_t **self);

/* Appends an entity without an offset; copies the strings (unit may be
 * NULL). Returns it, for the caller to set its offset: valid until the
 * next append. */
entity_t *record_add_entity(record_t *self, const char *type, const char *text,
                            double value, int has_value, const char *unit);
/* Appends a keyword; copies the string. */
void record_add_keyword(record_t *self, const char *keyword);

/* simhash as 16 lowercase hex digits (JSON and SQLite carry it as text:
 * JSON numbers lose precision above 2^53). */
void record_simhash_hex(const record_t *self, char out[17]);

/* One JSON object, keys in this order: id, source, kind, page_type, lang, title,
 * published, author, body, entities, keywords, simhash; each entity's
 * type, text, offset, value, unit. NULL strings and an unknown offset
 * print as null. No trailing newline. */
void record_to_json(const record_t *self, buf_t *out);
/* Those keys, NULL-terminated. */
const char *const *record_json_fields(void);
/* Appends the JSON value of one of those keys; -1 for another name. */
int record_field_json(const record_t *self, const char *field, buf_t *out);

#endif
