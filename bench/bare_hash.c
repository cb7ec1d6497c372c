/* bare_hash: the producer's own work on a document's bytes, bare: read
 * the file and take its id, the SHA-256 of its bytes (common/hash.h,
 * OpenSSL's, the producer's very function), nothing else.
 *
 *   bare_hash FILE...
 *
 * Each file is opened, read whole and closed (from the page cache: the
 * benchmark has just written or read them) and hashed, one after the
 * other on one thread, as the producer does; the clock covers all of it.
 * Prints one result line (bench.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "common/hash.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bare_hash FILE...\n");
        return 2;
    }
    size_t bytes = 0, failed = 0, capacity = 0;
    char *data = NULL, id[DOC_ID_LEN + 1];
    double start = now();
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0) {
            failed++;
            if (fd >= 0)
                close(fd);
            continue;
        }
        size_t want = (size_t)st.st_size, got = 0;
        if (want + 1 > capacity) {
            capacity = want + 1;
            data = realloc(data, capacity);
            if (!data) {
                perror("bare_hash");
                return 1;
            }
        }
        ssize_t n;
        while (got < want && (n = read(fd, data + got, want - got)) > 0)
            got += (size_t)n;
        close(fd);
        hash_doc_id(data, got, id);
        bytes += got;
    }
    double seconds = now() - start;
    print_result((size_t)(argc - 1) - failed, bytes, seconds, failed, "openssl-sha256");
    free(data);
    return 0;
}
