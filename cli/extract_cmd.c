/* extract: `feedmill extract FILE|-`, the extraction of one document.
 *
 * Runs exactly what a worker runs (extract_document) and prints the
 * record as one JSON object: the first tool to reach for when a stored
 * row looks wrong. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/buf.h"
#include "extract/extract.h"
#include "proto/message.h"

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

int extract_main(int argc, char **argv)
{
    if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc == 2 ? stdout : stderr;
        fprintf(out,
            "usage: feedmill extract FILE|-\n"
            "\n"
            "Extracts one document (a file, or - for standard input) exactly as a\n"
            "worker does and prints the record as one JSON object with the keys\n"
            "id, source, kind, lang, title, published, author, body, entities,\n"
            "keywords, simhash. Exits 1 with the reason when the document cannot\n"
            "be processed (it would be dead-lettered).\n");
        return argc == 2 ? 0 : 2;
    }
    const char *path = argv[1];
    int from_stdin = !strcmp(path, "-");
    FILE *in = from_stdin ? stdin : fopen(path, "rb");
    buf_t data = BUF_INIT;
    if (!in || read_all(in, &data) != 0) {
        fprintf(stderr, "feedmill extract: %s: %s\n", path, strerror(errno));
        if (in && !from_stdin)
            fclose(in);
        buf_free(&data);
        return 1;
    }
    if (!from_stdin)
        fclose(in);
    char *error = NULL;
    record_t *record = extract_document(from_stdin ? "stdin" : path,
                                        (const uint8_t *)buf_str(&data), data.len, &error);
    buf_free(&data);
    if (!record) {
        fprintf(stderr, "feedmill extract: %s: %s\n", path, error);
        free(error);
        return 1;
    }
    buf_t json = BUF_INIT;
    record_to_json(record, &json);
    buf_putc(&json, '\n');
    fwrite(json.data, 1, json.len, stdout);
    buf_free(&json);
    record_destroy(&record);
    return fflush(stdout) == 0 ? 0 : 1;
}
