/* Every member of NCRYPT_KEY_STORAGE_FUNCTION_TABLE this provider does not
 * implement, in one place: each returns NTE_NOT_SUPPORTED and logs that it
 * was called. The provider signs with keys held by the remote signing
 * service; it creates, encrypts, decrypts, agrees and derives nothing. */
#include "ksp_win.h"

#include "ksp_status.h"

static SECURITY_STATUS unsupported(const char *fn)
{
    ksp_status st;
    ksp_fail_core(&st, CRPKI_E_NOT_SUPPORTED, "not supported by this provider");
    return ksp_finish(fn, KSP_E_CORE, &st);
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

void ksp_fill_unsupported(NCRYPT_KEY_STORAGE_FUNCTION_TABLE *t)
{
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
