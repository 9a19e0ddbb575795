/* crpkiksp.dll against the reference service, driven as ncrypt's router
 * drives it (ksp_router.h), run by crpki_service_test() under Wine:
 *   ksp_service_test flow     open provider -> EnumKeys (to NTE_NO_MORE_ITEMS)
 *                             -> OpenKey (every legacy spec and flag) ->
 *                             GetKeyProperty -> ExportKey compared with the
 *                             certificate's key (Windows' own decoders) ->
 *                             SignHash PKCS#1 SHA-256/384/512 (RSA-2048 and
 *                             RSA-3072), PSS, ECDSA P-256, signtool's
 *                             /dg -> /ds -> /di sequence, the calling
 *                             sequences of .NET RSACng/ECDsaCng, certutil and
 *                             rdpsign; every signature left as an artifact
 *                             the driver verifies with OpenSSL;
 *   ksp_service_test deny     the phone denies: NTE_PERM;
 *   ksp_service_test expire   the phone ignores, the approval expires
 *                             (--approval-ttl 2): HRESULT_FROM_WIN32(ERROR_TIMEOUT);
 *   ksp_service_test deadline the phone ignores, the client's deadline passes
 *                             (approval_timeout_s 3): HRESULT_FROM_WIN32(ERROR_TIMEOUT);
 *   ksp_service_test cancel   UI dialog under xvfb-run, the phone ignores:
 *                             another thread finds this process's approval
 *                             dialog, checks its code is the one the phone
 *                             got, clicks キャンセル: SignHash returns
 *                             SCARD_W_CANCELLED_BY_USER within 2 s, the
 *                             dialog is gone;
 *   ksp_service_test silent   NCRYPT_SILENT_FLAG: NTE_SILENT_CONTEXT, no
 *                             authorize reaches the service;
 *   ksp_service_test down     the service is stopped: everything but
 *                             SignHash works, SignHash fails;
 *   ksp_service_test threads  4 threads sign different digests at the same
 *                             moment (two with one shared RSA-2048 key
 *                             handle, one RSA-3072, one P-256) while the
 *                             phone approves each after 300 ms; each thread
 *                             then verifies with VerifySignature on its
 *                             (shared) key; OpenSSL verifies the artifacts;
 *                             exactly 4 approval requests. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto/crypto.h"
#include "ksp_router.h"
#include "svctest.h"
#include "svctest_dialog.h"
#include "core/ui/ui_internal.h" /* CRPKI_UI_ID_*: the dialog's controls */

#ifndef SCARD_W_CANCELLED_BY_USER
#define SCARD_W_CANCELLED_BY_USER ((HRESULT)0x8010006EL)
#endif

static rt_router R;
#define T (R.t)

typedef struct {
    WCHAR name[256];
    WCHAR alg[32];
    DWORD bits;
    NCRYPT_KEY_HANDLE k;
    BYTE cert[4096];
    DWORD cert_len;
} key_t_;

static NCRYPT_PROV_HANDLE g_prov;
static key_t_ g_keys[8];
static int g_nkeys;
static unsigned g_artifacts;

static void fatal(const char *what)
{
    fprintf(stderr, "fatal: %s\n", what);
    exit(1);
}

/* Every key of the catalog, in EnumKeys order, opened with 0/0. */
static void enumerate_and_open(void)
{
    PVOID es = NULL;
    NCryptKeyName *kn = NULL;
    SECURITY_STATUS s;
    while ((s = T->EnumKeys(g_prov, NULL, &kn, &es, 0)) == ERROR_SUCCESS) {
        if (g_nkeys < 8) {
            key_t_ *k = &g_keys[g_nkeys++];
            wcsncpy(k->name, kn->pszName, 255);
            wcsncpy(k->alg, kn->pszAlgid, 31);
            RT_CHECK(kn->dwLegacyKeySpec == (wcscmp(kn->pszAlgid, L"RSA") == 0 ? AT_SIGNATURE : 0));
        }
        RT_OK(T->FreeBuffer(kn));
    }
    RT_EXPECT(s, NTE_NO_MORE_ITEMS);
    if (es)
        RT_OK(T->FreeBuffer(es));
    RT_CHECK(g_nkeys == 3); /* user1: RSA-2048, RSA-3072, ECDSA P-256 */
    for (int i = 0; i < g_nkeys; i++) {
        key_t_ *k = &g_keys[i];
        RT_OK(T->OpenKey(g_prov, &k->k, k->name, 0, 0));
        DWORD cb;
        RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_LENGTH_PROPERTY, (PBYTE)&k->bits, 4, &cb, 0));
        RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_CERTIFICATE_PROPERTY, k->cert, sizeof k->cert,
                                &k->cert_len, 0));
    }
}

