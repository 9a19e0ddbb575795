/* Fuzzes the DER RSASSA-PSS-params parser (signAlgoParams). */
#include <stddef.h>
#include <stdint.h>

#include "req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    req_err e;
    alg_hash_id hash, mgf1;
    long salt;
    req_parse_pss_params(data, size, &hash, &mgf1, &salt, &e);
    return 0;
}
