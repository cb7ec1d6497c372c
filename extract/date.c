/* date: date recognition and ISO 8601 normalisation. See date.h. */
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

typedef struct when {
    int year, month, day;
    int hour, minute, second;   /* hour < 0: no time of day */
    char zone[8];               /* "", "Z" or "+09:00" */
} when_t;

/* Reads min..max ASCII digits at s[*i]; the digit run must end there. */
static int read_num(const char *s, size_t len, size_t *i, int min, int max, int *v)
{
    size_t k = *i;
    int n = 0, val = 0;
    while (k < len && ascii_digit((unsigned char)s[k]) && n <= max) {
        val = val * 10 + (s[k] - '0');
        k++, n++;
    }
    if (n < min || n > max)
        return 0;
    *v = val;
    *i = k;
    return 1;
}

/* Reads exactly n digits at s[*i], whatever follows ("+0900"). */
static int read_digits(const char *s, size_t len, size_t *i, int n, int *v)
{
    int val = 0;
    for (int k = 0; k < n; k++) {
        if (*i + (size_t)k >= len || !ascii_digit((unsigned char)s[*i + (size_t)k]))
            return 0;
        val = val * 10 + (s[*i + (size_t)k] - '0');
    }
    *i += (size_t)n;
    *v = val;
    return 1;
}

static int lit(const char *s, size_t len, size_t *i, const char *word)
{
    size_t n = strlen(word);
    if (len - *i < n || memcmp(s + *i, word, n) != 0)
        return 0;
    *i += n;
    return 1;
}

static void skip_spaces(const char *s, size_t len, size_t *i)
{
    while (*i < len && s[*i] == ' ')
        (*i)++;
}

static int valid_date(const when_t *w)
{
    static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (w->year < 1900 || w->year > 2100 || w->month < 1 || w->month > 12 ||
        w->day < 1 || w->day > days[w->month - 1])
        return 0;
    int leap = (w->year % 4 == 0 && w->year % 100 != 0) || w->year % 400 == 0;
    return !(w->month == 2 && w->day == 29 && !leap);
}

/* "T12:30", " 12:30:05", "T12:30:05.123+09:00", " 00:04". */
static void read_time(const char *s, size_t len, size_t *i, when_t *w)
{
    size_t k = *i;
    if (k < len && (s[k] == 'T' || s[k] == ' ' || s[k] == ','))
        k++;
    skip_spaces(s, len, &k);
    int h, m, sec = 0;
    if (!read_num(s, len, &k, 1, 2, &h) || !lit(s, len, &k, ":") ||
        !read_num(s, len, &k, 2, 2, &m) || h > 23 || m > 59)
        return;
    size_t save = k;
    if (!(lit(s, len, &k, ":") && read_num(s, len, &k, 2, 2, &sec) && sec <= 60)) {
        k = save;
        sec = 0;
    }
    if (k < len && s[k] == '.') {                /* fractions: dropped */
        size_t f = k + 1;
        while (f < len && ascii_digit((unsigned char)s[f]))
            f++;
        if (f > k + 1)
            k = f;
    }
    w->hour = h, w->minute = m, w->second = sec;
    size_t z = k;
    if (z < len && s[z] == ' ' && z + 1 < len && (s[z + 1] == '+' || s[z + 1] == '-'))
        z++;                                     /* RFC 2822: " +0900" */
    int zh, zm;
    if (z < len && s[z] == 'Z') {
        strcpy(w->zone, "Z");
        k = z + 1;
    } else if (z < len && (s[z] == '+' || s[z] == '-')) {
        size_t q = z + 1;
        int ok = read_digits(s, len, &q, 2, &zh);
        if (ok && q < len && s[q] == ':')
            q++;
        if (ok && read_digits(s, len, &q, 2, &zm) && zh <= 14 && zm <= 59) {
            snprintf(w->zone, sizeof(w->zone), "%c%02d:%02d", s[z], zh, zm);
            k = q;
        }
    }
    *i = k;
}

/* 2026-03-03, 2026/3/3, 2026.3.2, 2026. 3. 2., 2026년 3월 3일 */
static size_t year_first(const char *s, size_t len, when_t *w)
{
    size_t i = 0;
    if (!read_num(s, len, &i, 4, 4, &w->year))
        return 0;
    if (lit(s, len, &i, "년")) {
        skip_spaces(s, len, &i);
        if (!read_num(s, len, &i, 1, 2, &w->month) || !lit(s, len, &i, "월"))
            return 0;
        skip_spaces(s, len, &i);
        if (!read_num(s, len, &i, 1, 2, &w->day) || !lit(s, len, &i, "일"))
            return 0;
        return i;
    }
    if (i >= len || !strchr("-/.", s[i]))
        return 0;
    char sep = s[i++];
    if (sep == '.')
        skip_spaces(s, len, &i);
    if (!read_num(s, len, &i, 1, 2, &w->month) || i >= len || s[i] != sep)
        return 0;
    i++;
    if (sep == '.')
        skip_spaces(s, len, &i);
    if (!read_num(s, len, &i, 1, 2, &w->day))
        return 0;
    if (sep == '.' && i < len && s[i] == '.')
        i++;
    return i;
}

/* 31/10/2024 or 10/31/2024: day and month in either order, as Europe
 * and the United States write them, only when the order cannot be
 * mistaken: one of the two is past 12. An ambiguous 03/04/2026 is no
 * date rather than a guess that is wrong half the time. */