static key_t_ *find(const WCHAR *alg, DWORD bits)
{
    for (int i = 0; i < g_nkeys; i++)
        if (wcscmp(g_keys[i].alg, alg) == 0 && g_keys[i].bits == bits)
            return &g_keys[i];
    fprintf(stderr, "no %ls-%lu key in the catalog\n", alg, (unsigned long)bits);
    exit(1);
}

static void digest_of(const char *text, alg_hash_id h, BYTE *out, size_t len)
{
    if (crypto_digest(h, text, strlen(text), out, len) != CRPKI_OK)
        fatal("crypto_digest");
}

/* Signs and leaves name.sig/.digest/.cert.pem/.pkeyopt for OpenSSL. */
static void sign_artifact(const char *name, key_t_ *k, void *pad, DWORD flags, const BYTE *hash,
                          DWORD hlen, const char *pkeyopts)
{
    DWORD need = 0, got = 0;
    BYTE sig[1024];
    RT_OK(T->SignHash(g_prov, k->k, pad, (PBYTE)hash, hlen, NULL, 0, &need, flags));
    RT_OK(T->SignHash(g_prov, k->k, pad, (PBYTE)hash, hlen, sig, sizeof sig, &got, flags));
    RT_CHECK(got == need);
    if (got == 0)
        return;
    if (wcscmp(k->alg, L"RSA") != 0) {
        BYTE der[160];
        size_t dl = sizeof der;
        if (crypto_ecdsa_p1363_to_der(sig, got, der, &dl) != CRPKI_OK)
            fatal("P1363 -> DER");
        svctest_write_sig(name, k->cert, k->cert_len, hash, hlen, der, dl, pkeyopts);
    } else {
        svctest_write_sig(name, k->cert, k->cert_len, hash, hlen, sig, got, pkeyopts);
    }
    g_artifacts++;
}

/* ExportKey against Windows' own reading of the certificate. */
static void export_matches_certificate(key_t_ *k)
{
    PCCERT_CONTEXT c = CertCreateCertificateContext(X509_ASN_ENCODING, k->cert, k->cert_len);
    RT_CHECK(c != NULL);
    if (!c)
        return;
    BYTE ours[2048], theirs[2048];
    DWORD cbo = 0, cbt = sizeof theirs;
    BCRYPT_KEY_HANDLE bk = NULL;
    const WCHAR *type = wcscmp(k->alg, L"RSA") == 0 ? BCRYPT_RSAPUBLIC_BLOB : BCRYPT_ECCPUBLIC_BLOB;
    if (CryptImportPublicKeyInfoEx2(X509_ASN_ENCODING, &c->pCertInfo->SubjectPublicKeyInfo, 0, NULL,
                                    &bk) &&
        BCryptExportKey(bk, NULL, type, theirs, sizeof theirs, &cbt, 0) == 0) {
        RT_OK(T->ExportKey(g_prov, k->k, 0, type, NULL, ours, sizeof ours, &cbo, 0));
        RT_CHECK(cbo == cbt && memcmp(ours, theirs, cbo) == 0);
        RT_OK(T->ExportKey(g_prov, k->k, 0, BCRYPT_PUBLIC_KEY_BLOB, NULL, ours, sizeof ours, &cbo,
                           0));
        RT_CHECK(cbo == cbt && memcmp(ours, theirs, cbo) == 0);
    } else {
        fprintf(stderr, "note: Wine cannot import %ls's key: blob compared via crypt32 only\n",
                k->name);
    }
    if (bk)
        BCryptDestroyKey(bk);
    if (wcscmp(k->alg, L"RSA") == 0) {
        /* CryptoAPI's PUBLICKEYBLOB (CALG_RSA_KEYX) from crypt32's decoder */
        NCRYPT_KEY_HANDLE kx = 0;
        RT_OK(T->OpenKey(g_prov, &kx, k->name, AT_KEYEXCHANGE, NCRYPT_SILENT_FLAG));
        cbt = sizeof theirs;
        RT_CHECK(CryptDecodeObject(X509_ASN_ENCODING, RSA_CSP_PUBLICKEYBLOB,
                                   c->pCertInfo->SubjectPublicKeyInfo.PublicKey.pbData,
                                   c->pCertInfo->SubjectPublicKeyInfo.PublicKey.cbData, 0, theirs,
                                   &cbt));
        RT_OK(T->ExportKey(g_prov, kx, 0, LEGACY_RSAPUBLIC_BLOB, NULL, ours, sizeof ours, &cbo, 0));
        RT_CHECK(cbo == cbt && memcmp(ours, theirs, cbo) == 0);
        RT_OK(T->FreeKey(g_prov, kx));
    }
    CertFreeCertificateContext(c);
}

