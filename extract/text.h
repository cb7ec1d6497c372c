/* text: plain-text cleanup, and the whitespace and entity rules shared
 * with the HTML path.
 *
 * Text documents are web pages someone already flattened: they keep
 * stray tags (<sup>, <p>, <ul style=..><li>), entities, Markdown headings
 * and escapes, and tab-separated tables. This turns each source line into
 * a clean line_t; deciding which lines are boilerplate is boiler.c's job. */
#ifndef FEEDMILL_EXTRACT_TEXT_H
#define FEEDMILL_EXTRACT_TEXT_H

#include <stddef.h>

#include "common/buf.h"
#include "lines.h"

/* Appends s with every run of white space collapsed to one ASCII space
 * and zero-width characters dropped. No space is added at the start of
 * out or after a space already there, so text can be fed in pieces (one
 * HTML text node at a time); trim the end with text_trim_end. */
void text_append_collapsed(buf_t *out, const char *s, size_t len);
void text_trim_end(buf_t *b);

/* Appends s with character references decoded: &amp; &nbsp; &#39;
 * &#x41; and the common named ones. Unknown names stay as written. */
void text_decode_entities(const char *s, size_t len, buf_t *out);

/* Splits a text document (valid UTF-8) into cleaned lines: tags removed
 * keeping their text, entities decoded, Markdown headings flagged and
 * escapes undone, table cells joined by " | ", white space collapsed.
 * Hard-wrapped text (e-mail style) is rejoined into paragraphs. */
void text_to_lines(const char *s, size_t len, lines_t *out);

/* 1 when the line holds sentence punctuation (. ! ? and their CJK forms)
 * at a sentence end, i.e. followed by space, a closing quote or the end. */
int text_has_sentence_end(const char *s, size_t len);
/* Index just past the end of the first sentence (its punctuation and
 * closing quotes), or 0 when there is no sentence end. */
size_t text_sentence_end(const char *s, size_t len);

#endif
