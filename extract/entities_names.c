/* entities_names: people, organisations, quotes. See entities_names.h.
 *
 * Three passes over the text: people (every mention is kept in a small
 * table, since quotes need them to name a speaker), organisations, then
 * quotes. People and organisations reach the entity list at their first
 * mention only. Names are bounded (NAME_MAX bytes) and so is the table
 * (MENTIONS_MAX), whatever the text. Korean names are entities_korean.c's;
 * what both files share, entities_names_int.h. */
#include "entities_names.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "entities_names_int.h"
#include "wordset.h"

/* A quote has at least this many bytes and at most this many. */
#define QUOTE_MIN 8
#define QUOTE_MAX 2000
/* English: a speaker named this close after a quote ('..." said X'). */
#define SPEAKER_AFTER 80

/* ---- shared -------------------------------------------------------- */

/* Adds a person or organisation at its first mention only. */
static void add_first(names_t *n, const char *type, size_t start, size_t end)
{
    for (size_t i = 0; i < n->list->n; i++) {
        const span_t *sp = &n->list->v[i];
        if (strcmp(sp->type, type) == 0 && sp->end - sp->start == end - start &&
            memcmp(n->s + sp->start, n->s + start, end - start) == 0)
            return;
    }
    entity_list_add(n->list, type, start, end, 0, 0, NULL, NULL);
}

void names_add_mention(names_t *n, size_t start, size_t end, size_t name_start,
                       size_t name_end, const char *title, size_t title_len)
{
    if (n->n_people < MENTIONS_MAX) {
        mention_t *m = &n->people[n->n_people++];
        m->start = start;
        m->end = end;
        m->name_start = name_start;
        m->name_end = name_end;
        size_t t = title_len < sizeof(m->title) - 1 ? title_len : 0;
        memcpy(m->title, title, t);
        m->title[t] = '\0';
    }
}

void names_add_person(names_t *n, size_t start, size_t end, const char *title,
                      size_t title_len)
{
    if (end - start > NAME_MAX_BYTES)
        return;
    names_add_mention(n, start, end, start, end, title, title_len);
    add_first(n, "person", start, end);
}

static int is_upper_word_start(const char *s, size_t len, size_t i)
{
    return i + 1 < len && ascii_upper((unsigned char)s[i]) &&
           (ascii_lower((unsigned char)s[i + 1]) == s[i + 1] && ascii_alpha((unsigned char)s[i + 1]));
}

/* A capitalised word at i ("Jane", "O'Neil", "Jean-Luc"): its end, or 0. */
static size_t cap_word(const char *s, size_t len, size_t i)
{
    if (!is_upper_word_start(s, len, i))
        return 0;
    size_t k = i + 1;
    while (k < len && (ascii_alpha((unsigned char)s[k]) ||
                       ((s[k] == '-' || s[k] == '\'') && k + 1 < len &&
                        ascii_alpha((unsigned char)s[k + 1]))))
        k++;
    return k;
}

/* ---- scanning ------------------------------------------------------
 * English names, organisations and quotes start at bytes that Korean
 * text has few of: the scans skip eight bytes at a time while none of
 * them can start anything, then look byte by byte. */

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS (ONES * 0x80)

/* The next ASCII capital at or after i, or len. */
static size_t next_capital(const char *s, size_t len, size_t i)
{
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* Per byte, on its low seven bits (no carry leaves a byte): the
         * high bit of x + (0x80 - c) is set when the byte is >= c. */
        uint64_t x = w & (ONES * 0x7F);
        uint64_t at_least_a = x + ONES * (0x80 - 'A');
        uint64_t past_z = x + ONES * (0x80 - 'Z' - 1);
        if (at_least_a & ~past_z & ~w & HIGHS)
            break;
    }
    while (i < len && !ascii_upper((unsigned char)s[i]))
        i++;
    return i;
}

/* The next '"' or 0xE2 (the lead byte of “) at or after i, or len. */
static size_t next_quote_mark(const char *s, size_t len, size_t i)
{
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t q = w ^ (ONES * '"'), e = w ^ (ONES * 0xE2);
        /* A zero byte in q or e sets its high bit here (and may set
         * some above it: only a reason to look closer). */
        if ((((q - ONES) & ~q) | ((e - ONES) & ~e)) & HIGHS)
            break;
    }
    while (i < len && s[i] != '"' && (unsigned char)s[i] != 0xE2)
        i++;
    return i;
}

