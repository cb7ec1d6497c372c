/* bench_extract: feedmill's extraction over a set of pages, on one core.
 *
 *   bench_extract FILE...
 *
 * Loads every file, then calls extract_document (exactly what a worker
 * runs for each document) on each in turn, in this one thread, and prints
 * one result line (bench.h). bare_libxml2 times the bare HTML parse of the
 * same files; bench.sh reports the two as a ratio. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "extract/extract.h"
#include "proto/record.h"

#define STRINGIFY(x) #x
#define VERSION_TEXT(x) STRINGIFY(x)

/* Returns 1 when the document could not be extracted. */
static int extract_one(const file_t *file)
{
    char *error = NULL;
    record_t *record = extract_document(file->path, (const uint8_t *)file->data,
                                        file->len, &error);
    int failed = record == NULL;
    record_destroy(&record);
    free(error);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_extract FILE...\n");
        return 2;
    }
    files_t pages = files_load(argv + 1, argc - 1);

    size_t failed = 0;
    double start = now();
    for (size_t i = 0; i < pages.count; i++)
        failed += (size_t)extract_one(&pages.items[i]);
    double seconds = now() - start;

    print_result(pages.count, pages.bytes, seconds, failed,
                 "extractor-" VERSION_TEXT(EXTRACT_VERSION));
    files_free(&pages);
    return 0;
}
