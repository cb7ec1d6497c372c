/* wordset: word lists as small hash tables. See wordset.h. */
#include "wordset.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

/* Words are short. A word's key is its first and last eight bytes
 * (overlapping), or first and last four, or for up to three bytes the
 * first, middle and last: with the length, the key of a word of up to
 * sixteen bytes is the word itself, compared as two integers. Longer
 * words compare their bytes too. */
#define KEY_EXACT_LEN 16

static inline void key_of(const char *s, size_t len, uint64_t key[2])
{
    uint64_t a = 0, b = 0;
    if (len >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + len - 8, 8);
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + len - 4, 4);
        a = x, b = y;
    } else if (len > 0) {
        a = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len / 2] << 8 |
            (uint64_t)(unsigned char)s[len - 1] << 16;
    }
    key[0] = a;
    key[1] = b;
}

static uint64_t hash_of(const uint64_t key[2], size_t len)
{
    uint64_t h = (key[0] ^ (uint64_t)len * 0x9E3779B97F4A7C15ull) * 0xBF58476D1CE4E5B9ull;
    h ^= key[1] * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
}

/* Home slot of a hash: its high bits, the best mixed. */
static size_t home(uint64_t h)
{
    return (size_t)(h >> 40) & (WORDSET_SLOTS - 1);
}

/* Filters before any hashing: which pairs of bytes the words of a list
 * start and end with, 4096 bits each, indexed by the low six bits of
 * both bytes (of a Hangul syllable's last two bytes: all but the lead
 * byte's share of the code point; of its first two: which block of 64
 * syllables). Most strings start or end in a pair no word does. */
static size_t pair_index(const char *p)
{
    return (size_t)((unsigned char)p[0] & 0x3F) << 6 | ((unsigned char)p[1] & 0x3F);
}

static void pair_add(uint64_t bits[64], const char *p)
{
    size_t k = pair_index(p);
    bits[k / 64] |= (uint64_t)1 << (k % 64);
}

static int pair_in(const uint64_t bits[64], const char *p)
{
    size_t k = pair_index(p);
    return (int)(bits[k / 64] >> (k % 64) & 1);
}

/* The lookup proper, on a built table. */
static int find(const wordset_t *ws, const char *s, size_t len)
{
    if (len > WORDSET_MAX_LEN || !(ws->lengths >> len & 1) ||
        (len >= 2 && (!pair_in(ws->last_pairs, s + len - 2) || !pair_in(ws->first_pairs, s))))
        return -1;
    uint64_t key[2];
    key_of(s, len, key);
    size_t k = home(hash_of(key, len));
    while (ws->slot[k]) {
        int i = ws->slot[k] - 1;
        if (ws->len[i] == len && ws->key[i][0] == key[0] && ws->key[i][1] == key[1] &&
            (len <= KEY_EXACT_LEN || memcmp(ws->words[i], s, len) == 0))
            return i;
        k = (k + 1) & (WORDSET_SLOTS - 1);
    }
    return -1;
}

static void build(wordset_t *ws)
{
    if (ws->count > WORDSET_MAX_WORDS) {
        fprintf(stderr, "wordset: list of %zu words, at most %d\n", ws->count,
                WORDSET_MAX_WORDS);
        abort();
    }
    for (size_t i = 0; i < ws->count; i++) {
        if (!ws->words[i]) {                /* a NULL-terminated list */
            ws->count = i;
            break;
        }
        size_t n = strlen(ws->words[i]);
        if (n == 0 || n > WORDSET_MAX_LEN) {
            fprintf(stderr, "wordset: word '%s' empty or longer than %d bytes\n",
                    ws->words[i], WORDSET_MAX_LEN);
            abort();
        }
        ws->len[i] = (uint8_t)n;
        key_of(ws->words[i], n, ws->key[i]);
        ws->lengths |= (uint64_t)1 << n;
        if (n >= 2) {
            pair_add(ws->last_pairs, ws->words[i] + n - 2);
            pair_add(ws->first_pairs, ws->words[i]);
        } else {
            ws->has_one_byte = 1;
        }
        /* A word listed twice keeps its first index. */
        if (find(ws, ws->words[i], n) >= 0)
            continue;
        size_t k = home(hash_of(ws->key[i], n));
        while (ws->slot[k])
            k = (k + 1) & (WORDSET_SLOTS - 1);
        ws->slot[k] = (uint8_t)(i + 1);
    }
}

/* Builds the table once, whichever thread asks first. */
static void build_once(wordset_t *ws)
{
    pthread_mutex_lock(&build_lock);
    if (!atomic_load_explicit(&ws->built, memory_order_relaxed)) {
        build(ws);
        atomic_store_explicit(&ws->built, 1, memory_order_release);
    }
    pthread_mutex_unlock(&build_lock);
}

static inline void ready(wordset_t *ws)
{
    if (!atomic_load_explicit(&ws->built, memory_order_acquire))
        build_once(ws);
}

static void build_syllables(syllableset_t *set)
{
    size_t len = strlen(set->syllables), i = 0;
    while (i < len) {
        uint32_t cp;
        i = utf8_next(set->syllables, len, i, &cp);
        if (!cp_is_hangul(cp)) {
            fprintf(stderr, "syllableset: '%s' holds more than Hangul syllables\n",
                    set->syllables);
            abort();
        }
        set->bits[(cp - 0xAC00) / 64] |= (uint64_t)1 << ((cp - 0xAC00) % 64);
    }
}

void syllableset_build(syllableset_t *set)
{
    pthread_mutex_lock(&build_lock);
    if (!atomic_load_explicit(&set->built, memory_order_relaxed)) {
        build_syllables(set);
        atomic_store_explicit(&set->built, 1, memory_order_release);
    }
    pthread_mutex_unlock(&build_lock);
}

/* Bits 0..len set: the word lengths that fit in len bytes. */
static uint64_t up_to(size_t len)
{
    return len >= 63 ? ~(uint64_t)0 : ((uint64_t)1 << (len + 1)) - 1;
}

int wordset_find(wordset_t *ws, const char *s, size_t len)
{
    ready(ws);
    return find(ws, s, len);
}

size_t wordset_len(wordset_t *ws, int index)
{
    ready(ws);
    return ws->len[index];
}

int wordset_longest_suffix(wordset_t *ws, const char *s, size_t len)
{
    ready(ws);
    /* Every suffix of two bytes or more ends in s's last two bytes. */
    if (len == 0 || (len >= 2 && !ws->has_one_byte && !pair_in(ws->last_pairs, s + len - 2)))
        return -1;
    /* The lengths the list has, up to len, longest first. */
    uint64_t todo = ws->lengths & up_to(len);
    while (todo) {
        size_t n = 63 - (size_t)__builtin_clzll(todo);
        todo &= ~((uint64_t)1 << n);
        int i = find(ws, s + len - n, n);
        if (i >= 0)
            return i;
    }
    return -1;
}

int wordset_first_prefix(wordset_t *ws, const char *s, size_t len,
                         int (*accept)(const char *s, size_t len, size_t word_len, void *arg),
                         void *arg)
{
    ready(ws);
    if (len >= 2 && !ws->has_one_byte && !pair_in(ws->first_pairs, s))
        return -1;                      /* no word starts with these two bytes */
    int best = -1;
    uint64_t todo = ws->lengths & up_to(len);
    while (todo) {
        size_t n = (size_t)__builtin_ctzll(todo);
        todo &= todo - 1;
        int i = find(ws, s, n);
        if (i >= 0 && (best < 0 || i < best) && (!accept || accept(s, len, n, arg)))
            best = i;
    }
    return best;
}
