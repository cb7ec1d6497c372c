/* simhash: shingle hashing and bit voting. See simhash.h. */
#include "simhash.h"

#include "common/buf.h"
#include "tokens.h"

#define SHINGLE 3

static void vote(int64_t votes[64], uint64_t h)
{
    for (int b = 0; b < 64; b++)
        votes[b] += (h >> b) & 1 ? 1 : -1;
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
    int64_t votes[64] = { 0 };
    uint64_t window[SHINGLE] = { 0 };
    size_t words = 0, pos = 0;
    token_t tok;
    buf_t w = BUF_INIT;
    while (token_next(text, len, &pos, &tok)) {
        buf_reset(&w);
        token_lower(&tok, &w);
        /* Slide the window; once full, every new word closes a shingle. */
        for (size_t i = 0; i + 1 < SHINGLE; i++)
            window[i] = window[i + 1];
        window[SHINGLE - 1] = token_hash(w.data, w.len);
        words++;
        if (words >= SHINGLE)
            vote(votes, shingle_hash(window, SHINGLE));
    }
    buf_free(&w);
    if (words == 0)
        return token_hash(text, len);
    if (words < SHINGLE)                   /* the whole text is one shingle */
        vote(votes, shingle_hash(window + SHINGLE - words, words));
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (votes[b] > 0)
            h |= (uint64_t)1 << b;
    return h;
}

int simhash_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
}
