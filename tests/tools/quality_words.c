/* quality_words: the words WCXB scores, as Python finds them.
 *
 * The benchmark lower-cases with str.lower() and splits with re's \w+.
 * Python's \w is a letter (Lu, Ll, Lt, Lm, Lo), a number (Nd, Nl, No) or
 * the underscore: combining marks (Mn, Mc) are not word characters and
 * split a word. Lower-casing is utf8proc's simple mapping plus the one
 * full mapping that changes word boundaries (U+0130 becomes "i" and a
 * combining dot, which ends the word). Both sides of a comparison go
 * through the same code, so other case-mapping details cancel out.
 * Kept apart from the extractor's own tokenizer (extract/tokens.c) so
 * that the yardstick never moves with the thing measured. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "extract/utf8.h"
#include "quality.h"

static int is_word_char(uint32_t cp)
{
    if (cp == '_')
        return 1;
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

static void put_cp(buf_t *out, uint32_t cp)
{
    uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, enc);
    buf_append(out, enc, (size_t)n);
}

static int by_word(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void words_split(const char *s, size_t len, words_t *out)
{
    buf_t text = BUF_INIT;
    size_t *offsets = NULL, count = 0, cap = 0;
    int in_word = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t next = utf8_next(s, len, i, &cp);
        i = next;
        int dotted_i = cp == 0x130;           /* "İ".lower() == "i\u0307" */
        uint32_t lower = dotted_i ? 'i' : (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
        if (!is_word_char(lower)) {
            if (in_word)
                buf_putc(&text, '\0');
            in_word = 0;
            continue;
        }
        if (!in_word) {
            if (count == cap) {
                cap = cap ? cap * 2 : 256;
                offsets = xrealloc(offsets, cap * sizeof(*offsets));
            }
            offsets[count++] = text.len;
        }
        put_cp(&text, lower);
        in_word = !dotted_i;
        if (dotted_i)
            buf_putc(&text, '\0');
    }
    if (in_word)
        buf_putc(&text, '\0');
    buf_putc(&text, '\0');           /* text is never empty */
    out->text = buf_detach(&text);
    out->count = count;
    out->word = xmalloc((count ? count : 1) * sizeof(*out->word));
    for (size_t k = 0; k < count; k++)
        out->word[k] = out->text + offsets[k];
    free(offsets);
    qsort(out->word, count, sizeof(*out->word), by_word);
}

void words_free(words_t *w)
{
    free(w->text);
    free(w->word);
    w->text = NULL;
    w->word = NULL;
    w->count = 0;
}

size_t words_common(const words_t *a, const words_t *b)
{
    size_t i = 0, j = 0, common = 0;
    while (i < a->count && j < b->count) {
        int c = strcmp(a->word[i], b->word[j]);
        if (c == 0) {
            common++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    return common;
}
