/* meta: title, publication date and author heuristics.
 *
 * Text documents carry their metadata as lines among the text (a
 * " date YYYY-MM-DD" header, "박기석 기자", "입력 2026-03-03 00:04"); this
 * finds them so that boiler.c can drop the same lines from the body. The
 * HTML side reads tags instead and lives in html_meta.c, but shares the
 * meta_t result and the title cleanup here. */
#ifndef FEEDMILL_EXTRACT_META_H
#define FEEDMILL_EXTRACT_META_H

#include <stddef.h>

#include "date.h"
#include "lines.h"

typedef struct meta {
    char *title;
    char *published;    /* ISO 8601 */
    char *author;
    char *lang;         /* the page's own claim (<html lang>), or NULL */
} meta_t;

void meta_free(meta_t *self);

/* The " date YYYY-MM-DD" header feedmill's scrapers glue to the first
 * line. Returns how many bytes it takes at the start of s (0 when there
 * is none) and sets *published. */
size_t meta_date_header(const char *s, size_t len, char **published);

/* Bylines and timestamp lines are never wider (utf8_width) than this:
 * both functions below say 0 for a wider line, and callers that know a
 * line's width can skip them. */
#define META_LINE_WIDTH 60

/* 1 when the whole line is a byline: "박기석 기자", "싱가포르 박기석 기자",
 * "홍길동 기자 hong@example.com", "By Jane Doe". *name (if not NULL)
 * receives the person's name, malloc'd. */
int meta_byline(const char *s, size_t len, char **name);

/* 1 when the line is a timestamp line ("입력 2026-03-03 00:04", "수정
 * ...", "Updated: ..."); *is_publish tells whether it dates the first
 * publication (입력, 등록, Published) rather than an update. */
int meta_timestamp_line(const char *s, size_t len, char out[DATE_MAX],
                        int *is_publish);

/* Sets m->author and, when still NULL, m->published from the lines of a
 * text document. */
void meta_from_text_lines(const lines_t *lines, meta_t *m);

/* Title of a text document from its kept lines: the first heading, else
 * a short first line, else the first sentence cut near 100 characters.
 * *whole_line (may be NULL) is set when the title is a line of its own,
 * one the body should not repeat. */
char *meta_text_title(const lines_t *lines, int *whole_line);

/* A page title tidied: entities decoded, white space collapsed and,
 * when strip_site is set, a site-name suffix after " | ", " - ", " :: "
 * ... removed if what stays is long enough to be a title on its own.
 * NULL when nothing is left. */
char *meta_clean_title(const char *s, size_t len, int strip_site);

/* A person's name tidied: entities decoded, "By " dropped, white space
 * collapsed, a line far too long cut at its first comma ("Jane Doe,
 * Senior Director of ..."); NULL when it does not look like a name (a
 * URL, markup, a placeholder such as "Administrator" or "Name *", a user
 * id of digits, a comment's "X says:"). */
char *meta_clean_author(const char *s, size_t len);

#endif
