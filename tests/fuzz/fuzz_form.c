/* Fuzzes the application/x-www-form-urlencoded parser (OAuth token, revoke
 * and login form bodies) and the percent-encoder on what it decoded. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    req_err e;
    req_form f;
    if (req_form_parse((const char *)data, size, &f, &e) != 0)
        return 0;
    for (size_t i = 0; i < f.n; i++) {
        if (req_form_get(&f, f.pairs[i].key) == NULL)
            abort(); /* every parsed key must be found again */
        char *enc = req_pct_encode(f.pairs[i].value);
        free(enc);
    }
    req_form_free(&f);
    return 0;
}
