/* nfc: extracted text in Unicode Normalization Form C.
 *
 * The same word can arrive precomposed ("é" U+00E9, "한" U+D55C) or
 * decomposed ("e" + U+0301, or conjoining Hangul jamo from a Mac's
 * files and clipboard). Searches, keywords, SimHash and the sink's
 * duplicate checks compare bytes, so every string a record carries is
 * composed the one canonical way first. libutf8proc does the work; this
 * adds the fast path for text that cannot change. */
#ifndef FEEDMILL_EXTRACT_NFC_H
#define FEEDMILL_EXTRACT_NFC_H

#include <stddef.h>

/* Replaces the malloc'd, valid UTF-8, NUL-terminated *s by its NFC form
 * (reallocated only when it changes). *len, when not NULL, is updated.
 * A NULL *s is left alone. */
void nfc_normalise(char **s, size_t *len);

#endif
