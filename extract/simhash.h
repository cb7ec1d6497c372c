/* simhash: a 64-bit fingerprint where similar texts differ in few bits.
 *
 * Charikar's SimHash over 3-word shingles: each shingle's hash votes +1
 * or -1 on each bit, the fingerprint keeps the sign. Changing one word of
 * a long text changes only the three shingles that contain it, so the
 * fingerprint moves by a few bits; unrelated texts land ~32 bits apart.
 * The sink compares fingerprints to find the same story republished. */
#ifndef FEEDMILL_EXTRACT_SIMHASH_H
#define FEEDMILL_EXTRACT_SIMHASH_H

#include <stddef.h>
#include <stdint.h>

#include "tokens.h"

/* Words are lowercased tokens (tokens.h), so case and punctuation
 * changes do not move the fingerprint. A text with fewer than three
 * words is one shingle; one with no words hashes its bytes. */
uint64_t simhash_of(const char *text, size_t len);
/* The same from the text's tokens (tokens_split), when they are at hand. */
uint64_t simhash_of_tokens(const tokens_t *tokens, const char *text, size_t len);

/* Number of differing bits. */
int simhash_distance(uint64_t a, uint64_t b);

#endif
