/* csp_exports: the CP* entry points advapi32 calls. Each is a thin shim:
 * convert what only Windows has (handles to numbers, UTF-16 and ANSI
 * strings to UTF-8, window handles), call the core function of the same
 * stem (csp_core.h), and on failure map its status to the Windows code
 * once (win_code), log the reason and SetLastError. The operations this
 * CSP does not offer are together at the end. */
#include <stdlib.h>
#include <string.h>

#include "csp_core.h"
#include "csp_win.h"
#include "base/log/log.h"
#include "base/platform/plat_utf16_win.h"
#include "provider/winabi/cspdk.h"
#include "provider/winabi/errmap.h"

/* The core speaks wincrypt.h's numbers without including it. */
_Static_assert(CSP_CALG_MD5 == CALG_MD5 && CSP_CALG_SHA1 == CALG_SHA1 &&
                   CSP_CALG_SSL3_SHAMD5 == CALG_SSL3_SHAMD5 && CSP_CALG_SHA_256 == CALG_SHA_256 &&
                   CSP_CALG_SHA_384 == CALG_SHA_384 && CSP_CALG_SHA_512 == CALG_SHA_512 &&
                   CSP_CALG_RSA_SIGN == CALG_RSA_SIGN && CSP_CALG_RSA_KEYX == CALG_RSA_KEYX,
               "ALG_IDs");
_Static_assert(CSP_CRYPT_VERIFYCONTEXT == CRYPT_VERIFYCONTEXT &&
                   CSP_CRYPT_NEWKEYSET == CRYPT_NEWKEYSET &&
                   CSP_CRYPT_DELETEKEYSET == CRYPT_DELETEKEYSET &&
                   CSP_CRYPT_MACHINE_KEYSET == CRYPT_MACHINE_KEYSET &&
                   CSP_CRYPT_SILENT == CRYPT_SILENT &&
                   CSP_CRYPT_DEFAULT_CONTAINER_OPTIONAL == CRYPT_DEFAULT_CONTAINER_OPTIONAL,
               "acquire flags");
_Static_assert(CSP_PP_CLIENT_HWND == PP_CLIENT_HWND && CSP_PP_ENUMALGS == PP_ENUMALGS &&
                   CSP_PP_ENUMCONTAINERS == PP_ENUMCONTAINERS && CSP_PP_IMPTYPE == PP_IMPTYPE &&
                   CSP_PP_NAME == PP_NAME && CSP_PP_VERSION == PP_VERSION &&
                   CSP_PP_CONTAINER == PP_CONTAINER && CSP_PP_PROVTYPE == PP_PROVTYPE &&
                   CSP_PP_UI_PROMPT == PP_UI_PROMPT && CSP_PP_ENUMALGS_EX == PP_ENUMALGS_EX &&
                   CSP_PP_UNIQUE_CONTAINER == PP_UNIQUE_CONTAINER && CSP_PP_KEYSPEC == PP_KEYSPEC &&
                   CSP_PP_USER_CERTSTORE == PP_USER_CERTSTORE &&
                   CSP_PP_ROOT_CERTSTORE == PP_ROOT_CERTSTORE && CSP_CRYPT_FIRST == CRYPT_FIRST &&
                   CSP_CRYPT_NEXT == CRYPT_NEXT && CSP_CRYPT_IMPL_MIXED == CRYPT_IMPL_MIXED &&
                   CSP_CRYPT_FLAG_SIGNING == CRYPT_FLAG_SIGNING &&
                   CSP_PROV_RSA_FULL == PROV_RSA_FULL,
               "provider parameters");
_Static_assert(CSP_AT_KEYEXCHANGE == AT_KEYEXCHANGE && CSP_AT_SIGNATURE == AT_SIGNATURE &&
                   CSP_KP_PERMISSIONS == KP_PERMISSIONS && CSP_KP_ALGID == KP_ALGID &&
                   CSP_KP_BLOCKLEN == KP_BLOCKLEN && CSP_KP_KEYLEN == KP_KEYLEN &&
                   CSP_KP_CERTIFICATE == KP_CERTIFICATE && CSP_CRYPT_READ == CRYPT_READ &&
                   CSP_CRYPT_EXPORTABLE == CRYPT_EXPORTABLE && CSP_PUBLICKEYBLOB == PUBLICKEYBLOB &&
                   CSP_PRIVATEKEYBLOB == PRIVATEKEYBLOB && CSP_CUR_BLOB_VERSION == CUR_BLOB_VERSION,
               "keys");