static void properties(key_t_ *k)
{
    BYTE buf[512];
    DWORD cb = 0, v = 0;
    int rsa = wcscmp(k->alg, L"RSA") == 0;
    RT_OK(
        T->GetKeyProperty(g_prov, k->k, NCRYPT_ALGORITHM_GROUP_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_CHECK(wcscmp((WCHAR *)buf, rsa ? L"RSA" : L"ECDSA") == 0 &&
             cb == (wcslen((WCHAR *)buf) + 1) * 2);
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_ALGORITHM_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_CHECK(wcscmp((WCHAR *)buf, k->alg) == 0);
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_LENGTHS_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_CHECK(cb == sizeof(NCRYPT_SUPPORTED_LENGTHS) &&
             ((NCRYPT_SUPPORTED_LENGTHS *)buf)->dwDefaultLength == k->bits);
    RT_EXPECT(T->GetKeyProperty(g_prov, k->k, NCRYPT_BLOCK_LENGTH_PROPERTY, (PBYTE)&v, 4, &cb, 0),
              rsa ? ERROR_SUCCESS : NTE_NOT_SUPPORTED);
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_KEY_USAGE_PROPERTY, (PBYTE)&v, 4, &cb, 0));
    RT_CHECK(v == NCRYPT_ALLOW_SIGNING_FLAG);
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_EXPORT_POLICY_PROPERTY, (PBYTE)&v, 4, &cb, 0));
    RT_CHECK(v == 0);
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_KEY_TYPE_PROPERTY, (PBYTE)&v, 4, &cb, 0));
    RT_CHECK(v == 0);
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_NAME_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_CHECK(wcscmp((WCHAR *)buf, k->name) == 0);
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_UNIQUE_NAME_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_UI_POLICY_PROPERTY, buf, sizeof buf, &cb, 0));
    RT_CHECK(cb == sizeof(NCRYPT_UI_POLICY));
    NCRYPT_PROV_HANDLE ph = 0;
    RT_OK(T->GetKeyProperty(g_prov, k->k, NCRYPT_PROVIDER_HANDLE_PROPERTY, (PBYTE)&ph, sizeof ph,
                            &cb, 0));
    RT_CHECK(ph == g_prov);
    /* .NET's CngKey.IsEphemeral probe and any built-in under PERSIST_ONLY */
    RT_EXPECT(
        T->GetKeyProperty(g_prov, k->k, L"CLR IsEphemeral", buf, 1, &cb, NCRYPT_PERSIST_ONLY_FLAG),
        NTE_NOT_FOUND);
    RT_EXPECT(T->GetKeyProperty(g_prov, k->k, NCRYPT_CERTIFICATE_PROPERTY, buf, sizeof buf, &cb,
                                NCRYPT_PERSIST_ONLY_FLAG),
              NTE_NOT_FOUND);
    RT_EXPECT(T->GetKeyProperty(g_prov, k->k, NCRYPT_CERTIFICATE_PROPERTY, buf, 10, &cb, 0),
              NTE_BUFFER_TOO_SMALL);
    RT_CHECK(cb == k->cert_len);
    RT_EXPECT(T->GetKeyProperty(g_prov, k->k, L"Nope", buf, sizeof buf, &cb, 0), NTE_NOT_SUPPORTED);
}

/* OpenKey as certutil, .NET CngKey.Open and rdpsign call it. */
static void open_key_variants(key_t_ *k)
{
    static const DWORD specs[] = {0, AT_SIGNATURE, AT_KEYEXCHANGE};
    static const DWORD flags[] = {0, NCRYPT_SILENT_FLAG, NCRYPT_MACHINE_KEY_FLAG,
                                  NCRYPT_SILENT_FLAG | NCRYPT_MACHINE_KEY_FLAG};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) {
            NCRYPT_KEY_HANDLE h = 0;
            RT_OK(T->OpenKey(g_prov, &h, k->name, specs[i], flags[j]));
            DWORD v = 0, cb;
            RT_OK(T->GetKeyProperty(g_prov, h, NCRYPT_KEY_TYPE_PROPERTY, (PBYTE)&v, 4, &cb, 0));
            RT_CHECK(v == (flags[j] & NCRYPT_MACHINE_KEY_FLAG));
            RT_OK(T->FreeKey(g_prov, h));
        }
}

