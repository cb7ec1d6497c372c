/* utf8_scan: a fast first look at a byte string, sixteen bytes at a time,
 * that says whether it is certainly well-formed UTF-8 without the bytes a
 * caller forbids.
 *
 * Every document's text is checked three times on its way (the extractor
 * checks its input, the extraction child's encoder its record, the sink's
 * decoder the record again), and checking a byte at a time took 6% of a
 * run's CPU over Korean texts. The exact checks (text_utf8_problem in
 * common/text.h, utf8_is_clean in extract/utf8.h) stay the reference: they
 * ask here first and look themselves only when the answer is "not
 * certainly", which is also how they find out why. */
#ifndef FEEDMILL_UTF8_SCAN_H
#define FEEDMILL_UTF8_SCAN_H

#include <stddef.h>

/* What a caller forbids besides malformed UTF-8. */
enum {
    UTF8_SCAN_NUL = 1,       /* a NUL byte */
    UTF8_SCAN_CONTROLS = 2,  /* C0 controls but tab, LF and CR (NUL
                              * among them), DEL, C1 controls (U+0080 to
                              * U+009F) */
};

/* 1 when s[0..len) is well-formed UTF-8 (Unicode table 3-7: no overlongs,
 * surrogates or code points past U+10FFFF) holding nothing forbid names;
 * 0 when it is not, or when this machine or this length gets no fast
 * look (a CPU without SSSE3, fewer than 16 bytes): then the caller
 * checks byte by byte. Never 1 for a string the exact checks refuse. */
int utf8_scan_clean(const char *s, size_t len, unsigned forbid);

#endif
