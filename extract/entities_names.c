/* entities_names: people, organisations, quotes. See entities_names.h.
 *
 * Three passes over the text: people (every mention is kept in a small
 * table, since quotes need them to name a speaker), organisations, then
 * quotes. People and organisations reach the entity list at their first
 * mention only. Names are bounded (NAME_MAX bytes) and so is the table
 * (MENTIONS_MAX), whatever the text. */
#include "entities_names.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "utf8.h"
#include "wordset.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_MAX_BYTES 96
#define MENTIONS_MAX 512
/* A quote has at least this many bytes and at most this many. */
#define QUOTE_MIN 8
#define QUOTE_MAX 2000
/* English: a speaker named this close after a quote ('..." said X'). */
#define SPEAKER_AFTER 80

/* Foreign names in Hangul ("로런스 웡") remembered per text, so that
 * the short form ("웡 총리") is known for the same person. */
#define FOREIGN_MAX 16

typedef struct mention {
    size_t start, end;               /* where the name stands */
    size_t name_start, name_end;     /* the full name (a short form's full one) */
    char title[32];                  /* "대통령", "President", or "" */
} mention_t;

typedef struct foreign {
    size_t start, end;               /* the whole name */
    size_t space;                    /* the space between its two words */
} foreign_t;

typedef struct names {
    const char *s;
    size_t len;
    entity_list_t *list;
    mention_t *people;
    size_t n_people;
    foreign_t foreign[FOREIGN_MAX];
    size_t n_foreign;
} names_t;

/* ---- shared -------------------------------------------------------- */

/* Adds a person or organisation at its first mention only. */
static void add_first(names_t *n, const char *type, size_t start, size_t end)
{
    for (size_t i = 0; i < n->list->n; i++) {
        const span_t *sp = &n->list->v[i];
        if (strcmp(sp->type, type) == 0 && sp->end - sp->start == end - start &&
            memcmp(n->s + sp->start, n->s + start, end - start) == 0)
            return;
    }
    entity_list_add(n->list, type, start, end, 0, 0, NULL, NULL);
}

/* A mention at [start, end) of the person named by [name_start, name_end). */
static void add_mention(names_t *n, size_t start, size_t end, size_t name_start,
                        size_t name_end, const char *title, size_t title_len)
{
    if (n->n_people < MENTIONS_MAX) {
        mention_t *m = &n->people[n->n_people++];
        m->start = start;
        m->end = end;
        m->name_start = name_start;
        m->name_end = name_end;
        size_t t = title_len < sizeof(m->title) - 1 ? title_len : 0;
        memcpy(m->title, title, t);
        m->title[t] = '\0';
    }
}

static void add_person(names_t *n, size_t start, size_t end, const char *title, size_t title_len)
{
    if (end - start > NAME_MAX_BYTES)
        return;
    add_mention(n, start, end, start, end, title, title_len);
    add_first(n, "person", start, end);
}

/* A Hangul syllable at s[i]: 1, and *next just after it. */
static inline int hangul_at(const char *s, size_t len, size_t i, size_t *next)
{
    if (i >= len || !utf8_hangul_at(s, len, i))
        return 0;
    *next = i + 3;
    return 1;
}

/* End of the run of Hangul syllables from i, and their count. */
static size_t hangul_run(const char *s, size_t len, size_t i, size_t *syllables)
{
    size_t end = utf8_hangul_run(s, len, i);
    *syllables = (end - i) / 3;
    return end;
}

static int starts_with(const char *s, size_t len, size_t i, const char *w)
{
    if (i >= len || s[i] != w[0])           /* most calls end here */
        return 0;
    size_t n = strlen(w);
    return len - i >= n && memcmp(s + i, w, n) == 0;
}

static int is_upper_word_start(const char *s, size_t len, size_t i)
{
    return i + 1 < len && ascii_upper((unsigned char)s[i]) &&
           (ascii_lower((unsigned char)s[i + 1]) == s[i + 1] && ascii_alpha((unsigned char)s[i + 1]));
}