static size_t slashed(const char *s, size_t len, when_t *w)
{
    size_t i = 0;
    int a, b;
    if (!read_num(s, len, &i, 1, 2, &a) || !lit(s, len, &i, "/") ||
        !read_num(s, len, &i, 1, 2, &b) || !lit(s, len, &i, "/") ||
        !read_num(s, len, &i, 4, 4, &w->year))
        return 0;
    if (a > 12 && b <= 12)
        w->day = a, w->month = b;
    else if (b > 12 && a <= 12)
        w->day = b, w->month = a;
    else
        return 0;
    return i;
}

/* 03.03.2026, as written in much of Europe (never month first). */
static size_t day_first_dots(const char *s, size_t len, when_t *w)
{
    size_t i = 0;
    if (!read_num(s, len, &i, 1, 2, &w->day) || !lit(s, len, &i, ".") ||
        !read_num(s, len, &i, 1, 2, &w->month) || !lit(s, len, &i, ".") ||
        !read_num(s, len, &i, 4, 4, &w->year))
        return 0;
    return i;
}

static int month_name(const char *s, size_t len, size_t *i)
{
    static const char *const names[12] = {
        "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december",
    };
    size_t n = 0;
    while (*i + n < len && n < 10 && ascii_alpha((unsigned char)s[*i + n]))
        n++;
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(names[m]);
        /* "Mar", "March", "Sept" */
        if ((n == 3 || n == full || (m == 8 && n == 4)) && n <= full &&
            strncasecmp(s + *i, names[m], n) == 0) {
            *i += n;
            if (*i < len && s[*i] == '.')
                (*i)++;
            return m + 1;
        }
    }
    return 0;
}

/* "3 March 2026", "3. Mar 2026", "30th March 2026", "March 3, 2026",
 * "Mar 3rd 2026". */
static size_t with_month_name(const char *s, size_t len, when_t *w)
{
    size_t i = 0;
    if (read_num(s, len, &i, 1, 2, &w->day)) {
        static const char *const ordinals[4] = { "st", "nd", "rd", "th" };
        for (int k = 0; k < 4; k++)          /* "30th March 2025" */
            if (lit(s, len, &i, ordinals[k]))
                break;
        if (i < len && s[i] == '.')
            i++;
        skip_spaces(s, len, &i);
        if (!(w->month = month_name(s, len, &i)))
            return 0;
        if (i < len && s[i] == ',')          /* "19 Dec, 2025" */
            i++;
        skip_spaces(s, len, &i);
    } else {
        if (!(w->month = month_name(s, len, &i)))
            return 0;
        skip_spaces(s, len, &i);
        if (!read_num(s, len, &i, 1, 2, &w->day))
            return 0;
        static const char *const ordinals[4] = { "st", "nd", "rd", "th" };
        for (int k = 0; k < 4; k++)
            if (lit(s, len, &i, ordinals[k]))
                break;
        if (i < len && s[i] == ',')
            i++;
        skip_spaces(s, len, &i);
    }
    if (!read_num(s, len, &i, 4, 4, &w->year))
        return 0;
    return i;
}

/* "2023 Jan 7", as PubMed's citation_publication_date writes it. */
static size_t year_month_name(const char *s, size_t len, when_t *w)
{
    size_t i = 0;
    if (!read_num(s, len, &i, 4, 4, &w->year) || !lit(s, len, &i, " ") ||
        !(w->month = month_name(s, len, &i)) || !lit(s, len, &i, " ") ||
        !read_num(s, len, &i, 1, 2, &w->day))
        return 0;
    return i;
}

/* "Tue, " before an RFC 2822 date. */
static size_t skip_weekday(const char *s, size_t len)
{
    static const char *const days[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
    size_t n = 0;
    while (n < len && n < 10 && ascii_alpha((unsigned char)s[n]))
        n++;
    if (n < 3 || n >= len || s[n] != ',')
        return 0;
    for (int d = 0; d < 7; d++)
        if (strncasecmp(s, days[d], 3) == 0)
            return n + 1 + (n + 1 < len && s[n + 1] == ' ');
    return 0;
}

size_t date_parse(const char *s, size_t len, char out[DATE_MAX])
{
    size_t lead = skip_weekday(s, len);
    s += lead, len -= lead;
    when_t w = { 0, 0, 0, -1, 0, 0, "" };
    size_t n = year_first(s, len, &w);
    if (!n) {
        memset(&w, 0, sizeof(w));
        w.hour = -1;
        n = day_first_dots(s, len, &w);
    }
    if (!n) {
        memset(&w, 0, sizeof(w));
        w.hour = -1;
        n = slashed(s, len, &w);
    }
    if (!n) {
        memset(&w, 0, sizeof(w));
        w.hour = -1;
        n = with_month_name(s, len, &w);
    }
    if (!n) {
        memset(&w, 0, sizeof(w));
        w.hour = -1;
        n = year_month_name(s, len, &w);
    }
    /* A digit right after the date means we read part of a longer
     * number (a phone number, 2026-03-031). */
    if (!n || !valid_date(&w) || (n < len && ascii_digit((unsigned char)s[n])))
        return 0;
    read_time(s, len, &n, &w);
    if (w.hour >= 0)
        snprintf(out, DATE_MAX, "%04d-%02d-%02dT%02d:%02d:%02d%s", w.year,
                 w.month, w.day, w.hour, w.minute, w.second, w.zone);
    else
        snprintf(out, DATE_MAX, "%04d-%02d-%02d", w.year, w.month, w.day);
    return lead + n;
}

int date_find(const char *s, size_t len, char out[DATE_MAX])
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        int word_start = i == 0 || !ascii_alnum((unsigned char)s[i - 1]);
        if (word_start && (ascii_digit(c) || ascii_alpha(c)) && date_parse(s + i, len - i, out))
            return 1;
    }
    return 0;
}
