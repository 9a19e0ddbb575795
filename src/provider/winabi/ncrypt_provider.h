/* ncrypt_provider.h: what a CNG key storage provider needs and mingw-w64's
 * headers lack, declared from Microsoft's documentation (the CNG SDK's
 * ncrypt_provider.h: NCRYPT_KEY_STORAGE_FUNCTION_TABLE and the provider
 * function prototypes; bcrypt.h's provider registration functions).
 * mingw's ncrypt.h / bcrypt.h already give NCRYPT_KEY_STORAGE_INTERFACE,
 * NCRYPT_KEY_STORAGE_INTERFACE_VERSION, BCRYPT_INTERFACE_VERSION,
 * CRYPT_INTERFACE_REG / CRYPT_IMAGE_REG / CRYPT_PROVIDER_REG, CRYPT_LOCAL
 * and CRYPT_PRIORITY_*; they are used from there. */
#ifndef CRPKI_PROVIDER_WINABI_NCRYPT_PROVIDER_H
#define CRPKI_PROVIDER_WINABI_NCRYPT_PROVIDER_H

#include <windows.h>

#include <bcrypt.h>
#include <ncrypt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NTE_* codes CNG providers return that winerror.h of mingw-w64 12 lacks. */
#ifndef NTE_BUFFER_TOO_SMALL
#define NTE_BUFFER_TOO_SMALL ((HRESULT)0x80090028L)
#endif
#ifndef NTE_NOT_SUPPORTED
#define NTE_NOT_SUPPORTED ((HRESULT)0x80090029L)
#endif
#ifndef NTE_NO_MORE_ITEMS
#define NTE_NO_MORE_ITEMS ((HRESULT)0x8009002AL)
#endif

#ifndef NCRYPT_SIGNATURE_OPERATION
#define NCRYPT_SIGNATURE_OPERATION BCRYPT_SIGNATURE_OPERATION
#endif

/* ---- provider function prototypes (table members) ---------------------- */

typedef SECURITY_STATUS(WINAPI *NCryptOpenStorageProviderFn)(NCRYPT_PROV_HANDLE *phProvider,
                                                             LPCWSTR pszProviderName,
                                                             DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptOpenKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                 NCRYPT_KEY_HANDLE *phKey, LPCWSTR pszKeyName,
                                                 DWORD dwLegacyKeySpec, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptCreatePersistedKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                            NCRYPT_KEY_HANDLE *phKey,
                                                            LPCWSTR pszAlgId, LPCWSTR pszKeyName,
                                                            DWORD dwLegacyKeySpec, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptGetProviderPropertyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                             LPCWSTR pszProperty, PBYTE pbOutput,
                                                             DWORD cbOutput, DWORD *pcbResult,
                                                             DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptGetKeyPropertyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                        NCRYPT_KEY_HANDLE hKey, LPCWSTR pszProperty,
                                                        PBYTE pbOutput, DWORD cbOutput,
                                                        DWORD *pcbResult, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptSetProviderPropertyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                             LPCWSTR pszProperty, PBYTE pbInput,
                                                             DWORD cbInput, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptSetKeyPropertyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                        NCRYPT_KEY_HANDLE hKey, LPCWSTR pszProperty,
                                                        PBYTE pbInput, DWORD cbInput,
                                                        DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptFinalizeKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                     NCRYPT_KEY_HANDLE hKey, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptDeleteKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                   NCRYPT_KEY_HANDLE hKey, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptFreeProviderFn)(NCRYPT_PROV_HANDLE hProvider);
