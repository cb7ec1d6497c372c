/* jsonl: one document of a JSON-lines feed.
 *
 * A line is a JSON object: "html" or "text" holds the raw document as a
 * string, "url" optionally names it (it becomes the source), and "title",
 * "date", "author", "lang" are hints the worker uses when the document
 * itself has none. The document's bytes are the UTF-8 bytes of that
 * string, so its id (their SHA-256) is the same whichever feed, file or
 * socket brought it. Parsed with jansson, strictly: anything else is an
 * error with a reason, which the caller turns into a dead letter. */
#ifndef FEEDMILL_JSONL_H
#define FEEDMILL_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "proto/message.h"

typedef struct jsonl_doc {
    uint8_t *body;          /* the html or text value, UTF-8 */
    size_t len;
    char *url;              /* or NULL */
    doc_hints_t hints;
} jsonl_doc_t;

/* Parses line[0..len) (without its newline). Returns 0 and fills *doc,
 * or -1 with a reason in *error (malloc'd). */
int jsonl_parse(const char *line, size_t len, jsonl_doc_t *doc, char **error);

void jsonl_doc_clear(jsonl_doc_t *doc);

#endif
