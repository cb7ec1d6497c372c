/* test_wordset: the word-list look-ups extraction's rules are built on
 * answer exactly as a plain walk through the list would: every word,
 * every prefix and suffix of a set of probes, list order kept, duplicate
 * words, NULL-terminated lists, one-byte words, syllable sets. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "extract/wordset.h"

static const char *const korean[] = {
    "으로부터", "에서", "이", "가", "대통령", "대통령실", "장관", "에서", "의", "들",
};
static const char *const mixed[] = {
    "a", "an", "the", "ab", "über", "x", "한", "한국", "co-op", NULL, "never",
};

/* The answers the lists give when walked one word at a time. */
static int naive_find(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n && list[i]; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
            return (int)i;
    return -1;
}

static int naive_suffix(const char *const *list, size_t n, const char *s, size_t len)
{
    int best = -1;
    for (size_t i = 0; i < n && list[i]; i++) {
        size_t w = strlen(list[i]);
        if (w <= len && memcmp(s + len - w, list[i], w) == 0 &&
            (best < 0 || w > strlen(list[best])))
            best = (int)i;
    }
    return best;
}

/* accept: the word must be followed by the end or a space. */
static int before_space(const char *s, size_t len, size_t word_len, void *arg)
{
    (void)arg;
    return word_len == len || s[word_len] == ' ';
}

static int naive_prefix(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n && list[i]; i++) {
        size_t w = strlen(list[i]);
        if (w <= len && memcmp(s, list[i], w) == 0 && before_space(s, len, w, NULL))
            return (int)i;
    }
    return -1;
}

static const char *const probes[] = {
    "", "a", "an", "and", "the", "theme", "über", "überall", "x y", "한국어", "한국 사람",
    "대통령실은", "대통령은", "장관이 말했다", "우리에서", "사람들", "서울으로부터",
    "co-op shop", "never", "nothing", "의", "가의", "\xEA", "\xED\x95",
};

static void check_list(wordset_t *set, const char *const *list, size_t n)
{
    size_t diffs = 0;
    for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
        const char *s = probes[p];
        size_t len = strlen(s);
        for (size_t a = 0; a <= len; a++) {
            for (size_t b = a; b <= len; b++) {
                diffs += wordset_find(set, s + a, b - a) != naive_find(list, n, s + a, b - a);
                diffs += wordset_longest_suffix(set, s + a, b - a) !=
                         naive_suffix(list, n, s + a, b - a);
                diffs += wordset_first_prefix(set, s + a, b - a, before_space, NULL) !=
                         naive_prefix(list, n, s + a, b - a);
            }
        }
    }
    for (size_t i = 0; i < n && list[i]; i++) {
        int k = wordset_find(set, list[i], strlen(list[i]));
        diffs += k != naive_find(list, n, list[i], strlen(list[i]));
        diffs += k >= 0 && wordset_len(set, k) != strlen(list[i]);
    }
    CHECK(diffs == 0);
}

static wordset_t korean_set = WORDSET(korean);
static wordset_t mixed_set = WORDSET(mixed);

static void test_lists(void)
{
    check_list(&korean_set, korean, sizeof(korean) / sizeof(korean[0]));
    check_list(&mixed_set, mixed, sizeof(mixed) / sizeof(mixed[0]));
    CHECK(wordset_find(&mixed_set, "never", 5) < 0);      /* past the NULL */
    CHECK(wordset_find(&korean_set, "에서", strlen("에서")) == 1);   /* first of two */
    CHECK(wordset_longest_suffix(&korean_set, "서울으로부터", strlen("서울으로부터")) == 0);
}

static syllableset_t syllables = SYLLABLESET("김이박");

static void test_syllables(void)
{
    CHECK(syllableset_has(&syllables, 0xAE40));       /* 김 */
    CHECK(syllableset_has(&syllables, 0xBC15));       /* 박 */
    CHECK(!syllableset_has(&syllables, 0xCD5C));      /* 최 */
    CHECK(!syllableset_has(&syllables, 'A'));
    CHECK(!syllableset_has(&syllables, 0x110000));
}

/* Tables are built by whichever thread asks first. */
static wordset_t fresh_set = WORDSET(korean);

static void *ask(void *arg)
{
    (void)arg;
    int ok = 1;
    for (int i = 0; i < 1000; i++)
        ok &= wordset_find(&fresh_set, "장관", strlen("장관")) == 6;
    return ok ? arg : NULL;
}

static void test_threads(void)
{
    pthread_t t[4];
    int token = 1;
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, ask, &token);
    int ok = 1;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok &= r == &token;
    }
    CHECK(ok);
}

TESTING_MAIN(
    TEST(test_lists),
    TEST(test_syllables),
    TEST(test_threads))
