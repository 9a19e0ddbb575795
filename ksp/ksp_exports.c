/* crpkiksp.dll's entry points: GetKeyStorageInterface and the members of
 * its function table. Each member only translates: Windows types in, the
 * portable core's operation of the same name stem (core/ksp_core.h), its
 * status out through ksp_finish (the one map to SECURITY_STATUS, which also
 * logs the reason). Unsupported members: ksp_unsupported in the core, as
 * the CSP has it. */
#include <windows.h>

#include <stddef.h>
#include <stdint.h>

#include "ksp_flags.h"
#include "ksp_handle.h"
#include "ksp_core.h"
#include "ksp_pad.h"
#include "ksp_u16.h"
#include "ksp_status.h"
#include "base/log/log.h"
#include "provider/winabi/errmap.h"
#include "provider/winabi/ncrypt_provider.h"

/* The core's plain constants and structure mirrors are the Windows ones. */
_Static_assert(KSP_F_NO_PADDING == NCRYPT_NO_PADDING_FLAG, "flag");
_Static_assert(KSP_F_PAD_PKCS1 == NCRYPT_PAD_PKCS1_FLAG, "flag");
_Static_assert(KSP_F_PAD_PSS == NCRYPT_PAD_PSS_FLAG, "flag");
_Static_assert(KSP_F_MACHINE_KEY == NCRYPT_MACHINE_KEY_FLAG, "flag");
_Static_assert(KSP_F_SILENT == NCRYPT_SILENT_FLAG, "flag");
_Static_assert(KSP_F_PERSIST_ONLY == NCRYPT_PERSIST_ONLY_FLAG, "flag");
_Static_assert(KSP_F_PERSIST == (uint32_t)NCRYPT_PERSIST_FLAG, "flag");
_Static_assert(KSP_AT_KEYEXCHANGE == AT_KEYEXCHANGE && KSP_AT_SIGNATURE == AT_SIGNATURE, "spec");
_Static_assert(KSP_OP_SIGNATURE == NCRYPT_SIGNATURE_OPERATION, "op");
_Static_assert(KSP_IF_SIGNATURE == NCRYPT_SIGNATURE_INTERFACE, "interface");
_Static_assert(KSP_ALLOW_SIGNING == NCRYPT_ALLOW_SIGNING_FLAG, "usage");
_Static_assert(KSP_IMPL_HARDWARE == NCRYPT_IMPL_HARDWARE_FLAG, "impl");
_Static_assert(KSP_UI_PROTECT_KEY == NCRYPT_UI_PROTECT_KEY_FLAG, "ui");
_Static_assert(sizeof(ksp_key_name) == sizeof(NCryptKeyName) &&
                   offsetof(ksp_key_name, alg) == offsetof(NCryptKeyName, pszAlgid) &&
                   offsetof(ksp_key_name, legacy_spec) ==
                       offsetof(NCryptKeyName, dwLegacyKeySpec) &&
                   offsetof(ksp_key_name, flags) == offsetof(NCryptKeyName, dwFlags),
               "NCryptKeyName");
_Static_assert(sizeof(ksp_alg_name) == sizeof(NCryptAlgorithmName) &&
                   offsetof(ksp_alg_name, alg_class) == offsetof(NCryptAlgorithmName, dwClass) &&
                   offsetof(ksp_alg_name, alg_operations) ==
                       offsetof(NCryptAlgorithmName, dwAlgOperations),
               "NCryptAlgorithmName");
_Static_assert(sizeof(ksp_pkcs1_info) == sizeof(BCRYPT_PKCS1_PADDING_INFO), "PKCS1 info");
_Static_assert(sizeof(ksp_pss_info) == sizeof(BCRYPT_PSS_PADDING_INFO) &&
                   offsetof(ksp_pss_info, salt) == offsetof(BCRYPT_PSS_PADDING_INFO, cbSalt),
               "PSS info");