/* A capitalised word at i ("Jane", "O'Neil", "Jean-Luc"): its end, or 0. */
static size_t cap_word(const char *s, size_t len, size_t i)
{
    if (!is_upper_word_start(s, len, i))
        return 0;
    size_t k = i + 1;
    while (k < len && (ascii_alpha((unsigned char)s[k]) ||
                       ((s[k] == '-' || s[k] == '\'') && k + 1 < len &&
                        ascii_alpha((unsigned char)s[k + 1]))))
        k++;
    return k;
}

/* ---- scanning ------------------------------------------------------
 * English names, organisations and quotes start at bytes that Korean
 * text has few of: the scans skip eight bytes at a time while none of
 * them can start anything, then look byte by byte. */

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS (ONES * 0x80)

/* The next ASCII capital at or after i, or len. */
static size_t next_capital(const char *s, size_t len, size_t i)
{
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* Per byte, on its low seven bits (no carry leaves a byte): the
         * high bit of x + (0x80 - c) is set when the byte is >= c. */
        uint64_t x = w & (ONES * 0x7F);
        uint64_t at_least_a = x + ONES * (0x80 - 'A');
        uint64_t past_z = x + ONES * (0x80 - 'Z' - 1);
        if (at_least_a & ~past_z & ~w & HIGHS)
            break;
    }
    while (i < len && !ascii_upper((unsigned char)s[i]))
        i++;
    return i;
}

/* The next '"' or 0xE2 (the lead byte of “) at or after i, or len. */
static size_t next_quote_mark(const char *s, size_t len, size_t i)
{
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t q = w ^ (ONES * '"'), e = w ^ (ONES * 0xE2);
        /* A zero byte in q or e sets its high bit here (and may set
         * some above it: only a reason to look closer). */
        if ((((q - ONES) & ~q) | ((e - ONES) & ~e)) & HIGHS)
            break;
    }
    while (i < len && s[i] != '"' && (unsigned char)s[i] != 0xE2)
        i++;
    return i;
}

static int prev_is_word(const char *s, size_t i)
{
    return i > 0 && (ascii_alnum((unsigned char)s[i - 1]) || (unsigned char)s[i - 1] >= 0x80);
}

/* ---- Korean people ------------------------------------------------- */

/* The most common Korean surnames, one syllable each. */
static const char surnames[] =
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구"
    "민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어"
    "은편용예경봉";

/* Titles that follow a name. Ambiguous ones stay out: 시장 is a mayor
 * and a market ("세 나라가 시장 내"), 지사 a governor and a branch. */
static const char *const korean_titles[] = {
    "대통령", "부총리", "총리", "장관", "차관", "회장", "부회장", "대표", "기자",
    "사장", "의장", "위원장", "원장", "청장", "교수", "의원", "대변인", "특파원",
    "이사장", "본부장", "실장", "국장", "처장", "군수", "구청장", "총장", "소장",
    "박사", "변호사", "대사", "국무장관", "주석", "총재", "단장", "수석", "비서관",
    "대통령실",
};

/* Two-syllable words that start with a surname syllable and stand before
 * a title without being a name ("한국 대통령", "전임 장관"). */
static const char *const not_names[] = {
    "한국", "인도", "도쿄", "정부", "전임", "신임", "현직", "전직", "당시", "부산",
    "서울", "경기", "대구", "인천", "광주", "대전", "울산", "세종", "제주", "강원",
    "충북", "충남", "전북", "전남", "경북", "경남", "미국", "중국", "일본", "영국",
    "독일", "북한", "대만", "호주", "기재", "과기", "중기", "국토", "산업", "공동",
    "여당", "야당", "당대", "지역", "주요", "전국", "국내", "해외", "현지", "방한",
    "백악관",
};

/* Countries that stand between a foreign name and its title ("로런스 웡
 * 싱가포르 총리", "도널드 트럼프 미국 대통령"). */
