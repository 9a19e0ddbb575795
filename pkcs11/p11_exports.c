/* p11_exports: the C_* functions of crpki-pkcs11 and its function list.
 * Each is one line: the portable core (core/p11_core.h) checks and does
 * the work; what the module does not offer answers its documented code
 * there too (p11_unsupported). Only C_* names leave the library
 * (crpki-pkcs11.map / crpki-pkcs11.def). */
#include "core/p11_core.h"

#if defined(_WIN32)
#define P11_EXPORT __declspec(dllexport)
#else
#define P11_EXPORT __attribute__((visibility("default")))
#endif
#define FN(name) P11_EXPORT CK_RV name

static const prov_backend *backend(void)
{
    return prov_session_backend(CRPKI_CAT_ANY);
}

FN(C_Initialize)(CK_VOID_PTR a)
{
    return p11_initialize(backend, a);
}
FN(C_Finalize)(CK_VOID_PTR r)
{
    return p11_finalize(r);
}
FN(C_GetInfo)(CK_INFO_PTR i)
{
    return p11_get_info(i);
}
FN(C_GetSlotList)(CK_BBOOL t, CK_SLOT_ID_PTR l, CK_ULONG_PTR n)
{
    return p11_get_slot_list(t, l, n);
}
FN(C_GetSlotInfo)(CK_SLOT_ID s, CK_SLOT_INFO_PTR i)
{
    return p11_get_slot_info(s, i);
}
FN(C_GetTokenInfo)(CK_SLOT_ID s, CK_TOKEN_INFO_PTR i)
{
    return p11_get_token_info(s, i);
}
FN(C_WaitForSlotEvent)(CK_FLAGS f, CK_SLOT_ID_PTR s, CK_VOID_PTR r)
{
    (void)f, (void)s, (void)r;
    return CKR_FUNCTION_NOT_SUPPORTED; /* the tokens never come and go */
}
FN(C_GetMechanismList)(CK_SLOT_ID s, CK_MECHANISM_TYPE_PTR l, CK_ULONG_PTR n)
{
    return p11_get_mechanism_list(s, l, n);
}
FN(C_GetMechanismInfo)(CK_SLOT_ID s, CK_MECHANISM_TYPE t, CK_MECHANISM_INFO_PTR i)
{
    return p11_get_mechanism_info(s, t, i);
}
FN(C_InitToken)(CK_SLOT_ID s, CK_UTF8CHAR_PTR p, CK_ULONG n, CK_UTF8CHAR_PTR l)
{
    (void)p, (void)n, (void)l;
    return p11_unsupported_slot(s, 1);
}
FN(C_InitPIN)(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR p, CK_ULONG n)
{
    (void)p, (void)n;
    return p11_unsupported(h, 1);
}
FN(C_SetPIN)(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR o, CK_ULONG on, CK_UTF8CHAR_PTR p, CK_ULONG n)
{
    (void)o, (void)on, (void)p, (void)n;
    return p11_unsupported(h, 1);
}
FN(C_OpenSession)(CK_SLOT_ID s, CK_FLAGS f, CK_VOID_PTR a, CK_NOTIFY n, CK_SESSION_HANDLE_PTR h)
{
    return p11_open_session(s, f, a, n, h);
}
FN(C_CloseSession)(CK_SESSION_HANDLE h)
{
    return p11_close_session(h);
}
FN(C_CloseAllSessions)(CK_SLOT_ID s)
{
    return p11_close_all_sessions(s);
}
FN(C_GetSessionInfo)(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR i)
{
    return p11_get_session_info(h, i);
}
FN(C_GetOperationState)(CK_SESSION_HANDLE h, CK_BYTE_PTR st, CK_ULONG_PTR n)
{
    (void)st, (void)n;
    return p11_unsupported(h, 0);
}
FN(C_SetOperationState)
(CK_SESSION_HANDLE h, CK_BYTE_PTR st, CK_ULONG n, CK_OBJECT_HANDLE e, CK_OBJECT_HANDLE a)
{
    (void)st, (void)n, (void)e, (void)a;
    return p11_unsupported(h, 0);
}
FN(C_Login)(CK_SESSION_HANDLE h, CK_USER_TYPE u, CK_UTF8CHAR_PTR p, CK_ULONG n)
{
    return p11_login(h, u, p, n);
}
FN(C_Logout)(CK_SESSION_HANDLE h)
{
    return p11_logout(h);
}
FN(C_CreateObject)(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR o)
{
    (void)t, (void)n, (void)o;
    return p11_unsupported(h, 1);
}
FN(C_CopyObject)
(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR no)
{
    (void)o, (void)t, (void)n, (void)no;
    return p11_unsupported(h, 1);
}
FN(C_DestroyObject)(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o)
{
    (void)o;
    return p11_unsupported(h, 1);
}
FN(C_GetObjectSize)(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ULONG_PTR n)
{
    return p11_get_object_size(h, o, n);
}
FN(C_GetAttributeValue)(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
    return p11_get_attribute_value(h, o, t, n);
}
FN(C_SetAttributeValue)(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
    (void)o, (void)t, (void)n;
    return p11_unsupported(h, 1);
}
FN(C_FindObjectsInit)(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
    return p11_find_objects_init(h, t, n);
}
FN(C_FindObjects)(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR o, CK_ULONG m, CK_ULONG_PTR n)
{
    return p11_find_objects(h, o, m, n);
}
FN(C_FindObjectsFinal)(CK_SESSION_HANDLE h)
{
    return p11_find_objects_final(h);
}
FN(C_SignInit)(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k)
{
    return p11_sign_init(h, m, k);
}
FN(C_Sign)(CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG n, CK_BYTE_PTR s, CK_ULONG_PTR sn)
{
    return p11_sign(h, d, n, s, sn);
}
FN(C_SignUpdate)(CK_SESSION_HANDLE h, CK_BYTE_PTR p, CK_ULONG n)
{
    return p11_sign_update(h, p, n);
}
FN(C_SignFinal)(CK_SESSION_HANDLE h, CK_BYTE_PTR s, CK_ULONG_PTR n)
{
    return p11_sign_final(h, s, n);
}