_Static_assert(CSP_HP_ALGID == HP_ALGID && CSP_HP_HASHVAL == HP_HASHVAL &&
                   CSP_HP_HASHSIZE == HP_HASHSIZE && CSP_CRYPT_NOHASHOID == CRYPT_NOHASHOID &&
                   CSP_CRYPT_X931_FORMAT == CRYPT_X931_FORMAT,
               "hashes");
_Static_assert(CSP_ENUMALGS_SIZE == sizeof(PROV_ENUMALGS) &&
                   CSP_ENUMALGS_EX_SIZE == sizeof(PROV_ENUMALGS_EX),
               "PROV_ENUMALGS layout");
_Static_assert(sizeof(HCRYPTPROV) <= sizeof(uintptr_t), "handles fit the core's numbers");

HMODULE csp_module;

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        csp_module = inst;
        DisableThreadLibraryCalls(inst);
        /* Only the handle table's lock: no files, no network, no session. */
        const prov_backend *b = prov_session_backend(CRPKI_CAT_CSP);
        return b && csp_core_init(b) == CRPKI_OK;
    }
    return TRUE;
}

/* The one map from a core status to the code CryptoAPI callers see. */
static DWORD win_code(const csp_status *st)
{
    switch (st->code) {
    case CSP_OK:
        return ERROR_SUCCESS;
    case CSP_E_CORE:
        return errmap_to_csp_error(st->core);
    case CSP_E_INVALID_ARG:
        return ERROR_INVALID_PARAMETER;
    case CSP_E_MORE_DATA:
        return ERROR_MORE_DATA;
    case CSP_E_NO_MORE_ITEMS:
        return ERROR_NO_MORE_ITEMS;
    case CSP_E_BAD_UID:
        return (DWORD)NTE_BAD_UID;
    case CSP_E_BAD_HASH:
        return (DWORD)NTE_BAD_HASH;
    case CSP_E_BAD_KEY:
        return (DWORD)NTE_BAD_KEY;
    case CSP_E_BAD_FLAGS:
        return (DWORD)NTE_BAD_FLAGS;
    case CSP_E_BAD_TYPE:
        return (DWORD)NTE_BAD_TYPE;
    case CSP_E_BAD_ALGID:
        return (DWORD)NTE_BAD_ALGID;
    case CSP_E_BAD_HASH_STATE:
        return (DWORD)NTE_BAD_HASH_STATE;
    case CSP_E_NO_KEY:
        return (DWORD)NTE_NO_KEY;
    case CSP_E_EXISTS:
        return (DWORD)NTE_EXISTS;
    case CSP_E_BAD_KEYSET:
        return (DWORD)NTE_BAD_KEYSET;
    case CSP_E_BAD_DATA:
        return (DWORD)NTE_BAD_DATA;
    case CSP_E_BAD_VER:
        return (DWORD)NTE_BAD_VER;
    case CSP_E_BAD_SIGNATURE:
        return (DWORD)NTE_BAD_SIGNATURE;
    case CSP_E_BAD_KEY_STATE:
        return (DWORD)NTE_BAD_KEY_STATE;
    case CSP_E_NOT_SUPPORTED:
        return (DWORD)NTE_NOT_SUPPORTED;
    case CSP_E_BAD_LEN:
        return (DWORD)NTE_BAD_LEN;
    }
    return (DWORD)NTE_FAIL;
}

/* Ends an export: TRUE, or the mapped code set, the reason logged, FALSE. */
static BOOL done(const char *fn, csp_code c, const csp_status *st)
{
    if (c == CSP_OK)
        return TRUE;
    DWORD code = win_code(st);
    crpki_log_level lvl = CRPKI_LOG_INFO;
    if (c == CSP_E_MORE_DATA || c == CSP_E_NO_MORE_ITEMS)
        lvl = CRPKI_LOG_DEBUG; /* the size protocol and enumeration ends are normal */
    else if (c == CSP_E_CORE)
        lvl = CRPKI_LOG_WARN;
    log_write(lvl, "csp", "%s failed: %s (0x%08lx): %s", fn, csp_status_name(st),
              (unsigned long)code, st->why);
    SetLastError(code);
    return FALSE;
}

/* DWORD is unsigned long to mingw: the core's uint32_t lengths go through
 * a copy rather than a cast of the pointer (strict aliasing). */
typedef struct {
    DWORD *p;
    uint32_t v;
} len_io;
static uint32_t *len_in(len_io *io, DWORD *p)
{
    io->p = p;
    io->v = p ? (uint32_t)*p : 0;
    return p ? &io->v : NULL;
}
static void len_out(const len_io *io)
{
    if (io->p)
        *io->p = io->v;
}

