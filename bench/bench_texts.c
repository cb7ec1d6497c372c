/* bench_texts: Korean text documents for the benchmarks, made from the seeds.
 *
 *   bench_texts DIR COUNT SEEDFILE...
 *
 * The shared corpus holds only four Korean seeds (about 30 KB), and the
 * benchmarks need thousands of distinct Korean documents that read like
 * the user's: real sentences, real paragraph breaks, real amounts. So
 * each document written here is a window of consecutive sentences of the
 * seeds, byte for byte as they stand (their line and paragraph breaks
 * kept):
 *
 * - the seeds, in the order given, form one ring of sentences. A sentence
 *   ends after ". ", "? " or "! " (the white space that follows is part of
 *   it) or at a line break (a heading, a menu line, a table row);
 * - window k covers LENGTH consecutive sentences from sentence START,
 *   wrapping from the last seed to the first, with LENGTH from 4 to 40
 *   (so a document is roughly 0.3 to 8 KB). The pairs (START, LENGTH) are
 *   visited in a scrambled but fixed order (k times a step coprime with
 *   their number), so consecutive documents differ and none repeats;
 * - once every pair is used (sentences x 37 documents), the windows come
 *   round again with a line "(bench copy N)" appended, so every document
 *   is still distinct bytes, hence its own id.
 *
 * Windows overlap, so many documents are near-duplicates of others, as in
 * a news feed that carries the same story from several outlets.
 *
 * Writes DIR/ko_000000.txt ... in order (DIR must exist) and prints one
 * result line (bench.h) with the count and bytes written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MIN_SENTENCES 4
#define LENGTHS 37   /* 4 .. 40 sentences */

typedef struct span {
    size_t start, end;   /* bytes of the ring text */
} span_t;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_texts: %s: %s\n", what, detail);
    exit(1);
}

static size_t gcd(size_t a, size_t b)
{
    while (b) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Splits text into sentences; returns their count, *out malloc'd. A
 * sentence that is only white space is glued to the one before. */
static size_t split(const char *text, size_t len, span_t **out)
{
    span_t *spans = NULL;
    size_t count = 0, cap = 0, start = 0, i = 0;
    while (i < len) {
        int boundary = text[i] == '\n'
                       || ((text[i] == '.' || text[i] == '?' || text[i] == '!')
                           && i + 1 < len && text[i + 1] == ' ');
        i++;
        if (!boundary && i < len)
            continue;
        while (i < len && is_space(text[i]))
            i++;
        int blank = 1;
        for (size_t j = start; j < i && blank; j++)
            blank = is_space(text[j]);
        if (blank && count) {
            spans[count - 1].end = i;
        } else {
            if (count == cap) {
                cap = cap ? 2 * cap : 256;
                spans = realloc(spans, cap * sizeof *spans);
                if (!spans)
                    die("memory", "out");
            }
            spans[count++] = (span_t){ start, i };
        }
        start = i;
    }
    *out = spans;
    return count;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_texts DIR COUNT SEEDFILE...\n");
        return 2;
    }
    const char *dir = argv[1];
    size_t count = (size_t)strtoul(argv[2], NULL, 10);
    files_t seeds = files_load(argv + 3, argc - 3);

    /* The ring: each seed, ending with a blank line before the next. */
    char *text = malloc(seeds.bytes + 2 * seeds.count + 1);
    if (!text)
        die("memory", "out");
    size_t len = 0;
    for (size_t s = 0; s < seeds.count; s++) {
        memcpy(text + len, seeds.items[s].data, seeds.items[s].len);
        len += seeds.items[s].len;
        while (len && is_space(text[len - 1]))
            len--;
        memcpy(text + len, "\n\n", 2);
        len += 2;
    }
    span_t *sentences;
    size_t n = split(text, len, &sentences);
    if (n < LENGTHS + MIN_SENTENCES)
        die("seeds", "too few sentences");

    size_t pairs = n * LENGTHS, step = 7919;
    while (gcd(step, pairs) != 1)
        step += 2;
    size_t bytes = 0;
    double start = now();
    for (size_t k = 0; k < count; k++) {
        size_t pair = (k % pairs) * step % pairs;
        size_t first = pair % n, length = MIN_SENTENCES + pair / n;
        char path[4096];
        snprintf(path, sizeof path, "%s/ko_%06zu.txt", dir, k);
        FILE *f = fopen(path, "wb");
        if (!f)
            die(path, "cannot be created");
        for (size_t j = 0; j < length; j++) {
            const span_t *s = &sentences[(first + j) % n];
            fwrite(text + s->start, 1, s->end - s->start, f);
            bytes += s->end - s->start;
        }
        if (k >= pairs)
            bytes += (size_t)fprintf(f, "\n(bench copy %zu)\n", k / pairs);
        if (fclose(f) != 0)
            die(path, "cannot be written");
    }
    print_result(count, bytes, now() - start, 0, "seed-windows");
    free(sentences);
    free(text);
    files_free(&seeds);
    return 0;
}