static int flow(void)
{
    svctest_phone("approve 100");
    enumerate_and_open();
    if (rt_failures)
        return 1;
    key_t_ *r2 = find(L"RSA", 2048), *r3 = find(L"RSA", 3072), *ec = find(L"ECDSA_P256", 256);
    for (int i = 0; i < g_nkeys; i++) {
        properties(&g_keys[i]);
        export_matches_certificate(&g_keys[i]);
        open_key_variants(&g_keys[i]);
    }
    /* the default key (NULL name) is the RSA-2048 one */
    NCRYPT_KEY_HANDLE d = 0;
    BYTE nm[512];
    DWORD cb;
    RT_OK(T->OpenKey(g_prov, &d, NULL, 0, 0));
    RT_OK(T->GetKeyProperty(g_prov, d, NCRYPT_NAME_PROPERTY, nm, sizeof nm, &cb, 0));
    RT_CHECK(wcscmp((WCHAR *)nm, r2->name) == 0);
    RT_OK(T->FreeKey(g_prov, d));

    static const WCHAR ctx[] = L"KSP test document";
    RT_OK(T->SetKeyProperty(g_prov, r2->k, NCRYPT_USE_CONTEXT_PROPERTY, (PBYTE)ctx, sizeof ctx, 0));

    static const struct {
        const char *name;
        const WCHAR *alg;
        alg_hash_id h;
        DWORD len;
        const char *opt;
    } P1[] = {{"pkcs1-sha256", BCRYPT_SHA256_ALGORITHM, CRPKI_HASH_SHA256, 32, "digest:sha256\n"},
              {"pkcs1-sha384", BCRYPT_SHA384_ALGORITHM, CRPKI_HASH_SHA384, 48, "digest:sha384\n"},
              {"pkcs1-sha512", BCRYPT_SHA512_ALGORITHM, CRPKI_HASH_SHA512, 64, "digest:sha512\n"}};
    BYTE h[64];
    char name[64];
    for (int i = 0; i < 3; i++) {
        BCRYPT_PKCS1_PADDING_INFO pi = {P1[i].alg};
        digest_of(P1[i].name, P1[i].h, h, P1[i].len);
        snprintf(name, sizeof name, "rsa2048-%s", P1[i].name);
        sign_artifact(name, r2, &pi, NCRYPT_PAD_PKCS1_FLAG, h, P1[i].len, P1[i].opt);
        snprintf(name, sizeof name, "rsa3072-%s", P1[i].name);
        sign_artifact(name, r3, &pi, NCRYPT_PAD_PKCS1_FLAG, h, P1[i].len, P1[i].opt);
    }
    char desc[256] = "";
    svctest_phone_log_last(desc, sizeof desc);
    (void)desc;
    {
        /* the use context reached the phone (the RSA-2048 signatures) */
        int before = svctest_phone_log_count();
        BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
        digest_of("use context", CRPKI_HASH_SHA256, h, 32);
        sign_artifact("rsa2048-use-context", r2, &pi, NCRYPT_PAD_PKCS1_FLAG, h, 32,
                      "digest:sha256\n");
        RT_CHECK(svctest_phone_log_count() == before + 1);
        svctest_phone_log_last(desc, sizeof desc);
        RT_CHECK(strstr(desc, "KSP test document") != NULL);
        /* the same digest again, silently (certutil/crypt32 style SILENT|PKCS1):
           the signature cache answers, no second approval */
        BYTE sig[512];
        DWORD got = 0;
        RT_OK(T->SignHash(g_prov, r2->k, &pi, h, 32, sig, sizeof sig, &got,
                          NCRYPT_SILENT_FLAG | NCRYPT_PAD_PKCS1_FLAG));
        RT_CHECK(got == 256 && svctest_phone_log_count() == before + 1);
    }
    {
        BCRYPT_PSS_PADDING_INFO ps = {BCRYPT_SHA256_ALGORITHM, 32};
        digest_of("pss", CRPKI_HASH_SHA256, h, 32);
        sign_artifact("rsa2048-pss-sha256", r2, &ps, NCRYPT_PAD_PSS_FLAG, h, 32,
                      "digest:sha256\nrsa_padding_mode:pss\nrsa_pss_saltlen:32\n");
        BCRYPT_PSS_PADDING_INFO ps3 = {BCRYPT_SHA384_ALGORITHM, 48};
        digest_of("pss3072", CRPKI_HASH_SHA384, h, 48);
        sign_artifact("rsa3072-pss-sha384", r3, &ps3, NCRYPT_PAD_PSS_FLAG, h, 48,
                      "digest:sha384\nrsa_padding_mode:pss\nrsa_pss_saltlen:48\n");
    }
    /* .NET ECDsaCng.SignHash: no padding, flags 0, P1363 out */
    digest_of("ecdsa", CRPKI_HASH_SHA256, h, 32);
    sign_artifact("ecdsa-p256-sha256", ec, NULL, 0, h, 32, NULL);
    {
        /* .NET RSACng.SignHash: OpenKey(name, 0, 0), a buffer of the key
           size at once (no size query), PKCS1 flag only */
        NCRYPT_KEY_HANDLE k = 0;
        RT_OK(T->OpenKey(g_prov, &k, r2->name, 0, 0));
        BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
        digest_of("dotnet", CRPKI_HASH_SHA256, h, 32);
        BYTE sig[256];
        DWORD got = 0;
        RT_OK(T->SignHash(g_prov, k, &pi, h, 32, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG));
        if (got == 256) {
            svctest_write_sig("dotnet-rsacng", r2->cert, r2->cert_len, h, 32, sig, got,
                              "digest:sha256\n");
            g_artifacts++;
        }
        RT_OK(T->FreeKey(g_prov, k));
    }
    {
        /* rdpsign / crypt32 CryptSignMessage: OpenKey(AT_SIGNATURE, SILENT),
           size query, then the signature; pszAlgId NULL over a DigestInfo
           (CryptoAPI-era callers building it themselves) */
        NCRYPT_KEY_HANDLE k = 0;
        RT_OK(T->OpenKey(g_prov, &k, r2->name, AT_SIGNATURE, NCRYPT_SILENT_FLAG));
        BYTE di[19 + 32];
        digest_of("rdpsign", CRPKI_HASH_SHA256, h, 32);
        RT_CHECK(alg_digestinfo(CRPKI_HASH_SHA256, h, 32, di, sizeof di) == sizeof di);
        BCRYPT_PKCS1_PADDING_INFO pi = {NULL};
        key_t_ tmp = *r2;
        tmp.k = k;
        sign_artifact("rdpsign-digestinfo", &tmp, &pi, NCRYPT_PAD_PKCS1_FLAG, di, sizeof di, NULL);
        RT_OK(T->FreeKey(g_prov, k));
    }
    {
        /* signtool /dg: the digest file is the Base64 of the digest; /ds signs
           the decoded digest as it is with /fd's algorithm; /di takes the
           signature back (the driver verifies it). */
        digest_of("authenticode attributes", CRPKI_HASH_SHA256, h, 32);
        char b64[64];
        DWORD bl = sizeof b64;
        RT_CHECK(CryptBinaryToStringA(h, 32, CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, b64, &bl));
        svctest_write_artifact("signtool", "dig", b64, strlen(b64));
        BYTE dec[64];
        DWORD dl = sizeof dec;
        RT_CHECK(CryptStringToBinaryA(b64, 0, CRYPT_STRING_BASE64, dec, &dl, NULL, NULL));
        BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
        sign_artifact("signtool-ds", r2, &pi, NCRYPT_PAD_PKCS1_FLAG, dec, dl, "digest:sha256\n");
    }
    /* error battery with live keys */
    {
        BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
        BYTE sig[512];
        DWORD got = 0;
        digest_of("errors", CRPKI_HASH_SHA256, h, 32);
        RT_EXPECT(T->SignHash(g_prov, r2->k, &pi, h, 32, sig, 255, &got, NCRYPT_PAD_PKCS1_FLAG),
                  NTE_BUFFER_TOO_SMALL);
        RT_CHECK(got == 256);
        RT_EXPECT(
            T->SignHash(g_prov, r2->k, &pi, h, 31, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG),
            NTE_INVALID_PARAMETER);
        RT_EXPECT(T->SignHash(g_prov, r2->k, &pi, h, 32, sig, sizeof sig, &got, 0x100 | 2),
                  NTE_BAD_FLAGS);
        RT_EXPECT(
            T->SignHash(g_prov, r2->k, NULL, h, 32, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG),
            NTE_INVALID_PARAMETER);
        RT_EXPECT(
            T->SignHash(g_prov, r2->k, &pi, h, 32, sig, sizeof sig, NULL, NCRYPT_PAD_PKCS1_FLAG),
            NTE_INVALID_PARAMETER);
        RT_EXPECT(
            T->SignHash(g_prov, ec->k, &pi, h, 32, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG),
            NTE_INVALID_PARAMETER);
        RT_EXPECT(
            T->SignHash(g_prov, g_prov, &pi, h, 32, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG),
            NTE_INVALID_HANDLE);
        BCRYPT_PKCS1_PADDING_INFO md5 = {BCRYPT_MD5_ALGORITHM};
        RT_EXPECT(
            T->SignHash(g_prov, r2->k, &md5, h, 16, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG),
            NTE_NOT_SUPPORTED);
        /* SHA-1 is never signed: by name, as PSS, as a 20-byte
           ECDSA hash; none of them reaches the phone */
        int before_sha1 = svctest_phone_log_count();
        BCRYPT_PKCS1_PADDING_INFO sha1 = {BCRYPT_SHA1_ALGORITHM};
        RT_EXPECT(
            T->SignHash(g_prov, r2->k, &sha1, h, 20, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG),
            NTE_NOT_SUPPORTED);
        BCRYPT_PSS_PADDING_INFO pss1 = {BCRYPT_SHA1_ALGORITHM, 20};
        RT_EXPECT(
            T->SignHash(g_prov, r2->k, &pss1, h, 20, sig, sizeof sig, &got, NCRYPT_PAD_PSS_FLAG),
            NTE_NOT_SUPPORTED);
        RT_EXPECT(T->SignHash(g_prov, ec->k, NULL, h, 20, sig, sizeof sig, &got, 0),
                  NTE_NOT_SUPPORTED);
        RT_CHECK(svctest_phone_log_count() == before_sha1);
        RT_EXPECT(
            T->SignHash(g_prov, r2->k, &pi, h, 32, sig, sizeof sig, &got, NCRYPT_NO_PADDING_FLAG),
            NTE_NOT_SUPPORTED);
    }
    for (int i = 0; i < g_nkeys; i++)
        RT_OK(T->FreeKey(g_prov, g_keys[i].k));
    RT_EXPECT(T->FreeKey(g_prov, g_keys[0].k), NTE_INVALID_HANDLE);
    svctest_expect_artifacts(g_artifacts);
    return rt_failures ? 1 : 0;
}

