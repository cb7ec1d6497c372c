/* entities_korean: Korean people's names, and Korean organisations'
 * names before their acronym. See entities_names.h for the patterns and
 * entities_names_int.h for what this file shares with entities_names.c.
 *
 * Kept apart from the English and the quotes: the word lists (surnames,
 * titles, countries, organisation endings) and the Hangul tests are this
 * file's alone. */
#include <stdint.h>
#include <string.h>

#include "entities_names_int.h"
#include "wordset.h"

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

void names_korean_people(names_t *n)
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
            names_add_person(n, i, name_end, title, strlen(title));
            i = name_end;
            continue;
        }
        const foreign_t *known = end + 1 < len && s[end] == ' ' && (title = title_at(s, len, end + 1))
                                     ? foreign_part(n, i, end) : NULL;
        if (known) {
            names_add_mention(n, i, end, known->start, known->end, title, strlen(title));
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
                names_add_person(n, i, end, title, strlen(title));
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
                names_add_person(n, after, aside_end, own, strlen(own));
        }
        i = end;
    }
}


/* "일본무역진흥기구(JETRO)": the Hangul word (with '·' inside) ending
 * right before the '(' at paren, when it ends in an organisation word.
 * Returns its start, or paren when there is none. */
size_t names_korean_org_before(const char *s, size_t paren)
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
