/* tokens: words of a text, for language votes, keywords and SimHash.
 *
 * A token is a maximal run of letters and digits in one script. Changing
 * script ends a token, which is what splits Korean particles and units
 * from Latin words and numbers ("AI는" -> "AI" "는", "500억원" -> "500"
 * "억원"); digits stay with Latin letters ("G7", "mp3"). */
#ifndef FEEDMILL_EXTRACT_TOKENS_H
#define FEEDMILL_EXTRACT_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "utf8.h"

typedef struct token {
    const char *s;      /* points into the text */
    size_t len;         /* bytes */
    size_t chars;       /* code points */
    script_t script;    /* SCRIPT_OTHER for digits only */
} token_t;

/* Finds the next token at or after *pos and moves *pos past it.
 * Returns 0 when there are no more. */
int token_next(const char *s, size_t len, size_t *pos, token_t *tok);

/* Every token of a text, in order. A body is split once and the list
 * read by keywords and SimHash alike. */
typedef struct tokens {
    token_t *v;
    size_t n, cap;
} tokens_t;

#define TOKENS_INIT { NULL, 0, 0 }

void tokens_split(const char *s, size_t len, tokens_t *out);
void tokens_free(tokens_t *self);

/* Appends the token lowercased to out. */
void token_lower(const token_t *tok, buf_t *out);
/* token_hash of the token lowercased, without writing it out. */
uint64_t token_lower_hash(const token_t *tok);

/* A well-mixed 64-bit hash of bytes: FNV-1a, then the splitmix64
 * finaliser, because FNV alone leaves the high bits of short keys poorly
 * mixed and SimHash uses every bit. */
uint64_t token_hash(const void *data, size_t len);
/* A fast 64-bit hash of bytes of any length, eight at a time, for
 * in-memory tables only: never stored, free to change. */
uint64_t text_hash(const void *data, size_t len);
/* The splitmix64 finaliser on its own, to combine hashes. */
uint64_t hash_mix(uint64_t x);

#endif