/* One signature with the RSA-2048 key expected to fail with want. */
static int outcome(const char *phone, DWORD flags, SECURITY_STATUS want, int approvals_delta)
{
    svctest_phone(phone);
    enumerate_and_open();
    if (rt_failures)
        return 1;
    key_t_ *r2 = find(L"RSA", 2048);
    int before = svctest_phone_log_count();
    BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
    BYTE h[32], sig[256];
    DWORD got = 0;
    digest_of(phone, CRPKI_HASH_SHA256, h, 32);
    DWORD t0 = GetTickCount();
    RT_EXPECT(T->SignHash(g_prov, r2->k, &pi, h, 32, sig, sizeof sig, &got,
                          flags | NCRYPT_PAD_PKCS1_FLAG),
              want);
    fprintf(stderr, "SignHash returned after %lu ms\n", (unsigned long)(GetTickCount() - t0));
    RT_CHECK(svctest_phone_log_count() == before + approvals_delta);
    for (int i = 0; i < g_nkeys; i++)
        RT_OK(T->FreeKey(g_prov, g_keys[i].k));
    return rt_failures ? 1 : 0;
}

/* ---- cancel: the user clicks キャンセル in the dialog --------------------------- */

typedef struct {
    void *dlg;
    char code[16];       /* what the dialog shows */
    char phone_code[16]; /* what the phone (the service) got */
    DWORD clicked_at;
    int clicked;
    char why[256];
} clicker;

