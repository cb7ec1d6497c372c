/* extract: raw document bytes -> clean structured record.
 *
 * The one extraction both the workers and `feedmill extract` run, so what
 * a user debugs on the command line is exactly what the pipeline stores.
 * Pure function of its input: no I/O, no global state, safe on any bytes
 * (binary, truncated, invalid UTF-8, any encoding). */
#ifndef FEEDMILL_EXTRACT_H
#define FEEDMILL_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "common/version.h"
#include "proto/record.h"

/* Bumped whenever extraction output changes for the same input: the sink
 * refreshes stored rows written by an older extractor. The number lives
 * in common/version.h. */
#define EXTRACT_VERSION FEEDMILL_EXTRACT_VERSION

/* Returns a record whose id is hash_doc_id(data) and whose source is a
 * copy of `source`; or NULL with a human-readable reason in *error
 * (malloc'd, caller frees) when the document cannot be processed
 * (empty, binary, no text after cleaning, ...). */
record_t *extract_document(const char *source, const uint8_t *data, size_t len,
                           char **error);
/* The same, for a caller that already holds the document's id (64 hex
 * digits, the SHA-256 of data: a worker has it from the producer), which
 * saves hashing the bytes again. */
record_t *extract_document_id(const char *source, const uint8_t *data, size_t len,
                              const char *id, char **error);

#endif
