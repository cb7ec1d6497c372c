/* lines: a document body as a list of cleaned paragraphs.
 *
 * The common shape between cleaning and the record: the text path makes
 * one entry per source line, the HTML path one per block element. The
 * boilerplate rules mark entries dropped instead of deleting them, so a
 * rule can still see what surrounded a line (a menu run stays a run even
 * after its first items were recognised by another rule). */
#ifndef FEEDMILL_EXTRACT_LINES_H
#define FEEDMILL_EXTRACT_LINES_H

#include <stddef.h>

#include "common/buf.h"

typedef struct line {
    char *text;         /* cleaned: valid UTF-8, single spaces, trimmed */
    size_t len;
    size_t width;       /* utf8_width of text, the length rules' measure;
                         * above LINE_WIDTH_EXACT, any larger value */
    int heading;        /* heading level 1-6 (Markdown #, HTML h1-h6), or 0 */
    int list_item;      /* a list item (Markdown "- ", HTML <li>) */
    int drop;           /* boilerplate: left out of the body */
} line_t;

/* No rule measures lines wider than this (boiler.c, meta.c); a
 * paragraph's width is worked out only this far. */
#define LINE_WIDTH_EXACT 200

typedef struct lines {
    line_t *v;
    size_t n, cap;
} lines_t;

#define LINES_INIT { NULL, 0, 0 }

/* Appends a copy of s; empty strings are not stored. */
void lines_push(lines_t *self, const char *s, size_t len, int heading,
                int list_item);
void lines_free(lines_t *self);

/* Kept lines joined by "\n\n" into out. */
void lines_join(const lines_t *self, buf_t *out);

/* Index of the next (dir +1) or previous (dir -1) kept line from i, or
 * (size_t)-1 when there is none. i = (size_t)-1 with dir +1 finds the
 * first kept line. */
size_t lines_next_kept(const lines_t *self, size_t i, int dir);

#endif
