/* Fuzzes the OAuth value checks: redirect_uri, PKCE challenge and verifier,
 * state, the Authorization header, Content-Type and UTF-8 validation. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    req_utf8_valid(data, size);
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0'; /* these take C strings, as the service passes them */
    req_redirect_uri_ok(s);
    req_pkce_challenge_ok(s);
    req_pkce_verifier_ok(s);
    req_state_ok(s);
    const char *tok;
    size_t len;
    if (req_bearer(s, &tok, &len) && (tok < s || tok + len > s + size))
        abort(); /* the token must lie inside the header */
    req_content_type_is(s, "application/json");
    free(s);
    return 0;
}
