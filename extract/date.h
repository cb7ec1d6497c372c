/* date: recognise a publication date as people and pages write it, and
 * normalise it to ISO 8601.
 *
 * Shared by the text path (2026-03-03, 2026.3.2, 2026년 3월 3일, "입력
 * 2026-03-03 00:04") and the HTML path (2026-03-03T00:04:00+09:00 in
 * meta tags, "Tue, 03 Mar 2026 ..." in older ones). Month and day ranges
 * are validated so that "2026-13-45" or a phone number never becomes a
 * date. */
#ifndef FEEDMILL_EXTRACT_DATE_H
#define FEEDMILL_EXTRACT_DATE_H

#include <stddef.h>

/* "YYYY-MM-DDTHH:MM:SS+HH:MM" and its NUL. */
#define DATE_MAX 32

/* Parses a date starting exactly at s. Returns the bytes consumed, 0 when
 * there is no valid date there. out receives "YYYY-MM-DD", or
 * "YYYY-MM-DDTHH:MM:SS" (plus "Z" or "+HH:MM" when a zone was given)
 * when a time of day follows the date. */
size_t date_parse(const char *s, size_t len, char out[DATE_MAX]);

/* The first date anywhere in s (at a word start). Returns 1 and fills
 * out, or 0. */
int date_find(const char *s, size_t len, char out[DATE_MAX]);

#endif
