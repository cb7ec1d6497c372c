/* lang: script counts and function-word votes. See lang.h. */
#include "lang.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tokens.h"
#include "utf8.h"
#include "wordset.h"

/* A language is clear well before the end of a long document. */
#define LANG_SAMPLE_BYTES (64 * 1024)

typedef struct latin_lang {
    const char *code;
    const char *const *words;
} latin_lang_t;

/* The commonest words of each language, those least shared with the
 * others first; a word in two lists votes for both. */
static const char *const en_words[] = {
    "the", "and", "of", "to", "is", "that", "it", "for", "with", "was",
    "on", "are", "as", "this", "be", "by", "have", "from", "not", "but",
    "which", "you", "they", "will", "has", "were", "been", "their", NULL,
};
static const char *const de_words[] = {
    "der", "die", "und", "das", "ist", "nicht", "ein", "eine", "zu", "den",
    "mit", "von", "sich", "des", "auf", "für", "dem", "im", "auch", "es",
    "wird", "sind", "werden", "wie", "bei", "oder", "wir", "ich", NULL,
};
static const char *const fr_words[] = {
    "le", "la", "les", "et", "des", "est", "une", "un", "du", "dans", "que",
    "qui", "pour", "pas", "sur", "au", "avec", "ce", "il", "sont", "par",
    "plus", "nous", "mais", "ont", "aux", "cette", "être", NULL,
};
static const char *const es_words[] = {
    "el", "la", "los", "las", "y", "que", "de", "en", "es", "por", "con",
    "para", "una", "un", "del", "se", "no", "al", "lo", "como", "más",
    "pero", "sus", "fue", "está", "este", "esta", "también", NULL,
};
static const char *const it_words[] = {
    "il", "la", "di", "che", "e", "è", "per", "un", "una", "non", "in",
    "del", "della", "gli", "le", "con", "sono", "si", "da", "al", "dei",
    "anche", "come", "ma", "più", "nel", "alla", "questo", NULL,
};
static const char *const pt_words[] = {
    "o", "a", "os", "as", "de", "que", "e", "do", "da", "em", "um", "uma",
    "para", "com", "não", "é", "dos", "das", "se", "no", "na", "por",
    "mais", "ao", "foi", "são", "também", "pelo", NULL,
};
static const char *const nl_words[] = {
    "de", "het", "een", "en", "van", "is", "dat", "op", "te", "in", "niet",
    "zijn", "met", "voor", "die", "er", "aan", "ook", "als", "bij",
    "wordt", "maar", "om", "door", "heeft", "naar", "worden", "dit", NULL,
};

static const latin_lang_t latin_langs[] = {
    { "en", en_words }, { "de", de_words }, { "fr", fr_words },
    { "es", es_words }, { "it", it_words }, { "pt", pt_words },
    { "nl", nl_words },
};
#define LATIN_LANGS (sizeof(latin_langs) / sizeof(latin_langs[0]))

/* Called for every Latin token of every body (voting, keywords): the
 * first byte rules out almost every entry before any string compare.
 * strncmp stops at the entry's NUL, so a shorter entry is never read
 * past its end; entry[len] == NUL then checks the lengths are equal. */
static int in_words(const char *const *words, const char *w, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; words[i]; i++)
        if (words[i][0] == w[0] && strncmp(words[i], w, len) == 0 && words[i][len] == '\0')
            return 1;
    return 0;
}

/* English words that are not in the voting lists but are as useless as
 * keywords. */
static const char *const en_extra[] = {
    "a", "an", "or", "at", "in", "if", "so", "its", "he", "she", "we",
    "his", "her", "our", "your", "them", "there", "these", "those", "than",
    "then", "what", "when", "where", "who", "how", "all", "any", "can",
    "could", "would", "should", "may", "might", "must", "do", "does", "did",
    "had", "about", "into", "over", "after", "before", "more", "most",
    "also", "just", "only", "other", "some", "such", "no", "up", "out",
    "said", "says", "one", "two", "new", "i", "me", "my", "us", "him",
    "through", "very", "will", "been", "being", "am", "many", "much", NULL,
};

