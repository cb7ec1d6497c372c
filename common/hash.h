/* hash: the stable document id, a SHA-256 of the raw bytes in hex; and
 * FNV-1a, the fast hash of in-memory tables and fingerprints.
 *
 * Content-addressed ids make delivery idempotent end to end: the same
 * bytes always name the same row, whichever path or attempt brought them. */
#ifndef FEEDMILL_HASH_H
#define FEEDMILL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define DOC_ID_LEN 64   /* hex characters, without the NUL */

void hash_doc_id(const void *data, size_t len, char out[DOC_ID_LEN + 1]);
/* 1 when s is exactly DOC_ID_LEN lowercase hex characters. */
int hash_is_doc_id(const char *s);

/* FNV-1a, 64 bits, over len bytes, continuing from h: HASH_FNV_BASIS to
 * start, or the hash of what came before. Not an id: for hash tables and
 * fingerprints. Inline: tokenizers call it for every word. */
#define HASH_FNV_BASIS 0xCBF29CE484222325ull
#define HASH_FNV_PRIME 0x100000001B3ull
static inline uint64_t hash_fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * HASH_FNV_PRIME;
    return h;
}

#endif
