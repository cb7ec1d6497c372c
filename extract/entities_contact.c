/* entities_contact: dates, phone numbers, e-mail addresses, URLs. See
 * entities_contact.h.
 *
 * One left-to-right scan; at each word start the recognisers are tried
 * from the most specific (URL, e-mail) to the least (date), and a match
 * skips the scan past its span. */
#include "entities_contact.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "utf8.h"

#define PHONE_MIN_DIGITS 9
#define PHONE_MAX_DIGITS 15
#define PHONE_MIN_GROUPS 3

static int word_start(const char *s, size_t i)
{
    if (i == 0)
        return 1;
    unsigned char p = (unsigned char)s[i - 1];
    return !ascii_alnum(p) && p != '.' && p != '-' && p != '_' && p != '@' && p != '/' &&
           p != '+';
}

/* Punctuation that ends a sentence or encloses a link is not part of it. */
static size_t trim_trailing(const char *s, size_t start, size_t end)
{
    while (end > start && strchr(".,;:!?)]}'\"", s[end - 1]))
        end--;
    return end;
}

/* "https://example.org/a?b=c", "www.example.org": to the next space,
 * quote or bracket. */
static size_t url_at(const char *s, size_t len, size_t i)
{
    size_t k;
    if (ascii_lower((unsigned char)s[i]) != 'h' && ascii_lower((unsigned char)s[i]) != 'w')
        return 0;
    if (len - i > 8 && strncasecmp(s + i, "https://", 8) == 0)
        k = i + 8;
    else if (len - i > 7 && strncasecmp(s + i, "http://", 7) == 0)
        k = i + 7;
    else if (len - i > 4 && strncasecmp(s + i, "www.", 4) == 0)
        k = i + 4;
    else
        return 0;
    size_t host = k;
    while (k < len && (unsigned char)s[k] > ' ' && !strchr("\"'<>()[]{}", s[k]) &&
           (unsigned char)s[k] < 0x80)
        k++;
    k = trim_trailing(s, host, k);
    if (k == host || !memchr(s + host, '.', k - host))
        return 0;
    return k;
}

static int email_char(char c)
{
    return ascii_alnum((unsigned char)c) || c == '.' || c == '_' || c == '%' || c == '+' ||
           c == '-';
}

/* local@domain.tld starting at i: the domain has a dot and ends in two
 * letters at least. */
static size_t email_at(const char *s, size_t len, size_t i)
{
    size_t k = i;
    while (k < len && email_char(s[k]) && s[k] != '.')
        k++;
    while (k < len && email_char(s[k]))
        k++;
    if (k == i || k >= len || s[k] != '@')
        return 0;
    size_t domain = ++k, last_dot = 0;
    while (k < len && (ascii_alnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '.')) {
        if (s[k] == '.')
            last_dot = k;
        k++;
    }
    k = trim_trailing(s, domain, k);
    if (!last_dot || last_dot >= k || last_dot == domain)
        return 0;
    size_t tld = 0;
    for (size_t t = last_dot + 1; t < k; t++)
        tld += ascii_alpha((unsigned char)s[t]) != 0;
    return tld >= 2 && tld == k - last_dot - 1 ? k : 0;
}

/* Digits in groups joined by '-', '.', ' ' or ")", optionally opened by
 * '+' or '('. Spaces and dots join groups only in a number that opens
 * with '+' or '(' ("+82 2 1234 5678") or whose groups all use them alike
 * with a leading zero ("02.123.4567"); that keeps "in 2020 12 cases" and
 * "1.200.000" out. */
