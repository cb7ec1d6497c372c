/* entities: money and percent recognition, and the order of all
 * recognisers. See entities.h.
 *
 * One left-to-right scan. At each word start we try, in order, a
 * currency-first amount ("$3 million"), then a number ("3억", "1,200",
 * "천만") followed by a scale word, a currency word or a percent sign.
 * A number that turns out to be none of these is skipped whole, so its
 * tail ("386" of "4386") is never read as a number of its own. */
#include "entities.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "entities_contact.h"
#include "entities_names.h"
#include "entity_list.h"
#include "numbers.h"
#include "utf8.h"

typedef struct currency {
    const char *word;
    const char *code;
} currency_t;

/* Before the number. Longer symbols first: "US$" before "$". */
static const currency_t prefixes[] = {
    { "US$", "USD" }, { "$", "USD" }, { "€", "EUR" }, { "£", "GBP" },
    { "¥", "JPY" }, { "￥", "JPY" }, { "₩", "KRW" }, { "USD", "USD" },
    { "EUR", "EUR" }, { "GBP", "GBP" }, { "JPY", "JPY" }, { "KRW", "KRW" },
    { "CNY", "CNY" },
};

/* Korean currency words after the number, with or without a space. */
static const currency_t korean_units[] = {
    { "달러", "USD" }, { "유로", "EUR" }, { "위안", "CNY" }, { "파운드", "GBP" },
    { "원", "KRW" }, { "불", "USD" }, { "엔", "JPY" },
};

/* English currency words after the number and a space. */
static const currency_t english_units[] = {
    { "dollars", "USD" }, { "dollar", "USD" }, { "euros", "EUR" },
    { "euro", "EUR" }, { "pounds", "GBP" }, { "yen", "JPY" }, { "won", "KRW" },
    { "yuan", "CNY" }, { "USD", "USD" }, { "EUR", "EUR" }, { "GBP", "GBP" },
    { "JPY", "JPY" }, { "KRW", "KRW" }, { "CNY", "CNY" },
};

typedef struct scale {
    const char *word;
    double value;
    int spaced;         /* whole words may follow a space; "m", "bn" may not */
} scale_t;

static const scale_t scales[] = {
    { "thousand", 1e3, 1 }, { "million", 1e6, 1 }, { "billion", 1e9, 1 },
    { "trillion", 1e12, 1 }, { "bn", 1e9, 0 }, { "mn", 1e6, 0 },
    { "tn", 1e12, 0 }, { "m", 1e6, 0 }, { "b", 1e9, 0 }, { "k", 1e3, 0 },
};

/* Syllables that may directly follow a one-syllable currency word (원, 불,
 * 엔): particles and 대/가량/규모/어치/화... Anything else means the
 * syllable starts another word (원자력, 불확실성, 엔지니어). */
static const char follower_syllables[] =
    "을이의에은는과와로으도만씩대가를화선까부어짜정규상미초안내수쯤께";

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Asked of every word list after every number: the first byte rules
 * out nearly every entry before the rest is compared. */
static int starts_with(const char *s, size_t len, size_t i, const char *word)
{
    if (i >= len || s[i] != word[0])
        return 0;
    size_t n = strlen(word);
    return len - i >= n && memcmp(s + i, word, n) == 0;
}

static int letter_at(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return 0;
    uint32_t cp;
    utf8_next(s, len, i, &cp);
    return cp_is_letter(cp);
}

static int follower_ok(const char *s, size_t len, size_t i)
{
    if (i >= len)
        return 1;
    uint32_t cp;
    size_t next = utf8_next(s, len, i, &cp);
    if (!cp_is_hangul(cp))
        return 1;
    for (size_t k = 0; k + 3 <= sizeof(follower_syllables) - 1; k += 3)
        if (memcmp(s + i, follower_syllables + k, next - i) == 0)
            return 1;
    return 0;
}

/* " million", "m", "bn" at s[k]: multiplies *value, returns the new k. */
static size_t scale_after(const char *s, size_t len, size_t k, double *value)
{
    for (size_t n = 0; n < COUNT(scales); n++) {
        size_t j = k;
        if (scales[n].spaced && j < len && s[j] == ' ')
            j++;
        if (j >= len || ascii_lower((unsigned char)s[j]) != scales[n].word[0])
            continue;                       /* scale words are lowercase */
        size_t w = strlen(scales[n].word);
        if (len - j >= w && strncasecmp(s + j, scales[n].word, w) == 0 &&
            !letter_at(s, len, j + w)) {
            *value *= scales[n].value;
            return j + w;
        }
    }
    return k;
}

/* A currency word at s[k]; returns its end and sets *code, or 0. */
static size_t currency_after(const char *s, size_t len, size_t k, const char **code)
{
    size_t j = k < len && s[k] == ' ' ? k + 1 : k;
    for (size_t n = 0; n < COUNT(korean_units); n++) {
        const char *w = korean_units[n].word;
        if (!starts_with(s, len, j, w))
            continue;
        size_t end = j + strlen(w);
        if (strlen(w) > 3 || follower_ok(s, len, end)) {
            *code = korean_units[n].code;
            return end;
        }
    }
    if (j == k)
        return 0;                  /* English words come after a space */
    for (size_t n = 0; n < COUNT(english_units); n++) {
        const char *w = english_units[n].word;
        if (!starts_with(s, len, j, w))
            continue;
        size_t end = j + strlen(w);
        if (!letter_at(s, len, end)) {
            *code = english_units[n].code;
            return end;
        }
    }
    return 0;
}

