#include "ksp_status.h"

static const char *const NAMES[] = {
    [KSP_OK] = "KSP_OK",
    [KSP_E_CORE] = "KSP_E_CORE",
    [KSP_E_INVALID_ARG] = "KSP_E_INVALID_ARG",
    [KSP_E_MORE_DATA] = "KSP_E_MORE_DATA",
    [KSP_E_NOT_SUPPORTED] = "KSP_E_NOT_SUPPORTED",
    [KSP_E_INVALID_HANDLE] = "KSP_E_INVALID_HANDLE",
    [KSP_E_BAD_FLAGS] = "KSP_E_BAD_FLAGS",
    [KSP_E_NOT_FOUND] = "KSP_E_NOT_FOUND",
    [KSP_E_BAD_TYPE] = "KSP_E_BAD_TYPE",
    [KSP_E_NO_MORE_ITEMS] = "KSP_E_NO_MORE_ITEMS",
    [KSP_E_BAD_DATA] = "KSP_E_BAD_DATA",
};

const char *ksp_status_name(const ksp_status *st)
{
    return prov_status_name(st, NAMES, sizeof NAMES / sizeof NAMES[0], "KSP_E_?");
}