/* A new handle out: the core's number is written to the caller's
 * HCRYPTPROV/HCRYPTHASH/HCRYPTKEY (all ULONG_PTR) only on success. */
typedef struct {
    ULONG_PTR *p;
    uintptr_t v;
} handle_io;
static uintptr_t *handle_in(handle_io *io, ULONG_PTR *p)
{
    io->p = p;
    io->v = 0;
    return p ? &io->v : NULL;
}
static csp_code handle_out(const handle_io *io, csp_code c)
{
    if (io->p && c == CSP_OK)
        *io->p = (ULONG_PTR)io->v;
    return c;
}

/* ANSI (the process code page) or UTF-16 to UTF-8; NULL stays NULL. */
static csp_code ansi_to_utf8(const char *s, char **out, csp_status *st)
{
    *out = NULL;
    if (!s)
        return CSP_OK;
    int n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? calloc((size_t)n, sizeof(wchar_t)) : NULL;
    if (w && MultiByteToWideChar(CP_ACP, 0, s, -1, w, n) > 0)
        *out = plat_wide_to_utf8(w);
    free(w);
    return *out ? CSP_OK : csp_fail(st, CSP_E_INVALID_ARG, "the container name is not text");
}

static csp_code wide_to_utf8(const wchar_t *w, char **out, csp_status *st)
{
    *out = NULL;
    if (!w)
        return CSP_OK;
    *out = plat_wide_to_utf8(w);
    return *out ? CSP_OK : csp_fail(st, CSP_E_INVALID_ARG, "the description is not UTF-16");
}

/* FuncReturnhWnd, called when a signature needs the approval dialog. */
static void *resolve_hwnd(csp_fnptr raw)
{
    HWND h = NULL;
    if (raw)
        ((CRYPT_RETURN_HWND)raw)(&h);
    return (void *)h;
}

BOOL WINAPI CPAcquireContext(HCRYPTPROV *phProv, LPCSTR szContainer, DWORD dwFlags,
                             PVTableProvStruc pVTable)
{
    csp_status st = {0};
    char *container = NULL;
    csp_window_src win = {resolve_hwnd, NULL};
    if (pVTable)
        win.raw = (csp_fnptr)pVTable->FuncReturnhWnd;
    handle_io io;
    uintptr_t *ph = handle_in(&io, phProv);
    csp_code c = ansi_to_utf8(szContainer, &container, &st);
    if (c == CSP_OK)
        c = csp_acquire_context(ph, container, dwFlags, &win, &st);
    free(container);
    return done("CPAcquireContext", handle_out(&io, c), &st);
}

BOOL WINAPI CPReleaseContext(HCRYPTPROV hProv, DWORD dwFlags)
{
    csp_status st = {0};
    return done("CPReleaseContext", csp_release_context(hProv, dwFlags, &st), &st);
}

BOOL WINAPI CPGetProvParam(HCRYPTPROV hProv, DWORD dwParam, LPBYTE pbData, LPDWORD pcbDataLen,
                           DWORD dwFlags)
{
    csp_status st = {0};
    csp_code c;
    if (dwParam == PP_USER_CERTSTORE || dwParam == PP_ROOT_CERTSTORE) {
        c = csp_certstore_param(hProv, dwParam == PP_ROOT_CERTSTORE, pbData, pcbDataLen, dwFlags,
                                &st);
    } else {
        len_io io;
        c = csp_get_prov_param(hProv, dwParam, pbData, len_in(&io, pcbDataLen), dwFlags, &st);
        len_out(&io);
    }
    return done("CPGetProvParam", c, &st);
}

BOOL WINAPI CPSetProvParam(HCRYPTPROV hProv, DWORD dwParam, CONST BYTE *pbData, DWORD dwFlags)
{
    csp_status st = {0};
    csp_code c = CSP_OK;
    char *prompt = NULL;
    const void *value = pbData;
    if (dwParam == PP_CLIENT_HWND && pbData) {
        HWND hwnd;
        memcpy(&hwnd, pbData, sizeof(hwnd)); /* pbData points to an HWND */
        value = (const void *)hwnd;
    } else if (dwParam == PP_UI_PROMPT) {
        c = wide_to_utf8((const wchar_t *)pbData, &prompt, &st);
        value = prompt;
    }
    if (c == CSP_OK)
        c = csp_set_prov_param(hProv, dwParam, value, dwFlags, &st);
    free(prompt);
    return done("CPSetProvParam", c, &st);
}

