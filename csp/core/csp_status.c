#include "csp_status.h"

static const char *const NAMES[] = {
    [CSP_OK] = "CSP_OK",
    [CSP_E_CORE] = "CSP_E_CORE",
    [CSP_E_INVALID_ARG] = "CSP_E_INVALID_ARG",
    [CSP_E_MORE_DATA] = "CSP_E_MORE_DATA",
    [CSP_E_NO_MORE_ITEMS] = "CSP_E_NO_MORE_ITEMS",
    [CSP_E_BAD_UID] = "CSP_E_BAD_UID",
    [CSP_E_BAD_HASH] = "CSP_E_BAD_HASH",
    [CSP_E_BAD_KEY] = "CSP_E_BAD_KEY",
    [CSP_E_BAD_FLAGS] = "CSP_E_BAD_FLAGS",
    [CSP_E_BAD_TYPE] = "CSP_E_BAD_TYPE",
    [CSP_E_BAD_ALGID] = "CSP_E_BAD_ALGID",
    [CSP_E_BAD_HASH_STATE] = "CSP_E_BAD_HASH_STATE",
    [CSP_E_NO_KEY] = "CSP_E_NO_KEY",
    [CSP_E_EXISTS] = "CSP_E_EXISTS",
    [CSP_E_BAD_KEYSET] = "CSP_E_BAD_KEYSET",
    [CSP_E_BAD_DATA] = "CSP_E_BAD_DATA",
    [CSP_E_BAD_VER] = "CSP_E_BAD_VER",
    [CSP_E_BAD_SIGNATURE] = "CSP_E_BAD_SIGNATURE",
    [CSP_E_BAD_KEY_STATE] = "CSP_E_BAD_KEY_STATE",
    [CSP_E_NOT_SUPPORTED] = "CSP_E_NOT_SUPPORTED",
    [CSP_E_BAD_LEN] = "CSP_E_BAD_LEN",
};

const char *csp_status_name(const csp_status *st)
{
    return prov_status_name(st, NAMES, sizeof NAMES / sizeof NAMES[0], "CSP_E_?");
}