/* ---- organisation vocabularies ------------------------------------ */

/* Acronyms that name things, not organisations. */
static const char *const not_orgs[] = {
    "MOU", "MOA", "FTA", "GPU", "CPU", "NPU", "GDP", "GNP", "LLM", "SMR", "HPC", "CEO",
    "CTO", "CFO", "COO", "ICT", "ESG", "IPO", "USD", "KRW", "JPY", "EUR", "CNY", "GBP",
    "API", "PDF", "URL", "HTML", "HTTP", "HTTPS", "FAQ", "LNG",
    "TV", "SNS", "DNA", "RNA", "IOT", "LED", "LCD", "OLED", "GPS", "SUV", "USB",
    "CCTV", "ATM", "VIP", "MVP", "CEO", "R&D", "B2B", "B2C", "K-POP", "KPOP",
    "RSS", "CSS", "SQL", "XML", "JSON", "PHP", "KST", "UTC", "GMT", "EST", "PST", "CET",
    "NEWS", "THE", "AND", "FOR", "NOT", "YOU", "ALL", "NEW",
};

static const char *const english_org_words[] = {
    "University", "Institute", "Ministry", "Agency", "Association", "Foundation", "Council",
    "Commission", "Committee", "Bank", "Corporation", "Corp", "Inc", "Ltd", "LLC", "GmbH",
    "AG", "Group", "Company", "Organization", "Organisation", "Department", "Office",
    "Party", "Court", "Parliament", "Senate", "Federation", "Union", "Authority", "Fund",
    "Society", "College", "School", "Hospital", "Laboratory", "Labs", "Academy", "Agence",
};

static wordset_t not_org_set = WORDSET(not_orgs);
static wordset_t org_word_set = WORDSET(english_org_words);

static int listed(wordset_t *set, const char *s, size_t len)
{
    return wordset_find(set, s, len) >= 0;
}

/* ---- English people ------------------------------------------------ */

static const char *const english_titles[] = {
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Mrs", "Ms", "Dr", "Prof", "President",
    "Prime Minister", "Minister", "Chancellor", "Senator", "Sen.", "Rep.", "Governor",
    "Gov.", "Mayor", "Judge", "Secretary", "CEO", "Chairman", "Chairwoman", "Professor",
};

static const char *const speech_verbs[] = {
    " said", " says", " told", " wrote", " added", " explained", " asked",
};

/* One to three capitalised words from i: the end of the name, or 0. */
static size_t cap_name(const char *s, size_t len, size_t i, size_t max_words)
{
    size_t end = 0, words = 0, k = i;
    while (words < max_words) {
        size_t w = cap_word(s, len, k);
        if (!w)
            break;
        end = w;
        words++;
        if (w + 1 < len && s[w] == ' ' && is_upper_word_start(s, len, w + 1))
            k = w + 1;
        else
            break;
    }
    return end;
}

/* Words that start capitalised phrases that are no name ("The Ministry
 * said", "In Seoul"), and organisation words inside one. */
static const char *const not_first_names[] = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "He", "She", "They", "We",
    "I", "In", "On", "At", "But", "And", "Or", "If", "When", "While", "As", "For", "So",
    "Officials", "Police", "Experts", "Analysts", "Critics",
};

static wordset_t not_first_name_set = WORDSET(not_first_names);

static int plausible_name(const char *s, size_t start, size_t end)
{
    size_t i = start;
    while (i < end) {
        size_t w = i;
        while (w < end && s[w] != ' ')
            w++;
        if ((i == start && listed(&not_first_name_set, s + i, w - i)) ||
            listed(&org_word_set, s + i, w - i))
            return 0;
        i = w + 1;
    }
    return 1;
}

