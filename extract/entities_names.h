/* entities_names: people, organisations and quoted speech in a text.
 *
 * Patterns, not a dictionary, so that they carry over to any news text:
 *  - a Korean name is two to four syllables starting with a common
 *    surname, right before a title ("이재명 대통령", "박기석 기자",
 *    "배경훈 부총리"), also with its organisation between ("조준희
 *    한국인공지능·소프트웨어산업협회(KOSA) 회장"); a foreign name in
 *    Hangul is two words before a country and a title ("로런스 웡
 *    싱가포르 총리") when one of the words stands before a title
 *    elsewhere too ("웡 총리는"), and that short form is the same
 *    person; an English one is capitalised words after a title
 *    ("President Joe Biden", "Dr. Jane Doe") or before or after "said";
 *  - an organisation is an acronym ("KOSA", "NIPA", "JETRO"; common
 *    non-organisation acronyms such as MOU, GDP or GPU excepted), a
 *    Korean name ending in an organisation word before its acronym
 *    ("일본무역진흥기구(JETRO)"), or capitalised words with an
 *    organisation word ("Seoul National University", "Bank of Korea");
 *  - a quote is text in double quotes with a space in it; its speaker
 *    is the person named in the same sentence, or the one last named
 *    with the title the sentence uses ("이 대통령은 \"...\"").
 * Spans go to an entity list (entity_list.h). */
#ifndef FEEDMILL_EXTRACT_ENTITIES_NAMES_H
#define FEEDMILL_EXTRACT_ENTITIES_NAMES_H

#include <stddef.h>

#include "entity_list.h"

void entities_names(entity_list_t *list, const char *s, size_t len);

#endif