typedef SECURITY_STATUS(WINAPI *NCryptFreeKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                 NCRYPT_KEY_HANDLE hKey);
typedef SECURITY_STATUS(WINAPI *NCryptFreeBufferFn)(PVOID pvInput);
typedef SECURITY_STATUS(WINAPI *NCryptEncryptFn)(NCRYPT_PROV_HANDLE hProvider,
                                                 NCRYPT_KEY_HANDLE hKey, PBYTE pbInput,
                                                 DWORD cbInput, VOID *pPaddingInfo, PBYTE pbOutput,
                                                 DWORD cbOutput, DWORD *pcbResult, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptDecryptFn)(NCRYPT_PROV_HANDLE hProvider,
                                                 NCRYPT_KEY_HANDLE hKey, PBYTE pbInput,
                                                 DWORD cbInput, VOID *pPaddingInfo, PBYTE pbOutput,
                                                 DWORD cbOutput, DWORD *pcbResult, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptIsAlgSupportedFn)(NCRYPT_PROV_HANDLE hProvider,
                                                        LPCWSTR pszAlgId, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptEnumAlgorithmsFn)(NCRYPT_PROV_HANDLE hProvider,
                                                        DWORD dwAlgClass, DWORD *pdwAlgCount,
                                                        NCryptAlgorithmName **ppAlgList,
                                                        DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptEnumKeysFn)(NCRYPT_PROV_HANDLE hProvider, LPCWSTR pszScope,
                                                  NCryptKeyName **ppKeyName, PVOID *ppEnumState,
                                                  DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptImportKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                   NCRYPT_KEY_HANDLE hImportKey,
                                                   LPCWSTR pszBlobType,
                                                   NCryptBufferDesc *pParameterList,
                                                   NCRYPT_KEY_HANDLE *phKey, PBYTE pbData,
                                                   DWORD cbData, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptExportKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                   NCRYPT_KEY_HANDLE hKey,
                                                   NCRYPT_KEY_HANDLE hExportKey,
                                                   LPCWSTR pszBlobType,
                                                   NCryptBufferDesc *pParameterList, PBYTE pbOutput,
                                                   DWORD cbOutput, DWORD *pcbResult, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptSignHashFn)(NCRYPT_PROV_HANDLE hProvider,
                                                  NCRYPT_KEY_HANDLE hKey, VOID *pPaddingInfo,
                                                  PBYTE pbHashValue, DWORD cbHashValue,
                                                  PBYTE pbSignature, DWORD cbSignature,
                                                  DWORD *pcbResult, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptVerifySignatureFn)(NCRYPT_PROV_HANDLE hProvider,
                                                         NCRYPT_KEY_HANDLE hKey, VOID *pPaddingInfo,
                                                         PBYTE pbHashValue, DWORD cbHashValue,
                                                         PBYTE pbSignature, DWORD cbSignature,
                                                         DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptPromptUserFn)(NCRYPT_PROV_HANDLE hProvider,
                                                    NCRYPT_KEY_HANDLE hKey, LPCWSTR pszOperation,
                                                    DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptNotifyChangeKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                         HANDLE *phEvent, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptSecretAgreementFn)(NCRYPT_PROV_HANDLE hProvider,
                                                         NCRYPT_KEY_HANDLE hPrivKey,
                                                         NCRYPT_KEY_HANDLE hPubKey,
                                                         NCRYPT_SECRET_HANDLE *phAgreedSecret,
                                                         DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptDeriveKeyFn)(NCRYPT_PROV_HANDLE hProvider,
                                                   NCRYPT_SECRET_HANDLE hSharedSecret,
                                                   LPCWSTR pwszKDF,
                                                   NCryptBufferDesc *pParameterList,
                                                   PBYTE pbDerivedKey, DWORD cbDerivedKey,
                                                   DWORD *pcbResult, ULONG dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptFreeSecretFn)(NCRYPT_PROV_HANDLE hProvider,
                                                    NCRYPT_SECRET_HANDLE hSharedSecret);
typedef SECURITY_STATUS(WINAPI *NCryptKeyDerivationFn)(NCRYPT_PROV_HANDLE hProvider,
                                                       NCRYPT_KEY_HANDLE hKey,
                                                       NCryptBufferDesc *pParameterList,
                                                       PUCHAR pbDerivedKey, DWORD cbDerivedKey,
                                                       DWORD *pcbResult, ULONG dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptCreateClaimFn)(
    NCRYPT_PROV_HANDLE hProv, NCRYPT_KEY_HANDLE hSubjectKey, NCRYPT_KEY_HANDLE hAuthorityKey,
    DWORD dwClaimType, NCryptBufferDesc *pParameterList, PBYTE pbClaimBlob, DWORD cbClaimBlob,
    DWORD *pcbResult, DWORD dwFlags);