static void english_people(names_t *n)
{
    const char *s = n->s;
    size_t len = n->len;
    for (size_t i = 0; (i = next_capital(s, len, i)) < len; i++) {
        if (prev_is_word(s, i))
            continue;
        for (size_t t = 0; t < COUNT(english_titles); t++) {
            const char *title = english_titles[t];
            if (!starts_with(s, len, i, title))
                continue;
            size_t k = i + strlen(title);
            if (k + 1 >= len || s[k] != ' ')
                continue;
            size_t end = cap_name(s, len, k + 1, 3);
            if (end) {
                names_add_person(n, k + 1, end, title, strlen(title));
                i = end;
            }
            break;
        }
        /* "Jane Doe said": two or three words before a speech verb. */
        size_t end = cap_name(s, len, i, 3);
        if (end && !plausible_name(s, i, end))
            end = 0;
        if (end && memchr(s + i, ' ', end - i)) {
            for (size_t v = 0; v < COUNT(speech_verbs); v++)
                if (starts_with(s, len, end, speech_verbs[v])) {
                    names_add_person(n, i, end, "", 0);
                    break;
                }
        }
        /* "said Jane Doe" */
        if (i >= 5 && memcmp(s + i - 5, "said ", 5) == 0 && end && memchr(s + i, ' ', end - i))
            names_add_person(n, i, end, "", 0);
        if (end > i)
            i = end;
    }
}

/* ---- organisations ------------------------------------------------- */

/* An acronym at i: 2 to 8 capitals and digits, starting with a capital,
 * not inside a word. Returns its end, or 0. */
static size_t acronym_at(const char *s, size_t len, size_t i)
{
    if (!ascii_upper((unsigned char)s[i]) || (i > 0 && ascii_alnum((unsigned char)s[i - 1])))
        return 0;
    size_t k = i;
    while (k < len && (ascii_upper((unsigned char)s[k]) || ascii_digit((unsigned char)s[k])))
        k++;
    if (k - i < 2 || k - i > 8 || (k < len && ascii_alpha((unsigned char)s[k])))
        return 0;
    return k;
}

/* Capitalised words around an organisation word: "Bank of Korea",
 * "Seoul National University", "Samsung Electronics Co." is not (no
 * organisation word). Returns the end, or 0. */
static size_t english_org(const char *s, size_t len, size_t i)
{
    size_t k = i, end = 0, words = 0;
    int org = 0;
    while (words < 8) {
        size_t w = cap_word(s, len, k);
        size_t a = w ? w : acronym_at(s, len, k);
        if (!a)
            break;
        org |= listed(&org_word_set, s + k, a - k);
        end = a;
        words++;
        k = a;
        if (k + 1 < len && s[k] == ' ' && (cap_word(s, len, k + 1) || acronym_at(s, len, k + 1))) {
            k++;
            continue;
        }
        /* "of", "for", "&" join capitalised words: "Bank of Korea"; "and"
         * does not, it joins two names as often as it makes one. */
        static const char *const joins[] = { " of ", " for ", " & " };
        size_t j = 0;
        for (size_t q = 0; q < COUNT(joins) && !j; q++)
            if (starts_with(s, len, k, joins[q]) && cap_word(s, len, k + strlen(joins[q])))
                j = strlen(joins[q]);
        if (!j)
            break;
        k += j;
    }
    return org && words >= 2 ? end : 0;
}

/* An English organisation's name from i, "The" left out; its end, or 0. */
static size_t english_org_at(names_t *n, size_t i)
{
    const char *s = n->s;
    size_t len = n->len, start = i;
    if (i + 4 <= len && memcmp(s + i, "The ", 4) == 0)
        start = i + 4;
    size_t end = english_org(s, len, start);
    if (end)
        add_first(n, "org", start, end);
    return end;
}

static void organisations(names_t *n)
{
    const char *s = n->s;
    size_t len = n->len;
    for (size_t i = 0; (i = next_capital(s, len, i)) < len; i++) {
        if (i > 0 && ascii_alnum((unsigned char)s[i - 1]))
            continue;
        size_t end = prev_is_word(s, i) ? 0 : english_org_at(n, i);
        if (end) {
            i = end;
            continue;
        }
        /* Acronyms may follow Hangul or Han directly ("韓NIPA"). */
        end = acronym_at(s, len, i);
        if (!end)
            continue;
        int defined = i > 0 && s[i - 1] == '(' && end < len && (s[end] == ')' || s[end] == '-');
        size_t korean = defined ? names_korean_org_before(s, i - 1) : i - 1;
        if (defined && korean < i - 1)
            add_first(n, "org", korean, i - 1);
        if (end - i >= 3 && !listed(&not_org_set, s + i, end - i))
            add_first(n, "org", i, end);
        i = end;
    }
}

