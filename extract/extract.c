/* extract: raw bytes in, record out. See extract.h.
 *
 * The orchestration only: refuse what is not a text document, decode to
 * UTF-8 once (charset.c), split into paragraphs the way the document kind
 * needs (text.c + boiler.c, or html.c), read the metadata (meta.c,
 * html_meta.c), compose the text to NFC (nfc.c), then derive language, keywords, fingerprint and entities
 * from the finished body. Every later step sees valid UTF-8 only. */
#include "extract.h"
#include "gzip.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boiler.h"
#include "charset.h"
#include "entities.h"
#include "html.h"
#include "keywords.h"
#include "lang.h"
#include "lines.h"
#include "meta.h"
#include "nfc.h"
#include "page_type.h"
#include "simhash.h"
#include "text.h"
#include "tokens.h"

/* An HTML page names itself near its start. PHP warnings or a stray
 * <script> may come first, so the markers are looked for further in
 * than the first tag. */
#define HTML_MARKER_WINDOW 65536

static record_t *refuse(char **error, const char *why)
{
    if (error)
        *error = xstrdup(why);
    return NULL;
}

static int looks_like_html(const char *s, size_t len)
{
    static const char *const markers[] = { "<!doctype html", "<html", "<head", "<body" };
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i >= len || s[i] != '<')
        return 0;
    size_t window = len - i < HTML_MARKER_WINDOW ? len - i : HTML_MARKER_WINDOW;
    for (size_t k = 0; k < sizeof(markers) / sizeof(markers[0]); k++) {
        size_t n = strlen(markers[k]);
        for (size_t p = i; p + n <= i + window; p++)
            if (s[p] == '<' && strncasecmp(s + p, markers[k], n) == 0)
                return 1;
    }
    return 0;
}

static void extract_text(const char *s, size_t len, lines_t *lines, meta_t *meta)
{
    size_t header = meta_date_header(s, len, &meta->published);
    text_to_lines(s + header, len - header, lines);
    meta_from_text_lines(lines, meta);
    boiler_mark_text(lines);
    int whole_line;
    meta->title = meta_text_title(lines, &whole_line);
    if (whole_line)
        boiler_drop_title(lines, meta->title);
}

static void extract_html(const char *s, size_t len, lines_t *lines, meta_t *meta,
                         const char **page_type)
{
    struct _xmlDoc *doc = html_parse(s, len);
    *page_type = page_type_classify(doc);
    if (!doc)
        return;
    html_meta(doc, *page_type, meta);
    html_main_text(doc, *page_type, lines);
    html_free(doc);
    /* A page without tags for them may still carry a byline and an
     * "입력 2026.03.03 00:04" line in its text. */
    if (!meta->author || !meta->published)
        meta_from_text_lines(lines, meta);
    boiler_mark_html(lines);
    /* A title taken from the page's own tags repeats as a heading in the
     * body; one taken from the body is the body. */
    boiler_drop_title(lines, meta->title);
    if (!meta->title)
        meta->title = meta_text_title(lines, NULL);
}

static record_t *extract_bytes(const char *source, const uint8_t *data, size_t len,
                               const char *id, char **error);

/* A gzip-compressed document is extracted from its contents; its id stays
 * the hash of the bytes that arrived. One level only: a .gz inside a .gz
 * is not a document. */
/* The record's id: the SHA-256 of the raw bytes, unless the caller
 * already knows it (id); "" leaves it for the caller to set. */
static void set_id(record_t *rec, const uint8_t *data, size_t len, const char *id)
{
    if (id && *id)
        memcpy(rec->id, id, DOC_ID_LEN + 1);
    else if (!id)
        hash_doc_id(data, len, rec->id);
}

static record_t *extract_gzip(const char *source, const uint8_t *data, size_t len,
                              const char *id, char **error)
{
    buf_t plain = BUF_INIT;
    char *why = NULL;
    if (gzip_inflate(data, len, GZIP_MAX_OUTPUT, &plain, &why) != 0) {
        buf_free(&plain);
        if (error)
            *error = why;
        else
            free(why);
        return NULL;
    }
    record_t *rec = NULL;
    if (gzip_detect((const uint8_t *)buf_str(&plain), plain.len))
        refuse(error, "gzip inside gzip, not a document");
    else
        rec = extract_bytes(source, (const uint8_t *)buf_str(&plain), plain.len, "", error);
    buf_free(&plain);
    if (rec)
        set_id(rec, data, len, id);
    return rec;
}

record_t *extract_document_id(const char *source, const uint8_t *data, size_t len,
                              const char *id, char **error)
{
    if (error)
        *error = NULL;
    if (data && gzip_detect(data, len))
        return extract_gzip(source, data, len, id, error);
    return extract_bytes(source, data, len, id, error);
}

record_t *extract_document(const char *source, const uint8_t *data, size_t len,
                           char **error)
{
    return extract_document_id(source, data, len, NULL, error);
}

static record_t *extract_bytes(const char *source, const uint8_t *data, size_t len,
                               const char *id, char **error)
{
    if (!data || len == 0)
        return refuse(error, "empty document");
    if (charset_is_binary(data, len))
        return refuse(error, "binary data, not a text document");

    size_t n;
    char *utf8 = charset_to_utf8(data, len, &n, NULL);
    int html = looks_like_html(utf8, n);
    lines_t lines = LINES_INIT;
    meta_t meta = { NULL, NULL, NULL, NULL };
    const char *page_type = NULL;
    if (html)
        extract_html(utf8, n, &lines, &meta, &page_type);
    else
        extract_text(utf8, n, &lines, &meta);
    free(utf8);

    buf_t body = BUF_INIT;
    lines_join(&lines, &body);
    lines_free(&lines);
    if (body.len == 0) {
        buf_free(&body);
        meta_free(&meta);
        return refuse(error, "no text content");
    }

    /* Composed the one canonical way before anything compares bytes
     * (keywords, SimHash, entities, the sink's searches). */
    size_t body_len = body.len;
    char *text = buf_detach(&body);
    nfc_normalise(&text, &body_len);
    nfc_normalise(&meta.title, NULL);
    nfc_normalise(&meta.author, NULL);

    record_t *rec = record_new();
    set_id(rec, data, len, id);
    rec->source = source ? xstrdup(source) : NULL;
    rec->kind = xstrdup(html ? "html" : "text");
    rec->page_type = page_type ? xstrdup(page_type) : NULL;
    rec->title = meta.title;
    rec->published = meta.published;
    rec->author = meta.author;
    rec->body = text;
    rec->lang = xstrdup(lang_detect(rec->body, body_len, meta.lang));
    free(meta.lang);
    tokens_t tokens = TOKENS_INIT;          /* split once, read twice */
    tokens_split(rec->body, body_len, &tokens);
    keywords_add_tokens(rec, rec->title, rec->body, &tokens);
    rec->simhash = simhash_of_tokens(&tokens, rec->body, body_len);
    tokens_free(&tokens);
    entities_add(rec, rec->body, body_len);
    return rec;
}
