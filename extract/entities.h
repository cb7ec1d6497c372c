/* entities: what a text mentions, for search and analysis.
 *
 * Money amounts are the first-class case, Korean ones first ("3억 달러",
 * "1조1천35억 엔", "500억원", "5천만 원"), English ones second ("$3
 * million", "USD 5 billion", "€20m"); an amount needs a currency: a bare
 * "2030년" or "113분" is never money. Percentages, dates, phone numbers,
 * e-mail addresses and URLs (entities_contact.c), people, organisations
 * and quotes (entities_names.c) follow. */
#ifndef FEEDMILL_EXTRACT_ENTITIES_H
#define FEEDMILL_EXTRACT_ENTITIES_H

#include <stddef.h>

#include "proto/record.h"

/* A record is for reading and indexing: past this many amounts a
 * document is a table dump, and more entities would only cost memory
 * (record_add_entity grows its array one entry at a time). */
#define ENTITIES_MAX 1000

/* Appends to rec the entities found in text, in text order, at most
 * ENTITIES_MAX:
 *   money    value the amount, unit the ISO 4217 code ("3억 달러": 3e8 USD)
 *   percent  value the number, unit "%"
 *   date     unit the date in ISO 8601 ("2026년 3월 3일": "2026-03-03")
 *   phone, email, url
 *   person   the name without title ("박기석 기자": "박기석")
 *   org      an organisation ("KOSA", "일본무역진흥기구")
 *   quote    the quoted words, unit the speaker when the text names one
 * People and organisations are listed at their first mention only. */
void entities_add(record_t *rec, const char *text, size_t len);

#endif
