/* test_near: the in-memory near-duplicate candidates (sink/near.c)
 * answer as a plain walk over every document would, within their bound:
 * every document within NEAR_BITS that shares a band and is among the
 * first NEAR_CANDIDATES of it is found, nearest first, earliest among
 * equals, once; undo takes the buckets back exactly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "extract/simhash.h"
#include "sink/near.h"

#define BASE UINT64_C(0x0123456789abcdef)
#define BIT(n) (UINT64_C(1) << (n))

static void test_find(void)
{
    near_t *near = near_new();
    near_match_t m[NEAR_MAX_MATCHES];
    CHECK(near_find(near, BASE, INT64_MAX, m) == 0);   /* nothing added: no table yet */
    near_remove(near, 9, BASE);
    CHECK(near_entries(near) == 0);
    near_add(near, 1, BASE ^ 0x3);                           /* 2 bits, shares bands 0-2 */
    near_add(near, 2, BASE ^ BIT(63) ^ BIT(47) ^ BIT(31));   /* 3 bits, shares band 3 only */
    near_add(near, 3, BASE ^ BIT(62) ^ BIT(46) ^ BIT(30) ^ BIT(14));   /* 4 bits: none */
    near_add(near, 4, BASE ^ 0xf);                           /* 4 bits, 3 bands: too far */
    near_add(near, 5, BASE ^ 0x5);                           /* 2 bits, later than 1 */
    near_add(near, 6, BASE);                                 /* 0 bits */
    CHECK(near_entries(near) == 6 * NEAR_BANDS);

    size_t n = near_find(near, BASE, INT64_MAX, m);
    CHECK(n == 4);
    CHECK(m[0].doc == 6 && m[0].distance == 0);
    CHECK(m[1].doc == 1 && m[1].distance == 2);
    CHECK(m[2].doc == 5 && m[2].distance == 2);
    CHECK(m[3].doc == 2 && m[3].distance == 3 && m[3].simhash == (BASE ^ BIT(63) ^ BIT(47) ^ BIT(31)));
    /* Only documents before a rowid (a rewritten document's own arrival). */
    n = near_find(near, BASE, 5, m);
    CHECK(n == 2 && m[0].doc == 1 && m[1].doc == 2);

    /* Out and back in: the simhash names its buckets. */
    near_remove(near, 6, BASE);
    n = near_find(near, BASE, INT64_MAX, m);
    CHECK(n == 3 && m[0].doc == 1);
    CHECK(near_entries(near) == 5 * NEAR_BANDS);
    near_destroy(&near);
    CHECK(near == NULL);
    near_destroy(&near);   /* twice is harmless */
}

/* A full bucket takes no more: the first NEAR_CANDIDATES stay the
 * candidates, and a document sharing no other band is not found. */
static void test_bound(void)
{
    near_t *near = near_new();
    near_match_t m[NEAR_MAX_MATCHES];
    for (int i = 1; i <= NEAR_CANDIDATES + 10; i++)
        near_add(near, i, BASE);
    CHECK(near_entries(near) == (size_t)NEAR_CANDIDATES * NEAR_BANDS);
    size_t n = near_find(near, BASE, INT64_MAX, m);
    CHECK(n == NEAR_CANDIDATES);
    CHECK(m[0].doc == 1 && m[n - 1].doc == NEAR_CANDIDATES);
    /* Shares band 0 only with the full bucket's documents: one more
     * there would not be found; with room in its other bands, it is. */
    uint64_t other = BASE ^ BIT(47) ^ BIT(31) ^ BIT(15);
    near_add(near, 100, other);
    n = near_find(near, other, INT64_MAX, m);
    CHECK(n == NEAR_CANDIDATES + 1);
    CHECK(m[0].doc == 100 && m[0].distance == 0);
    near_destroy(&near);
}

/* Undo restores every bucket, entries in place, whatever happened since
 * the mark; forget keeps what was done. */
static void test_undo(void)
{
    near_t *near = near_new();
    near_match_t m[NEAR_MAX_MATCHES];
    for (int i = 1; i <= 5; i++)
        near_add(near, i, BASE ^ (uint64_t)i);
    near_forget(near);
    size_t mark = near_mark(near);
    CHECK(mark == 0);
    near_remove(near, 3, BASE ^ 3);
    near_add(near, 3, ~BASE);
    near_add(near, 7, BASE);
    size_t inner = near_mark(near);
    near_remove(near, 1, BASE ^ 1);
    near_undo(near, inner);
    size_t n = near_find(near, BASE, INT64_MAX, m);
    CHECK(n == 5 && m[0].doc == 7);
    near_undo(near, mark);
    n = near_find(near, BASE, INT64_MAX, m);
    CHECK(n == 5);
    for (size_t i = 0; i < n; i++)
        CHECK(m[i].simhash == (BASE ^ (uint64_t)m[i].doc));
    CHECK(near_find(near, ~BASE, INT64_MAX, m) == 0);
    CHECK(near_entries(near) == 5 * NEAR_BANDS);

    near_add(near, 8, ~BASE);
    near_forget(near);
    near_undo(near, 0);   /* nothing left to undo */
    CHECK(near_find(near, ~BASE, INT64_MAX, m) == 1);
    near_destroy(&near);
}

/* Against a plain walk over every document, on random fingerprints
 * clustered around a few stories (most pairs far apart, some within the
 * bits): the same matches, in the same order, while no bucket fills. */
static void test_against_walk(void)
{
    near_t *near = near_new();
    enum { DOCS = 3000 };
    static uint64_t all[DOCS + 1];
    uint64_t seed = 0x9e3779b97f4a7c15u;
    for (int64_t doc = 1; doc <= DOCS; doc++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        uint64_t h = (doc % 3 == 0) ? all[doc - 1 - (int64_t)(seed % 2)] ^ BIT(seed % 64)
                                    : seed;
        near_match_t got[NEAR_MAX_MATCHES];
        size_t n = near_find(near, h, INT64_MAX, got);
        size_t want = 0;
        int best = NEAR_BITS + 1;
        int64_t best_doc = 0;
        for (int64_t other = 1; other < doc; other++) {
            int d = simhash_distance(h, all[other]);
            if (d <= NEAR_BITS) {
                want++;
                if (d < best) {
                    best = d;
                    best_doc = other;
                }
            }
        }
        CHECK(n == want);
        if (n && want)
            CHECK(got[0].doc == best_doc && got[0].distance == best);
        all[doc] = h;
        near_add(near, doc, h);
    }
    near_destroy(&near);
}

TESTING_MAIN(
    TEST(test_find),
    TEST(test_bound),
    TEST(test_undo),
    TEST(test_against_walk))