/* What this module does not do: en/decryption, digests, verification,
 * key generation, wrapping, derivation, random numbers (session first). */
#define NOT_OFFERED(name, params, ...)                                                             \
    FN(name) params                                                                                \
    {                                                                                              \
        __VA_ARGS__;                                                                               \
        return p11_unsupported(h, 0);                                                              \
    }
#define V (void)
NOT_OFFERED(C_EncryptInit, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), V m, V k)
NOT_OFFERED(C_Encrypt,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_EncryptUpdate,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_EncryptFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG_PTR b), V a, V b)
NOT_OFFERED(C_DecryptInit, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), V m, V k)
NOT_OFFERED(C_Decrypt,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_DecryptUpdate,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_DecryptFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG_PTR b), V a, V b)
NOT_OFFERED(C_DigestInit, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m), V m)
NOT_OFFERED(C_Digest,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_DigestUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b), V a, V b)
NOT_OFFERED(C_DigestKey, (CK_SESSION_HANDLE h, CK_OBJECT_HANDLE k), V k)
NOT_OFFERED(C_DigestFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG_PTR b), V a, V b)
NOT_OFFERED(C_SignRecoverInit, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), V m,
            V k)
NOT_OFFERED(C_SignRecover,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_VerifyInit, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), V m, V k)
NOT_OFFERED(C_Verify, (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG d),
            V a, V b, V c, V d)
NOT_OFFERED(C_VerifyUpdate, (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b), V a, V b)
NOT_OFFERED(C_VerifyFinal, (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b), V a, V b)
NOT_OFFERED(C_VerifyRecoverInit, (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k), V m,
            V k)
NOT_OFFERED(C_VerifyRecover,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_DigestEncryptUpdate,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_DecryptDigestUpdate,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_SignEncryptUpdate,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_DecryptVerifyUpdate,
            (CK_SESSION_HANDLE h, CK_BYTE_PTR a, CK_ULONG b, CK_BYTE_PTR c, CK_ULONG_PTR d), V a,
            V b, V c, V d)
NOT_OFFERED(C_GenerateKey,
            (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n,
             CK_OBJECT_HANDLE_PTR k),
            V m, V t, V n, V k)
NOT_OFFERED(C_GenerateKeyPair,
            (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t1, CK_ULONG n1,
             CK_ATTRIBUTE_PTR t2, CK_ULONG n2, CK_OBJECT_HANDLE_PTR k1, CK_OBJECT_HANDLE_PTR k2),
            V m, V t1, V n1, V t2, V n2, V k1, V k2)