/* ---- quotes -------------------------------------------------------- */

static int sentence_break(const char *s, size_t i)
{
    return s[i] == '\n' || ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ');
}

/* No sentence ends in s[from, to) (nor a line). */
static int one_sentence(const char *s, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (sentence_break(s, k))
            return 0;
    return 1;
}

/* The person speaking a quote at [open, close): a name in the sentence
 * before it (the nearest), else one right after it, else the person
 * last named with a title the sentence uses ("이 대통령은"). */
static const mention_t *speaker_of(const names_t *n, size_t open, size_t close)
{
    const char *s = n->s;
    size_t from = open;
    while (from > 0 && !sentence_break(s, from - 1))
        from--;
    const mention_t *best = NULL;
    for (size_t i = 0; i < n->n_people; i++) {
        const mention_t *m = &n->people[i];
        if (m->start >= from && m->end <= open)
            best = m;
        else if (!best && m->start >= close && m->start < close + SPEAKER_AFTER &&
                 one_sentence(s, close, m->start))
            return m;
    }
    if (best)
        return best;
    /* "이 대통령은", "그 장관은": the title with a demonstrative. */
    for (size_t i = n->n_people; i-- > 0;) {
        const mention_t *m = &n->people[i];
        size_t t = strlen(m->title);
        if (m->end > open || !t || (unsigned char)m->title[0] < 0x80)
            continue;
        /* Each place the title stands in the sentence, in order. */
        for (const char *hit = memmem(s + from, open - from, m->title, t); hit;
             hit = memmem(hit + 1, (size_t)(s + open - hit - 1), m->title, t)) {
            size_t k = (size_t)(hit - s);
            if (k >= from + 4 && s[k - 1] == ' ' &&
                (starts_with(s, k, k - 4, "이") || starts_with(s, k, k - 4, "그") ||
                 starts_with(s, k, k - 4, "동")) &&
                (k - 4 == from || s[k - 5] == ' ' || s[k - 5] == '\n'))
                return m;
        }
    }
    return NULL;
}

static void quotes(names_t *n)
{
    const char *s = n->s;
    size_t len = n->len;
    buf_t speaker = BUF_INIT;
    for (size_t i = 0; (i = next_quote_mark(s, len, i)) < len; i++) {
        const char *close_mark;
        size_t open_len;
        if (s[i] == '"') {
            close_mark = "\"", open_len = 1;
        } else if (starts_with(s, len, i, "\xE2\x80\x9C")) {     /* “ */
            close_mark = "\xE2\x80\x9D", open_len = 3;           /* ” */
        } else {
            continue;
        }
        size_t from = i + open_len;
        const char *c = memmem(s + from, len - from, close_mark, strlen(close_mark));
        if (!c)
            break;
        size_t close = (size_t)(c - s);
        const char *nl = memchr(s + from, '\n', close - from);
        if (nl) {                               /* quotes end with their paragraph */
            i = (size_t)(nl - s);
            continue;
        }
        if (close - from >= QUOTE_MIN && close - from <= QUOTE_MAX &&
            memchr(s + from, ' ', close - from)) {
            const mention_t *m = speaker_of(n, i, close);
            buf_reset(&speaker);
            if (m)
                buf_append(&speaker, s + m->name_start, m->name_end - m->name_start);
            entity_list_add(n->list, "quote", from, close, 0, 0, m ? buf_str(&speaker) : NULL,
                            NULL);
        }
        i = close + strlen(close_mark) - 1;
    }
    buf_free(&speaker);
}

static int by_position(const void *a, const void *b)
{
    const mention_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

void entities_names(entity_list_t *list, const char *s, size_t len)
{
    names_t n = { s, len, list, xmalloc(MENTIONS_MAX * sizeof(mention_t)), 0, { { 0, 0, 0 } }, 0 };
    names_korean_people(&n);
    english_people(&n);
    /* Speakers are looked for by position. */
    qsort(n.people, n.n_people, sizeof(mention_t), by_position);
    organisations(&n);
    quotes(&n);
    free(n.people);
}
