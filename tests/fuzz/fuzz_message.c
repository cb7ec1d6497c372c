/* fuzz_message: libFuzzer target for the wire format decoder.
 *
 * Every frame a peer sends goes through message_decode, so it must never
 * crash, leak or over-read, whatever the bytes (proto/message.h). When a
 * frame does decode, the message must also survive our own round trip:
 * it encodes, the encoding decodes again, and that re-encodes to the
 * very same bytes. A violation is a real bug (a decoder accepting what
 * the encoder refuses, or two ways of reading one message), so it
 * aborts and libFuzzer keeps the input. */
#include "proto/message.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void violated(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_message: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* Encodes m, which must succeed: it came out of the decoder. */
static void encode_or_die(const message_t *m, uint8_t **out, size_t *len)
{
    if (message_encode(m, out, len) != 0)
        violated("a decoded message does not encode", message_type_name(m->type));
}

/* a and b encode to the same bytes, else `what` is violated. */
static void same_encoding(const message_t *a, const message_t *b, const char *what)
{
    uint8_t *x, *y;
    size_t x_len, y_len;
    encode_or_die(a, &x, &x_len);
    encode_or_die(b, &y, &y_len);
    if (x_len != y_len || memcmp(x, y, x_len) != 0)
        violated(what, message_type_name(a->type));
    free(x);
    free(y);
}

/* decode(x) -> encode -> decode -> encode: both encodings are equal. */
static void check_round_trip(const message_t *first)
{
    uint8_t *once, *twice;
    size_t once_len, twice_len;
    char *error = NULL;

    encode_or_die(first, &once, &once_len);
    message_t *second = message_decode(once, once_len, &error);
    if (!second)
        violated("our own encoding does not decode", error);
    if (error)
        violated("a decoded message came with a reason", error);
    if (second->type != first->type)
        violated("message type changed in the round trip", NULL);
    encode_or_die(second, &twice, &twice_len);
    if (twice_len != once_len || memcmp(once, twice, once_len) != 0)
        violated("re-encoding gives different bytes", message_type_name(first->type));

    free(once);
    free(twice);
    message_destroy(&second);
}

/* message_decode_view takes and refuses exactly what message_decode
 * does, and reads the same message (its encoding is the same bytes). */
static void check_view(const uint8_t *data, size_t size, const message_t *m)
{
    char *error = NULL;
    message_t *view = message_decode_view(data, size, &error);
    if (!m != !view)
        violated("message_decode_view and message_decode disagree", error);
    free(error);
    if (!view)
        return;
    same_encoding(m, view, "message_decode_view reads another message");
    message_destroy(&view);
}

/* message_decode_outline takes all message_decode takes, and more only
 * as a RESULT (whose record it does not read); what it takes is the same
 * message but for that record. */
static void check_outline(const uint8_t *data, size_t size, const message_t *m)
{
    char *error = NULL;
    message_t *o = message_decode_outline(data, size, &error);
    if (m && !o)
        violated("message_decode_outline refuses what message_decode takes", error);
    free(error);
    if (!o)
        return;
    if (o->record)
        violated("message_decode_outline read a record", NULL);
    if (!m && o->type != MSG_RESULT)
        violated("message_decode_outline takes what message_decode refuses",
                 message_type_name(o->type));
    if (m && (o->type != m->type || strcmp(o->id, m->id) != 0))
        violated("message_decode_outline reads another message", message_type_name(m->type));
    if (m && m->type != MSG_RESULT)
        same_encoding(m, o, "message_decode_outline reads another message");
    message_destroy(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *error = NULL;
    message_t *m = message_decode(data, size, &error);
    check_view(data, size, m);
    check_outline(data, size, m);
    if (!m) {
        if (!error || error[0] == '\0')
            violated("decode failed without a reason", NULL);
        free(error);
        return 0;
    }
    if (error)
        violated("a decoded message came with a reason", error);
    check_round_trip(m);
    message_destroy(&m);
    return 0;
}