static size_t phone_at(const char *s, size_t len, size_t i)
{
    size_t k = i;
    int open = 0;
    if (s[k] == '+' || s[k] == '(') {
        open = 1;
        k++;
    }
    if (k >= len || !ascii_digit((unsigned char)s[k]))
        return 0;
    int leading_zero = s[k] == '0';
    size_t digits = 0, groups = 0, end = k;
    char sep_seen = 0;
    while (k < len) {
        size_t g = 0;
        while (k < len && ascii_digit((unsigned char)s[k])) {
            g++;
            k++;
        }
        if (g == 0)
            break;
        digits += g;
        groups++;
        end = k;
        if (g > 4 && groups > 1)
            break;
        if (k < len && s[k] == ')' && open && groups == 1)
            k++;
        if (k + 1 < len && strchr("- .", s[k]) && ascii_digit((unsigned char)s[k + 1])) {
            char sep = s[k];
            if (sep != '-' && !open && !leading_zero)
                break;
            if (sep != '-' && !open && sep_seen && sep_seen != sep)
                break;
            sep_seen = sep_seen ? sep_seen : sep;
            k++;
        } else if (k < len && s[k] == ' ' && k > 0 && s[k - 1] == ')') {
            k++;                                  /* "(02) 123-4567" */
        } else {
            break;
        }
    }
    if (digits < PHONE_MIN_DIGITS || digits > PHONE_MAX_DIGITS ||
        groups < (open ? 2 : PHONE_MIN_GROUPS))
        return 0;
    if (end < len && (ascii_alnum((unsigned char)s[end])))
        return 0;
    return end;
}

/* A date starts with a digit or a month or weekday name: the three
 * letters are checked before date.c is asked. */
static int may_start_date(const char *s, size_t len, size_t i)
{
    if (ascii_digit((unsigned char)s[i]))
        return 1;
    if (len - i < 3)
        return 0;
    static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdecmontuewedthufrisatsun";
    char w[3] = { (char)ascii_lower((unsigned char)s[i]), (char)ascii_lower((unsigned char)s[i + 1]),
                  (char)ascii_lower((unsigned char)s[i + 2]) };
    for (size_t k = 0; k + 3 <= sizeof(names) - 1; k += 3)
        if (memcmp(names + k, w, 3) == 0)
            return 1;
    return 0;
}

/* Only these bytes can start a URL, an address, a phone number or a
 * date; the scan passes over all others (every byte of a non-ASCII
 * character among them) one byte at a time. */
static int may_start(unsigned char c)
{
    return ascii_alnum(c) || c == '+' || c == '(';
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS (ONES * 0x80)

/* The next byte at or after i that may start something, or len. All
 * such bytes are ASCII from '(' up: eight bytes at a time are passed
 * over while none is (Korean text: syllables and spaces). */
static size_t next_start(const char *s, size_t len, size_t i)
{
    for (;;) {
        for (; i + 8 <= len; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            /* Per byte, low seven bits plus 0x58 carry into the high bit
             * from '(' up; a set high bit of w itself means non-ASCII. */
            uint64_t x = w & (ONES * 0x7F);
            if ((x + ONES * (0x80 - '(')) & ~w & HIGHS)
                break;
        }
        size_t stop = i + 8 < len ? i + 8 : len;
        while (i < stop && !may_start((unsigned char)s[i]))
            i++;
        if (i < stop || stop == len)
            return i;
    }
}

void entities_contact(entity_list_t *list, const char *s, size_t len)
{
    char iso[DATE_MAX];
    size_t i = 0;
    while (i < len && list->n < ENTITY_LIST_MAX) {
        i = next_start(s, len, i);
        if (i >= len)
            break;
        unsigned char c = (unsigned char)s[i];
        size_t end = 0;
        if (word_start(s, i)) {
            if ((end = url_at(s, len, i)) > 0) {
                entity_list_add(list, "url", i, end, 0, 0, NULL, NULL);
            } else if ((end = email_at(s, len, i)) > 0) {
                entity_list_add(list, "email", i, end, 0, 0, NULL, NULL);
            } else if ((end = phone_at(s, len, i)) > 0 || (c == '(' && (end = phone_at(s, len, i + 1)) > 0)) {
                /* "(044-202-6260)": the parenthesis is not the number's. */
                size_t start = c == '(' && !memchr(s + i, ')', end - i) ? i + 1 : i;
                entity_list_add(list, "phone", start, end, 0, 0, NULL, NULL);
            } else if (ascii_alnum(c) && may_start_date(s, len, i) &&
                       (end = date_parse(s + i, len - i, iso)) > 0) {
                end += i;
                entity_list_add(list, "date", i, end, 0, 0, iso, NULL);
            }
        }
        i = end > i ? end : i + 1;
    }
}
