/* bench: file loading, clock and result line for the benchmark programs.
 * See bench.h. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void die(const char *path)
{
    perror(path);
    exit(2);
}

static file_t load_one(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        die(path);
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        die(path);
    file_t file = { (char *)path, malloc((size_t)size + 1), (size_t)size };
    if (!file.data || fread(file.data, 1, file.len, f) != file.len)
        die(path);
    file.data[file.len] = '\0';
    fclose(f);
    return file;
}

files_t files_load(char **paths, int count)
{
    files_t files = { calloc((size_t)count + 1, sizeof(file_t)), 0, 0 };
    if (!files.items)
        die("calloc");
    for (int i = 0; i < count; i++) {
        files.items[i] = load_one(paths[i]);
        files.bytes += files.items[i].len;
        files.count++;
    }
    return files;
}

void files_free(files_t *self)
{
    for (size_t i = 0; i < self->count; i++)
        free(self->items[i].data);
    free(self->items);
    self->items = NULL;
    self->count = self->bytes = 0;
}

double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void print_result(size_t items, size_t bytes, double seconds, size_t failed,
                  const char *version)
{
    printf("items=%zu bytes=%zu seconds=%.6f failed=%zu version=%s\n",
           items, bytes, seconds, failed, version);
}

void print_result_cpu(size_t items, size_t bytes, double seconds, size_t failed,
                      const char *version, double cpu)
{
    printf("items=%zu bytes=%zu seconds=%.6f failed=%zu version=%s cpu=%.6f\n",
           items, bytes, seconds, failed, version, cpu);
}