NOT_OFFERED(C_WrapKey,
            (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE w, CK_OBJECT_HANDLE k,
             CK_BYTE_PTR o, CK_ULONG_PTR n),
            V m, V w, V k, V o, V n)
NOT_OFFERED(C_UnwrapKey,
            (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE u, CK_BYTE_PTR w,
             CK_ULONG wn, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k),
            V m, V u, V w, V wn, V t, V n, V k)
NOT_OFFERED(C_DeriveKey,
            (CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR t,
             CK_ULONG n, CK_OBJECT_HANDLE_PTR k),
            V m, V b, V t, V n, V k)
NOT_OFFERED(C_SeedRandom, (CK_SESSION_HANDLE h, CK_BYTE_PTR s, CK_ULONG n), V s, V n)
NOT_OFFERED(C_GenerateRandom, (CK_SESSION_HANDLE h, CK_BYTE_PTR s, CK_ULONG n), V s, V n)
#undef V

/* Legacy: nothing runs in parallel to stop or ask about. */
FN(C_GetFunctionStatus)(CK_SESSION_HANDLE h)
{
    CK_RV rv = p11_unsupported(h, 0);
    return rv == CKR_FUNCTION_NOT_SUPPORTED ? CKR_FUNCTION_NOT_PARALLEL : rv;
}
FN(C_CancelFunction)(CK_SESSION_HANDLE h)
{
    CK_RV rv = p11_unsupported(h, 0);
    return rv == CKR_FUNCTION_NOT_SUPPORTED ? CKR_FUNCTION_NOT_PARALLEL : rv;
}

FN(C_GetFunctionList)(CK_FUNCTION_LIST_PTR_PTR out);

static CK_FUNCTION_LIST g_list = {
    {2, 40},
#define E(n) n,
    E(C_Initialize) E(C_Finalize) E(C_GetInfo) E(C_GetFunctionList) E(C_GetSlotList) E(
        C_GetSlotInfo) E(C_GetTokenInfo) E(C_GetMechanismList) E(C_GetMechanismInfo) E(C_InitToken)
        E(C_InitPIN) E(C_SetPIN) E(C_OpenSession) E(C_CloseSession) E(C_CloseAllSessions) E(
            C_GetSessionInfo) E(C_GetOperationState) E(C_SetOperationState) E(C_Login) E(C_Logout)
            E(C_CreateObject) E(C_CopyObject) E(C_DestroyObject) E(C_GetObjectSize) E(
                C_GetAttributeValue) E(C_SetAttributeValue) E(C_FindObjectsInit) E(C_FindObjects)
                E(C_FindObjectsFinal) E(C_EncryptInit) E(C_Encrypt) E(C_EncryptUpdate)
                    E(C_EncryptFinal) E(C_DecryptInit) E(C_Decrypt) E(C_DecryptUpdate) E(
                        C_DecryptFinal) E(C_DigestInit) E(C_Digest) E(C_DigestUpdate) E(C_DigestKey)
                        E(C_DigestFinal) E(C_SignInit) E(C_Sign) E(C_SignUpdate) E(C_SignFinal)
                            E(C_SignRecoverInit) E(C_SignRecover) E(C_VerifyInit) E(C_Verify)
                                E(C_VerifyUpdate) E(C_VerifyFinal) E(C_VerifyRecoverInit)
                                    E(C_VerifyRecover) E(C_DigestEncryptUpdate)
                                        E(C_DecryptDigestUpdate) E(C_SignEncryptUpdate)
                                            E(C_DecryptVerifyUpdate) E(C_GenerateKey)
                                                E(C_GenerateKeyPair) E(C_WrapKey) E(C_UnwrapKey)
                                                    E(C_DeriveKey) E(C_SeedRandom)
                                                        E(C_GenerateRandom) E(C_GetFunctionStatus)
                                                            E(C_CancelFunction) C_WaitForSlotEvent,
#undef E
};

FN(C_GetFunctionList)(CK_FUNCTION_LIST_PTR_PTR out)
{
    if (!out)
        return CKR_ARGUMENTS_BAD;
    *out = &g_list;
    return CKR_OK;
}
