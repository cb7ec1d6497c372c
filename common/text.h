/* text: UTF-8 validity, and a printable form of byte strings that are not.
 *
 * File names on Linux are bytes, not text: a Korean name saved in CP949
 * is a perfectly good path that is not UTF-8. Such a source travels on
 * the wire as raw bytes (proto/README.md) and is named by those bytes in
 * the producer's state; only where it must become text (the database,
 * JSON, logs) is it rendered by text_put_printable(). */
#ifndef FEEDMILL_TEXT_H
#define FEEDMILL_TEXT_H

#include <stddef.h>

#include "common/buf.h"

/* NULL when s[0..len) is well-formed UTF-8 (Unicode table 3-7: no
 * overlongs, surrogates or code points past U+10FFFF) without NUL;
 * otherwise why not ("not valid UTF-8", "contains a NUL byte"). */
const char *text_utf8_problem(const char *s, size_t len);

/* 1 when the C string s is valid UTF-8. */
int text_is_utf8(const char *s);

/* Appends s to out as valid UTF-8 text. A string that is valid UTF-8 is
 * appended unchanged. Any other has each backslash doubled and each byte
 * that is not part of a valid UTF-8 sequence written as \xNN (lowercase
 * hex), so the original bytes can be recovered from the text: for a
 * CP949 "뉴스.txt" that is "\xb4\xba\xbd\xba.txt". */
void text_put_printable(buf_t *out, const char *s);

/* The same as a new string (caller frees). */
char *text_printable(const char *s);

#endif
