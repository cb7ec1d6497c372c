/* keywords: term counting and ranking. See keywords.h. */
#include "keywords.h"

#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "wordset.h"

/* Longer than this is a URL, a hash or glued garbage, not a keyword. */
#define TERM_MAX_BYTES 60
/* Title words count this much extra (and at least their body count). */
#define TITLE_BONUS 2

/* Korean particles and copula endings, longest first so that 에서 wins
 * over 에 and 으로 over 로. */
static const char *const particles[] = {
    "으로부터", "에서부터", "이라는", "이라고", "에서는", "에서도", "에게서",
    "에게는", "으로는", "으로도", "으로서", "으로써", "이지만", "까지는",
    "부터는", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "이다",
    "이며", "이고", "라는", "라고", "에는", "에도", "와의", "과의", "로서",
    "로써", "로는", "이나", "께서", "한테", "마저", "조차", "밖에", "은",
    "는", "이", "가", "을", "를", "의", "에", "와", "과", "로", "도", "만",
    "께",
};

/* One-syllable particles that are also common last syllables of nouns;
 * 은 는 을 를 hardly ever end a noun. */
static const char word_final_syllables[] = "이가의에와과로도만께";

/* Nouns ending in a syllable that is also a particle (민주주의, 회의). */
static const char *const particle_like_endings[] = {
    "주의", "회의", "논의", "합의", "정의", "동의", "협의", "결의", "문의",
    "의의", "도로", "경로", "진로", "제도", "속도", "정도", "지도",
};

/* Predicate endings: a Hangul word of three or more syllables ending
 * in one of these is a verb or adjective form (늘었다, 증가할, 지원하는),
 * not a topic. */
static const char *const predicate_endings[] = {
    "다", "하는", "하고", "하며", "하면", "하기", "해서", "했던", "되는",
    "되고", "되며", "되어", "할", "될", "적인",
};

/* Korean function words, adverbs and reporting words that survive the
 * rules above (compared after stripping). */
static const char *const korean_stopwords[] = {
    "있다", "없다", "했다", "한다", "하는", "하고", "하며", "있는", "있을",
    "있고", "위해", "위한", "통해", "대한", "대해", "관련", "이번", "지난",
    "이날", "오는", "또한", "그리고", "하지만", "그러나", "따라", "이후",
    "이어", "가운데", "올해", "최근", "현재", "이상", "이하", "정도", "때문",
    "경우", "우리", "이같은", "한편", "특히", "앞서", "아울러", "라며",
    "이라며", "억원", "만원", "조원", "달러", "기자", "뉴스", "사진", "등의",
    "등이", "함께", "이에", "그간", "향후", "당시", "모두", "다시",
};

static wordset_t particle_set = WORDSET(particles);
static wordset_t particle_like_set = WORDSET(particle_like_endings);
static wordset_t predicate_set = WORDSET(predicate_endings);
static wordset_t stopword_set = WORDSET(korean_stopwords);

/* Strips one particle, then a plural 들, keeping a stem of at least two
 * syllables (Hangul syllables are 3 bytes in UTF-8, so 6 bytes). Returns
 * the new length. */
static size_t korean_stem(const char *s, size_t len)
{
    /* The longest matching particle decides. A one-syllable stem before
     * it is a bound or one-syllable noun (것으로, 시는): no keyword at
     * all; unless the "particle" is a syllable that often ends a word
     * (국가, 평가, 회의, 효과), in which case the word stays whole. */
    int keep_ending = wordset_longest_suffix(&particle_like_set, s, len) >= 0;
    int k = keep_ending ? -1 : wordset_longest_suffix(&particle_set, s, len);
    if (k >= 0) {
        size_t n = wordset_len(&particle_set, k);
        if (len - n >= 6)
            len -= n;
        else if (n > 3 || !strstr(word_final_syllables, particles[k]))
            return 0;
    }
    if (len >= 9 && memcmp(s + len - 3, "들", 3) == 0)
        len -= 3;
    return len;
}

int keyword_term(const token_t *tok, buf_t *out)
{
    buf_reset(out);
    if (tok->script == SCRIPT_OTHER || tok->len > TERM_MAX_BYTES)
        return 0;                                   /* numbers, symbols */
    if (tok->script == SCRIPT_HANGUL) {
        if (tok->len >= 9 && wordset_longest_suffix(&predicate_set, tok->s, tok->len) >= 0)
            return 0;
        size_t n = korean_stem(tok->s, tok->len);
        if (n < 6 || wordset_find(&stopword_set, tok->s, n) >= 0)
            return 0;
        buf_append(out, tok->s, n);
        return 1;
    }
    if (tok->chars < 2)
        return 0;
    token_lower(tok, out);
    return !lang_is_stopword(out->data, out->len);
}

/* ---- counting ------------------------------------------------------ */

/* Terms are kept in order of first appearance (their index is that
 * order); a small open-addressing index of 32-bit slots finds them. Their
 * bytes live in one names buffer, each followed by a NUL. */
typedef struct term {
    size_t name;        /* offset in names */
    size_t len;
    uint64_t hash;
    size_t count;
    int in_title;
} term_t;

