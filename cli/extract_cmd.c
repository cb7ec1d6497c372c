/* extract: `feedmill extract FILE|-...`, the extraction of documents.
 *
 * Runs exactly what a worker runs (extract_document) on each document in
 * turn, in this one process, and prints each record as one JSON object
 * on a line of its own (JSON lines): the first tool to reach for when a
 * stored row looks wrong, and the way scripts score or compare
 * extraction over thousands of pages without a process per page.
 *
 * A document that cannot be read or extracted gets one line on stderr
 * (`feedmill extract: PATH: reason`) and no line on stdout; the others
 * still come out, in the order given. Each record's `source` is the path
 * as given, so output lines are matched to inputs by it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/buf.h"
#include "extract/extract.h"
#include "proto/message.h"

/* Exit statuses, as `feedmill run` and `feedmill retry` use them. */
enum {
    EXIT_ALL_EXTRACTED = 0,
    EXIT_WRITE_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_SOME_FAILED = 3,
};

static int read_all(FILE *in, buf_t *out)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        if (out->len + n > MESSAGE_MAX_BODY) {
            errno = EFBIG;
            return -1;
        }
        buf_append(out, chunk, n);
    }
    return ferror(in) ? -1 : 0;
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: feedmill extract FILE|-...\n"
        "\n"
        "Extracts each document (a file, or - for standard input) exactly as a\n"
        "worker does and prints each record as one JSON object on a line of its\n"
        "own, in the order given, with the keys id, source, kind, lang, title,\n"
        "published, author, body, entities, keywords, simhash; source is the\n"
        "path as given. A document that cannot be read, or cannot be processed\n"
        "(it would be dead-lettered), gets a line 'feedmill extract: PATH: reason'\n"
        "on stderr instead, and the others are still extracted.\n"
        "\n"
        "Exit status: 0 when every document was extracted, 3 when some were\n"
        "not, 2 on a usage error, 1 when the output could not be written.\n");
}

/* Reads and extracts one document, appending its JSON line to json.
 * Returns 0 when extracted, -1 after reporting why not on stderr. */
static int extract_path(const char *path, buf_t *json)
{
    int from_stdin = !strcmp(path, "-");
    FILE *in = from_stdin ? stdin : fopen(path, "rb");
    buf_t data = BUF_INIT;
    if (!in || read_all(in, &data) != 0) {
        fprintf(stderr, "feedmill extract: %s: %s\n", path, strerror(errno));
        if (in && !from_stdin)
            fclose(in);
        buf_free(&data);
        return -1;
    }
    if (!from_stdin)
        fclose(in);
    char *error = NULL;
    record_t *record = extract_document(from_stdin ? "stdin" : path,
                                        (const uint8_t *)buf_str(&data), data.len, &error);
    buf_free(&data);
    if (!record) {
        fprintf(stderr, "feedmill extract: %s: %s\n", path,
                error ? error : "cannot be processed");
        free(error);
        return -1;
    }
    record_to_json(record, json);
    buf_putc(json, '\n');
    record_destroy(&record);
    return 0;
}

int extract_main(int argc, char **argv)
{
    int first = 1;
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--"))
        first = 2;
    else if (argc >= 2 && argv[1][0] == '-' && argv[1][1]) {
        fprintf(stderr, "feedmill extract: unknown option '%s'\n\n", argv[1]);
        usage(stderr);
        return EXIT_USAGE;
    }
    if (first >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }

    size_t failed = 0;
    buf_t json = BUF_INIT;
    for (int i = first; i < argc; i++) {
        buf_reset(&json);
        if (extract_path(argv[i], &json) != 0) {
            failed++;
            continue;
        }
        /* One line per document as soon as it is done: a reader of a
         * pipe sees progress, and a write error stops at once. */
        if (fwrite(json.data, 1, json.len, stdout) != json.len || fflush(stdout) != 0) {
            fprintf(stderr, "feedmill extract: writing the output: %s\n", strerror(errno));
            buf_free(&json);
            return EXIT_WRITE_FAILED;
        }
    }
    buf_free(&json);
    return failed ? EXIT_SOME_FAILED : EXIT_ALL_EXTRACTED;
}
