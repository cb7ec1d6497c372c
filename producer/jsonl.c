/* jsonl: a JSON-lines document, parsed with jansson. See jsonl.h. */
#include "jsonl.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/text.h"

static int fail(char **error, const char *why)
{
    *error = xstrdup(why);
    return -1;
}

/* An optional string member: absent or null leaves *out NULL. Hints are
 * text: they must be UTF-8 without NUL, and short enough for the wire. */
static int optional_text(json_t *object, const char *key, size_t max, char **out,
                         char **error)
{
    json_t *value = json_object_get(object, key);
    if (!value || json_is_null(value))
        return 0;
    if (!json_is_string(value)) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "\"%s\" is not a string", key);
        *error = buf_detach(&why);
        return -1;
    }
    size_t len = json_string_length(value);
    const char *s = json_string_value(value);
    if (len == 0)
        return 0;
    if (len > max || text_utf8_problem(s, len)) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "\"%s\" is too long or holds a NUL character", key);
        *error = buf_detach(&why);
        return -1;
    }
    *out = xstrndup(s, len);
    return 0;
}

int jsonl_parse(const char *line, size_t len, jsonl_doc_t *doc, char **error)
{
    *doc = (jsonl_doc_t){ 0 };
    *error = NULL;
    json_error_t jerr;
    /* JSON_REJECT_DUPLICATES: a line with two "html" keys has no one
     * meaning, so it has none. */
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!root) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "not JSON: %s at column %d", jerr.text, jerr.column);
        *error = buf_detach(&why);
        return -1;
    }
    int rc = -1;
    if (!json_is_object(root)) {
        fail(error, "not a JSON object");
        goto done;
    }
    json_t *html = json_object_get(root, "html"), *text = json_object_get(root, "text");
    if (html && text) {
        fail(error, "both \"html\" and \"text\": a line holds one document");
        goto done;
    }
    json_t *body = html ? html : text;
    if (!body) {
        fail(error, "no \"html\" or \"text\" member");
        goto done;
    }
    if (!json_is_string(body)) {
        fail(error, html ? "\"html\" is not a string" : "\"text\" is not a string");
        goto done;
    }
    if (json_string_length(body) > MESSAGE_MAX_BODY) {
        fail(error, "the document is larger than the wire's 64 MiB");
        goto done;
    }
    /* JSON can carry a NUL (\u0000); no text or page holds one, and the
     * extractor would take the document for binary data. Refused here,
     * with the reason that names it, rather than misnamed later. */
    const char *nul = memchr(json_string_value(body), '\0', json_string_length(body));
    if (nul) {
        buf_t why = BUF_INIT;
        buf_printf(&why, "\"%s\" holds a NUL character (\\u0000) at byte %zu: a text "
                   "document has none", html ? "html" : "text",
                   (size_t)(nul - json_string_value(body)));
        *error = buf_detach(&why);
        goto done;
    }
    if (optional_text(root, "url", MESSAGE_MAX_SOURCE, &doc->url, error) < 0
        || optional_text(root, "title", MESSAGE_MAX_TEXT, &doc->hints.title, error) < 0
        || optional_text(root, "date", MESSAGE_MAX_TEXT, &doc->hints.published, error) < 0
        || optional_text(root, "author", MESSAGE_MAX_TEXT, &doc->hints.author, error) < 0
        || optional_text(root, "lang", MESSAGE_MAX_TEXT, &doc->hints.lang, error) < 0)
        goto done;
    doc->len = json_string_length(body);
    doc->body = xmalloc(doc->len ? doc->len : 1);
    memcpy(doc->body, json_string_value(body), doc->len);
    rc = 0;
done:
    json_decref(root);
    if (rc != 0)
        jsonl_doc_clear(doc);
    return rc;
}

void jsonl_doc_clear(jsonl_doc_t *doc)
{
    free(doc->body);
    free(doc->url);
    doc_hints_clear(&doc->hints);
    *doc = (jsonl_doc_t){ 0 };
}
