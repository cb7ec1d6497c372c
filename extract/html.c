/* html: parsing and the tree helpers. See html.h.
 *
 * Walks are iterative (parent pointers, no recursion) because pages nest
 * thousands of levels deep often enough, and the C stack is not the place
 * to find out. libxml2 is initialised once per process and told to keep
 * quiet: a worker's stderr is for feedmill's own logs. */
#include "html.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "html_filter.h"
#include "text.h"
#include "utf8.h"

/* ---- parsing ------------------------------------------------------- */

static pthread_once_t html_once = PTHREAD_ONCE_INIT;

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void html_init(void)
{
    xmlInitParser();
    /* The default for threads that have not touched libxml2 yet. */
    xmlThrDefSetGenericErrorFunc(NULL, silent);
}

struct _xmlDoc *html_parse(const char *utf8, size_t len)
{
    pthread_once(&html_once, html_init);
    xmlSetGenericErrorFunc(NULL, silent);      /* this thread's handler */
    buf_t filtered = BUF_INIT;
    html_filter(utf8, len, &filtered);
    utf8 = buf_str(&filtered);
    len = filtered.len;
    int n = len > INT_MAX ? INT_MAX : (int)len;
    xmlDoc *doc = htmlReadMemory(utf8, n, NULL, "UTF-8",
                                 HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                     HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOBLANKS |
                                     HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE);
    buf_free(&filtered);
    return doc;
}

void html_free(struct _xmlDoc *doc)
{
    if (doc)
        xmlFreeDoc(doc);
}

/* ---- tree helpers -------------------------------------------------- */

int html_is(const struct _xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->name &&
           node->name[0] == (xmlChar)name[0] && strcmp((const char *)node->name, name) == 0;
}

char *html_attr(struct _xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *copy = xstrdup((const char *)v);
    xmlFree(v);
    return copy;
}

struct _xmlNode *html_next(struct _xmlNode *node, struct _xmlNode *root,
                           int skip_children)
{
    if (!skip_children && node->type == XML_ELEMENT_NODE && node->children)
        return node->children;
    while (node && node != root) {
        if (node->next)
            return node->next;
        node = node->parent;
    }
    return NULL;
}

int html_is_code(const struct _xmlNode *node)
{
    return html_is(node, "script") || html_is(node, "style") ||
           html_is(node, "template");
}

static int is_invisible_tag(const xmlNode *node)
{
    return html_is_code(node) || html_is(node, "noscript");
}

void html_node_text(struct _xmlNode *root, buf_t *out)
{
    size_t start = out->len;
    for (xmlNode *n = root->children; n && out->len - start < HTML_NODE_TEXT_MAX; ) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                text_append_collapsed(out, (const char *)n->content,
                                      strlen((const char *)n->content));
        } else if (html_is(n, "br") || html_is(n, "p") || html_is(n, "div")) {
            text_append_collapsed(out, " ", 1);
        }
        n = html_next(n, root, is_invisible_tag(n));
    }
    text_trim_end(out);
}