static size_t percent_after(const char *s, size_t len, size_t k)
{
    size_t j = k < len && s[k] == ' ' ? k + 1 : k;
    static const char *const signs[] = { "%", "％", "퍼센트", "percent", "per cent" };
    for (size_t n = 0; n < COUNT(signs); n++)
        if (starts_with(s, len, j, signs[n]) &&
            (n < 3 || (j > k && !letter_at(s, len, j + strlen(signs[n])))))
            return j + strlen(signs[n]);
    return 0;
}

/* Amounts are tried at every character of the text, and most cannot
 * start one. An amount starts with a digit, a prefix ("$", "USD") or
 * 십/백/천; a byte table marks the digits and the prefixes' first bytes.
 * A numeral starts a number only after a character that is no letter
 * (number_start), so only the first syllable of a run of Hangul can:
 * the rest of the run is passed over. Filled once (add_amounts), read
 * only after. */
static unsigned char prefix_first_byte[256];
static unsigned char amount_first_byte[256];
static const char *numerals[4];
static size_t numeral_count;
static pthread_once_t first_bytes_once = PTHREAD_ONCE_INIT;

static void fill_first_bytes(void)
{
    for (size_t n = 0; n < COUNT(prefixes); n++)
        prefix_first_byte[(unsigned char)prefixes[n].word[0]] = 1;
    for (int c = 0; c < 256; c++)
        amount_first_byte[c] = prefix_first_byte[c] || ascii_digit(c);
    numeral_count = korean_number_start_syllables(numerals, COUNT(numerals));
}

static int numeral_at(const char *s, size_t len, size_t i)
{
    for (size_t k = 0; k < numeral_count; k++)
        if (len - i >= 3 && memcmp(s + i, numerals[k], 3) == 0)
            return 1;
    return 0;
}

/* The next place at or after i where an amount may start, or len. */
static size_t next_amount_start(const char *s, size_t len, size_t i)
{
    while (i < len && !amount_first_byte[(unsigned char)s[i]]) {
        if (!utf8_hangul_at(s, len, i)) {
            i++;                        /* never into a character: the */
            continue;                   /* table holds no continuation byte */
        }
        if (numeral_at(s, len, i))
            break;
        do
            i += 3;
        while (i < len && utf8_hangul_at(s, len, i));
    }
    return i;
}

static int may_start_prefix(char c)
{
    return prefix_first_byte[(unsigned char)c];
}

/* "$3 million", "USD 5 billion", "€20m" at s[i]. */
static size_t prefixed_amount(const char *s, size_t len, size_t i, double *value,
                              const char **code)
{
    if (!may_start_prefix(s[i]))
        return 0;
    for (size_t n = 0; n < COUNT(prefixes); n++) {
        const char *p = prefixes[n].word;
        if (!starts_with(s, len, i, p))
            continue;
        size_t k = i + strlen(p);
        if (ascii_alpha((unsigned char)p[0]) && k < len && s[k] != ' ' &&
            !ascii_digit((unsigned char)s[k]))
            continue;                          /* "USDA", not "USD 5" */
        if (k < len && s[k] == ' ')
            k++;
        size_t num = k < len && ascii_digit((unsigned char)s[k])
                         ? korean_number_parse(s + k, len - k, value) : 0;
        if (num == 0)
            continue;
        *code = prefixes[n].code;
        return scale_after(s, len, k + num, value);
    }
    return 0;
}

/* A number may start here: not inside a word or another number. */
static int number_start(const char *s, size_t len, size_t i)
{
    if (i == 0)
        return 1;
    unsigned char prev = (unsigned char)s[i - 1];
    if (ascii_alnum(prev) || prev == '.' || prev == ',')
        return 0;
    /* 천만 원 may start a number; 수백만 (several million) may not. */
    if (!ascii_digit((unsigned char)s[i])) {
        size_t p = utf8_prev(s, i);
        uint32_t cp;
        utf8_next(s, len, p, &cp);
        return !cp_is_letter(cp);
    }
    return 1;
}

static void add(entity_list_t *list, const char *type, size_t start, size_t end,
                double value, const char *unit)
{
    entity_list_add(list, type, start, end, value, 1, unit, NULL);
}

/* Money and percentages, appended to list in text order. */
static void add_amounts(entity_list_t *list, const char *s, size_t len)
{
    pthread_once(&first_bytes_once, fill_first_bytes);
    size_t i = 0;
    while (i < len && list->n < ENTITY_LIST_MAX) {
        i = next_amount_start(s, len, i);
        if (i >= len)
            break;
        uint32_t cp;
        double value = 0.0;
        const char *code = NULL;
        size_t end;
        if ((i == 0 || !ascii_alpha((unsigned char)s[i - 1])) &&
            (end = prefixed_amount(s, len, i, &value, &code)) > 0) {
            add(list, "money", i, end, value, code);
            i = end;
            continue;
        }
        size_t num = korean_number_may_start(s + i, len - i) && number_start(s, len, i)
                         ? korean_number_parse(s + i, len - i, &value) : 0;
        if (num > 0) {
            size_t k = i + num;
            double scaled = value;
            size_t after_scale = scale_after(s, len, k, &scaled);
            if ((end = currency_after(s, len, after_scale, &code)) > 0) {
                add(list, "money", i, end, scaled, code);
            } else if ((end = percent_after(s, len, k)) > 0) {
                add(list, "percent", i, end, value, "%");
            } else {
                end = k;
            }
            i = end;
            continue;
        }
        i = utf8_next(s, len, i, &cp);
    }
}

void entities_add(record_t *rec, const char *s, size_t len)
{
    entity_list_t list = ENTITY_LIST_INIT;
    /* Amounts first: a span they claim is no date or phone number. */
    add_amounts(&list, s, len);
    entities_contact(&list, s, len);
    entities_names(&list, s, len);
    entity_list_flush(&list, s, rec, ENTITIES_MAX);
}
