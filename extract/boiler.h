/* boiler: recognise the boilerplate around an article's text.
 *
 * Flattened pages keep the site around the article: the navigation menu
 * as a long run of one-word lines, a byline and timestamp block, "기사
 * 읽어주기"-style buttons, repeated photo captions, and a trailer from the
 * copyright line on. The rules are structural first (short lines in a
 * run, position in the document, repetition) with a small list of common
 * Korean and English UI words second, so that they carry over to sites
 * they were not written against. Rules only mark lines dropped. */
#ifndef FEEDMILL_EXTRACT_BOILER_H
#define FEEDMILL_EXTRACT_BOILER_H

#include "lines.h"

/* All rules, for text documents. */
void boiler_mark_text(lines_t *lines);

/* The rules still useful once HTML structure (nav, footer, link density)
 * has done most of the work: UI words, copyright and trailer cut. */
void boiler_mark_html(lines_t *lines);

/* Drops kept lines equal to the title, unless nothing would be left. */
void boiler_drop_title(lines_t *lines, const char *title);

#endif