_Static_assert(sizeof(WCHAR) == sizeof(uint16_t), "UTF-16");
/* ksp_key.c writes these as {4 x uint32} and {2 x uint32, 3 x pointer}. */
_Static_assert(sizeof(NCRYPT_SUPPORTED_LENGTHS) == 16 &&
                   sizeof(NCRYPT_UI_POLICY) == 2 * sizeof(uint32_t) + 3 * sizeof(void *),
               "property layouts");

#define U16(s) ((const uint16_t *)(s))

/* Maps st to the SECURITY_STATUS the call returns and logs the reason
 * (failures only). fn is the table member's name. */
static SECURITY_STATUS ksp_finish(const char *fn, ksp_code c, const ksp_status *st)
{
    if (c == KSP_OK)
        return ERROR_SUCCESS;
    SECURITY_STATUS s;
    switch (c) {
    case KSP_E_CORE:
        s = errmap_to_security_status(st->core);
        break;
    case KSP_E_INVALID_ARG:
        s = NTE_INVALID_PARAMETER;
        break;
    case KSP_E_MORE_DATA:
        s = NTE_BUFFER_TOO_SMALL;
        break;
    case KSP_E_NOT_SUPPORTED:
        s = NTE_NOT_SUPPORTED;
        break;
    case KSP_E_INVALID_HANDLE:
        s = NTE_INVALID_HANDLE;
        break;
    case KSP_E_BAD_FLAGS:
        s = NTE_BAD_FLAGS;
        break;
    case KSP_E_NOT_FOUND:
        s = NTE_NOT_FOUND;
        break;
    case KSP_E_BAD_TYPE:
        s = NTE_BAD_TYPE;
        break;
    case KSP_E_NO_MORE_ITEMS:
        s = NTE_NO_MORE_ITEMS;
        break;
    case KSP_E_BAD_DATA:
        s = NTE_BAD_DATA;
        break;
    default:
        s = NTE_FAIL;
        break;
    }
    /* the expected outcomes of enumeration and size protocols are not warnings */
    int routine = c == KSP_E_NO_MORE_ITEMS || c == KSP_E_NOT_FOUND || c == KSP_E_MORE_DATA;
    log_write(routine ? CRPKI_LOG_DEBUG : CRPKI_LOG_WARN, "ksp", "%s: 0x%08lx %s: %s", fn,
              (unsigned long)s, ksp_status_name(st), st->why);
    return s;
}

/* The size out-parameter: the core reports in size_t, CNG in DWORD. */
static SECURITY_STATUS finish_sized(const char *fn, ksp_code c, const ksp_status *st, size_t r,
                                    DWORD *pcb)
{
    int sized = c == KSP_OK || c == KSP_E_MORE_DATA;
    if (sized && pcb) {
        if (r > MAXDWORD) {
            ksp_status big;
            ksp_fail_core(&big, CRPKI_E_INTERNAL, "result larger than a DWORD");
            return ksp_finish(fn, KSP_E_CORE, &big);
        }
        *pcb = (DWORD)r;
    }
    return ksp_finish(fn, c, st);
}

static SECURITY_STATUS WINAPI OpenProvider(NCRYPT_PROV_HANDLE *phProvider, LPCWSTR pszProviderName,
                                           DWORD dwFlags)
{
    ksp_status st;
    uintptr_t h = 0;
    ksp_code c = ksp_open_provider(U16(pszProviderName), dwFlags, phProvider ? &h : NULL, &st);
    if (c == KSP_OK)
        *phProvider = h;
    return ksp_finish("OpenProvider", c, &st);
}

static SECURITY_STATUS WINAPI FreeProvider(NCRYPT_PROV_HANDLE hProvider)
{
    ksp_status st;
    return ksp_finish("FreeProvider", ksp_free_provider(hProvider, &st), &st);
}