static const char *const countries[] = {
    "미국", "중국", "일본", "영국", "프랑스", "독일", "러시아", "싱가포르", "인도",
    "캐나다", "호주", "이탈리아", "스페인", "브라질", "멕시코", "베트남", "태국", "필리핀",
    "인도네시아", "말레이시아", "대만", "우크라이나", "이스라엘", "이란", "튀르키예", "터키",
    "네덜란드", "스웨덴", "폴란드", "몽골", "뉴질랜드", "아르헨티나", "이집트", "사우디",
    "사우디아라비아", "남아공", "칠레", "페루", "콜롬비아", "핀란드", "노르웨이", "덴마크",
    "벨기에", "스위스", "오스트리아", "체코", "헝가리", "그리스", "포르투갈", "아일랜드",
    "카타르", "아랍에미리트", "파키스탄", "방글라데시", "카자흐스탄", "우즈베키스탄",
};

/* Words that end a Korean organisation's name. */
static const char *const korean_org_ends[] = {
    "협회", "진흥원", "기구", "재단", "연구원", "연구소", "공사", "공단", "위원회",
    "부", "청", "처", "원", "대학교", "대학", "대학원", "은행", "그룹", "실", "회",
    "센터", "연합", "연맹", "협의회", "포럼", "기금", "거래소", "공화국", "전자", "증권",
};

static wordset_t title_set = WORDSET(korean_titles);
static wordset_t country_set = WORDSET(countries);
static wordset_t not_name_set = WORDSET(not_names);

static syllableset_t surname_set = SYLLABLESET(surnames);

/* The syllable at s[i..next) is a common surname. */
static int is_surname(const char *s, size_t i, size_t next)
{
    uint32_t cp;
    return utf8_next(s, next, i, &cp) == next && syllableset_has(&surname_set, cp);
}

/* Particles a title may carry ("대통령은", "기자="): anything else
 * after it makes another word ("대표적", "대통령실"). */
static const char title_particles[] = "은는이가의을를과와도로에께님";

/* What may follow a title of word_len bytes at the start of s. */
static int title_ends(const char *s, size_t len, size_t word_len, void *unused)
{
    (void)unused;
    size_t next;
    if (!hangul_at(s, len, word_len, &next))
        return 1;
    for (size_t k = 0; k + 3 <= sizeof(title_particles) - 1; k += 3)
        if (memcmp(s + word_len, title_particles + k, 3) == 0)
            return 1;
    return 0;
}

/* The first title of the list that starts at s[i] and ends there. */
static const char *title_at(const char *s, size_t len, size_t i)
{
    int t = wordset_first_prefix(&title_set, s + i, len - i, title_ends, NULL);
    return t >= 0 ? korean_titles[t] : NULL;
}

/* Bytes [a, a_end) and [b, b_end) of s are the same word. */
static int same_word(const char *s, size_t a, size_t a_end, size_t b, size_t b_end)
{
    return a_end - a == b_end - b && memcmp(s + a, s + b, a_end - a) == 0;
}

/* The word [w, w_end) stands somewhere in the text on its own before a
 * title ("웡 총리", "트럼프 대통령과"). */
static int titled_elsewhere(const names_t *n, size_t w, size_t w_end)
{
    const char *s = n->s;
    size_t len = n->len, wl = w_end - w;
    for (const char *hit = memmem(s, len, s + w, wl); hit;
         hit = memmem(hit + 1, len - (size_t)(hit + 1 - s), s + w, wl)) {
        size_t k = (size_t)(hit - s);
        if (!prev_is_word(s, k) && k + wl + 1 < len && s[k + wl] == ' ' &&
            title_at(s, len, k + wl + 1))
            return 1;
    }
    return 0;
}

/* One word of a foreign name: not a title, a country, a known non-name,
 * nor a one-syllable determiner ("이 대통령", "그 장관", "전 총리"). */
static int foreign_word(const char *s, size_t start, size_t end)
{
    static const char determiners[] = "이그저전동현새각고";
    if (end - start == 3) {
        for (size_t k = 0; k + 3 <= sizeof(determiners) - 1; k += 3)
            if (memcmp(s + start, determiners + k, 3) == 0)
                return 0;
    }
    return wordset_find(&title_set, s + start, end - start) < 0 &&
           wordset_find(&country_set, s + start, end - start) < 0 &&
           wordset_find(&not_name_set, s + start, end - start) < 0;
}

