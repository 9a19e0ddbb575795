/* crpkiksp.dll driven as ncrypt's router drives it, under Wine, with no
 * service and an empty key catalog (CRPKI_HOME = a fresh directory): the
 * table's shape, provider properties, enumeration of nothing, imported
 * public keys verifying signatures (Wine's bcrypt), and the error battery
 * over every member: NULL pointers, invalid and freed handles, wrong
 * flags, short buffers, unknown properties and blob types, unsupported
 * members -> the documented codes, never a crash. */
#include <windows.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ksp_router.h"
#include "ksp_test_vectors.h"

static rt_router R;
#define T (R.t)

static void done(void)
{
    if (rt_failures) {
        int n = rt_failures;
        rt_failures = 0;
        fail_msg("%d check(s) failed (see above)", n);
    }
}

static NCRYPT_PROV_HANDLE open_prov(void)
{
    NCRYPT_PROV_HANDLE h = 0;
    RT_OK(T->OpenProvider(&h, RT_PROVIDER, 0));
    return h;
}

static void table_is_version_1_0_with_every_member(void **state)
{
    RT_CHECK(T->Version.MajorVersion == 1 && T->Version.MinorVersion == 0);
    void (*const *m)(void) = (void (*const *)(void))(const void *)&T->OpenProvider;
    size_t n = (sizeof *T - offsetof(NCRYPT_KEY_STORAGE_FUNCTION_TABLE, OpenProvider)) /
               sizeof(void (*)(void));
    RT_CHECK(n == 29);
    for (size_t i = 0; i < n; i++)
        RT_CHECK(m[i] != NULL);
    NCRYPT_KEY_STORAGE_FUNCTION_TABLE *t2 = NULL;
    RT_EXPECT(R.get(L"Microsoft Software Key Storage Provider", &t2, 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(R.get(RT_PROVIDER, NULL, 0), NTE_INVALID_PARAMETER);
    RT_OK(R.get(L"crpki remote signing key storage provider", &t2, 0));
    RT_CHECK(t2 == T);
    done();
}

static void open_provider_name_flags_and_null(void **state)
{
    NCRYPT_PROV_HANDLE h = 0;
    RT_EXPECT(T->OpenProvider(NULL, RT_PROVIDER, 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->OpenProvider(&h, L"Other", 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->OpenProvider(&h, NULL, 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->OpenProvider(&h, RT_PROVIDER, 0x10), NTE_BAD_FLAGS);
    RT_OK(T->OpenProvider(&h, RT_PROVIDER, NCRYPT_SILENT_FLAG));
    RT_OK(T->FreeProvider(h));
    RT_EXPECT(T->FreeProvider(h), NTE_INVALID_HANDLE);
    RT_EXPECT(T->FreeProvider(0), NTE_INVALID_HANDLE);
    RT_EXPECT(T->FreeProvider((NCRYPT_PROV_HANDLE)&h), NTE_INVALID_HANDLE);
    done();
}

static void provider_properties(void **state)
{
    NCRYPT_PROV_HANDLE h = open_prov();
    BYTE buf[256];
    DWORD cb = 0, v = 0;
    RT_OK(T->GetProviderProperty(h, NCRYPT_NAME_PROPERTY, NULL, 0, &cb, 0));
    RT_CHECK(cb == sizeof RT_PROVIDER); /* UTF-16 with the terminator */
    RT_EXPECT(T->GetProviderProperty(h, NCRYPT_NAME_PROPERTY, buf, cb - 1, &cb, 0),
              NTE_BUFFER_TOO_SMALL);
    RT_CHECK(cb == sizeof RT_PROVIDER);
    RT_OK(T->GetProviderProperty(h, NCRYPT_NAME_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_CHECK(memcmp(buf, RT_PROVIDER, sizeof RT_PROVIDER) == 0);
    RT_OK(T->GetProviderProperty(h, NCRYPT_IMPL_TYPE_PROPERTY, (PBYTE)&v, 4, &cb, 0));
    RT_CHECK(cb == 4 && v == NCRYPT_IMPL_HARDWARE_FLAG);
    RT_OK(T->GetProviderProperty(h, NCRYPT_VERSION_PROPERTY, (PBYTE)&v, 4, &cb, 0));
    RT_OK(T->GetProviderProperty(h, NCRYPT_MAX_NAME_LENGTH_PROPERTY, (PBYTE)&v, 4, &cb, 0));
    RT_CHECK(v == 255);
    RT_EXPECT(T->GetProviderProperty(h, L"Nonsense", buf, sizeof buf, &cb, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->GetProviderProperty(h, NULL, buf, sizeof buf, &cb, 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->GetProviderProperty(h, NCRYPT_NAME_PROPERTY, buf, sizeof buf, NULL, 0),
              NTE_INVALID_PARAMETER);
    RT_EXPECT(T->GetProviderProperty(h, NCRYPT_NAME_PROPERTY, buf, sizeof buf, &cb, 0x1),
              NTE_BAD_FLAGS);
    HWND w = (HWND)(ULONG_PTR)0x4242;
    RT_OK(T->SetProviderProperty(h, NCRYPT_WINDOW_HANDLE_PROPERTY, (PBYTE)&w, sizeof w, 0));
    HWND back = NULL;
    RT_OK(T->GetProviderProperty(h, NCRYPT_WINDOW_HANDLE_PROPERTY, (PBYTE)&back, sizeof back, &cb,
                                 0));
    RT_CHECK(back == w);
    RT_EXPECT(T->SetProviderProperty(h, NCRYPT_WINDOW_HANDLE_PROPERTY, (PBYTE)&w, 3, 0),
              NTE_INVALID_PARAMETER);
    static const WCHAR ctx[] = L"invoice 2025-001";
    RT_OK(T->SetProviderProperty(h, NCRYPT_USE_CONTEXT_PROPERTY, (PBYTE)ctx, sizeof ctx, 0));
    RT_OK(T->GetProviderProperty(h, NCRYPT_USE_CONTEXT_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_CHECK(cb == sizeof ctx && memcmp(buf, ctx, cb) == 0);
    RT_EXPECT(T->SetProviderProperty(h, NCRYPT_NAME_PROPERTY, (PBYTE)ctx, sizeof ctx, 0),
              NTE_NOT_SUPPORTED);
    RT_EXPECT(T->GetProviderProperty(0x77, NCRYPT_NAME_PROPERTY, buf, sizeof buf, &cb, 0),
              NTE_INVALID_HANDLE);
    RT_OK(T->FreeProvider(h));
    RT_EXPECT(T->GetProviderProperty(h, NCRYPT_NAME_PROPERTY, buf, sizeof buf, &cb, 0),
              NTE_INVALID_HANDLE);
    done();
}

static void empty_catalog_enumerates_nothing_and_opens_nothing(void **state)
{
    NCRYPT_PROV_HANDLE h = open_prov();
    NCryptKeyName *kn = NULL;
    PVOID es = NULL;
    RT_EXPECT(T->EnumKeys(h, NULL, &kn, &es, 0), NTE_NO_MORE_ITEMS);
    RT_CHECK(kn == NULL);
    if (es)
        RT_OK(T->FreeBuffer(es));
    NCRYPT_KEY_HANDLE k = 0;
    RT_EXPECT(T->OpenKey(h, &k, L"no-such-credential", 0, 0), NTE_BAD_KEYSET);
    RT_EXPECT(T->OpenKey(h, &k, NULL, 0, 0), NTE_BAD_KEYSET); /* no default selected */
    RT_EXPECT(T->OpenKey(h, NULL, L"x", 0, 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->OpenKey(h, &k, L"x", 7, 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->OpenKey(h, &k, L"x", 0, NCRYPT_PAD_PKCS1_FLAG), NTE_BAD_FLAGS);
    RT_EXPECT(T->OpenKey(0, &k, L"x", 0, 0), NTE_INVALID_HANDLE);
    RT_EXPECT(T->EnumKeys(h, NULL, NULL, &es, 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->EnumKeys(h, NULL, &kn, &es, NCRYPT_PAD_PSS_FLAG), NTE_BAD_FLAGS);
    RT_OK(T->FreeProvider(h));
    done();
}

static void algorithms_enumerated_and_supported(void **state)
{
    NCRYPT_PROV_HANDLE h = open_prov();
    DWORD n = 0;
    NCryptAlgorithmName *l = NULL;
    RT_OK(T->EnumAlgorithms(h, NCRYPT_SIGNATURE_OPERATION, &n, &l, 0));
    RT_CHECK(n == 3 && l && wcscmp(l[0].pszName, L"RSA") == 0 &&
             wcscmp(l[1].pszName, L"ECDSA_P256") == 0 &&
             l[2].dwAlgOperations == NCRYPT_SIGNATURE_OPERATION);
    RT_OK(T->FreeBuffer(l));
    RT_EXPECT(T->FreeBuffer(l), NTE_INVALID_PARAMETER); /* already freed */
    int foreign;
    RT_EXPECT(T->FreeBuffer(&foreign), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->FreeBuffer(NULL), NTE_INVALID_PARAMETER);
    RT_OK(T->IsAlgSupported(h, NCRYPT_RSA_ALGORITHM, 0));
    RT_OK(T->IsAlgSupported(h, NCRYPT_ECDSA_P256_ALGORITHM, NCRYPT_SILENT_FLAG));
    RT_EXPECT(T->IsAlgSupported(h, L"AES", 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->IsAlgSupported(h, NULL, 0), NTE_INVALID_PARAMETER);
    RT_EXPECT(T->EnumAlgorithms(h, 0, NULL, &l, 0), NTE_INVALID_PARAMETER);
    RT_OK(T->FreeProvider(h));
    done();
}

static void unsupported_members_say_so(void **state)
{
    NCRYPT_PROV_HANDLE h = open_prov();
    NCRYPT_KEY_HANDLE k = 0;
    DWORD cb = 0;
    BYTE b[16] = {0};
    RT_EXPECT(T->CreatePersistedKey(h, &k, L"RSA", L"new", 0, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->FinalizeKey(h, k, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->Encrypt(h, k, b, 16, NULL, b, 16, &cb, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->Decrypt(h, k, b, 16, NULL, b, 16, &cb, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->PromptUser(h, k, L"op", 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->NotifyChangeKey(h, NULL, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->SecretAgreement(h, k, k, NULL, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->DeriveKey(h, 0, L"HASH", NULL, b, 16, &cb, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->FreeSecret(h, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->KeyDerivation(h, k, NULL, b, 16, &cb, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->CreateClaim(h, k, k, 0, NULL, b, 16, &cb, 0), NTE_NOT_SUPPORTED);
    RT_EXPECT(T->VerifyClaim(h, k, k, 0, NULL, b, 16, NULL, 0), NTE_NOT_SUPPORTED);
    RT_OK(T->FreeProvider(h));
    done();
}

/* An RSA public blob of the test certificate's key, from Windows' own
 * decoder (crypt32: RSA_CSP_PUBLICKEYBLOB), imported as CAPIPUBLICBLOB. */
static void imported_public_keys_verify_and_export(void **state)
{
    NCRYPT_PROV_HANDLE h = open_prov();
    PCCERT_CONTEXT c = CertCreateCertificateContext(X509_ASN_ENCODING, RSA_CERT, sizeof RSA_CERT);
    RT_CHECK(c != NULL);
    if (!c)
        return done();
    BYTE legacy[1024];
    DWORD cbl = sizeof legacy;
    RT_CHECK(CryptDecodeObject(X509_ASN_ENCODING, RSA_CSP_PUBLICKEYBLOB,
                               c->pCertInfo->SubjectPublicKeyInfo.PublicKey.pbData,
                               c->pCertInfo->SubjectPublicKeyInfo.PublicKey.cbData, 0, legacy,
                               &cbl));
    CertFreeCertificateContext(c);
    NCRYPT_KEY_HANDLE k = 0;
    RT_OK(T->ImportKey(h, 0, LEGACY_RSAPUBLIC_BLOB, NULL, &k, legacy, cbl, 0));
    BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
    RT_OK(T->VerifySignature(h, k, &pi, (PBYTE)DIGEST, sizeof DIGEST, (PBYTE)RSA_PKCS1_SIG,
                             sizeof RSA_PKCS1_SIG, NCRYPT_PAD_PKCS1_FLAG));
    BCRYPT_PSS_PADDING_INFO ps = {BCRYPT_SHA256_ALGORITHM, 32};
    RT_OK(T->VerifySignature(h, k, &ps, (PBYTE)DIGEST, sizeof DIGEST, (PBYTE)RSA_PSS_SIG,
                             sizeof RSA_PSS_SIG, NCRYPT_PAD_PSS_FLAG));
    RT_EXPECT(T->VerifySignature(h, k, &pi, (PBYTE)DIGEST, sizeof DIGEST, (PBYTE)RSA_PSS_SIG,
                                 sizeof RSA_PSS_SIG, NCRYPT_PAD_PKCS1_FLAG),
              NTE_BAD_SIGNATURE);
    /* export gives back the same bytes (the import was AT_KEYEXCHANGE-less:
       CALG_RSA_SIGN), and a short buffer is refused with the size */
    BYTE out[1024];
    DWORD cb = 0;
    RT_OK(T->ExportKey(h, k, 0, BCRYPT_RSAPUBLIC_BLOB, NULL, NULL, 0, &cb, 0));
    RT_EXPECT(T->ExportKey(h, k, 0, BCRYPT_RSAPUBLIC_BLOB, NULL, out, cb - 1, &cb, 0),
              NTE_BUFFER_TOO_SMALL);
    RT_OK(T->ExportKey(h, k, 0, LEGACY_RSAPUBLIC_BLOB, NULL, out, sizeof out, &cb, 0));
    RT_CHECK(cb == cbl && memcmp(out + 8, legacy + 8, cb - 8) == 0);
    RT_EXPECT(T->ExportKey(h, k, 0, BCRYPT_RSAPRIVATE_BLOB, NULL, out, sizeof out, &cb, 0),
              NTE_NOT_SUPPORTED);
    RT_EXPECT(T->ExportKey(h, k, 0, BCRYPT_ECCPUBLIC_BLOB, NULL, out, sizeof out, &cb, 0),
              NTE_BAD_TYPE);
    RT_EXPECT(T->ExportKey(h, k, 0, L"Bogus", NULL, out, sizeof out, &cb, 0), NTE_BAD_TYPE);
    DWORD sc = 0;
    BYTE sig[512];
    RT_EXPECT(
        T->SignHash(h, k, &pi, (PBYTE)DIGEST, 32, sig, sizeof sig, &sc, NCRYPT_PAD_PKCS1_FLAG),
        NTE_NOT_SUPPORTED);
    RT_EXPECT(T->DeleteKey(h, k, 0), NTE_NOT_SUPPORTED);
    RT_OK(T->FreeKey(h, k));
    RT_EXPECT(T->FreeKey(h, k), NTE_INVALID_HANDLE);
    RT_EXPECT(T->ExportKey(h, k, 0, BCRYPT_RSAPUBLIC_BLOB, NULL, out, sizeof out, &cb, 0),
              NTE_INVALID_HANDLE);
    /* malformed and private blobs */
    legacy[0] = 7;
    RT_EXPECT(T->ImportKey(h, 0, LEGACY_RSAPUBLIC_BLOB, NULL, &k, legacy, cbl, 0), NTE_BAD_DATA);
    RT_EXPECT(T->ImportKey(h, 0, BCRYPT_RSAPRIVATE_BLOB, NULL, &k, legacy, cbl, 0),
              NTE_NOT_SUPPORTED);
    RT_EXPECT(T->ImportKey(h, 0, LEGACY_RSAPUBLIC_BLOB, NULL, NULL, legacy, cbl, 0),
              NTE_INVALID_PARAMETER);
    RT_OK(T->FreeProvider(h));
    done();
}

static void ecdsa_public_blob_import_verifies_p1363(void **state)
{
    NCRYPT_PROV_HANDLE h = open_prov();
    PCCERT_CONTEXT c = CertCreateCertificateContext(X509_ASN_ENCODING, EC_CERT, sizeof EC_CERT);
    RT_CHECK(c != NULL);
    if (!c)
        return done();
    /* the uncompressed point 04 || X || Y of the certificate */
    const CRYPT_BIT_BLOB *pk = &c->pCertInfo->SubjectPublicKeyInfo.PublicKey;
    BYTE blob[8 + 64];
    RT_CHECK(pk->cbData == 65 && pk->pbData[0] == 4);
    BCRYPT_ECCKEY_BLOB hdr = {BCRYPT_ECDSA_PUBLIC_P256_MAGIC, 32};
    memcpy(blob, &hdr, 8);
    memcpy(blob + 8, pk->pbData + 1, 64);
    CertFreeCertificateContext(c);
    NCRYPT_KEY_HANDLE k = 0;
    RT_OK(T->ImportKey(h, 0, BCRYPT_ECCPUBLIC_BLOB, NULL, &k, blob, sizeof blob, 0));
    RT_OK(T->VerifySignature(h, k, NULL, (PBYTE)DIGEST, sizeof DIGEST, (PBYTE)EC_SIG_P1363,
                             sizeof EC_SIG_P1363, 0));
    RT_EXPECT(T->VerifySignature(h, k, NULL, (PBYTE)DIGEST, 31, (PBYTE)EC_SIG_P1363,
                                 sizeof EC_SIG_P1363, 0),
              NTE_INVALID_PARAMETER);
    BYTE buf[64];
    DWORD cb;
    RT_OK(T->GetKeyProperty(h, k, NCRYPT_ALGORITHM_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_CHECK(cb == sizeof L"ECDSA_P256" && memcmp(buf, L"ECDSA_P256", cb) == 0);
    RT_EXPECT(T->GetKeyProperty(h, k, NCRYPT_LENGTH_PROPERTY, buf, sizeof buf, &cb,
                                NCRYPT_PERSIST_ONLY_FLAG),
              NTE_NOT_FOUND);
    /* key members with the provider freed: only FreeKey works */
    RT_OK(T->FreeProvider(h));
    RT_EXPECT(T->GetKeyProperty(h, k, NCRYPT_ALGORITHM_PROPERTY, buf, sizeof buf, &cb, 0),
              NTE_INVALID_HANDLE);
    RT_OK(T->FreeKey(h, k));
    done();
}

int main(void)
{
    /* an empty home of our own: no catalog, no tokens, no service */
    WCHAR tmp[MAX_PATH], home[MAX_PATH];
    GetTempPathW(MAX_PATH, tmp);
    swprintf(home, MAX_PATH, L"%lscrpki-ksp-router-%lu", tmp, GetCurrentProcessId());
    CreateDirectoryW(home, NULL);
    SetEnvironmentVariableW(L"CRPKI_HOME", home);
    if (rt_load(&R) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_version_1_0_with_every_member),
        cmocka_unit_test(open_provider_name_flags_and_null),
        cmocka_unit_test(provider_properties),
        cmocka_unit_test(empty_catalog_enumerates_nothing_and_opens_nothing),
        cmocka_unit_test(algorithms_enumerated_and_supported),
        cmocka_unit_test(unsupported_members_say_so),
        cmocka_unit_test(imported_public_keys_verify_and_export),
        cmocka_unit_test(ecdsa_public_blob_import_verifies_p1363),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