static SECURITY_STATUS WINAPI GetProviderProperty(NCRYPT_PROV_HANDLE hProvider, LPCWSTR pszProperty,
                                                  PBYTE pbOutput, DWORD cbOutput, DWORD *pcbResult,
                                                  DWORD dwFlags)
{
    ksp_status st;
    size_t r = 0;
    ksp_code c = ksp_get_provider_property(hProvider, U16(pszProperty), pbOutput, cbOutput,
                                           pcbResult ? &r : NULL, dwFlags, &st);
    return finish_sized("GetProviderProperty", c, &st, r, pcbResult);
}

static SECURITY_STATUS WINAPI SetProviderProperty(NCRYPT_PROV_HANDLE hProvider, LPCWSTR pszProperty,
                                                  PBYTE pbInput, DWORD cbInput, DWORD dwFlags)
{
    ksp_status st;
    ksp_code c =
        ksp_set_provider_property(hProvider, U16(pszProperty), pbInput, cbInput, dwFlags, &st);
    return ksp_finish("SetProviderProperty", c, &st);
}

static SECURITY_STATUS WINAPI OpenKey(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE *phKey,
                                      LPCWSTR pszKeyName, DWORD dwLegacyKeySpec, DWORD dwFlags)
{
    ksp_status st;
    uintptr_t h = 0;
    ksp_code c =
        ksp_open_key(hProvider, phKey ? &h : NULL, U16(pszKeyName), dwLegacyKeySpec, dwFlags, &st);
    if (c == KSP_OK)
        *phKey = h;
    return ksp_finish("OpenKey", c, &st);
}

static SECURITY_STATUS WINAPI FreeKey(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey)
{
    ksp_status st;
    return ksp_finish("FreeKey", ksp_free_key(hProvider, hKey, &st), &st);
}

static SECURITY_STATUS WINAPI DeleteKey(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                        DWORD dwFlags)
{
    ksp_status st;
    return ksp_finish("DeleteKey", ksp_delete_key(hProvider, hKey, dwFlags, &st), &st);
}

static SECURITY_STATUS WINAPI GetKeyProperty(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                             LPCWSTR pszProperty, PBYTE pbOutput, DWORD cbOutput,
                                             DWORD *pcbResult, DWORD dwFlags)
{
    ksp_status st;
    size_t r = 0;
    ksp_code c = ksp_get_key_property(hProvider, hKey, U16(pszProperty), pbOutput, cbOutput,
                                      pcbResult ? &r : NULL, dwFlags, &st);
    return finish_sized("GetKeyProperty", c, &st, r, pcbResult);
}

static SECURITY_STATUS WINAPI SetKeyProperty(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                             LPCWSTR pszProperty, PBYTE pbInput, DWORD cbInput,
                                             DWORD dwFlags)
{
    ksp_status st;
    ksp_code c =
        ksp_set_key_property(hProvider, hKey, U16(pszProperty), pbInput, cbInput, dwFlags, &st);
    return ksp_finish("SetKeyProperty", c, &st);
}

static SECURITY_STATUS WINAPI FreeBuffer(PVOID pvInput)
{
    ksp_status st;
    return ksp_finish("FreeBuffer", ksp_free_buffer(pvInput, &st), &st);
}

static SECURITY_STATUS WINAPI IsAlgSupported(NCRYPT_PROV_HANDLE hProvider, LPCWSTR pszAlgId,
                                             DWORD dwFlags)
{
    ksp_status st;
    return ksp_finish("IsAlgSupported",
                      ksp_is_alg_supported(hProvider, U16(pszAlgId), dwFlags, &st), &st);
}

static SECURITY_STATUS WINAPI EnumAlgorithms(NCRYPT_PROV_HANDLE hProvider, DWORD dwAlgClass,
                                             DWORD *pdwAlgCount, NCryptAlgorithmName **ppAlgList,
                                             DWORD dwFlags)
{
    ksp_status st;
    uint32_t n = 0;
    ksp_alg_name *l = NULL;
    ksp_code c = ksp_enum_algorithms(hProvider, dwAlgClass, pdwAlgCount ? &n : NULL,
                                     ppAlgList ? &l : NULL, dwFlags, &st);
    if (c == KSP_OK) {
        *pdwAlgCount = n;
        *ppAlgList = (NCryptAlgorithmName *)(void *)l;
    }
    return ksp_finish("EnumAlgorithms", c, &st);
}

