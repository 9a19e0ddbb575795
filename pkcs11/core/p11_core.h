/* p11_core: the PKCS#11 v2.40 module over the signing path (docs/pkcs11.md),
 * portable and without the exported names, so a test can drive it directly
 * and the library's C_* functions (pkcs11/p11_exports.c) stay one line each.
 *
 * What the module offers: one slot per credential of the key catalog
 * (selected for the CSP, the KSP or both by `crpki-mgmt use`), read at
 * p11_initialize; each slot holds one read-only token without login (every
 * signature is approved in the gBizID app instead); the token holds the
 * certificate, its public key, the private key (sign only, sensitive, never
 * extractable) and the issuers' certificates, all answered from the catalog
 * without the network. C_Sign goes to the service through prov_backend's
 * sign (the approval UI, the signature verified before it is returned, the
 * signing record). Everything else is the documented CKR_ code. Thread-safe
 * (CKF_OS_LOCKING_OK: the module's own locks), and a forked child must call
 * C_Initialize again (CKR_CRYPTOKI_NOT_INITIALIZED until it does). */
#ifndef CRPKI_PKCS11_CORE_P11_CORE_H
#define CRPKI_PKCS11_CORE_P11_CORE_H

#include "provider/prov_backend.h"

/* p11-kit's copy of the OASIS header (standard names: CRYPTOKI_COMPAT) */
#include <p11-kit/pkcs11.h>

/* The backend p11_initialize reads the catalog from and signs with; tests
 * pass their own. */
typedef const prov_backend *(*p11_backend_fn)(void);

CK_RV p11_initialize(p11_backend_fn backend, CK_VOID_PTR init_args);
CK_RV p11_finalize(CK_VOID_PTR reserved);
CK_RV p11_get_info(CK_INFO_PTR info);
CK_RV p11_get_slot_list(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count);
CK_RV p11_get_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info);
CK_RV p11_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info);
CK_RV p11_get_mechanism_list(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count);
CK_RV p11_get_mechanism_info(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info);
CK_RV p11_open_session(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                       CK_SESSION_HANDLE_PTR out);
CK_RV p11_close_session(CK_SESSION_HANDLE h);
CK_RV p11_close_all_sessions(CK_SLOT_ID slot);
CK_RV p11_get_session_info(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info);
CK_RV p11_login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len);
CK_RV p11_logout(CK_SESSION_HANDLE h);
CK_RV p11_get_attribute_value(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR templ,
                              CK_ULONG count);
CK_RV p11_get_object_size(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ULONG_PTR size);
CK_RV p11_find_objects_init(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR templ, CK_ULONG count);
CK_RV p11_find_objects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max,
                       CK_ULONG_PTR count);
CK_RV p11_find_objects_final(CK_SESSION_HANDLE h);
CK_RV p11_sign_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key);
CK_RV p11_sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
               CK_ULONG_PTR sig_len);
CK_RV p11_sign_update(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len);
CK_RV p11_sign_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len);
/* The answer of a function this module does not offer, by kind: a session
 * function checks the session first (CKR_SESSION_HANDLE_INVALID beats
 * CKR_FUNCTION_NOT_SUPPORTED), a token write is CKR_TOKEN_WRITE_PROTECTED. */
CK_RV p11_unsupported(CK_SESSION_HANDLE h, int writes);
CK_RV p11_unsupported_slot(CK_SLOT_ID slot, int writes);

/* crpki_err -> CK_RV, the one map (docs/pkcs11.md lists it). */
CK_RV p11_rv_of(crpki_err e);

#endif