/* The same for the other voting languages: pronouns, auxiliaries,
 * prepositions that are frequent but too shared to vote with. */
static const char *const other_extra[] = {
    /* de */ "sie", "er", "ihr", "ihre", "ihren", "sein", "seine", "seiner",
    "hat", "haben", "hatte", "war", "wurde", "wurden", "kann", "können", "nach",
    "gegen", "aus", "zur", "zum", "über", "unter", "vor", "durch", "um", "an",
    "als", "noch", "nur", "schon", "mehr", "sehr", "wer", "was", "wenn", "dass",
    "einer", "einen", "einem", "eines", "diese", "dieser", "dieses", "man",
    "so", "da", "alle", "zwei", "drei", "immer", "jetzt", "hier", "uns",
    /* fr */ "elle", "ils", "elles", "son", "sa", "ses", "leur", "leurs", "été",
    "fait", "comme", "tout", "tous", "mais", "ou", "où", "sans", "entre", "très",
    /* es, pt, it */ "sobre", "entre", "sin", "desde", "hasta", "todo", "todos",
    "ser", "ha", "han", "hay", "muy", "ya", "cuando", "donde", "ele", "ela",
    "seu", "sua", "são", "pela", "pelos", "nos", "nas", "sono", "stato",
    "loro", "suo", "sua", "dopo", "tra", "fra",
    /* nl */ "hij", "zij", "ze", "wij", "hun", "haar", "werd", "was", "nog",
    "naar", "uit", "over", "tot", "kan", "wel", NULL,
};

/* The word lists as wordsets: every Latin token of a body is looked up
 * in them. latin_sets[k] holds latin_langs[k].words. */
static wordset_t latin_sets[LATIN_LANGS] = {
    WORDSET(en_words), WORDSET(de_words), WORDSET(fr_words), WORDSET(es_words),
    WORDSET(it_words), WORDSET(pt_words), WORDSET(nl_words),
};
/* lang_is_stopword asks whether any list holds a word: the lists joined
 * into two sets (one set holds up to WORDSET_MAX_WORDS - 1 words and the
 * NULL that ends them), filled once before their first use. */
static const char *stop_union[2][WORDSET_MAX_WORDS];
static wordset_t stop_union_sets[2] = { WORDSET(stop_union[0]), WORDSET(stop_union[1]) };
static pthread_once_t stop_union_once = PTHREAD_ONCE_INIT;

static void join(const char **out, const char *const *const *lists, size_t n)
{
    size_t k = 0;
    for (size_t l = 0; l < n; l++)
        for (const char *const *w = lists[l]; *w; w++) {
            if (k + 1 >= WORDSET_MAX_WORDS)
                abort();                /* a list grew past a set's room */
            out[k++] = *w;
        }
}

static void join_stop_lists(void)
{
    const char *const *const extra[] = { en_extra, other_extra };
    const char *const *voting[LATIN_LANGS];
    for (size_t k = 0; k < LATIN_LANGS; k++)
        voting[k] = latin_langs[k].words;
    join(stop_union[0], extra, 2);
    join(stop_union[1], voting, LATIN_LANGS);
}

int lang_is_stopword(const char *word, size_t len)
{
    pthread_once(&stop_union_once, join_stop_lists);
    return wordset_find(&stop_union_sets[0], word, len) >= 0 ||
           wordset_find(&stop_union_sets[1], word, len) >= 0;
}

/* Codes the declared language may legitimately take for each script. */
static const char *hint_for_script(script_t s, const char *hint)
{
    static const char *const cyrillic[] = { "ru", "uk", "bg", "sr", "mk", "be", "kk", NULL };
    static const char *const arabic[] = { "ar", "fa", "ur", "ps", NULL };
    static const char *const han[] = { "zh", "ja", NULL };
    if (!hint)
        return NULL;
    size_t n = strlen(hint);
    switch (s) {
    case SCRIPT_CYRILLIC: return in_words(cyrillic, hint, n) ? hint : NULL;
    case SCRIPT_ARABIC: return in_words(arabic, hint, n) ? hint : NULL;
    case SCRIPT_HAN: return in_words(han, hint, n) ? hint : NULL;
    case SCRIPT_LATIN: {
        static const char *const not_latin[] = {
            "ko", "ja", "zh", "ru", "uk", "bg", "ar", "fa", "el", "th", "he",
            "hi", "sr", "mk", "be", "kk", "ur", NULL,
        };
        return in_words(not_latin, hint, n) ? NULL : hint;
    }
    default: return NULL;
    }
}

