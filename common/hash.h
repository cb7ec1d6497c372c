/* hash: the stable document id, a SHA-256 of the raw bytes in hex.
 *
 * Content-addressed ids make delivery idempotent end to end: the same
 * bytes always name the same row, whichever path or attempt brought them. */
#ifndef FEEDMILL_HASH_H
#define FEEDMILL_HASH_H

#include <stddef.h>

#define DOC_ID_LEN 64   /* hex characters, without the NUL */

void hash_doc_id(const void *data, size_t len, char out[DOC_ID_LEN + 1]);
/* 1 when s is exactly DOC_ID_LEN lowercase hex characters. */
int hash_is_doc_id(const char *s);

#endif
