/* boiler: boilerplate rules over a paragraph list. See boiler.h. */
#include "boiler.h"

#include <stdlib.h>
#include <string.h>

#include "meta.h"
#include "text.h"
#include "tokens.h"
#include "utf8.h"
#include "wordset.h"

/* A menu item is at most this wide (10 Hangul syllables, 20 letters). */
#define MENU_ITEM_WIDTH 20
/* This many menu-like lines in a row make a menu. */
#define MENU_RUN 4
/* Repeated captions and credits are looked for this many lines away. */
#define REPEAT_WINDOW 3
/* A widget heading is short; a longer "heading" is a lead paragraph
 * styled as one. */
#define ORPHAN_HEADING_WIDTH 80
/* A paragraph this wide or wider is dropped when it repeats one. */
#define DUPLICATE_MIN_WIDTH 80
/* Footer markers are only trusted on lines up to this wide. */
#define FOOTER_LINE_WIDTH 200
/* Line widths are exact only so far (lines.h). */
_Static_assert(FOOTER_LINE_WIDTH <= LINE_WIDTH_EXACT, "a width rule past LINE_WIDTH_EXACT");

/* Whole-line UI words: buttons, section links, widget titles. Compared
 * after normalise(): ASCII lowercased, bullets and arrows trimmed. */
static const char *const ui_words[] = {
    "기사 검색", "검색", "로그인", "로그아웃", "회원가입", "사이트맵",
    "신문 구독", "구독", "구독하기", "구독신청", "기사 읽어주기", "다시듣기",
    "글씨 크기 조절", "글자크기 설정", "글자 크기", "닫기", "프린트", "인쇄",
    "인쇄하기", "댓글", "공유", "공유하기", "스크랩", "이미지 확대",
    "광고삭제", "광고", "위로", "맨위로", "맨 위로", "이전", "다음", "목록",
    "이전글", "다음글", "좋아요", "페이스북", "트위터", "카카오톡", "url 복사",
    "링크 복사", "기사 공유", "전체메뉴", "메뉴", "홈", "방금 들어온 뉴스",
    "지난 poll", "투표", "close button", "share", "share this", "print",
    "tweet", "email", "comments", "log in", "login", "sign in", "sign up",
    "subscribe", "advertisement", "advertising", "read more",
    "skip to content", "skip to main content", "menu", "search", "home",
    "back to top", "close", "toggle navigation", "facebook", "twitter",
    "linkedin", "whatsapp", "pinterest", "reddit", "credit", "credits", "next",
    "previous", "drucken", "teilen", "anzeige", "werbung", "pdf", "zurück",
    "nach oben", "seite drucken", "weiterlesen", "mehr lesen", "mehr erfahren",
    "gefällt mir", "bloggern gefällt das", "kommentieren", "compartir", "imprimir",
    "partager", "imprimer",
};

/* Widget headings that open the trailer under an article: related and
 * most-read lists, comments, tags, sharing, in the languages feedmill
 * meets most. */
static const char *const trailer_words[] = {
    "관련기사", "관련 기사", "많이 본 뉴스", "추천 뉴스", "인기 기사",
    "related articles", "related posts", "related stories", "related content",
    "related news", "related", "most popular", "most read", "you may also like",
    "you might also like", "recommended", "read next", "more stories", "read more",
    "popular posts", "recent posts", "leave a reply", "leave a comment", "comments",
    "share this", "like this", "tags", "topics",
    "mehr zum thema", "mehr zu diesem thema", "weitere artikel", "weitere artikel zum thema",
    "das könnte sie auch interessieren", "das könnte dich auch interessieren",
    "auch interessant", "lesen sie auch", "lesen sie auch die folgenden beiträge",
    "weitere nachrichten", "weitere beiträge", "ähnliche artikel", "ähnliche beiträge",
    "verwandte artikel", "meistgelesen", "am meisten gelesen", "meistgelesene artikel",
    "beliebte artikel", "passend zum thema", "schlagworte", "kommentare",
    "kommentar schreiben", "artikel teilen", "diesen artikel teilen",
    "notas relacionadas", "noticias relacionadas", "artículos relacionados",
    "te puede interesar", "también te puede interesar", "lo más leído", "más noticias",
    "comentarios", "etiquetas", "à lire aussi", "lire aussi", "sur le même sujet",
    "articles similaires", "les plus lus", "commentaires", "articoli correlati",
    "potrebbe interessarti", "leggi anche", "about the author", "über den autor",
    "über die autorin", "zum autor", "zur autorin", "zobacz również", "zobacz też",
    "comments are closed", "kommentare sind geschlossen", "veja também",
    /* a shop's suggestions under its product */
    "similar items", "similar products", "related products", "related items",
    "customers also viewed", "customers also bought", "customers also purchased",
    "customers who viewed this item also viewed", "customers who bought this item also bought",
    "frequently bought together", "people also bought", "people also viewed",
    "recently viewed", "recently viewed items", "recently viewed products",
    "complete the look", "shop the look", "more from this shop", "more from this seller",
    "you may also be interested in",
};

