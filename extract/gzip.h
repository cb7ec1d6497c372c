/* gzip: documents that arrive gzip-compressed (saved web pages, archived
 * feeds) are extracted from their decompressed bytes.
 *
 * Decompression is bounded: a small file that expands without end (a
 * "gzip bomb") is refused past a limit instead of eating the worker's
 * memory, and a truncated or corrupt stream is refused with a reason,
 * so it ends as a dead letter that says what is wrong. */
#ifndef FEEDMILL_GZIP_H
#define FEEDMILL_GZIP_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Largest decompressed document accepted. */
#define GZIP_MAX_OUTPUT ((size_t)64 << 20)

/* 1 when the bytes start with the gzip magic number. */
int gzip_detect(const uint8_t *data, size_t len);

/* Appends the decompressed bytes (every member of a multi-member file)
 * to out. Returns 0, or -1 with a reason in *error (malloc'd). */
int gzip_inflate(const uint8_t *data, size_t len, size_t max_output, buf_t *out,
                 char **error);

#endif