typedef struct table {
    uint32_t *slots;    /* index + 1 into terms; 0: empty */
    size_t cap;         /* slots, a power of two */
    term_t *terms;
    size_t n, room;
    buf_t names;
} table_t;

/* Sized for expected terms at most (fewer than the tokens), under 70%
 * load: a body never makes the index grow. */
static void table_init(table_t *t, size_t expected)
{
    size_t cap = 64;
    while (cap * 7 < (expected + 1) * 10)
        cap *= 2;
    *t = (table_t){ xcalloc(cap, sizeof(uint32_t)), cap, NULL, 0, 0, BUF_INIT };
}

static void table_free(table_t *t)
{
    free(t->slots);
    free(t->terms);
    buf_free(&t->names);
}

/* The slot that holds the term, or the empty slot where it belongs. */
static uint32_t *table_slot(table_t *t, const char *s, size_t len, uint64_t hash)
{
    size_t i = (size_t)hash & (t->cap - 1);
    while (t->slots[i]) {
        const term_t *e = &t->terms[t->slots[i] - 1];
        if (e->hash == hash && e->len == len && memcmp(t->names.data + e->name, s, len) == 0)
            break;
        i = (i + 1) & (t->cap - 1);
    }
    return &t->slots[i];
}

static void table_grow(table_t *t)
{
    free(t->slots);
    t->cap *= 2;
    t->slots = xcalloc(t->cap, sizeof(uint32_t));
    for (size_t k = 0; k < t->n; k++) {
        size_t i = (size_t)t->terms[k].hash & (t->cap - 1);
        while (t->slots[i])
            i = (i + 1) & (t->cap - 1);
        t->slots[i] = (uint32_t)(k + 1);
    }
}

static term_t *table_get(table_t *t, const char *s, size_t len)
{
    if ((t->n + 1) * 10 > t->cap * 7)            /* keep load under 70% */
        table_grow(t);
    uint64_t hash = text_hash(s, len);
    uint32_t *slot = table_slot(t, s, len, hash);
    if (!*slot) {
        if (t->n == t->room) {
            t->room = t->room ? t->room * 2 : 64;
            t->terms = xrealloc(t->terms, t->room * sizeof(term_t));
        }
        t->terms[t->n] = (term_t){ t->names.len, len, hash, 0, 0 };
        buf_append(&t->names, s, len);
        buf_putc(&t->names, '\0');
        *slot = (uint32_t)++t->n;
    }
    return &t->terms[*slot - 1];
}

static void count_terms(table_t *t, const char *text, const tokens_t *tokens, int title)
{
    buf_t term = BUF_INIT;
    for (size_t k = 0; k < tokens->n; k++) {
        token_t tok = tokens->v[k];
        /* Hangul right after digits is a counter or unit: 15분, 3일, 억원. */
        if (tok.script == SCRIPT_HANGUL && tok.s > text &&
            ascii_digit((unsigned char)tok.s[-1]))
            continue;
        if (!keyword_term(&tok, &term))
            continue;
        term_t *e = table_get(t, term.data, term.len);
        if (title)
            e->in_title = 1;
        else
            e->count++;
    }
    buf_free(&term);
}

static size_t score(const term_t *e)
{
    return e->count + (e->in_title ? (e->count > TITLE_BONUS ? e->count : TITLE_BONUS) : 0);
}

/* Ranking: higher score first, then the term seen first (the lower
 * index). No two terms tie, so the best KEYWORDS_MAX are one list. */
static int better(const table_t *t, size_t x, size_t y)
{
    size_t sx = score(&t->terms[x]), sy = score(&t->terms[y]);
    return sx != sy ? sx > sy : x < y;
}

/* The best KEYWORDS_MAX terms, best first, into best; returns how many.
 * One pass with a short insertion list instead of sorting every term. */
static size_t top_terms(const table_t *t, size_t best[KEYWORDS_MAX])
{
    size_t n = 0;
    for (size_t e = 0; e < t->n; e++) {
        if (n == KEYWORDS_MAX && !better(t, e, best[n - 1]))
            continue;
        size_t k = n < KEYWORDS_MAX ? n++ : n - 1;   /* the last place is free or goes */
        while (k > 0 && better(t, e, best[k - 1])) {
            best[k] = best[k - 1];
            k--;
        }
        best[k] = e;
    }
    return n;
}

void keywords_add(record_t *rec, const char *title, const char *body, size_t len)
{
    tokens_t tokens = TOKENS_INIT;
    tokens_split(body, len, &tokens);
    keywords_add_tokens(rec, title, body, &tokens);
    tokens_free(&tokens);
}

void keywords_add_tokens(record_t *rec, const char *title, const char *body,
                         const tokens_t *body_tokens)
{
    table_t t;
    table_init(&t, body_tokens->n);
    count_terms(&t, body, body_tokens, 0);
    if (title) {
        tokens_t title_tokens = TOKENS_INIT;
        tokens_split(title, strlen(title), &title_tokens);
        count_terms(&t, title, &title_tokens, 1);
        tokens_free(&title_tokens);
    }
    size_t best[KEYWORDS_MAX];
    size_t n = top_terms(&t, best);
    for (size_t i = 0; i < n; i++)
        record_add_keyword(rec, t.names.data + t.terms[best[i]].name);
    table_free(&t);
}
