/* Fuzzes the strict JSON parser and every CSC request-body parser behind it,
 * as the service runs them on a request body. */
#include <stddef.h>
#include <stdint.h>

#include "req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    req_err e;
    cJSON *body = NULL;
    if (req_json_parse(data, size, &body, &e) != 0)
        return 0;

    req_parse_info(body, &e);
    req_cred_list l;
    req_parse_cred_list(body, &l, &e);
    req_cred_info ci;
    req_parse_cred_info(body, &ci, &e);
    req_authorize_check ac;
    req_parse_authorize_check(body, &ac, &e);

    req_authorize a;
    if (req_parse_authorize(body, 64, &a, &e) == 0) {
        const alg_hash_info *h = req_hash_alg(a.hash_oid, &e);
        if (h)
            req_check_hashes(h, a.num_signatures, &a.hashes, &e);
        req_authorize_free(&a);
    }

    req_sign_hash s;
    if (req_parse_sign_hash(body, &s, &e) == 0) {
        req_sign_plan plan;
        req_sign_plan_resolve(&s, CRPKI_KEY_RSA, 2048, &plan, &e);
        req_sign_plan_resolve(&s, CRPKI_KEY_EC, 256, &plan, &e);
        req_sign_hash_free(&s);
    }
    cJSON_Delete(body);
    return 0;
}
