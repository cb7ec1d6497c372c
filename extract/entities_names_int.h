/* entities_names_int: what the files of entities_names share (people,
 * organisations and quotes in entities_names.c, Korean names in
 * entities_korean.c): the table of mentions the quotes look their
 * speakers up in, and the small tests on bytes both use. Not for other
 * modules: entities_names.h is the interface. */
#ifndef FEEDMILL_EXTRACT_ENTITIES_NAMES_INT_H
#define FEEDMILL_EXTRACT_ENTITIES_NAMES_INT_H

#include <stddef.h>
#include <string.h>

#include "entity_list.h"
#include "utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_MAX_BYTES 96
#define MENTIONS_MAX 512
/* Foreign names in Hangul ("로런스 웡") remembered per text, so that
 * the short form ("웡 총리") is known for the same person. */
#define FOREIGN_MAX 16

typedef struct mention {
    size_t start, end;               /* where the name stands */
    size_t name_start, name_end;     /* the full name (a short form's full one) */
    char title[32];                  /* "대통령", "President", or "" */
} mention_t;

typedef struct foreign {
    size_t start, end;               /* the whole name */
    size_t space;                    /* the space between its two words */
} foreign_t;

typedef struct names {
    const char *s;
    size_t len;
    entity_list_t *list;
    mention_t *people;
    size_t n_people;
    foreign_t foreign[FOREIGN_MAX];
    size_t n_foreign;
} names_t;

/* A mention at [start, end) of the person named by [name_start,
 * name_end), with the title it stands with (title_len bytes; "" none). */
void names_add_mention(names_t *n, size_t start, size_t end, size_t name_start,
                       size_t name_end, const char *title, size_t title_len);
/* A person named at [start, end): a mention, and an entity at its first
 * mention only. Longer than NAME_MAX_BYTES: no name, nothing. */
void names_add_person(names_t *n, size_t start, size_t end, const char *title,
                      size_t title_len);

/* Korean people: before a title, with their organisation between, in an
 * aside after a title, and foreign names in Hangul (entities_korean.c). */
void names_korean_people(names_t *n);
/* "일본무역진흥기구(JETRO)": where the Hangul organisation name ending
 * right before the '(' at paren starts, or paren when there is none. */
size_t names_korean_org_before(const char *s, size_t paren);

/* A Hangul syllable at s[i]: 1, and *next just after it. */
static inline int hangul_at(const char *s, size_t len, size_t i, size_t *next)
{
    if (i >= len || !utf8_hangul_at(s, len, i))
        return 0;
    *next = i + 3;
    return 1;
}

/* End of the run of Hangul syllables from i, and their count. */
static inline size_t hangul_run(const char *s, size_t len, size_t i, size_t *syllables)
{
    size_t end = utf8_hangul_run(s, len, i);
    *syllables = (end - i) / 3;
    return end;
}

static inline int starts_with(const char *s, size_t len, size_t i, const char *w)
{
    if (i >= len || s[i] != w[0])           /* most calls end here */
        return 0;
    size_t n = strlen(w);
    return len - i >= n && memcmp(s + i, w, n) == 0;
}

static inline int prev_is_word(const char *s, size_t i)
{
    return i > 0 && (ascii_alnum((unsigned char)s[i - 1]) || (unsigned char)s[i - 1] >= 0x80);
}

#endif