static SECURITY_STATUS WINAPI EnumKeys(NCRYPT_PROV_HANDLE hProvider, LPCWSTR pszScope,
                                       NCryptKeyName **ppKeyName, PVOID *ppEnumState, DWORD dwFlags)
{
    ksp_status st;
    ksp_key_name *kn = NULL;
    ksp_code c =
        ksp_enum_keys(hProvider, U16(pszScope), ppKeyName ? &kn : NULL, ppEnumState, dwFlags, &st);
    if (c == KSP_OK)
        *ppKeyName = (NCryptKeyName *)(void *)kn;
    return ksp_finish("EnumKeys", c, &st);
}

static SECURITY_STATUS WINAPI ImportKey(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hImportKey,
                                        LPCWSTR pszBlobType, NCryptBufferDesc *pParameterList,
                                        NCRYPT_KEY_HANDLE *phKey, PBYTE pbData, DWORD cbData,
                                        DWORD dwFlags)
{
    ksp_status st;
    uintptr_t h = 0;
    ksp_code c = ksp_import_key(hProvider, hImportKey, U16(pszBlobType), pParameterList != NULL,
                                phKey ? &h : NULL, pbData, cbData, dwFlags, &st);
    if (c == KSP_OK)
        *phKey = h;
    return ksp_finish("ImportKey", c, &st);
}

static SECURITY_STATUS WINAPI ExportKey(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                        NCRYPT_KEY_HANDLE hExportKey, LPCWSTR pszBlobType,
                                        NCryptBufferDesc *pParameterList, PBYTE pbOutput,
                                        DWORD cbOutput, DWORD *pcbResult, DWORD dwFlags)
{
    ksp_status st;
    size_t r = 0;
    ksp_code c =
        ksp_export_key(hProvider, hKey, hExportKey, U16(pszBlobType), pParameterList != NULL,
                       pbOutput, cbOutput, pcbResult ? &r : NULL, dwFlags, &st);
    return finish_sized("ExportKey", c, &st, r, pcbResult);
}

static SECURITY_STATUS WINAPI SignHash(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                       VOID *pPaddingInfo, PBYTE pbHashValue, DWORD cbHashValue,
                                       PBYTE pbSignature, DWORD cbSignature, DWORD *pcbResult,
                                       DWORD dwFlags)
{
    ksp_status st;
    size_t r = 0;
    ksp_code c = ksp_sign_hash(hProvider, hKey, pPaddingInfo, pbHashValue, cbHashValue, pbSignature,
                               cbSignature, pcbResult ? &r : NULL, dwFlags, &st);
    return finish_sized("SignHash", c, &st, r, pcbResult);
}

static SECURITY_STATUS WINAPI VerifySignature(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                              VOID *pPaddingInfo, PBYTE pbHashValue,
                                              DWORD cbHashValue, PBYTE pbSignature,
                                              DWORD cbSignature, DWORD dwFlags)
{
    ksp_status st;
    ksp_code c = ksp_verify_signature(hProvider, hKey, pPaddingInfo, pbHashValue, cbHashValue,
                                      pbSignature, cbSignature, dwFlags, &st);
    return ksp_finish("VerifySignature", c, &st);
}

static NCRYPT_KEY_STORAGE_FUNCTION_TABLE g_table;

/* ---- the members this provider does not implement ------------------------- */

/* The provider signs with keys held by the remote signing service; it
 * creates, encrypts, decrypts, agrees and derives nothing: each of these
 * returns NTE_NOT_SUPPORTED through the core (ksp_unsupported), logged. */
