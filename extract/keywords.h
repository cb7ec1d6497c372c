/* keywords: the most salient terms of a document.
 *
 * Frequency of content words, with words of the title counted extra:
 * cheap, deterministic and good enough to search and group news by. Korean
 * needs one step more than English: a noun is written with its particle
 * attached (대통령은, 대통령이, 대통령의), so particles are stripped first
 * or one word would count as several. */
#ifndef FEEDMILL_EXTRACT_KEYWORDS_H
#define FEEDMILL_EXTRACT_KEYWORDS_H

#include <stddef.h>

#include "common/buf.h"
#include "proto/record.h"
#include "tokens.h"

#define KEYWORDS_MAX 10

/* Adds up to KEYWORDS_MAX keywords of body and title (may be NULL) to
 * rec, best first; ties go to the term seen first. */
void keywords_add(record_t *rec, const char *title, const char *body, size_t len);
/* The same from the body's tokens (tokens_split), when they are at hand. */
void keywords_add_tokens(record_t *rec, const char *title, const char *body,
                         const tokens_t *body_tokens);

/* The keyword form of a token into out (emptied first): lowercased,
 * Korean particle stripped. 0 when the token is no keyword at all
 * (number, stop word, too short). */
int keyword_term(const token_t *tok, buf_t *out);

#endif