static const char *latin_vote(const char *text, size_t len, const char *hint)
{
    size_t votes[LATIN_LANGS] = { 0 }, tokens = 0, pos = 0;
    token_t t;
    buf_t w = BUF_INIT;
    while (token_next(text, len, &pos, &t)) {
        if (t.script != SCRIPT_LATIN)
            continue;
        tokens++;
        if (t.chars > 6)
            continue;                     /* no function word is longer */
        buf_reset(&w);
        token_lower(&t, &w);
        for (size_t k = 0; k < LATIN_LANGS; k++)
            votes[k] += wordset_find(&latin_sets[k], w.data, w.len) >= 0;
    }
    buf_free(&w);
    size_t best = 0, second = 0;
    for (size_t k = 1; k < LATIN_LANGS; k++)
        if (votes[k] > votes[best])
            best = k;
    for (size_t k = 0; k < LATIN_LANGS; k++)
        if (k != best && votes[k] > second)
            second = votes[k];
    const char *declared = hint_for_script(SCRIPT_LATIN, hint);
    /* Weak or tied: function words are normally a third of running text,
     * under 5% means the language is not one of ours. */
    int weak = votes[best] == 0 || votes[best] == second ||
               votes[best] * 20 < tokens;
    if (weak)
        return declared ? declared : (votes[best] > second ? latin_langs[best].code : "und");
    return latin_langs[best].code;
}

const char *lang_detect(const char *text, size_t len, const char *hint)
{
    /* Cutting inside a character costs one U+FFFD, which has no script. */
    if (len > LANG_SAMPLE_BYTES)
        len = LANG_SAMPLE_BYTES;
    size_t count[SCRIPT_COUNT] = { 0 }, letters = 0;
    size_t i = 0;
    while (i < len) {
        size_t run = utf8_hangul_run(text, len, i);
        if (run > i) {                            /* the common case */
            count[SCRIPT_HANGUL] += (run - i) / 3;
            letters += (run - i) / 3;
            i = run;
            continue;
        }
        uint32_t cp;
        i = utf8_next(text, len, i, &cp);
        script_t s = cp_script(cp);
        if (s != SCRIPT_OTHER) {
            count[s]++;
            letters++;
        }
    }
    if (letters == 0)
        return "und";
    size_t cjk = count[SCRIPT_HANGUL] + count[SCRIPT_KANA] + count[SCRIPT_HAN];
    /* Korean and Japanese text carries Latin acronyms and Han characters;
     * a CJK share of 30% already means a CJK language. */
    if (cjk * 10 >= letters * 3) {
        if (count[SCRIPT_HANGUL] >= count[SCRIPT_KANA] && count[SCRIPT_HANGUL] * 5 >= cjk)
            return "ko";
        if (count[SCRIPT_KANA] * 20 >= cjk)
            return "ja";
        const char *declared = hint_for_script(SCRIPT_HAN, hint);
        return declared ? declared : "zh";
    }
    script_t top = SCRIPT_LATIN;
    for (int s = SCRIPT_LATIN; s < SCRIPT_COUNT; s++)
        if (s != SCRIPT_HANGUL && s != SCRIPT_KANA && s != SCRIPT_HAN &&
            count[s] > count[top])
            top = (script_t)s;
    const char *declared = hint_for_script(top, hint);
    switch (top) {
    case SCRIPT_LATIN: return latin_vote(text, len, hint);
    case SCRIPT_CYRILLIC: return declared ? declared : "ru";
    case SCRIPT_ARABIC: return declared ? declared : "ar";
    case SCRIPT_GREEK: return "el";
    case SCRIPT_THAI: return "th";
    case SCRIPT_HEBREW: return "he";
    case SCRIPT_DEVANAGARI: return "hi";
    default: return "und";
    }
}
