/* csp_status: the CSP core's codes in the providers' shared status type
 * (src/provider/prov_status.h). A code names what went wrong in CryptoAPI
 * terms (the NTE_* / Win32 codes a CSP returns that have no crpki_err: a bad
 * handle of each kind, bad flags, an unknown parameter, the ERROR_MORE_DATA
 * size protocol, ...) or CSP_E_CORE carries the libcrpki crpki_err behind
 * it. The DLL boundary (csp_exports.c) turns it into the Windows code
 * exactly once, so the core stays free of Windows types. */
#ifndef CRPKI_CSP_CORE_CSP_STATUS_H
#define CRPKI_CSP_CORE_CSP_STATUS_H

#include "provider/prov_status.h"

typedef enum {
    CSP_OK = PROV_OK,
    CSP_E_CORE = PROV_E_CORE, /* st->core holds the crpki_err (winabi/errmap maps it) */
    /* the shared cases */
    CSP_E_INVALID_ARG = PROV_E_INVALID_ARG,     /* ERROR_INVALID_PARAMETER */
    CSP_E_MORE_DATA = PROV_E_MORE_DATA,         /* ERROR_MORE_DATA: the size was returned */
    CSP_E_NOT_SUPPORTED = PROV_E_NOT_SUPPORTED, /* NTE_NOT_SUPPORTED */
    CSP_E_BAD_FLAGS = PROV_E_BAD_FLAGS,         /* NTE_BAD_FLAGS */
    CSP_E_NO_MORE_ITEMS = PROV_E_NO_MORE_ITEMS, /* ERROR_NO_MORE_ITEMS */
    CSP_E_BAD_TYPE = PROV_E_BAD_TYPE,           /* NTE_BAD_TYPE: unknown parameter or blob type */
    CSP_E_BAD_DATA = PROV_E_BAD_DATA,           /* NTE_BAD_DATA: a malformed key blob */
    /* CryptoAPI names a bad handle by its kind, so PROV_E_BAD_HANDLE is
       never used here: one code per kind instead. */
    CSP_E_BAD_UID = PROV_E_OWN, /* NTE_BAD_UID: not a live provider handle of this CSP */
    CSP_E_BAD_HASH,             /* NTE_BAD_HASH: not a live hash handle (or another context's) */
    CSP_E_BAD_KEY,              /* NTE_BAD_KEY: not a live key handle, or a key where none may be */
    CSP_E_BAD_ALGID,      /* NTE_BAD_ALGID: an algorithm this CSP does not offer for the call */
    CSP_E_BAD_HASH_STATE, /* NTE_BAD_HASH_STATE: data added to a finished hash */
    CSP_E_NO_KEY,         /* NTE_NO_KEY: no key of that spec in the context */
    CSP_E_EXISTS,         /* NTE_EXISTS: CRYPT_NEWKEYSET for a container that exists */
    CSP_E_BAD_KEYSET,     /* NTE_BAD_KEYSET: no such container */
    CSP_E_BAD_VER,        /* NTE_BAD_VER: a key blob of another version */
    CSP_E_BAD_SIGNATURE,  /* NTE_BAD_SIGNATURE: verification failed or wrong length */
    CSP_E_BAD_KEY_STATE,  /* NTE_BAD_KEY_STATE: the private key cannot be exported */
    CSP_E_BAD_LEN,        /* NTE_BAD_LEN: a value of the wrong length (core API only) */
} csp_code;

typedef prov_status csp_status; /* .code is a csp_code */

/* Set st and return the code (CSP_E_CORE for csp_fail_core). st may be NULL. */
#define csp_fail(st, code, ...)   ((csp_code)prov_fail((st), (code), __VA_ARGS__))
#define csp_fail_core(st, e, ...) ((csp_code)prov_fail_core((st), (e), __VA_ARGS__))
#define csp_status_clear(st)      prov_status_clear(st)

/* The code's name for logs and test messages ("CSP_E_BAD_FLAGS", or the
 * crpki_err name for CSP_E_CORE). */
const char *csp_status_name(const csp_status *st);

#endif