BOOL WINAPI CPCreateHash(HCRYPTPROV hProv, ALG_ID Algid, HCRYPTKEY hKey, DWORD dwFlags,
                         HCRYPTHASH *phHash)
{
    csp_status st = {0};
    handle_io io;
    csp_code c = csp_create_hash(hProv, Algid, hKey, dwFlags, handle_in(&io, phHash), &st);
    return done("CPCreateHash", handle_out(&io, c), &st);
}

BOOL WINAPI CPHashData(HCRYPTPROV hProv, HCRYPTHASH hHash, CONST BYTE *pbData, DWORD cbDataLen,
                       DWORD dwFlags)
{
    csp_status st = {0};
    return done("CPHashData", csp_hash_data(hProv, hHash, pbData, cbDataLen, dwFlags, &st), &st);
}

BOOL WINAPI CPGetHashParam(HCRYPTPROV hProv, HCRYPTHASH hHash, DWORD dwParam, LPBYTE pbData,
                           LPDWORD pcbDataLen, DWORD dwFlags)
{
    csp_status st = {0};
    len_io io;
    csp_code c =
        csp_get_hash_param(hProv, hHash, dwParam, pbData, len_in(&io, pcbDataLen), dwFlags, &st);
    len_out(&io);
    return done("CPGetHashParam", c, &st);
}

BOOL WINAPI CPSetHashParam(HCRYPTPROV hProv, HCRYPTHASH hHash, DWORD dwParam, CONST BYTE *pbData,
                           DWORD dwFlags)
{
    csp_status st = {0};
    /* HP_HASHVAL carries no length: pbData holds the hash's size. */
    size_t len = csp_hash_size(hProv, hHash);
    return done("CPSetHashParam",
                csp_set_hash_param(hProv, hHash, dwParam, pbData, len, dwFlags, &st), &st);
}

BOOL WINAPI CPDuplicateHash(HCRYPTPROV hUID, HCRYPTHASH hHash, LPDWORD pdwReserved, DWORD dwFlags,
                            HCRYPTHASH *phHash)
{
    csp_status st = {0};
    handle_io io;
    csp_code c = csp_duplicate_hash(hUID, hHash, pdwReserved, dwFlags, handle_in(&io, phHash), &st);
    return done("CPDuplicateHash", handle_out(&io, c), &st);
}

BOOL WINAPI CPDestroyHash(HCRYPTPROV hProv, HCRYPTHASH hHash)
{
    csp_status st = {0};
    return done("CPDestroyHash", csp_destroy_hash(hProv, hHash, &st), &st);
}

BOOL WINAPI CPGetUserKey(HCRYPTPROV hProv, DWORD dwKeySpec, HCRYPTKEY *phUserKey)
{
    csp_status st = {0};
    handle_io io;
    csp_code c = csp_get_user_key(hProv, dwKeySpec, handle_in(&io, phUserKey), &st);
    return done("CPGetUserKey", handle_out(&io, c), &st);
}

BOOL WINAPI CPImportKey(HCRYPTPROV hProv, CONST BYTE *pbData, DWORD cbDataLen, HCRYPTKEY hPubKey,
                        DWORD dwFlags, HCRYPTKEY *phKey)
{
    csp_status st = {0};
    handle_io io;
    csp_code c =
        csp_import_key(hProv, pbData, cbDataLen, hPubKey, dwFlags, handle_in(&io, phKey), &st);
    return done("CPImportKey", handle_out(&io, c), &st);
}

BOOL WINAPI CPExportKey(HCRYPTPROV hProv, HCRYPTKEY hKey, HCRYPTKEY hPubKey, DWORD dwBlobType,
                        DWORD dwFlags, LPBYTE pbData, LPDWORD pcbDataLen)
{
    csp_status st = {0};
    len_io io;
    csp_code c = csp_export_key(hProv, hKey, hPubKey, dwBlobType, dwFlags, pbData,
                                len_in(&io, pcbDataLen), &st);
    len_out(&io);
    return done("CPExportKey", c, &st);
}

BOOL WINAPI CPGetKeyParam(HCRYPTPROV hProv, HCRYPTKEY hKey, DWORD dwParam, LPBYTE pbData,
                          LPDWORD pcbDataLen, DWORD dwFlags)
{
    csp_status st = {0};
    len_io io;
    csp_code c =
        csp_get_key_param(hProv, hKey, dwParam, pbData, len_in(&io, pcbDataLen), dwFlags, &st);
    len_out(&io);
    return done("CPGetKeyParam", c, &st);
}

