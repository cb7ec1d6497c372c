/* numbers: Korean numeral grammar over Arabic digits. See numbers.h. */
#include "numbers.h"

#include <string.h>

#include "utf8.h"

typedef struct unit {
    const char *word;   /* one Hangul syllable, 3 bytes */
    double value;
} unit_t;

static const unit_t small_units[] = {
    { "십", 10.0 }, { "백", 100.0 }, { "천", 1000.0 },
};
static const unit_t group_units[] = {
    { "만", 1e4 }, { "억", 1e8 }, { "조", 1e12 }, { "경", 1e16 },
};

static double unit_at(const unit_t *units, size_t n, const char *s, size_t len)
{
    for (size_t k = 0; k < n; k++)
        if (len >= 3 && memcmp(s, units[k].word, 3) == 0)
            return units[k].value;
    return 0.0;
}

#define SMALL(s, len) unit_at(small_units, 3, (s), (len))
#define GROUP(s, len) unit_at(group_units, 4, (s), (len))

size_t decimal_parse(const char *s, size_t len, double *value)
{
    size_t i = 0;
    double v = 0.0;
    if (len == 0 || !ascii_digit((unsigned char)s[0]))
        return 0;
    while (i < len) {
        if (ascii_digit((unsigned char)s[i])) {
            v = v * 10.0 + (s[i] - '0');
            i++;
        } else if (s[i] == ',' && i + 3 < len && ascii_digit((unsigned char)s[i + 1]) &&
                   ascii_digit((unsigned char)s[i + 2]) &&
                   ascii_digit((unsigned char)s[i + 3]) &&
                   (i + 4 >= len || !ascii_digit((unsigned char)s[i + 4]))) {
            i++;                      /* a thousands comma: ",ddd" exactly */
        } else {
            break;
        }
    }
    if (i + 1 < len && s[i] == '.' && ascii_digit((unsigned char)s[i + 1])) {
        /* Fraction digits as an integer over a power of ten: 23.2 is
         * 232 / 10, the double nearest 23.2, not 23 + 0.1 * 2. */
        double frac = 0.0, scale = 1.0;
        i++;
        while (i < len && ascii_digit((unsigned char)s[i]) && scale < 1e15) {
            frac = frac * 10.0 + (s[i] - '0');
            scale *= 10.0;
            i++;
        }
        while (i < len && ascii_digit((unsigned char)s[i]))
            i++;
        v = (v * scale + frac) / scale;
    }
    *value = v;
    return i;
}

/* After a group unit, " 1035억" continues the number only if the digits
 * run straight into another unit; " 달러" or " 2030년" end it. */
static int continues_after_space(const char *s, size_t len, size_t i)
{
    if (i + 1 >= len || s[i] != ' ' || !ascii_digit((unsigned char)s[i + 1]))
        return 0;
    size_t k = i + 1;
    while (k < len && (ascii_digit((unsigned char)s[k]) || s[k] == ','))
        k++;
    return SMALL(s + k, len - k) > 0 || GROUP(s + k, len - k) > 0;
}

int korean_number_may_start(const char *s, size_t len)
{
    return len > 0 && (ascii_digit((unsigned char)s[0]) || SMALL(s, len) > 0);
}

size_t korean_number_start_syllables(const char **out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < sizeof(small_units) / sizeof(small_units[0]) && n < max; k++)
        out[n++] = small_units[k].word;
    return n;
}

size_t korean_number_parse(const char *s, size_t len, double *value)
{
    double total = 0.0, group = 0.0, digits = 0.0;
    double last_group = 1e300;     /* group units must come largest first */
    int have_digits = 0;
    size_t i = 0, end = 0;
    while (i < len) {
        double unit;
        size_t n;
        if (ascii_digit((unsigned char)s[i])) {
            if (have_digits)
                break;                                /* "3 4" is two numbers */
            n = decimal_parse(s + i, len - i, &digits);
            have_digits = 1;
            i += n;
            end = i;
        } else if ((unit = SMALL(s + i, len - i)) > 0) {
            group += (have_digits ? digits : 1.0) * unit;
            have_digits = 0;
            i += 3;
            end = i;
        } else if ((unit = GROUP(s + i, len - i)) > 0) {
            if (end == 0 || unit >= last_group)
                break;
            double g = group + (have_digits ? digits : 0.0);
            total += (g > 0 ? g : 1.0) * unit;
            group = 0.0;
            have_digits = 0;
            last_group = unit;
            i += 3;
            end = i;
            if (continues_after_space(s, len, i))
                i++;
        } else {
            break;
        }
    }
    if (end == 0)
        return 0;
    *value = total + group + (have_digits ? digits : 0.0);
    return end;
}
