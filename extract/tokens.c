/* tokens: the word splitter. See tokens.h. */
#include "tokens.h"

#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

/* Digits have no script of their own: they join a Latin word or stand
 * alone. Letters of unlisted scripts and combining marks (also
 * SCRIPT_OTHER) join whatever they follow. */
static int joins(script_t cur, int cur_digits, script_t next, int next_digit)
{
    if (next_digit)
        return cur_digits || cur == SCRIPT_LATIN;
    if (next == SCRIPT_OTHER)
        return 1;
    if (cur_digits)
        return next == SCRIPT_LATIN;
    return cur == next || cur == SCRIPT_OTHER;
}

int token_next(const char *s, size_t len, size_t *pos, token_t *tok)
{
    size_t i = *pos;
    uint32_t cp;
    /* Skip to the first letter or digit. */
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {                     /* spaces and punctuation, mostly */
            if (ascii_alnum(c))
                break;
            i++;
            continue;
        }
        size_t next = utf8_next(s, len, i, &cp);
        if (cp_is_letter(cp) || cp_is_digit(cp))
            break;
        i = next;
    }
    if (i >= len) {
        *pos = len;
        return 0;
    }
    size_t start = i, chars = 0;
    script_t script = SCRIPT_OTHER;
    int digits_only = 1;
    if (utf8_hangul_at(s, len, i)) {        /* a Hangul word, most often */
        script = SCRIPT_HANGUL;
        digits_only = 0;
        chars = 1;
        i += 3;
    }
    while (i < len) {
        size_t run = script == SCRIPT_HANGUL ? utf8_hangul_run(s, len, i) : i;
        if (run > i) {
            chars += (run - i) / 3;         /* Hangul goes on a Hangul word */
            i = run;
            continue;
        }
        size_t next = utf8_next(s, len, i, &cp);
        int digit = cp_is_digit(cp);
        if (!digit && !cp_is_letter(cp))
            break;
        script_t sc = digit ? SCRIPT_OTHER : cp_script(cp);
        if (chars > 0 && !joins(script, digits_only, sc, digit))
            break;
        if (!digit) {
            if (script == SCRIPT_OTHER)
                script = sc;
            digits_only = 0;
        }
        chars++;
        i = next;
    }
    tok->s = s + start;
    tok->len = i - start;
    tok->chars = chars;
    tok->script = digits_only ? SCRIPT_OTHER : script;
    *pos = i;
    return 1;
}

void tokens_split(const char *s, size_t len, tokens_t *out)
{
    size_t pos = 0;
    token_t tok;
    while (token_next(s, len, &pos, &tok)) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 256;
            out->v = xrealloc(out->v, out->cap * sizeof(token_t));
        }
        out->v[out->n++] = tok;
    }
}

void tokens_free(tokens_t *self)
{
    free(self->v);
    self->v = NULL;
    self->n = self->cap = 0;
}

void token_lower(const token_t *tok, buf_t *out)
{
    size_t i = 0;
    while (i < tok->len) {
        unsigned char c = (unsigned char)tok->s[i];
        if (c < 0x80) {
            buf_putc(out, (char)ascii_lower(c));
            i++;
            continue;
        }
        uint32_t cp;
        i = utf8_next(tok->s, tok->len, i, &cp);
        utf8_put(out, cp_lower(cp));
    }
}

/* The same bytes token_lower writes, hashed as they come. Characters
 * that lowercase to themselves (all of Hangul and CJK) are hashed from
 * the text as they are: a valid character re-encodes to its own bytes. */
uint64_t token_lower_hash(const token_t *tok)
{
    /* Only Latin, Greek and Cyrillic letters have a lowercase that is
     * another character (test_extract checks cp_lower against
     * cp_script), and a token of another script holds none of them: no
     * Latin letter or digit joins a Hangul word (joins above). */
    if (tok->script != SCRIPT_LATIN && tok->script != SCRIPT_GREEK &&
        tok->script != SCRIPT_CYRILLIC)
        return token_hash(tok->s, tok->len);
    const unsigned char *p = (const unsigned char *)tok->s;
    uint64_t h = HASH_FNV_BASIS;
    size_t i = 0;
    while (i < tok->len) {
        if (p[i] < 0x80) {
            h = (h ^ (unsigned char)ascii_lower(p[i])) * HASH_FNV_PRIME;
            i++;
            continue;
        }
        if (utf8_hangul_at(tok->s, tok->len, i)) {   /* its own lowercase */
            h = (h ^ p[i]) * HASH_FNV_PRIME;
            h = (h ^ p[i + 1]) * HASH_FNV_PRIME;
            h = (h ^ p[i + 2]) * HASH_FNV_PRIME;
            i += 3;
            continue;
        }
        uint32_t cp;
        size_t next = utf8_next(tok->s, tok->len, i, &cp);
        /* cp_lower changes nothing from U+2000 to U+FF20. */
        uint32_t lower = cp >= 0x2000 && cp <= 0xFF20 ? cp : cp_lower(cp);
        if (lower == cp && cp != UTF8_INVALID) {
            h = hash_fnv1a(h, p + i, next - i);
        } else {
            char b[4];
            h = hash_fnv1a(h, (const unsigned char *)b, utf8_encode(lower, b));
        }
        i = next;
    }
    return hash_mix(h);
}

uint64_t hash_mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t text_hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len >= 8 && len <= 16) {         /* keyword terms: two loads, one mix */
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + len - 8, 8);
        return hash_mix((a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ len);
    }
    uint64_t h = hash_mix(len);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ hash_mix(w)) * 0x9E3779B97F4A7C15ull;
    }
    uint64_t tail = 0;
    memcpy(&tail, p + i, len - i);
    return hash_mix(h ^ hash_mix(tail ^ 0xFF));
}

uint64_t token_hash(const void *data, size_t len)
{
    return hash_mix(hash_fnv1a(HASH_FNV_BASIS, data, len));
}