static SECURITY_STATUS unsupported(const char *fn)
{
    ksp_status st;
    return ksp_finish(fn, ksp_unsupported(fn, &st), &st);
}

static SECURITY_STATUS WINAPI CreatePersistedKey(NCRYPT_PROV_HANDLE hProvider,
                                                 NCRYPT_KEY_HANDLE *phKey, LPCWSTR pszAlgId,
                                                 LPCWSTR pszKeyName, DWORD dwLegacyKeySpec,
                                                 DWORD dwFlags)
{
    return unsupported("CreatePersistedKey");
}

static SECURITY_STATUS WINAPI FinalizeKey(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                          DWORD dwFlags)
{
    return unsupported("FinalizeKey");
}

static SECURITY_STATUS WINAPI Encrypt(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                      PBYTE pbInput, DWORD cbInput, VOID *pPaddingInfo,
                                      PBYTE pbOutput, DWORD cbOutput, DWORD *pcbResult,
                                      DWORD dwFlags)
{
    return unsupported("Encrypt");
}

static SECURITY_STATUS WINAPI Decrypt(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                      PBYTE pbInput, DWORD cbInput, VOID *pPaddingInfo,
                                      PBYTE pbOutput, DWORD cbOutput, DWORD *pcbResult,
                                      DWORD dwFlags)
{
    return unsupported("Decrypt");
}

static SECURITY_STATUS WINAPI PromptUser(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                         LPCWSTR pszOperation, DWORD dwFlags)
{
    return unsupported("PromptUser");
}

static SECURITY_STATUS WINAPI NotifyChangeKey(NCRYPT_PROV_HANDLE hProvider, HANDLE *phEvent,
                                              DWORD dwFlags)
{
    return unsupported("NotifyChangeKey");
}

static SECURITY_STATUS WINAPI SecretAgreement(NCRYPT_PROV_HANDLE hProvider,
                                              NCRYPT_KEY_HANDLE hPrivKey, NCRYPT_KEY_HANDLE hPubKey,
                                              NCRYPT_SECRET_HANDLE *phAgreedSecret, DWORD dwFlags)
{
    return unsupported("SecretAgreement");
}

static SECURITY_STATUS WINAPI DeriveKey(NCRYPT_PROV_HANDLE hProvider,
                                        NCRYPT_SECRET_HANDLE hSharedSecret, LPCWSTR pwszKDF,
                                        NCryptBufferDesc *pParameterList, PBYTE pbDerivedKey,
                                        DWORD cbDerivedKey, DWORD *pcbResult, ULONG dwFlags)
{
    return unsupported("DeriveKey");
}

static SECURITY_STATUS WINAPI FreeSecret(NCRYPT_PROV_HANDLE hProvider,
                                         NCRYPT_SECRET_HANDLE hSharedSecret)
{
    return unsupported("FreeSecret");
}

static SECURITY_STATUS WINAPI KeyDerivation(NCRYPT_PROV_HANDLE hProvider, NCRYPT_KEY_HANDLE hKey,
                                            NCryptBufferDesc *pParameterList, PUCHAR pbDerivedKey,
                                            DWORD cbDerivedKey, DWORD *pcbResult, ULONG dwFlags)
{
    return unsupported("KeyDerivation");
}

static SECURITY_STATUS WINAPI CreateClaim(NCRYPT_PROV_HANDLE hProv, NCRYPT_KEY_HANDLE hSubjectKey,
                                          NCRYPT_KEY_HANDLE hAuthorityKey, DWORD dwClaimType,
                                          NCryptBufferDesc *pParameterList, PBYTE pbClaimBlob,
                                          DWORD cbClaimBlob, DWORD *pcbResult, DWORD dwFlags)
{
    return unsupported("CreateClaim");
}

static SECURITY_STATUS WINAPI VerifyClaim(NCRYPT_PROV_HANDLE hProv, NCRYPT_KEY_HANDLE hSubjectKey,
                                          NCRYPT_KEY_HANDLE hAuthorityKey, DWORD dwClaimType,
                                          NCryptBufferDesc *pParameterList, PBYTE pbClaimBlob,
                                          DWORD cbClaimBlob, NCryptBufferDesc *pOutput,
                                          DWORD dwFlags)
{
    return unsupported("VerifyClaim");
}