/* A foreign name written in Hangul, its two words apart: "로런스 웡
 * 싱가포르 총리", "도널드 트럼프 (전) 미국 대통령". Two words, then a
 * country, then a title; and one of the two words stands before a title
 * elsewhere in the text ("웡 총리는"), which the words that merely come
 * before "미국 대통령" in a sentence do not. The first word is
 * [i, end); returns the name's end and sets *title, or 0. */
static size_t foreign_name(const names_t *n, size_t i, size_t end, size_t syllables,
                           const char **title)
{
    const char *s = n->s;
    size_t len = n->len, next, second;
    if (syllables > 5 || end + 1 >= len || s[end] != ' ' || !hangul_at(s, len, end + 1, &next))
        return 0;
    size_t name_end = hangul_run(s, len, end + 1, &second);
    if (second > 5 || syllables + second < 3 || name_end + 1 >= len || s[name_end] != ' ')
        return 0;
    size_t k = name_end + 1, country_syllables;
    if (starts_with(s, len, k, "전 "))
        k += strlen("전 ");
    size_t country_end = hangul_run(s, len, k, &country_syllables);
    if (country_end == k || country_end + 1 >= len || s[country_end] != ' ' ||
        wordset_find(&country_set, s + k, country_end - k) < 0)
        return 0;
    const char *t = title_at(s, len, country_end + 1);
    if (!t || !foreign_word(s, i, end) || !foreign_word(s, end + 1, name_end) ||
        (!titled_elsewhere(n, i, end) && !titled_elsewhere(n, end + 1, name_end)))
        return 0;
    *title = t;
    return name_end;
}

/* A foreign name met before that has the word [i, end) as one of its two. */
static const foreign_t *foreign_part(const names_t *n, size_t i, size_t end)
{
    for (size_t f = 0; f < n->n_foreign; f++) {
        const foreign_t *x = &n->foreign[f];
        if (same_word(n->s, i, end, x->start, x->space) ||
            same_word(n->s, i, end, x->space + 1, x->end))
            return x;
    }
    return NULL;
}

/* The syllable before end is a particle no given name ends with: a word
 * such as "이번에" or "정부의" before an organisation and its title is
 * no name. */
static int particle_last(const char *s, size_t end)
{
    static const char particles[] = "의에와과을를는로";
    for (size_t k = 0; k + 3 <= sizeof(particles) - 1; k += 3)
        if (memcmp(s + end - 3, particles + k, 3) == 0)
            return 1;
    return 0;
}

/* "조준희 한국인공지능·소프트웨어산업협회(KOSA) 회장": after a name
 * ending at end, an organisation (three syllables or more ending in an
 * organisation word, its acronym in parentheses perhaps), then a title.
 * Returns the title, or NULL. */
static const char *org_then_title(const char *s, size_t len, size_t end)
{
    if (end + 1 >= len || s[end] != ' ')
        return NULL;
    size_t k = end + 1, syllables = 0;
    while (k < len) {
        if (utf8_hangul_at(s, len, k)) {
            k += 3;
            syllables++;
        } else if (k + 1 < len && (unsigned char)s[k] == 0xC2 && (unsigned char)s[k + 1] == 0xB7) {
            k += 2;                                  /* '·' */
        } else {
            break;
        }
    }
    size_t org_end = k;
    if (syllables < 3)
        return NULL;
    int org = 0;
    for (size_t w = 0; w < COUNT(korean_org_ends) && !org; w++) {
        size_t wl = strlen(korean_org_ends[w]);
        org = org_end - (end + 1) > wl && memcmp(s + org_end - wl, korean_org_ends[w], wl) == 0;
    }
    if (!org)
        return NULL;
    if (k < len && s[k] == '(') {
        size_t a = k + 1;
        while (a < len && (ascii_upper((unsigned char)s[a]) || ascii_digit((unsigned char)s[a])))
            a++;
        if (a - (k + 1) < 2 || a - (k + 1) > 8 || a >= len || s[a] != ')')
            return NULL;
        k = a + 1;
    }
    if (k + 1 >= len || s[k] != ' ')
        return NULL;
    return title_at(s, len, k + 1);
}

