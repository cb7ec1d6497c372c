/* gzip: bounded decompression with zlib. See gzip.h. */
#include "gzip.h"

#include <string.h>
#include <zlib.h>

int gzip_detect(const uint8_t *data, size_t len)
{
    return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static int fail(z_stream *zs, char **error, const char *why)
{
    inflateEnd(zs);
    *error = xstrdup(why);
    return -1;
}

int gzip_inflate(const uint8_t *data, size_t len, size_t max_output, buf_t *out,
                 char **error)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* 16 + MAX_WBITS: expect a gzip header and trailer, not raw zlib. */
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        *error = xstrdup("cannot start gzip decompression");
        return -1;
    }
    const uint8_t *in = data, *end = data + len;
    size_t start = out->len;
    unsigned char chunk[65536];
    for (;;) {
        size_t left = (size_t)(end - in);
        zs.next_in = (unsigned char *)in;
        zs.avail_in = left > (1u << 30) ? 1u << 30 : (unsigned)left;
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        int rc = inflate(&zs, Z_NO_FLUSH);
        in = zs.next_in;
        buf_append(out, chunk, sizeof chunk - zs.avail_out);
        if (out->len - start > max_output)
            return fail(&zs, error, "gzip data expands beyond the 64 MiB limit");
        if (rc == Z_STREAM_END) {
            /* Another member may follow (concatenated .gz files); any
             * other trailing bytes are ignored, as gunzip does. */
            if (!gzip_detect(in, (size_t)(end - in)))
                break;
            inflateReset(&zs);
        } else if (rc == Z_BUF_ERROR && in == end) {
            return fail(&zs, error, "gzip data is truncated");
        } else if (rc != Z_OK) {
            return fail(&zs, error, zs.msg ? zs.msg : "gzip data is corrupt");
        }
    }
    inflateEnd(&zs);
    return 0;
}