static void fill_table(void)
{
    NCRYPT_KEY_STORAGE_FUNCTION_TABLE *t = &g_table;
    t->Version.MajorVersion = 1;
    t->Version.MinorVersion = 0;
    t->OpenProvider = OpenProvider;
    t->OpenKey = OpenKey;
    t->GetProviderProperty = GetProviderProperty;
    t->GetKeyProperty = GetKeyProperty;
    t->SetProviderProperty = SetProviderProperty;
    t->SetKeyProperty = SetKeyProperty;
    t->DeleteKey = DeleteKey;
    t->FreeProvider = FreeProvider;
    t->FreeKey = FreeKey;
    t->FreeBuffer = FreeBuffer;
    t->IsAlgSupported = IsAlgSupported;
    t->EnumAlgorithms = EnumAlgorithms;
    t->EnumKeys = EnumKeys;
    t->ImportKey = ImportKey;
    t->ExportKey = ExportKey;
    t->SignHash = SignHash;
    t->VerifySignature = VerifySignature;
    t->CreatePersistedKey = CreatePersistedKey;
    t->FinalizeKey = FinalizeKey;
    t->Encrypt = Encrypt;
    t->Decrypt = Decrypt;
    t->PromptUser = PromptUser;
    t->NotifyChangeKey = NotifyChangeKey;
    t->SecretAgreement = SecretAgreement;
    t->DeriveKey = DeriveKey;
    t->FreeSecret = FreeSecret;
    t->KeyDerivation = KeyDerivation;
    t->CreateClaim = CreateClaim;
    t->VerifyClaim = VerifyClaim;
}

/* Application buffers come from the process heap: FreeBuffer returns them
 * there (never to the C runtime of another module). */
static void *heap_alloc(size_t n)
{
    return HeapAlloc(GetProcessHeap(), 0, n);
}

static void heap_free(void *p)
{
    HeapFree(GetProcessHeap(), 0, p);
}

/* Exported by crpkiksp.def, undecorated on 32-bit Windows too. */
NTSTATUS WINAPI GetKeyStorageInterface(LPCWSTR pszProviderName,
                                       NCRYPT_KEY_STORAGE_FUNCTION_TABLE **ppFunctionTable,
                                       DWORD dwFlags);

NTSTATUS WINAPI GetKeyStorageInterface(LPCWSTR pszProviderName,
                                       NCRYPT_KEY_STORAGE_FUNCTION_TABLE **ppFunctionTable,
                                       DWORD dwFlags)
{
    ksp_status st;
    if (!ppFunctionTable) {
        ksp_fail_core(&st, CRPKI_E_INVALID_ARG, "ppFunctionTable is NULL");
        return (NTSTATUS)ksp_finish("GetKeyStorageInterface", KSP_E_CORE, &st);
    }
    if (pszProviderName && !ksp_u16_eq_ascii(U16(pszProviderName), KSP_PROVIDER_NAME)) {
        ksp_fail_core(&st, CRPKI_E_INVALID_ARG, "provider name is not \"%s\"", KSP_PROVIDER_NAME);
        return (NTSTATUS)ksp_finish("GetKeyStorageInterface", KSP_E_CORE, &st);
    }
    *ppFunctionTable = &g_table;
    return 0; /* STATUS_SUCCESS / S_OK */
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved);

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        DisableThreadLibraryCalls(inst);
        /* no network, no files: a lock, a table of pointers, the allocator */
        if (ksp_core_init(prov_session_backend(CRPKI_CAT_KSP)) != CRPKI_OK)
            return FALSE;
        ksp_buf_set_allocator(heap_alloc, heap_free);
        fill_table();
    }
    return TRUE;
}