static void korean_people(names_t *n)
{
    const char *s = n->s;
    size_t len = n->len, i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {      /* no name starts at ASCII */
            i++;
            continue;
        }
        if (!utf8_hangul_at(s, len, i) || prev_is_word(s, i)) {
            uint32_t cp;
            i = utf8_next(s, len, i, &cp);
            continue;
        }
        size_t next = i + 3;
        size_t syllables, end = hangul_run(s, len, i, &syllables);
        /* A foreign name, in full or by one of its words. */
        const char *title = NULL;
        size_t name_end = foreign_name(n, i, end, syllables, &title);
        if (name_end) {
            if (!foreign_part(n, i, end) && n->n_foreign < FOREIGN_MAX)
                n->foreign[n->n_foreign++] = (foreign_t){ i, name_end, end };
            add_person(n, i, name_end, title, strlen(title));
            i = name_end;
            continue;
        }
        const foreign_t *known = end + 1 < len && s[end] == ' ' && (title = title_at(s, len, end + 1))
                                     ? foreign_part(n, i, end) : NULL;
        if (known) {
            add_mention(n, i, end, known->start, known->end, title, strlen(title));
            i = end;
            continue;
        }
        /* A name before a title: "박기석 기자", or before an organisation
         * and its title. The cheap tests first. */
        if (syllables >= 2 && syllables <= 4 && is_surname(s, i, next) && end + 1 < len &&
            s[end] == ' ') {
            title = title_at(s, len, end + 1);
            if (!title && syllables == 3 && !particle_last(s, end) &&
                wordset_find(&title_set, s + i, end - i) < 0)
                title = org_then_title(s, len, end);
            if (title && wordset_find(&not_name_set, s + i, end - i) < 0)
                add_person(n, i, end, title, strlen(title));
        }
        /* A title before the name, in an aside: "(장관 한성숙, 이하 ...)".
         * The word must be a title and nothing more. */
        size_t after = end + 1, name_next, name_syllables;
        const char *own = after < len && s[end] == ' ' && wordset_find(&title_set, s + i, end - i) >= 0
                              ? title_at(s, len, i) : NULL;
        if (own && end - i == strlen(own) && hangul_at(s, len, after, &name_next)) {
            size_t aside_end = hangul_run(s, len, after, &name_syllables);
            if (name_syllables >= 2 && name_syllables <= 4 && is_surname(s, after, name_next) &&
                aside_end < len && (s[aside_end] == ',' || s[aside_end] == ')'))
                add_person(n, after, aside_end, own, strlen(own));
        }
        i = end;
    }
}

/* ---- organisation vocabularies ------------------------------------ */

/* Acronyms that name things, not organisations. */
static const char *const not_orgs[] = {
    "MOU", "MOA", "FTA", "GPU", "CPU", "NPU", "GDP", "GNP", "LLM", "SMR", "HPC", "CEO",
    "CTO", "CFO", "COO", "ICT", "ESG", "IPO", "USD", "KRW", "JPY", "EUR", "CNY", "GBP",
    "API", "PDF", "URL", "HTML", "HTTP", "HTTPS", "FAQ", "LNG",
    "TV", "SNS", "DNA", "RNA", "IOT", "LED", "LCD", "OLED", "GPS", "SUV", "USB",
    "CCTV", "ATM", "VIP", "MVP", "CEO", "R&D", "B2B", "B2C", "K-POP", "KPOP",
    "RSS", "CSS", "SQL", "XML", "JSON", "PHP", "KST", "UTC", "GMT", "EST", "PST", "CET",
    "NEWS", "THE", "AND", "FOR", "NOT", "YOU", "ALL", "NEW",
};

