/* wordset: a fixed list of words, looked up in constant time.
 *
 * Extraction's rules are lists of a few dozen words (particles, titles,
 * stop words, surnames) asked about at every token or word of a body:
 * is this token one of them, does it end with one, does one start here.
 * Comparing against every entry made those questions the bulk of the
 * work on Korean text. A wordset_t stands next to its list and, on first
 * use, indexes it in a small open-addressing hash table (thread-safe:
 * documents are extracted on several threads). Answers are indexes into
 * the list, so a rule that depends on the list's order keeps it.
 *
 *   static const char *const particles[] = { "으로부터", ..., "께" };
 *   static wordset_t particle_set = WORDSET(particles);
 *   ... wordset_find(&particle_set, s, len) ...
 *
 * A NULL entry ends the list where it stands (lists shared with loops
 * that stop at NULL). A set takes about 5 KB of static memory, most of
 * it untouched until its list is indexed.
 */
#ifndef FEEDMILL_EXTRACT_WORDSET_H
#define FEEDMILL_EXTRACT_WORDSET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Room for lists of up to WORDSET_MAX_WORDS words of up to
 * WORDSET_MAX_LEN bytes each, keeping the table at most half full. */
#define WORDSET_MAX_WORDS 255
#define WORDSET_MAX_LEN 63
#define WORDSET_SLOTS 512

typedef struct wordset {
    const char *const *words;   /* the list */
    size_t count;
    /* Built on first use: */
    atomic_int built;
    uint64_t lengths;           /* bit n set: some word is n bytes long */
    uint64_t last_pairs[64];    /* bit pair_index of each word's last two bytes */
    int has_one_byte;           /* a word of one byte: no pair filter then */
    uint64_t first_pairs[64];   /* bit pair_index of each word's first two bytes */
    uint8_t len[WORDSET_MAX_WORDS];
    uint64_t key[WORDSET_MAX_WORDS][2];   /* see key_of in wordset.c */
    uint8_t slot[WORDSET_SLOTS];   /* index + 1 into words, 0: empty */
} wordset_t;

#define WORDSET(list) \
    { (list), sizeof(list) / sizeof((list)[0]), 0, 0, { 0 }, 0, { 0 }, { 0 }, { { 0 } }, { 0 } }

/* Index of the word equal to s[0..len), or -1. */
int wordset_find(wordset_t *ws, const char *s, size_t len);

/* Length in bytes of the list's word at index. */
size_t wordset_len(wordset_t *ws, int index);

/* Index of the longest word that s[0..len) ends with, or -1. */
int wordset_longest_suffix(wordset_t *ws, const char *s, size_t len);

/* Index of the first word in list order that s[0..len) starts with and
 * that accept(s, word length, arg) accepts, or -1. accept may be NULL. */
int wordset_first_prefix(wordset_t *ws, const char *s, size_t len,
                         int (*accept)(const char *s, size_t len, size_t word_len,
                                       void *arg),
                         void *arg);

/* A set of Hangul syllables written as one string of them ("김이박최"):
 * one bit per syllable, built on first use. */
#define HANGUL_SYLLABLES 11172          /* U+AC00 to U+D7A3 */

typedef struct syllableset {
    const char *syllables;
    atomic_int built;
    uint64_t bits[(HANGUL_SYLLABLES + 63) / 64];
} syllableset_t;

#define SYLLABLESET(string) { (string), 0, { 0 } }

/* 1 when cp is one of the set's syllables. */
static inline int syllableset_has(syllableset_t *set, uint32_t cp);
/* Fills the bits; syllableset_has calls it the first time. */
void syllableset_build(syllableset_t *set);

static inline int syllableset_has(syllableset_t *set, uint32_t cp)
{
    if (!atomic_load_explicit(&set->built, memory_order_acquire))
        syllableset_build(set);
    if (cp < 0xAC00 || cp > 0xD7A3)
        return 0;
    return (int)(set->bits[(cp - 0xAC00) / 64] >> ((cp - 0xAC00) % 64) & 1);
}

#endif