/* The user: waits for the dialog, reads the code, compares it with the
 * phone's, clicks キャンセル. */
static DWORD WINAPI click_cancel(void *arg)
{
    clicker *c = arg;
    c->dlg = svctest_dialog_wait(30000);
    if (!c->dlg) {
        snprintf(c->why, sizeof c->why, "no CrpkiApprovalDialog of this process within 30 s");
        return 0;
    }
    char line[512];
    if (svctest_dialog_text(c->dlg, CRPKI_UI_ID_CODE, c->code, sizeof c->code) != 0 ||
        svctest_phone_log_last_line(line, sizeof line) != 0) {
        snprintf(c->why, sizeof c->why, "no code in the dialog or no request in the phone log");
        return 0;
    }
    /* the log line starts with the approval code */
    snprintf(c->phone_code, sizeof c->phone_code, "%.*s", (int)strcspn(line, " "), line);
    if (c->code[0] == '\0' || strcmp(c->code, c->phone_code) != 0) {
        snprintf(c->why, sizeof c->why, "the dialog shows code '%s', the phone got '%s'", c->code,
                 c->phone_code);
        /* cancel anyway, so SignHash does not wait for the deadline */
    }
    c->clicked_at = GetTickCount();
    if (svctest_dialog_click(c->dlg, CRPKI_UI_ID_CANCEL) != 0) {
        snprintf(c->why, sizeof c->why, "the dialog has no enabled キャンセル button");
        return 0;
    }
    c->clicked = 1;
    return 0;
}