static const char *const english_org_words[] = {
    "University", "Institute", "Ministry", "Agency", "Association", "Foundation", "Council",
    "Commission", "Committee", "Bank", "Corporation", "Corp", "Inc", "Ltd", "LLC", "GmbH",
    "AG", "Group", "Company", "Organization", "Organisation", "Department", "Office",
    "Party", "Court", "Parliament", "Senate", "Federation", "Union", "Authority", "Fund",
    "Society", "College", "School", "Hospital", "Laboratory", "Labs", "Academy", "Agence",
};

static wordset_t not_org_set = WORDSET(not_orgs);
static wordset_t org_word_set = WORDSET(english_org_words);

static int listed(wordset_t *set, const char *s, size_t len)
{
    return wordset_find(set, s, len) >= 0;
}

/* ---- English people ------------------------------------------------ */

static const char *const english_titles[] = {
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Mr", "Mrs", "Ms", "Dr", "Prof", "President",
    "Prime Minister", "Minister", "Chancellor", "Senator", "Sen.", "Rep.", "Governor",
    "Gov.", "Mayor", "Judge", "Secretary", "CEO", "Chairman", "Chairwoman", "Professor",
};

static const char *const speech_verbs[] = {
    " said", " says", " told", " wrote", " added", " explained", " asked",
};

/* One to three capitalised words from i: the end of the name, or 0. */
static size_t cap_name(const char *s, size_t len, size_t i, size_t max_words)
{
    size_t end = 0, words = 0, k = i;
    while (words < max_words) {
        size_t w = cap_word(s, len, k);
        if (!w)
            break;
        end = w;
        words++;
        if (w + 1 < len && s[w] == ' ' && is_upper_word_start(s, len, w + 1))
            k = w + 1;
        else
            break;
    }
    return end;
}

/* Words that start capitalised phrases that are no name ("The Ministry
 * said", "In Seoul"), and organisation words inside one. */
static const char *const not_first_names[] = {
    "The", "A", "An", "This", "That", "These", "Those", "It", "He", "She", "They", "We",
    "I", "In", "On", "At", "But", "And", "Or", "If", "When", "While", "As", "For", "So",
    "Officials", "Police", "Experts", "Analysts", "Critics",
};

static wordset_t not_first_name_set = WORDSET(not_first_names);

static int plausible_name(const char *s, size_t start, size_t end)
{
    size_t i = start;
    while (i < end) {
        size_t w = i;
        while (w < end && s[w] != ' ')
            w++;
        if ((i == start && listed(&not_first_name_set, s + i, w - i)) ||
            listed(&org_word_set, s + i, w - i))
            return 0;
        i = w + 1;
    }
    return 1;
}

static void english_people(names_t *n)
{
    const char *s = n->s;
    size_t len = n->len;
    for (size_t i = 0; (i = next_capital(s, len, i)) < len; i++) {
        if (prev_is_word(s, i))
            continue;
        for (size_t t = 0; t < COUNT(english_titles); t++) {
            const char *title = english_titles[t];
            if (!starts_with(s, len, i, title))
                continue;
            size_t k = i + strlen(title);
            if (k + 1 >= len || s[k] != ' ')
                continue;
            size_t end = cap_name(s, len, k + 1, 3);
            if (end) {
                add_person(n, k + 1, end, title, strlen(title));
                i = end;
            }
            break;
        }
        /* "Jane Doe said": two or three words before a speech verb. */
        size_t end = cap_name(s, len, i, 3);
        if (end && !plausible_name(s, i, end))
            end = 0;
        if (end && memchr(s + i, ' ', end - i)) {
            for (size_t v = 0; v < COUNT(speech_verbs); v++)
                if (starts_with(s, len, end, speech_verbs[v])) {
                    add_person(n, i, end, "", 0);
                    break;
                }
        }
        /* "said Jane Doe" */
        if (i >= 5 && memcmp(s + i - 5, "said ", 5) == 0 && end && memchr(s + i, ' ', end - i))
            add_person(n, i, end, "", 0);
        if (end > i)
            i = end;
    }
}

/* ---- organisations ------------------------------------------------- */

/* An acronym at i: 2 to 8 capitals and digits, starting with a capital,
 * not inside a word. Returns its end, or 0. */
