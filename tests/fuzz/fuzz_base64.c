/* Fuzzes the strict base64 and base64url decoders: whatever decodes must
 * re-encode to exactly the input (one accepted encoding per value). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util/base64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    size_t cap = base64_decoded_max(size);
    uint8_t *out = malloc(cap ? cap : 1);
    char *re = malloc(size + 8);
    if (!out || !re)
        goto done;
    size_t n;
    if (base64_decode(in, size, out, cap, &n) == 0) {
        size_t m = base64_encode(out, n, re, size + 8);
        if (m != size || memcmp(re, in, size) != 0)
            abort();
    }
    if (base64url_decode(in, size, out, cap, &n) == 0) {
        size_t m = base64url_encode(out, n, re, size + 8);
        if (m != size || memcmp(re, in, size) != 0)
            abort();
    }
done:
    free(out);
    free(re);
    return 0;
}