/* A trailer heading may go on ("Mehr zum Thema auf example.org:",
 * "Related Coverage"): short lines that start with a trailer word and
 * a separator count too. */
#define TRAILER_LINE_WIDTH 60

/* Substrings that mark a (short) line as footer or UI text. */
static const char *const footer_markers[] = {
    "copyright", "all rights reserved", "ⓒ", "©", "무단 전재", "무단전재",
    "재배포 금지", "재배포금지", "글자크기", "글씨 크기", "페이지로 이동",
};

static const char *const copyright_markers[] = {
    "copyright", "all rights reserved", "ⓒ", "©", "무단 전재", "무단전재",
};

static int is_decoration(uint32_t cp)
{
    return cp_is_space(cp) || cp == '*' || cp == '-' || cp == '>' ||
           cp == '<' || cp == '|' || cp == ':' || cp == 0xB7 || cp == 0xBB ||
           cp == 0x2022 || cp == 0x203A || cp == 0x25B6 || cp == 0x25A0 ||
           cp == 0x25B2 || cp == 0x25BA || cp == 0x2192;
}

/* The line without leading/trailing bullets and arrows, ASCII lowercased.
 * Left empty for a line no rule reads it of: too long to be a listed
 * word (WORDSET_MAX_LEN) and wider than the widest line whose words
 * are searched (FOOTER_LINE_WIDTH), like most paragraphs. */
static void normalise(const line_t *l, buf_t *out)
{
    size_t start = 0, end = l->len;
    while (start < end) {
        uint32_t cp;
        size_t next = utf8_next(l->text, l->len, start, &cp);
        if (!is_decoration(cp))
            break;
        start = next;
    }
    while (end > start) {
        size_t p = utf8_prev(l->text, end);
        uint32_t cp;
        utf8_next(l->text, l->len, p, &cp);
        if (!is_decoration(cp))
            break;
        end = p;
    }
    buf_reset(out);
    if (end - start > WORDSET_MAX_LEN && l->width > FOOTER_LINE_WIDTH)
        return;
    buf_append(out, l->text + start, end - start);
    for (size_t i = 0; i < out->len; i++)
        out->data[i] = (char)ascii_lower((unsigned char)out->data[i]);
}

static wordset_t ui_word_set = WORDSET(ui_words);
static wordset_t trailer_word_set = WORDSET(trailer_words);

static int in_set(wordset_t *set, const buf_t *s)
{
    return wordset_find(set, buf_str(s), s->len) >= 0;
}

static int contains_any(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(s, list[i]))
            return 1;
    return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 1 when s starts with a word of the list followed by a space, a colon
 * or a full stop. */
static int starts_with_any(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        size_t m = strlen(list[i]);
        if (strncmp(s, list[i], m) == 0 && (s[m] == ' ' || s[m] == ':' || s[m] == '.'))
            return 1;
    }
    return 0;
}

static int few_letters(const line_t *l)
{
    size_t i = 0, letters = 0;
    while (i < l->len && letters < 2) {
        uint32_t cp;
        i = utf8_next(l->text, l->len, i, &cp);
        letters += cp_is_letter(cp);
    }
    return letters < 2;
}

/* A photo caption in Korean news ends with its credit: "... 악수하고
 * 있다. (사진=AFP, 뉴스1)", "...(사진=홍길동 기자)", "[사진 제공=...]". */