static size_t acronym_at(const char *s, size_t len, size_t i)
{
    if (!ascii_upper((unsigned char)s[i]) || (i > 0 && ascii_alnum((unsigned char)s[i - 1])))
        return 0;
    size_t k = i;
    while (k < len && (ascii_upper((unsigned char)s[k]) || ascii_digit((unsigned char)s[k])))
        k++;
    if (k - i < 2 || k - i > 8 || (k < len && ascii_alpha((unsigned char)s[k])))
        return 0;
    return k;
}

/* "일본무역진흥기구(JETRO)": the Hangul word (with '·' inside) ending
 * right before the '(' at paren, when it ends in an organisation word.
 * Returns its start, or paren when there is none. */
static size_t korean_org_before(const char *s, size_t paren)
{
    size_t start = paren;
    while (start > 0) {
        size_t p = utf8_prev(s, start);
        uint32_t cp;
        utf8_next(s, paren, p, &cp);
        if (!cp_is_hangul(cp) && cp != 0xB7)
            break;
        start = p;
    }
    if (paren - start < 6)                       /* two syllables at least */
        return paren;
    for (size_t k = 0; k < COUNT(korean_org_ends); k++) {
        size_t n = strlen(korean_org_ends[k]);
        if (paren - start > n && memcmp(s + paren - n, korean_org_ends[k], n) == 0)
            return start;
    }
    return paren;
}

/* Capitalised words around an organisation word: "Bank of Korea",
 * "Seoul National University", "Samsung Electronics Co." is not (no
 * organisation word). Returns the end, or 0. */
static size_t english_org(const char *s, size_t len, size_t i)
{
    size_t k = i, end = 0, words = 0;
    int org = 0;
    while (words < 8) {
        size_t w = cap_word(s, len, k);
        size_t a = w ? w : acronym_at(s, len, k);
        if (!a)
            break;
        org |= listed(&org_word_set, s + k, a - k);
        end = a;
        words++;
        k = a;
        if (k + 1 < len && s[k] == ' ' && (cap_word(s, len, k + 1) || acronym_at(s, len, k + 1))) {
            k++;
            continue;
        }
        /* "of", "for", "&" join capitalised words: "Bank of Korea"; "and"
         * does not, it joins two names as often as it makes one. */
        static const char *const joins[] = { " of ", " for ", " & " };
        size_t j = 0;
        for (size_t q = 0; q < COUNT(joins) && !j; q++)
            if (starts_with(s, len, k, joins[q]) && cap_word(s, len, k + strlen(joins[q])))
                j = strlen(joins[q]);
        if (!j)
            break;
        k += j;
    }
    return org && words >= 2 ? end : 0;
}

/* An English organisation's name from i, "The" left out; its end, or 0. */
static size_t english_org_at(names_t *n, size_t i)
{
    const char *s = n->s;
    size_t len = n->len, start = i;
    if (i + 4 <= len && memcmp(s + i, "The ", 4) == 0)
        start = i + 4;
    size_t end = english_org(s, len, start);
    if (end)
        add_first(n, "org", start, end);
    return end;
}

static void organisations(names_t *n)
{
    const char *s = n->s;
    size_t len = n->len;
    for (size_t i = 0; (i = next_capital(s, len, i)) < len; i++) {
        if (i > 0 && ascii_alnum((unsigned char)s[i - 1]))
            continue;
        size_t end = prev_is_word(s, i) ? 0 : english_org_at(n, i);
        if (end) {
            i = end;
            continue;
        }
        /* Acronyms may follow Hangul or Han directly ("韓NIPA"). */
        end = acronym_at(s, len, i);
        if (!end)
            continue;
        int defined = i > 0 && s[i - 1] == '(' && end < len && (s[end] == ')' || s[end] == '-');
        size_t korean = defined ? korean_org_before(s, i - 1) : i - 1;
        if (defined && korean < i - 1)
            add_first(n, "org", korean, i - 1);
        if (end - i >= 3 && !listed(&not_org_set, s + i, end - i))
            add_first(n, "org", i, end);
        i = end;
    }
}

