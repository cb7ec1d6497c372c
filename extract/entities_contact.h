/* entities_contact: dates, phone numbers, e-mail addresses and URLs in
 * a text.
 *
 * Written forms, not lookups: a phone number is digits in at least three
 * groups with 9 to 15 digits in all ("044-202-6260", "+82 2 1234 5678",
 * "(02) 123-4567"), so that a date ("2026-03-03") or an amount never
 * reads as one; dates are what date.c reads ("2026년 3월 3일",
 * "2026.3.2", "3 March 2026"). Spans are appended to an entity list
 * (entity_list.h) that puts every recogniser's finds in order. */
#ifndef FEEDMILL_EXTRACT_ENTITIES_CONTACT_H
#define FEEDMILL_EXTRACT_ENTITIES_CONTACT_H

#include <stddef.h>

#include "entity_list.h"

void entities_contact(entity_list_t *list, const char *s, size_t len);

#endif
