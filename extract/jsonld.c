/* jsonld: JSON-LD blocks read with jansson. See jsonld.h. */
#include "jsonld.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "text.h"

/* The longest articleBody string under value, or NULL. Depth-bounded:
 * jansson accepts deeper documents than a C stack should recurse into. */
static const char *longest_body(json_t *value, int depth, size_t *best_len)
{
    const char *best = NULL;
    if (depth > JSONLD_MAX_DEPTH)
        return NULL;
    if (json_is_object(value)) {
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member) {
            const char *found = NULL;
            size_t n = 0;
            if (strcmp(key, "articleBody") == 0 && json_is_string(member)) {
                found = json_string_value(member);
                n = json_string_length(member);
            } else if (json_is_object(member) || json_is_array(member)) {
                found = longest_body(member, depth + 1, &n);
            }
            if (found && n > *best_len) {
                best = found;
                *best_len = n;
            }
        }
    } else if (json_is_array(value)) {
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item) {
            size_t n = *best_len;
            const char *found = longest_body(item, depth + 1, &n);
            if (found && n > *best_len) {
                best = found;
                *best_len = n;
            }
        }
    }
    return best;
}

int jsonld_article_body(const char *json, size_t len, buf_t *out)
{
    json_error_t error;
    /* JSON_ALLOW_NUL: a \u0000 inside a string must not cut it short
     * unnoticed; the string is then taken up to its length. */
    json_t *root = json_loadb(json, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
    if (!root)
        return 0;
    size_t n = 0;
    const char *body = longest_body(root, 0, &n);
    int replaced = 0;
    if (body) {
        buf_t collapsed = BUF_INIT;
        text_append_collapsed(&collapsed, body, n);
        text_trim_end(&collapsed);
        if (collapsed.len > out->len) {
            buf_reset(out);
            buf_append(out, buf_str(&collapsed), collapsed.len);
            replaced = 1;
        }
        buf_free(&collapsed);
    }
    json_decref(root);
    return replaced;
}

static void take_string(char **slot, json_t *value)
{
    if (!*slot && json_is_string(value) && json_string_length(value) > 0)
        *slot = xstrdup(json_string_value(value));
}

/* The object under value whose "@id" is id (depth-first), or NULL. */
static json_t *find_id(json_t *value, const char *id, int depth)
{
    if (depth > JSONLD_MAX_DEPTH)
        return NULL;
    if (json_is_object(value)) {
        const char *own = json_string_value(json_object_get(value, "@id"));
        if (own && strcmp(own, id) == 0 && json_object_get(value, "name"))
            return value;
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member) {
            if (!json_is_object(member) && !json_is_array(member))
                continue;
            json_t *found = find_id(member, id, depth + 1);
            if (found)
                return found;
        }
    } else if (json_is_array(value)) {
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item) {
            json_t *found = find_id(item, id, depth + 1);
            if (found)
                return found;
        }
    }
    return NULL;
}

/* "author": "Name", {"name": "Name"}, {"@id": ...}, or [ any, ... ]. */
static void take_author(char **slot, json_t *value, json_t *root, int depth)
{
    if (*slot || depth > JSONLD_MAX_DEPTH)
        return;
    if (json_is_string(value)) {
        take_string(slot, value);
    } else if (json_is_object(value)) {
        json_t *name = json_object_get(value, "name");
        const char *id = json_string_value(json_object_get(value, "@id"));
        if (!name && id) {
            json_t *target = find_id(root, id, 0);
            name = target ? json_object_get(target, "name") : NULL;
        }
        take_string(slot, name);
    } else if (json_is_array(value) && json_array_size(value) > 0) {
        take_author(slot, json_array_get(value, 0), root, depth + 1);
    }
}

static void walk_meta(json_t *value, json_t *root, int depth, jsonld_meta_t *out)
{
    if (depth > JSONLD_MAX_DEPTH)
        return;
    if (json_is_object(value)) {
        take_string(&out->published, json_object_get(value, "datePublished"));
        take_string(&out->created, json_object_get(value, "dateCreated"));
        take_string(&out->headline, json_object_get(value, "headline"));
        take_author(&out->author, json_object_get(value, "author"), root, depth);
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member) {
            if (json_is_object(member) || json_is_array(member))
                walk_meta(member, root, depth + 1, out);
        }
    } else if (json_is_array(value)) {
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item)
            walk_meta(item, root, depth + 1, out);
    }
}

/* json parsed; when that fails, parsed again with its raw control
 * characters read as spaces. Templates paste a CMS's text into JSON-LD
 * strings as it is, line breaks and tabs included, which JSON forbids
 * (11 of the 27 blocks of wcxb-dev that jansson refuses); a space is
 * what they stand for, and outside strings they are white space anyway.
 * NULL when neither parses. */
static json_t *load_lenient(const char *json, size_t len, size_t flags)
{
    json_error_t error;
    json_t *root = json_loadb(json, len, flags, &error);
    if (root || !len)
        return root;
    char *copy = xcalloc(len, 1);
    int changed = 0;
    for (size_t i = 0; i < len; i++) {
        int control = (unsigned char)json[i] < 0x20;
        copy[i] = control ? ' ' : json[i];
        changed |= control;
    }
    root = changed ? json_loadb(copy, len, flags, &error) : NULL;
    free(copy);
    return root;
}

int jsonld_meta(const char *json, size_t len, jsonld_meta_t *out)
{
    json_t *root = load_lenient(json, len, JSON_DECODE_ANY);
    if (!root)
        return 0;
    walk_meta(root, root, 0, out);
    json_decref(root);
    return 1;
}

void jsonld_meta_free(jsonld_meta_t *m)
{
    free(m->published);
    free(m->headline);
    free(m->author);
    free(m->created);
    m->published = m->headline = m->author = m->created = NULL;
}