static int photo_caption(const line_t *l)
{
    size_t end = l->len;
    while (end > 0 && l->text[end - 1] == ' ')
        end--;
    if (end == 0 || (l->text[end - 1] != ')' && l->text[end - 1] != ']'))
        return 0;
    char open = l->text[end - 1] == ')' ? '(' : '[';
    size_t p = end - 1;
    while (p > 0 && l->text[p - 1] != open)
        p--;
    if (p == 0)
        return 0;
    const char *credit = l->text + p;
    size_t n = end - 1 - p;
    return n > strlen("사진") && memcmp(credit, "사진", strlen("사진")) == 0 &&
           (memchr(credit, '=', n) || memmem(credit, n, "제공", strlen("제공")));
}

/* Rules that judge one line alone. */
static void mark_lines(lines_t *lines, int text_rules)
{
    buf_t norm = BUF_INIT;
    char iso[DATE_MAX];
    int publish;
    for (size_t i = 0; i < lines->n; i++) {
        line_t *l = &lines->v[i];
        normalise(l, &norm);
        const char *s = buf_str(&norm);
        if ((text_rules && few_letters(l)) || in_set(&ui_word_set, &norm) ||
            (l->width <= FOOTER_LINE_WIDTH &&
             contains_any(footer_markers, COUNT(footer_markers), s)) ||
            (l->width <= META_LINE_WIDTH &&
             (meta_timestamp_line(l->text, l->len, iso, &publish) ||
              meta_byline(l->text, l->len, NULL))) ||
            photo_caption(l))
            l->drop = 1;
    }
    buf_free(&norm);
}

static int menu_like(const line_t *l)
{
    return !l->heading && !l->list_item &&
           l->width <= MENU_ITEM_WIDTH &&
           !text_has_sentence_end(l->text, l->len);
}

/* A run of menu-like lines; lines already dropped neither break the run
 * nor count towards it, so a menu interrupted by a recognised "로그인"
 * is still one menu. */
static void mark_menu_runs(lines_t *lines)
{
    size_t i = 0;
    while (i < lines->n) {
        if (lines->v[i].drop || !menu_like(&lines->v[i])) {
            i++;
            continue;
        }
        size_t j = i, members = 0;
        while (j < lines->n && (lines->v[j].drop || menu_like(&lines->v[j]))) {
            members += !lines->v[j].drop;
            j++;
        }
        if (members >= MENU_RUN)
            for (size_t k = i; k < j; k++)
                lines->v[k].drop = 1;
        i = j;
    }
}

static int is_prefix_or_suffix(const line_t *part, const line_t *whole)
{
    if (part->len > whole->len)
        return 0;
    return memcmp(whole->text, part->text, part->len) == 0 ||
           memcmp(whole->text + whole->len - part->len, part->text, part->len) == 0;
}

/* The next line from i in direction dir that a repeat is looked for in,
 * or (size_t)-1: kept lines, and the photo captions mark_lines already
 * dropped, since the copy of a caption without its credit repeats the
 * one with it. */
static size_t next_partner(const lines_t *lines, size_t i, int dir)
{
    while (dir > 0 ? i + 1 < lines->n : i > 0) {
        i = dir > 0 ? i + 1 : i - 1;
        if (!lines->v[i].drop || photo_caption(&lines->v[i]))
            return i;
    }
    return (size_t)-1;
}

/* Photo captions come twice (with and without the credit) and the credit
 * alone: a line that starts or ends a nearby longer line is a repeat. */
static void mark_repeats(lines_t *lines)
{
    for (size_t i = 0; i < lines->n; i++) {
        line_t *l = &lines->v[i];
        if (l->drop || l->heading || l->len < 10)
            continue;
        for (int dir = -1; dir <= 1 && !l->drop; dir += 2) {
            size_t j = i;
            for (int step = 0; step < REPEAT_WINDOW; step++) {
                j = next_partner(lines, j, dir);
                if (j == (size_t)-1)
                    break;
                const line_t *o = &lines->v[j];
                /* Of two equal lines the later one goes. */
                int longer = o->len > l->len || (o->len == l->len && dir < 0);
                if (longer && is_prefix_or_suffix(l, o)) {
                    l->drop = 1;
                    break;
                }
            }
        }
    }
}

/* From a copyright line or a "관련기사" heading in the second half of the
 * document on, everything is site trailer: related links, polls, ads. */