BOOL WINAPI CPSetKeyParam(HCRYPTPROV hProv, HCRYPTKEY hKey, DWORD dwParam, CONST BYTE *pbData,
                          DWORD dwFlags)
{
    csp_status st = {0};
    return done("CPSetKeyParam", csp_set_key_param(hProv, hKey, dwParam, pbData, dwFlags, &st),
                &st);
}

BOOL WINAPI CPDuplicateKey(HCRYPTPROV hUID, HCRYPTKEY hKey, LPDWORD pdwReserved, DWORD dwFlags,
                           HCRYPTKEY *phKey)
{
    csp_status st = {0};
    handle_io io;
    csp_code c = csp_duplicate_key(hUID, hKey, pdwReserved, dwFlags, handle_in(&io, phKey), &st);
    return done("CPDuplicateKey", handle_out(&io, c), &st);
}

BOOL WINAPI CPDestroyKey(HCRYPTPROV hProv, HCRYPTKEY hKey)
{
    csp_status st = {0};
    return done("CPDestroyKey", csp_destroy_key(hProv, hKey, &st), &st);
}

BOOL WINAPI CPSignHash(HCRYPTPROV hProv, HCRYPTHASH hHash, DWORD dwKeySpec, LPCWSTR szDescription,
                       DWORD dwFlags, LPBYTE pbSignature, LPDWORD pcbSigLen)
{
    csp_status st = {0};
    char *what = NULL;
    /* The description is what the application says it signs: shown with
     * the approval code and sent to the phone, never hashed. */
    csp_code c = wide_to_utf8(szDescription, &what, &st);
    if (c == CSP_OK) {
        len_io io;
        c = csp_sign_hash(hProv, hHash, dwKeySpec, what, dwFlags, pbSignature,
                          len_in(&io, pcbSigLen), &st);
        len_out(&io);
    }
    free(what);
    return done("CPSignHash", c, &st);
}

BOOL WINAPI CPVerifySignature(HCRYPTPROV hProv, HCRYPTHASH hHash, CONST BYTE *pbSignature,
                              DWORD cbSigLen, HCRYPTKEY hPubKey, LPCWSTR szDescription,
                              DWORD dwFlags)
{
    csp_status st = {0};
    (void)szDescription; /* not hashed: see CPSignHash */
    return done("CPVerifySignature",
                csp_verify_signature(hProv, hHash, pbSignature, cbSigLen, hPubKey, dwFlags, &st),
                &st);
}

BOOL WINAPI CPGenRandom(HCRYPTPROV hProv, DWORD cbLen, LPBYTE pbBuffer)
{
    csp_status st = {0};
    return done("CPGenRandom", csp_gen_random(hProv, cbLen, pbBuffer, &st), &st);
}

/* ---- what this CSP does not do: keys live in the service's HSM and only
 * sign; there is no key generation, derivation or encryption. ---- */

static BOOL unsupported(const char *fn)
{
    csp_status st = {0};
    return done(fn, csp_unsupported(fn, &st), &st);
}

BOOL WINAPI CPGenKey(HCRYPTPROV hProv, ALG_ID Algid, DWORD dwFlags, HCRYPTKEY *phKey)
{
    return unsupported("CPGenKey");
}

BOOL WINAPI CPDeriveKey(HCRYPTPROV hProv, ALG_ID Algid, HCRYPTHASH hHash, DWORD dwFlags,
                        HCRYPTKEY *phKey)
{
    return unsupported("CPDeriveKey");
}

BOOL WINAPI CPEncrypt(HCRYPTPROV hProv, HCRYPTKEY hKey, HCRYPTHASH hHash, BOOL fFinal,
                      DWORD dwFlags, LPBYTE pbData, LPDWORD pcbDataLen, DWORD cbBufLen)
{
    return unsupported("CPEncrypt");
}

BOOL WINAPI CPDecrypt(HCRYPTPROV hProv, HCRYPTKEY hKey, HCRYPTHASH hHash, BOOL fFinal,
                      DWORD dwFlags, LPBYTE pbData, LPDWORD pcbDataLen)
{
    return unsupported("CPDecrypt");
}

BOOL WINAPI CPHashSessionKey(HCRYPTPROV hProv, HCRYPTHASH hHash, HCRYPTKEY hKey, DWORD dwFlags)
{
    return unsupported("CPHashSessionKey");
}
