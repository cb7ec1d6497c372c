/* message_scan: pass 1 of decoding. Walks the raw bytes and proves they
 * hold exactly one well-formed msgpack object: every declared string
 * length fits in the bytes left, every declared container count does too
 * (an element takes at least one byte), nesting stays within
 * MESSAGE_MAX_DEPTH, there are no ext types and nothing follows the
 * object. Only then does msgpack-c build the object tree
 * (message_decode.c). The order matters: msgpack-c allocates a container
 * by the count it declares, so 5 bytes claiming an array of 2^32-1
 * elements make it ask for 128 GiB. After the scan the tree costs at most
 * a few msgpack_object per input byte, whatever the peer claims. */
#include "message_rules.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
    reason_t *why;
} scanner_t;

static int scan_object(scanner_t *s, int depth);

/* Reads a big-endian unsigned integer of `width` bytes. *out is written
 * on every path: message_fail() is not inlined, so the compiler cannot see that a
 * failure returns -1 and would warn that callers may read *out unset. */
static int scan_uint(scanner_t *s, size_t width, uint64_t *out)
{
    *out = 0;
    if (s->len - s->pos < width)
        return message_fail(s->why, "message truncated at byte %zu", s->len);
    uint64_t value = 0;
    for (size_t i = 0; i < width; i++)
        value = value << 8 | s->data[s->pos++];
    *out = value;
    return 0;
}

static int scan_skip(scanner_t *s, uint64_t count)
{
    if (count > s->len - s->pos)
        return message_fail(s->why, "message truncated at byte %zu", s->len);
    s->pos += (size_t)count;
    return 0;
}

/* A str or bin: a length of `width` bytes, then that many bytes. */
static int scan_bytes(scanner_t *s, size_t width)
{
    uint64_t count;
    if (scan_uint(s, width, &count) < 0)
        return -1;
    return scan_skip(s, count);
}

/* An array (per_entry 1) or map (per_entry 2) of `count` entries whose
 * header started at byte `at`. The fit check is the memory bound: each
 * element needs at least one byte, so a count the remaining bytes cannot
 * hold is a lie that msgpack-c must never see. */
static int scan_items(scanner_t *s, uint64_t count, unsigned per_entry,
                      int depth, size_t at)
{
    if (depth >= MESSAGE_MAX_DEPTH)
        return message_fail(s->why, "nesting deeper than %d levels at byte %zu",
                    MESSAGE_MAX_DEPTH, at);
    if (count * per_entry > s->len - s->pos)
        return message_fail(s->why, "%s at byte %zu declares %" PRIu64
                    " entries, more than the %zu bytes left",
                    per_entry == 2 ? "map" : "array", at, count, s->len - s->pos);
    for (uint64_t i = 0; i < count * per_entry; i++)
        if (scan_object(s, depth + 1) < 0)
            return -1;
    return 0;
}

/* A container with a count of `width` bytes. */
static int scan_container(scanner_t *s, size_t width, unsigned per_entry,
                          int depth, size_t at)
{
    uint64_t count;
    if (scan_uint(s, width, &count) < 0)
        return -1;
    return scan_items(s, count, per_entry, depth, at);
}

/* depth counts the containers around this object. */
static int scan_object(scanner_t *s, int depth)
{
    if (s->pos >= s->len)
        return message_fail(s->why, "message truncated at byte %zu", s->len);
    size_t at = s->pos;
    uint8_t b = s->data[s->pos++];

    if (b <= 0x7f || b >= 0xe0)                     /* fixint */
        return 0;
    if (b <= 0x8f)                                  /* fixmap */
        return scan_items(s, b & 0x0f, 2, depth, at);
    if (b <= 0x9f)                                  /* fixarray */
        return scan_items(s, b & 0x0f, 1, depth, at);
    if (b <= 0xbf)                                  /* fixstr */
        return scan_skip(s, b & 0x1f);
    switch (b) {
    case 0xc0: case 0xc2: case 0xc3:                /* nil, false, true */
        return 0;
    case 0xc4: case 0xd9: return scan_bytes(s, 1);  /* bin 8, str 8 */
    case 0xc5: case 0xda: return scan_bytes(s, 2);  /* bin 16, str 16 */
    case 0xc6: case 0xdb: return scan_bytes(s, 4);  /* bin 32, str 32 */
    case 0xcc: case 0xd0: return scan_skip(s, 1);   /* uint 8, int 8 */
    case 0xcd: case 0xd1: return scan_skip(s, 2);
    case 0xca: case 0xce: case 0xd2: return scan_skip(s, 4);  /* + float 32 */
    case 0xcb: case 0xcf: case 0xd3: return scan_skip(s, 8);  /* + float 64 */
    case 0xdc: return scan_container(s, 2, 1, depth, at);     /* array 16 */
    case 0xdd: return scan_container(s, 4, 1, depth, at);     /* array 32 */
    case 0xde: return scan_container(s, 2, 2, depth, at);     /* map 16 */
    case 0xdf: return scan_container(s, 4, 2, depth, at);     /* map 32 */
    case 0xc7: case 0xc8: case 0xc9:
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
        return message_fail(s->why, "ext type at byte %zu not allowed", at);
    default:                                        /* 0xc1, never used */
        return message_fail(s->why, "invalid msgpack byte 0x%02x at byte %zu", b, at);
    }
}

int message_scan(const uint8_t *data, size_t len, reason_t *why)
{
    if (len == 0)
        return message_fail(why, "empty message");
    scanner_t s = { data, len, 0, why };
    if (scan_object(&s, 0) < 0)
        return -1;
    if (s.pos != len)
        return message_fail(why, "trailing %zu bytes after message", len - s.pos);
    return 0;
}