static void cut_trailer(lines_t *lines)
{
    size_t total = 0, pos = 0;
    for (size_t i = 0; i < lines->n; i++)
        total += lines->v[i].len;
    buf_t norm = BUF_INIT;
    for (size_t i = 0; i < lines->n; i++) {
        const line_t *l = &lines->v[i];
        if (pos * 2 >= total) {
            normalise(l, &norm);
            const char *s = buf_str(&norm);
            if (in_set(&trailer_word_set, &norm) ||
                (l->width <= TRAILER_LINE_WIDTH &&
                 starts_with_any(trailer_words, COUNT(trailer_words), s)) ||
                (l->width <= FOOTER_LINE_WIDTH &&
                 contains_any(copyright_markers, COUNT(copyright_markers), s))) {
                for (size_t k = i; k < lines->n; k++)
                    lines->v[k].drop = 1;
                break;
            }
        }
        pos += l->len;
    }
    buf_free(&norm);
}

typedef struct line_key {
    uint64_t hash;
    size_t index;
} line_key_t;

static int by_hash_then_index(const void *a, const void *b)
{
    const line_key_t *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* A paragraph the page or the scraper wrote twice (a block repeated for
 * another screen size, a copy pasted twice) is kept the first time.
 * Only paragraphs: short lines ("Share", a dateline) repeat for other
 * reasons and other rules judge them. Hashes sorted, so any length of
 * document costs n log n. */
static void mark_duplicates(lines_t *lines)
{
    line_key_t *keys = xcalloc(lines->n ? lines->n : 1, sizeof(line_key_t));
    size_t n = 0;
    for (size_t i = 0; i < lines->n; i++) {
        const line_t *l = &lines->v[i];
        if (!l->drop && !l->heading && l->width >= DUPLICATE_MIN_WIDTH)
            keys[n++] = (line_key_t){ text_hash(l->text, l->len), i };
    }
    qsort(keys, n, sizeof(line_key_t), by_hash_then_index);
    for (size_t k = 1; k < n; k++) {
        /* The first of a run of equal hashes is the earliest line. */
        size_t first = k - 1;
        while (first > 0 && keys[first - 1].hash == keys[k].hash)
            first--;
        const line_t *a = &lines->v[keys[first].index];
        line_t *b = &lines->v[keys[k].index];
        if (keys[first].hash == keys[k].hash && a->len == b->len &&
            memcmp(a->text, b->text, a->len) == 0)
            b->drop = 1;
    }
    free(keys);
}

void boiler_mark_text(lines_t *lines)
{
    mark_lines(lines, 1);
    mark_menu_runs(lines);
    mark_repeats(lines);
    mark_duplicates(lines);
    cut_trailer(lines);
}

/* A short heading whose section is gone (its related-articles list or
 * its comment form was pruned) heads nothing: it is the last line, or
 * the next line is a heading of the same or a higher rank. Run from the end
 * so that a run of such headings goes as a whole. */
static void drop_orphan_headings(lines_t *lines)
{
    int next_heading = -1;      /* level of the next kept line's heading: 0 none, -1 end */
    for (size_t i = lines->n; i-- > 0;) {
        line_t *l = &lines->v[i];
        if (l->drop)
            continue;
        if (l->heading && l->width <= ORPHAN_HEADING_WIDTH &&
            (next_heading == -1 || (next_heading > 0 && next_heading <= l->heading)))
            l->drop = 1;
        else
            next_heading = l->heading;
    }
}

void boiler_mark_html(lines_t *lines)
{
    mark_lines(lines, 0);
    mark_duplicates(lines);
    cut_trailer(lines);
    drop_orphan_headings(lines);
}

void boiler_drop_title(lines_t *lines, const char *title)
{
    if (!title)
        return;
    size_t n = strlen(title), others = 0;
    for (size_t i = 0; i < lines->n; i++)
        if (!lines->v[i].drop && !(lines->v[i].len == n && memcmp(lines->v[i].text, title, n) == 0))
            others++;
    if (others == 0)
        return;
    for (size_t i = 0; i < lines->n; i++)
        if (lines->v[i].len == n && memcmp(lines->v[i].text, title, n) == 0)
            lines->v[i].drop = 1;
}
