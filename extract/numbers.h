/* numbers: amounts written with Arabic digits and Korean numeral units.
 *
 * Korean news writes large amounts in groups of four digits: "1조1천35억"
 * is 1 x 10^12 + (1 x 1000 + 35) x 10^8. Within a group 십/백/천 (10,
 * 100, 1000) scale the digits before them; 만/억/조/경 (10^4, 10^8,
 * 10^12, 10^16) close a group, largest first. Digits may carry thousands
 * commas ("1,200억") and decimals ("1.5조"). */
#ifndef FEEDMILL_EXTRACT_NUMBERS_H
#define FEEDMILL_EXTRACT_NUMBERS_H

#include <stddef.h>

/* Parses the number that starts exactly at s (a digit or 십/백/천).
 * Returns the bytes it spans (0 when there is none) and its value in
 * *value. One space is allowed after a group unit when another group
 * follows ("1조 1035억"). */
size_t korean_number_parse(const char *s, size_t len, double *value);
/* 1 when a number may start at s: a digit or 십/백/천. When 0,
 * korean_number_parse finds none there; scans test this first. */
int korean_number_may_start(const char *s, size_t len);
/* The syllables other than digits a number may start with (십, 백, 천),
 * as UTF-8 strings, into out; returns how many (at most max). */
size_t korean_number_start_syllables(const char **out, size_t max);

/* Parses plain digits with optional thousands commas and decimals:
 * "1,200", "23.2", "4386". Returns bytes consumed, 0 when none. */
size_t decimal_parse(const char *s, size_t len, double *value);

#endif
