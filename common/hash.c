/* hash: document ids from libsodium's SHA-256. See hash.h. */
#include "hash.h"

#include <sodium.h>
#include <string.h>

void hash_doc_id(const void *data, size_t len, char out[DOC_ID_LEN + 1])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, data, len);
    sodium_bin2hex(out, DOC_ID_LEN + 1, digest, sizeof digest);
}

int hash_is_doc_id(const char *s)
{
    if (!s || strlen(s) != DOC_ID_LEN)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}