/* ---- quotes -------------------------------------------------------- */

static int sentence_break(const char *s, size_t i)
{
    return s[i] == '\n' || ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ');
}

/* No sentence ends in s[from, to) (nor a line). */
static int one_sentence(const char *s, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (sentence_break(s, k))
            return 0;
    return 1;
}

/* The person speaking a quote at [open, close): a name in the sentence
 * before it (the nearest), else one right after it, else the person
 * last named with a title the sentence uses ("이 대통령은"). */
static const mention_t *speaker_of(const names_t *n, size_t open, size_t close)
{
    const char *s = n->s;
    size_t from = open;
    while (from > 0 && !sentence_break(s, from - 1))
        from--;
    const mention_t *best = NULL;
    for (size_t i = 0; i < n->n_people; i++) {
        const mention_t *m = &n->people[i];
        if (m->start >= from && m->end <= open)
            best = m;
        else if (!best && m->start >= close && m->start < close + SPEAKER_AFTER &&
                 one_sentence(s, close, m->start))
            return m;
    }
    if (best)
        return best;
    /* "이 대통령은", "그 장관은": the title with a demonstrative. */
    for (size_t i = n->n_people; i-- > 0;) {
        const mention_t *m = &n->people[i];
        size_t t = strlen(m->title);
        if (m->end > open || !t || (unsigned char)m->title[0] < 0x80)
            continue;
        /* Each place the title stands in the sentence, in order. */
        for (const char *hit = memmem(s + from, open - from, m->title, t); hit;
             hit = memmem(hit + 1, (size_t)(s + open - hit - 1), m->title, t)) {
            size_t k = (size_t)(hit - s);
            if (k >= from + 4 && s[k - 1] == ' ' &&
                (starts_with(s, k, k - 4, "이") || starts_with(s, k, k - 4, "그") ||
                 starts_with(s, k, k - 4, "동")) &&
                (k - 4 == from || s[k - 5] == ' ' || s[k - 5] == '\n'))
                return m;
        }
    }
    return NULL;
}

static void quotes(names_t *n)
{
    const char *s = n->s;
    size_t len = n->len;
    buf_t speaker = BUF_INIT;
    for (size_t i = 0; (i = next_quote_mark(s, len, i)) < len; i++) {
        const char *close_mark;
        size_t open_len;
        if (s[i] == '"') {
            close_mark = "\"", open_len = 1;
        } else if (starts_with(s, len, i, "\xE2\x80\x9C")) {     /* “ */
            close_mark = "\xE2\x80\x9D", open_len = 3;           /* ” */
        } else {
            continue;
        }
        size_t from = i + open_len;
        const char *c = memmem(s + from, len - from, close_mark, strlen(close_mark));
        if (!c)
            break;
        size_t close = (size_t)(c - s);
        const char *nl = memchr(s + from, '\n', close - from);
        if (nl) {                               /* quotes end with their paragraph */
            i = (size_t)(nl - s);
            continue;
        }
        if (close - from >= QUOTE_MIN && close - from <= QUOTE_MAX &&
            memchr(s + from, ' ', close - from)) {
            const mention_t *m = speaker_of(n, i, close);
            buf_reset(&speaker);
            if (m)
                buf_append(&speaker, s + m->name_start, m->name_end - m->name_start);
            entity_list_add(n->list, "quote", from, close, 0, 0, m ? buf_str(&speaker) : NULL,
                            NULL);
        }
        i = close + strlen(close_mark) - 1;
    }
    buf_free(&speaker);
}

static int by_position(const void *a, const void *b)
{
    const mention_t *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

void entities_names(entity_list_t *list, const char *s, size_t len)
{
    names_t n = { s, len, list, xmalloc(MENTIONS_MAX * sizeof(mention_t)), 0, { { 0, 0, 0 } }, 0 };
    korean_people(&n);
    english_people(&n);
    /* Speakers are looked for by position. */
    qsort(n.people, n.n_people, sizeof(mention_t), by_position);
    organisations(&n);
    quotes(&n);
    free(n.people);
}
