/* simhash: shingle hashing and bit voting. See simhash.h. */
#include "simhash.h"

#include <string.h>

#include "common/buf.h"
#include "tokens.h"

#define SHINGLE 3

/* The votes of every shingle on each of the 64 bits: a bit of the
 * fingerprint is set when more shingle hashes have it set than not.
 * Counting the ones is all it takes, and it is done eight bits at a
 * time: byte j of lanes[k] counts the ones of bit 8 * j + k, for up to
 * 255 hashes, before the counts move to ones[]. */
typedef struct votes {
    uint64_t lanes[8];
    unsigned pending;           /* hashes counted in lanes, < 256 */
    uint64_t ones[64];
    uint64_t total;
} votes_t;

#define LOW_BITS UINT64_C(0x0101010101010101)

static void flush(votes_t *v)
{
    for (int k = 0; k < 8; k++) {
        for (int j = 0; j < 8; j++)
            v->ones[8 * j + k] += (v->lanes[k] >> (8 * j)) & 0xFF;
        v->lanes[k] = 0;
    }
    v->pending = 0;
}

static void vote(votes_t *v, uint64_t h)
{
    for (int k = 0; k < 8; k++)
        v->lanes[k] += (h >> k) & LOW_BITS;
    v->total++;
    if (++v->pending == 255)
        flush(v);
}

static uint64_t majority(votes_t *v)
{
    flush(v);
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (2 * v->ones[b] > v->total)
            h |= (uint64_t)1 << b;
    return h;
}

/* Order matters inside a shingle ("a b c" is not "c b a"): each word's
 * hash is folded in through the mixer rather than xor-ed in together. */
static uint64_t shingle_hash(const uint64_t *words, size_t n)
{
    uint64_t h = 0;
    for (size_t i = 0; i < n; i++)
        h = hash_mix(h ^ words[i]);
    return h;
}

uint64_t simhash_of(const char *text, size_t len)
{
    tokens_t tokens = TOKENS_INIT;
    tokens_split(text, len, &tokens);
    uint64_t h = simhash_of_tokens(&tokens, text, len);
    tokens_free(&tokens);
    return h;
}

uint64_t simhash_of_tokens(const tokens_t *tokens, const char *text, size_t len)
{
    votes_t votes;
    memset(&votes, 0, sizeof(votes));
    uint64_t window[SHINGLE] = { 0 };
    size_t words = 0;
    for (size_t t = 0; t < tokens->n; t++) {
        /* Slide the window; once full, every new word closes a shingle. */
        for (size_t i = 0; i + 1 < SHINGLE; i++)
            window[i] = window[i + 1];
        window[SHINGLE - 1] = token_lower_hash(&tokens->v[t]);
        words++;
        if (words >= SHINGLE)
            vote(&votes, shingle_hash(window, SHINGLE));
    }
    if (words == 0)
        return token_hash(text, len);
    if (words < SHINGLE)                   /* the whole text is one shingle */
        vote(&votes, shingle_hash(window + SHINGLE - words, words));
    return majority(&votes);
}

int simhash_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}
