/* html_filter: the bytes of a page that libxml2 never needs to see,
 * dropped before it parses them.
 *
 * Inline scripts, style sheets, SVG drawings and comments are about 45%
 * of a typical page's bytes and none of its text, yet libxml2 reads them
 * one character at a time and builds nodes for them: parsing is most of
 * extraction's cost. JSON-LD scripts are kept (they state the article's
 * body, date and author). The same pass bounds the attributes per tag:
 * libxml2 compares each attribute of a tag with all earlier ones, which
 * is quadratic in their number. */
#ifndef FEEDMILL_EXTRACT_HTML_FILTER_H
#define FEEDMILL_EXTRACT_HTML_FILTER_H

#include <stddef.h>

#include "common/buf.h"

/* Attributes kept per tag; real tags have a few dozen at most. */
#define HTML_FILTER_MAX_ATTRS 128

/* Appends s to out without comments, non-JSON-LD <script> and <style>
 * elements and <svg> elements, and with the attributes of a tag past
 * HTML_FILTER_MAX_ATTRS removed. Returns 1 when something was left out,
 * 0 when out received s unchanged. */
int html_filter(const char *s, size_t len, buf_t *out);

#endif