static int cancel_by_dialog(void)
{
    svctest_phone("ignore");
    enumerate_and_open();
    if (rt_failures)
        return 1;
    key_t_ *r2 = find(L"RSA", 2048);
    int before = svctest_phone_log_count();
    BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
    BYTE h[32], sig[256];
    DWORD got = 0;
    digest_of("cancel by the dialog", CRPKI_HASH_SHA256, h, 32);
    clicker c;
    memset(&c, 0, sizeof c);
    HANDLE t = CreateThread(NULL, 0, click_cancel, &c, 0, NULL);
    RT_CHECK(t != NULL);
    if (!t)
        return 1;
    SECURITY_STATUS s =
        T->SignHash(g_prov, r2->k, &pi, h, 32, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG);
    DWORD back = GetTickCount();
    RT_CHECK(WaitForSingleObject(t, 40000) == WAIT_OBJECT_0);
    CloseHandle(t);
    if (c.why[0])
        fprintf(stderr, "FAIL: %s\n", c.why);
    RT_CHECK(c.why[0] == '\0');
    RT_CHECK(c.clicked);
    fprintf(stderr, "dialog code %s, phone code %s; SignHash 0x%08lx %lu ms after the click\n",
            c.code, c.phone_code, (unsigned long)s, (unsigned long)(back - c.clicked_at));
    RT_EXPECT(s, SCARD_W_CANCELLED_BY_USER);
    RT_CHECK(c.clicked && back - c.clicked_at <= 2000);
    /* the dialog went with the call */
    RT_CHECK(!svctest_dialog_alive(c.dlg));
    RT_CHECK(svctest_dialog_count() == 0);
    RT_CHECK(svctest_phone_log_count() == before + 1);
    for (int i = 0; i < g_nkeys; i++)
        RT_OK(T->FreeKey(g_prov, g_keys[i].k));
    return rt_failures ? 1 : 0;
}

/* The service is stopped: reading everything works, signing fails. */
static int down(void)
{
    enumerate_and_open();
    if (rt_failures)
        return 1;
    for (int i = 0; i < g_nkeys; i++) {
        properties(&g_keys[i]);
        export_matches_certificate(&g_keys[i]);
    }
    key_t_ *r2 = find(L"RSA", 2048);
    BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
    BYTE h[32], sig[256];
    DWORD got = 0;
    digest_of("service down", CRPKI_HASH_SHA256, h, 32);
    RT_OK(T->SignHash(g_prov, r2->k, &pi, h, 32, NULL, 0, &got, NCRYPT_PAD_PKCS1_FLAG));
    RT_CHECK(got == 256);
    SECURITY_STATUS s =
        T->SignHash(g_prov, r2->k, &pi, h, 32, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG);
    fprintf(stderr, "SignHash with the service down: 0x%08lx\n", (unsigned long)s);
    RT_EXPECT(s, HRESULT_FROM_WIN32(ERROR_NETWORK_UNREACHABLE));
    for (int i = 0; i < g_nkeys; i++)
        RT_OK(T->FreeKey(g_prov, g_keys[i].k));
    return rt_failures ? 1 : 0;
}

/* ---- several threads of one application signing at once --------------------- */

#define NTHREADS 4
typedef struct {
    key_t_ *key;
    HANDLE go;
    BYTE hash[32];
    BYTE sig[1024];
    DWORD got;
    SECURITY_STATUS sign_st, verify_st;
} signer;

static DWORD WINAPI sign_in_thread(void *arg)
{
    signer *s = arg;
    WaitForSingleObject(s->go, INFINITE);
    int rsa = wcscmp(s->key->alg, L"RSA") == 0;
    BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
    DWORD flags = rsa ? NCRYPT_PAD_PKCS1_FLAG : 0;
    void *pad = rsa ? &pi : NULL;
    s->sign_st =
        T->SignHash(g_prov, s->key->k, pad, s->hash, 32, s->sig, sizeof s->sig, &s->got, flags);
    if (s->sign_st == ERROR_SUCCESS)
        s->verify_st =
            T->VerifySignature(g_prov, s->key->k, pad, s->hash, 32, s->sig, s->got, flags);
    return 0;
}

