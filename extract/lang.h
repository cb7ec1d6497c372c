/* lang: which language a body is written in.
 *
 * Scripts decide most languages outright (Hangul is Korean, kana is
 * Japanese, Han alone is Chinese, ...). Latin-script text is a vote among
 * seven European languages by their most frequent function words. The
 * page's own claim (<html lang>) settles ties and weak votes. */
#ifndef FEEDMILL_EXTRACT_LANG_H
#define FEEDMILL_EXTRACT_LANG_H

#include <stddef.h>

/* ISO 639-1 code ("ko", "en", ...) or "und". hint is the declared
 * language or NULL; when it decides, hint itself is returned, else a
 * static string: copy the answer before freeing hint. */
const char *lang_detect(const char *text, size_t len, const char *hint);

/* 1 when the lowercased word is a function word of one of the Latin
 * languages lang_detect votes on: useless as a keyword. */
int lang_is_stopword(const char *word, size_t len);

#endif
