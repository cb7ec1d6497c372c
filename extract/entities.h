/* entities: money amounts and percentages mentioned in a text.
 *
 * Korean amounts are the first-class case ("3억 달러", "1조1천35억 엔",
 * "500억원", "5천만 원"), English ones the second ("$3 million", "USD 5
 * billion", "€20m"). An amount needs a currency: a bare "2030년" or
 * "113분" is never money. */
#ifndef FEEDMILL_EXTRACT_ENTITIES_H
#define FEEDMILL_EXTRACT_ENTITIES_H

#include <stddef.h>

#include "proto/record.h"

/* A record is for reading and indexing: past this many amounts a
 * document is a table dump, and more entities would only cost memory
 * (record_add_entity grows its array one entry at a time). */
#define ENTITIES_MAX 1000

/* Appends to rec one entity per amount found in text, in text order, at
 * most ENTITIES_MAX: type "money" with an ISO 4217 unit, or "percent"
 * with unit "%". */
void entities_add(record_t *rec, const char *text, size_t len);

#endif