static int threads(void)
{
    svctest_phone("approve 300");
    enumerate_and_open();
    if (rt_failures)
        return 1;
    key_t_ *keys[NTHREADS] = {find(L"RSA", 2048), find(L"RSA", 2048), find(L"RSA", 3072),
                              find(L"ECDSA_P256", 256)};
    HANDLE go = CreateEventW(NULL, TRUE, FALSE, NULL);
    RT_CHECK(go != NULL);
    if (!go)
        return 1;
    signer s[NTHREADS];
    HANDLE th[NTHREADS];
    int before = svctest_phone_log_count();
    for (int i = 0; i < NTHREADS; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].key = keys[i];
        s[i].go = go;
        char text[64];
        snprintf(text, sizeof text, "document %d of %d, signed at once", i + 1, NTHREADS);
        digest_of(text, CRPKI_HASH_SHA256, s[i].hash, 32);
        th[i] = CreateThread(NULL, 0, sign_in_thread, &s[i], 0, NULL);
        if (!th[i])
            fatal("CreateThread");
    }
    DWORD t0 = GetTickCount();
    SetEvent(go);
    RT_CHECK(WaitForMultipleObjects(NTHREADS, th, TRUE, 60000) == WAIT_OBJECT_0);
    fprintf(stderr, "ksp threads: %d signatures in %lu ms\n", NTHREADS,
            (unsigned long)(GetTickCount() - t0));
    for (int i = 0; i < NTHREADS; i++) {
        CloseHandle(th[i]);
        RT_EXPECT(s[i].sign_st, ERROR_SUCCESS);
        RT_EXPECT(s[i].verify_st, ERROR_SUCCESS);
        if (s[i].sign_st != ERROR_SUCCESS)
            continue;
        char name[32];
        snprintf(name, sizeof name, "threads-%d", i + 1);
        key_t_ *k = s[i].key;
        if (wcscmp(k->alg, L"RSA") != 0) {
            BYTE der[160];
            size_t dl = sizeof der;
            if (crypto_ecdsa_p1363_to_der(s[i].sig, s[i].got, der, &dl) != CRPKI_OK)
                fatal("P1363 -> DER");
            svctest_write_sig(name, k->cert, k->cert_len, s[i].hash, 32, der, dl,
                              "digest:sha256\n");
        } else {
            svctest_write_sig(name, k->cert, k->cert_len, s[i].hash, 32, s[i].sig, s[i].got,
                              "digest:sha256\n");
        }
    }
    RT_CHECK(svctest_phone_log_count() == before + NTHREADS);
    svctest_expect_artifacts(NTHREADS);
    CloseHandle(go);
    for (int i = 0; i < g_nkeys; i++)
        RT_OK(T->FreeKey(g_prov, g_keys[i].k));
    return rt_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr,
                "usage: ksp_service_test flow|deny|expire|deadline|cancel|silent|down|threads\n");
        return 2;
    }
    if (rt_load(&R) != 0)
        return 1;
    RT_OK(T->OpenProvider(&g_prov, RT_PROVIDER, 0));
    if (rt_failures)
        return 1;
    int rc;
    const char *m = argv[1];
    if (strcmp(m, "flow") == 0)
        rc = flow();
    else if (strcmp(m, "deny") == 0)
        rc = outcome("deny 0", 0, NTE_PERM, 1);
    else if (strcmp(m, "expire") == 0 || strcmp(m, "deadline") == 0)
        rc = outcome("ignore", 0, HRESULT_FROM_WIN32(ERROR_TIMEOUT), 1);
    else if (strcmp(m, "cancel") == 0)
        rc = cancel_by_dialog();
    else if (strcmp(m, "silent") == 0)
        rc = outcome("approve 0", NCRYPT_SILENT_FLAG, NTE_SILENT_CONTEXT, 0);
    else if (strcmp(m, "down") == 0)
        rc = down();
    else if (strcmp(m, "threads") == 0)
        rc = threads();
    else
        rc = 2;
    RT_OK(T->FreeProvider(g_prov));
    if (rt_failures && rc == 0)
        rc = 1;
    fprintf(stderr, "ksp_service_test %s: %s\n", m, rc ? "FAILED" : "passed");
    return rc;
}
