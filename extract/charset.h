/* charset: is it text, which encoding is it, and its UTF-8 form.
 *
 * Everything after this step works on valid UTF-8 only, so this is the one
 * place that deals with encodings. Detection order, most to least certain:
 * byte-order mark, UTF-16 without one (NUL bytes on one side of every
 * unit of Latin text), (almost) valid UTF-8, a charset declared in the
 * HTML <meta> (or XML prolog), then libuchardet's verdict on the bytes
 * (Shift_JIS, EUC-JP, EUC-KR, GBK, windows-125x, ...; it also overrules
 * a page that says UTF-8 and is not), then windows-1252, which decodes
 * any byte, as browsers do for undeclared Western pages. UTF-8 that was
 * encoded twice is put back (extract/mojibake.h). */
#ifndef FEEDMILL_EXTRACT_CHARSET_H
#define FEEDMILL_EXTRACT_CHARSET_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the bytes are not a text document in any encoding we read:
 * NUL bytes (outside UTF-16/32) or a high share of control
 * bytes. */
int charset_is_binary(const uint8_t *data, size_t len);

/* Decodes data to UTF-8. Returns a malloc'd NUL-terminated string that is
 * valid UTF-8 with no NUL, no BOM and no control characters except tab and
 * newlines; undecodable bytes become U+FFFD. *out_len receives its length
 * and *charset (may be NULL) a static name of the encoding used. */
char *charset_to_utf8(const uint8_t *data, size_t len, size_t *out_len,
                      const char **charset);

#endif