typedef SECURITY_STATUS(WINAPI *NCryptVerifyClaimFn)(
    NCRYPT_PROV_HANDLE hProv, NCRYPT_KEY_HANDLE hSubjectKey, NCRYPT_KEY_HANDLE hAuthorityKey,
    DWORD dwClaimType, NCryptBufferDesc *pParameterList, PBYTE pbClaimBlob, DWORD cbClaimBlob,
    NCryptBufferDesc *pOutput, DWORD dwFlags);

/* The table GetKeyStorageInterface hands to ncrypt's router, in the SDK's
 * member order. Version 1.0 covers OpenProvider..FreeSecret; the three
 * later members (2.0: KeyDerivation, 3.0: CreateClaim/VerifyClaim) are
 * present so the layout matches the SDK's full declaration. */
typedef struct _NCRYPT_KEY_STORAGE_FUNCTION_TABLE {
    BCRYPT_INTERFACE_VERSION Version;
    NCryptOpenStorageProviderFn OpenProvider;
    NCryptOpenKeyFn OpenKey;
    NCryptCreatePersistedKeyFn CreatePersistedKey;
    NCryptGetProviderPropertyFn GetProviderProperty;
    NCryptGetKeyPropertyFn GetKeyProperty;
    NCryptSetProviderPropertyFn SetProviderProperty;
    NCryptSetKeyPropertyFn SetKeyProperty;
    NCryptFinalizeKeyFn FinalizeKey;
    NCryptDeleteKeyFn DeleteKey;
    NCryptFreeProviderFn FreeProvider;
    NCryptFreeKeyFn FreeKey;
    NCryptFreeBufferFn FreeBuffer;
    NCryptEncryptFn Encrypt;
    NCryptDecryptFn Decrypt;
    NCryptIsAlgSupportedFn IsAlgSupported;
    NCryptEnumAlgorithmsFn EnumAlgorithms;
    NCryptEnumKeysFn EnumKeys;
    NCryptImportKeyFn ImportKey;
    NCryptExportKeyFn ExportKey;
    NCryptSignHashFn SignHash;
    NCryptVerifySignatureFn VerifySignature;
    NCryptPromptUserFn PromptUser;
    NCryptNotifyChangeKeyFn NotifyChangeKey;
    NCryptSecretAgreementFn SecretAgreement;
    NCryptDeriveKeyFn DeriveKey;
    NCryptFreeSecretFn FreeSecret;
    NCryptKeyDerivationFn KeyDerivation;
    NCryptCreateClaimFn CreateClaim;
    NCryptVerifyClaimFn VerifyClaim;
} NCRYPT_KEY_STORAGE_FUNCTION_TABLE;

/* The one export ncrypt's router looks up in a KSP DLL. */
typedef NTSTATUS(WINAPI *GetKeyStorageInterfaceFn)(
    LPCWSTR pszProviderName, NCRYPT_KEY_STORAGE_FUNCTION_TABLE **ppFunctionTable, DWORD dwFlags);

/* bcrypt.dll's provider registration (bcrypt.h of the Windows SDK). mingw's
 * import library has them, but Wine implements some as stubs, so the DLL
 * resolves them with GetProcAddress (ksp_register.c) through these types. */
typedef NTSTATUS(WINAPI *BCryptRegisterProviderFn)(LPCWSTR pszProvider, ULONG dwFlags,
                                                   PCRYPT_PROVIDER_REG pReg);
typedef NTSTATUS(WINAPI *BCryptUnregisterProviderFn)(LPCWSTR pszProvider);
typedef NTSTATUS(WINAPI *BCryptAddContextFunctionProviderFn)(ULONG dwTable, LPCWSTR pszContext,
                                                             ULONG dwInterface, LPCWSTR pszFunction,
                                                             LPCWSTR pszProvider, ULONG dwPosition);
typedef NTSTATUS(WINAPI *BCryptRemoveContextFunctionProviderFn)(ULONG dwTable, LPCWSTR pszContext,
                                                                ULONG dwInterface,
                                                                LPCWSTR pszFunction,
                                                                LPCWSTR pszProvider);

#ifdef __cplusplus
}
#endif

#endif
