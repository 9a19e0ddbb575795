/* crpkicsp.dll under Wine without the service: registration, verification
 * contexts through advapi32 (provider parameters, hashing vectors, import
 * and verification, random), the operations it refuses, and the error
 * battery over every CP* export called directly with NULL pointers, forged
 * and freed handles, wrong flags, short buffers and wrong lengths. The
 * key catalog is empty: key contexts are the service tests' (tests/csp). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cspt.h"
#include "provider/winabi/cspdk.h"

/* RSA-2048 test vector (openssl genrsa; openssl dgst -sha256 -sign over "abc"):
 * modulus and PKCS#1 v1.5 signature, big-endian hex, e = 65537. */
static const char TV_MODULUS[] = "b78065078292e1c925f556d636f378a9cb1ce8f23ce646b01d573f1c61763c99"
                                 "8c66ae029e7edd56d7f7bd24b14f74925d22026e175ca099b90e67b4a1c05669"
                                 "05d814916f3b1bf7aa391bda419dbf3677d1b55371cef10227d2a1636439546d"
                                 "f96d3549ceac97a98fee04ab8a4517739174ef779507023bc3ae86133c8e66c0"
                                 "9aea0967d57d2985491405c3d2d53be0cc34e6be69b9a7c9c495753c0d0c5a32"
                                 "3175be2bbdb2bc36d39c79d291a9ecc4c1ce83b2ce71f7acc02ed0bbfb0c68c9"
                                 "072fd89ddc5579051cc43f121eaa9dbbb79128778a1c71de39552274dd0dff64"
                                 "6f48374eee695d01b5eaf474907afd6535fd109ceff2c1c8f7cd80776eb13327";
static const char TV_SIG_ABC_SHA256[] =
    "4780c6ec38f13c3f07c8b83369c3d6e88c19d52edbf91738f95507732bffc936"
    "a0d988dbfeffa618da0c401205333ca3a5a353074232e5ceec50438b0edf1376"
    "b38c943ee6518b9d7461d2a08cc1a8edc82cca325abea62647c78ceb5fd494be"
    "7a09af7ae59e1d33457519d130d1357a6ab3b068746f24a124ff2f8bd88c7bb2"
    "f52167bdcec53ca2308abd59192bbde92e37107da8d54811860086729da896d9"
    "aa4463ebe03b42b1da821605b90804b1848bdb2e2e8b4860b3d43e42daec515d"
    "ea1956553832197f02308873cba1c8fb25434ce2234fd3c637a719c3f6941ff2"
    "d374f350df8a533bdfab111da0b46ff4a43b4af12c1c37ee663382b74efd17ce";

static HMODULE g_dll;
static const char *g_dll_path;

static HCRYPTPROV verify_ctx(void)
{
    HCRYPTPROV p = 0;
    CSPT_EXPECT_OK(CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    return p;
}

static DWORD get_dword(HCRYPTPROV p, DWORD param)
{
    DWORD v = 0, n = sizeof(v);
    CSPT_EXPECT_OK(CryptGetProvParam(p, param, (BYTE *)&v, &n, 0));
    assert_int_equal(n, sizeof(DWORD));
    return v;
}

/* PUBLICKEYBLOB of the test vector's key. */
static DWORD tv_blob(BYTE *blob)
{
    BLOBHEADER *bh = (BLOBHEADER *)blob;
    RSAPUBKEY *rk = (RSAPUBKEY *)(blob + sizeof(BLOBHEADER));
    bh->bType = PUBLICKEYBLOB;
    bh->bVersion = CUR_BLOB_VERSION;
    bh->reserved = 0;
    bh->aiKeyAlg = CALG_RSA_KEYX; /* what CryptImportPublicKeyInfo uses */
    rk->magic = 0x31415352;
    rk->bitlen = 2048;
    rk->pubexp = 65537;
    BYTE *n = blob + sizeof(BLOBHEADER) + sizeof(RSAPUBKEY);
    cspt_hex(TV_MODULUS, n, 256);
    cspt_reverse(n, 256);
    return sizeof(BLOBHEADER) + sizeof(RSAPUBKEY) + 256;
}

static void test_registration_writes_the_provider_key(void **state)
{
    HKEY k;
    /* In this process's own registry view; for a 32-bit process on 64-bit
       Windows that is the 32-bit one, seen from 64-bit code as Wow6432Node. */
    BOOL wow64 = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow64);
    if (wow64) {
        assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE,
                                       L"SOFTWARE\\Wow6432Node\\Microsoft\\Cryptography\\"
                                       L"Defaults\\Provider\\" CSPT_PROV,
                                       0, KEY_READ | KEY_WOW64_64KEY, &k),
                         ERROR_SUCCESS);
        RegCloseKey(k);
    }
    assert_int_equal(
        RegOpenKeyExW(HKEY_LOCAL_MACHINE,
                      L"SOFTWARE\\Microsoft\\Cryptography\\Defaults\\Provider\\" CSPT_PROV, 0,
                      KEY_READ, &k),
        ERROR_SUCCESS);
    wchar_t path[MAX_PATH], self[MAX_PATH];
    DWORD type, n = sizeof(path), v;
    assert_int_equal(RegQueryValueExW(k, L"Image Path", NULL, &type, (BYTE *)path, &n),
                     ERROR_SUCCESS);
    assert_int_equal(type, REG_SZ);
    GetModuleFileNameW(g_dll, self, MAX_PATH);
    assert_int_equal(lstrcmpiW(path, self), 0);
    n = sizeof(v);
    assert_int_equal(RegQueryValueExW(k, L"Type", NULL, &type, (BYTE *)&v, &n), ERROR_SUCCESS);
    assert_int_equal(type, REG_DWORD);
    assert_int_equal(v, PROV_RSA_FULL);
    n = sizeof(v);
    assert_int_equal(RegQueryValueExW(k, L"SigInFile", NULL, &type, (BYTE *)&v, &n), ERROR_SUCCESS);
    assert_int_equal(v, 0);
    RegCloseKey(k);
}

static void test_verify_context_provider_params(void **state)
{
    HCRYPTPROV p = verify_ctx();
    char name[128];
    DWORD n = 0;
    CSPT_EXPECT_OK(CryptGetProvParam(p, PP_NAME, NULL, &n, 0));
    assert_int_equal(n, sizeof(CSPT_PROV_A));
    n = 4;
    CSPT_EXPECT_FAIL(CryptGetProvParam(p, PP_NAME, (BYTE *)name, &n, 0), ERROR_MORE_DATA);
    assert_int_equal(n, sizeof(CSPT_PROV_A));
    n = sizeof(name);
    CSPT_EXPECT_OK(CryptGetProvParam(p, PP_NAME, (BYTE *)name, &n, 0));
    assert_string_equal(name, CSPT_PROV_A);
    assert_int_equal(get_dword(p, PP_VERSION), 0x100);
    assert_int_equal(get_dword(p, PP_IMPTYPE), CRYPT_IMPL_MIXED);
    assert_int_equal(get_dword(p, PP_PROVTYPE), PROV_RSA_FULL);
    assert_int_equal(get_dword(p, PP_KEYSPEC), AT_SIGNATURE);
    n = sizeof(name);
    CSPT_EXPECT_OK(CryptGetProvParam(p, PP_CONTAINER, (BYTE *)name, &n, 0));
    assert_string_equal(name, "");
    n = sizeof(name);
    CSPT_EXPECT_OK(CryptGetProvParam(p, PP_UNIQUE_CONTAINER, (BYTE *)name, &n, 0));
    assert_string_equal(name, "");
    /* the catalog of this home is empty */
    n = sizeof(name);
    CSPT_EXPECT_FAIL(CryptGetProvParam(p, PP_ENUMCONTAINERS, (BYTE *)name, &n, CRYPT_FIRST),
                     ERROR_NO_MORE_ITEMS);
    PROV_ENUMALGS a;
    PROV_ENUMALGS_EX ax;
    int count = 0, signing = 0;
    DWORD flag = CRYPT_FIRST;
    for (;;) {
        n = sizeof(a);
        if (!CryptGetProvParam(p, PP_ENUMALGS, (BYTE *)&a, &n, flag)) {
            assert_int_equal(GetLastError(), ERROR_NO_MORE_ITEMS);
            break;
        }
        flag = 0;
        count++;
        assert_int_equal(strlen(a.szName) + 1, a.dwNameLen);
    }
    assert_int_equal(count, 7);
    count = 0;
    flag = CRYPT_FIRST;
    for (;;) {
        n = sizeof(ax);
        if (!CryptGetProvParam(p, PP_ENUMALGS_EX, (BYTE *)&ax, &n, flag)) {
            assert_int_equal(GetLastError(), ERROR_NO_MORE_ITEMS);
            break;
        }
        flag = 0;
        count++;
        if (ax.dwProtocols & CRYPT_FLAG_SIGNING)
            signing++;
        if (ax.aiAlgid == CALG_SHA_256)
            assert_string_equal(ax.szLongName, "Secure Hash Algorithm (SHA-256)");
    }
    assert_int_equal(count, 7);
    assert_int_equal(signing, 4); /* SHA-256/384/512, RSA_SIGN: SHA-1 hashes, never signs */
    HCERTSTORE store = NULL;
    n = sizeof(store);
    CSPT_EXPECT_OK(CryptGetProvParam(p, PP_USER_CERTSTORE, (BYTE *)&store, &n, 0));
    assert_non_null(store);
    assert_null(CertEnumCertificatesInStore(store, NULL));
    CertCloseStore(store, 0);
    CSPT_EXPECT_FAIL(CryptGetProvParam(p, 9999, (BYTE *)name, &n, 0), NTE_BAD_TYPE);
    CSPT_EXPECT_FAIL(CryptGetProvParam(p, PP_NAME, (BYTE *)name, &n, 0x100), NTE_BAD_FLAGS);
    CSPT_EXPECT_OK(CryptReleaseContext(p, 0));
    /* the ANSI entry point reaches the same provider */
    CSPT_EXPECT_OK(CryptAcquireContextA(&p, NULL, CSPT_PROV_A, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    CSPT_EXPECT_OK(CryptReleaseContext(p, 0));
}

static void test_key_contexts_without_a_catalog_entry(void **state)
{
    HCRYPTPROV p = 0;
    CSPT_EXPECT_FAIL(CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL, 0), NTE_BAD_KEYSET);
    CSPT_EXPECT_FAIL(CryptAcquireContextW(&p, L"no-such-credential", CSPT_PROV, PROV_RSA_FULL, 0),
                     NTE_BAD_KEYSET);
    CSPT_EXPECT_FAIL(CryptAcquireContextW(&p, L"new", CSPT_PROV, PROV_RSA_FULL, CRYPT_NEWKEYSET),
                     NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(
        CryptAcquireContextW(&p, L"no-such", CSPT_PROV, PROV_RSA_FULL, CRYPT_DELETEKEYSET),
        NTE_BAD_KEYSET);
    CSPT_EXPECT_FAIL(
        CryptAcquireContextW(&p, L"named", CSPT_PROV, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT),
        NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL, 0x100),
                     NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_AES, CRYPT_VERIFYCONTEXT),
                     NTE_PROV_TYPE_NO_MATCH);
    /* no default container needed: a context for hashing */
    CSPT_EXPECT_OK(CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL,
                                        CRYPT_DEFAULT_CONTAINER_OPTIONAL | CRYPT_SILENT));
    HCRYPTKEY k;
    CSPT_EXPECT_FAIL(CryptGetUserKey(p, AT_SIGNATURE, &k), NTE_NO_KEY);
    CSPT_EXPECT_OK(CryptReleaseContext(p, 0));
}

static void test_hash_vectors_through_advapi32(void **state)
{
    static const struct {
        ALG_ID alg;
        const char *hex;
    } V[] = {
        {CALG_MD5, "900150983cd24fb0d6963f7d28e17f72"},
        {CALG_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {CALG_SHA_256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {CALG_SHA_384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072b"
                       "a1e7cc2358baeca134c825a7"},
        {CALG_SHA_512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a"
                       "274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        {CALG_SSL3_SHAMD5,
         "900150983cd24fb0d6963f7d28e17f72a9993e364706816aba3e25717850c26c9cd0d89d"},
    };
    HCRYPTPROV p = verify_ctx();
    for (size_t i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
        HCRYPTHASH h, d;
        BYTE want[64], got[64];
        DWORD len = (DWORD)strlen(V[i].hex) / 2, n, v;
        cspt_hex(V[i].hex, want, len);
        CSPT_EXPECT_OK(CryptCreateHash(p, V[i].alg, 0, 0, &h));
        CSPT_EXPECT_OK(CryptHashData(h, (const BYTE *)"a", 1, 0));
        CSPT_EXPECT_OK(CryptDuplicateHash(h, NULL, 0, &d));
        CSPT_EXPECT_OK(CryptHashData(h, (const BYTE *)"bc", 2, 0));
        CSPT_EXPECT_OK(CryptHashData(d, (const BYTE *)"bc", 2, 0));
        n = sizeof(v);
        CSPT_EXPECT_OK(CryptGetHashParam(h, HP_HASHSIZE, (BYTE *)&v, &n, 0));
        assert_int_equal(v, len);
        n = sizeof(v);
        CSPT_EXPECT_OK(CryptGetHashParam(h, HP_ALGID, (BYTE *)&v, &n, 0));
        assert_int_equal(v, V[i].alg);
        n = 2;
        CSPT_EXPECT_FAIL(CryptGetHashParam(h, HP_HASHVAL, got, &n, 0), ERROR_MORE_DATA);
        assert_int_equal(n, len);
        n = sizeof(got);
        CSPT_EXPECT_OK(CryptGetHashParam(h, HP_HASHVAL, got, &n, 0));
        assert_int_equal(n, len);
        assert_memory_equal(got, want, len);
        n = sizeof(got);
        CSPT_EXPECT_OK(CryptGetHashParam(d, HP_HASHVAL, got, &n, 0));
        assert_memory_equal(got, want, len);
        CSPT_EXPECT_FAIL(CryptHashData(h, (const BYTE *)"x", 1, 0), NTE_BAD_HASH_STATE);
        CSPT_EXPECT_OK(CryptDestroyHash(h));
        CSPT_EXPECT_OK(CryptDestroyHash(d));
    }
    /* HP_HASHVAL: the value of an application that hashed elsewhere */
    HCRYPTHASH h;
    BYTE v[32], got[32];
    DWORD n = sizeof(got);
    memset(v, 0x5a, sizeof(v));
    CSPT_EXPECT_OK(CryptCreateHash(p, CALG_SHA_256, 0, 0, &h));
    CSPT_EXPECT_OK(CryptSetHashParam(h, HP_HASHVAL, v, 0));
    CSPT_EXPECT_OK(CryptGetHashParam(h, HP_HASHVAL, got, &n, 0));
    assert_memory_equal(got, v, 32);
    CSPT_EXPECT_FAIL(CryptSetHashParam(h, HP_HASHSIZE, v, 0), NTE_BAD_TYPE);
    CSPT_EXPECT_FAIL(CryptCreateHash(p, CALG_HMAC, 0, 0, &h), NTE_BAD_ALGID);
    CSPT_EXPECT_FAIL(CryptCreateHash(p, CALG_RSA_SIGN, 0, 0, &h), NTE_BAD_ALGID);
    CSPT_EXPECT_OK(CryptReleaseContext(p, 0));
}

static void test_verify_with_an_imported_public_key(void **state)
{
    HCRYPTPROV p = verify_ctx();
    BYTE blob[300], out[300], sig[256];
    DWORD bn = tv_blob(blob), n;
    HCRYPTKEY k;
    HCRYPTHASH h;
    CSPT_EXPECT_OK(CryptImportKey(p, blob, bn, 0, 0, &k));
    n = 0;
    CSPT_EXPECT_OK(CryptExportKey(k, 0, PUBLICKEYBLOB, 0, NULL, &n));
    assert_int_equal(n, bn);
    n = 10;
    CSPT_EXPECT_FAIL(CryptExportKey(k, 0, PUBLICKEYBLOB, 0, out, &n), ERROR_MORE_DATA);
    n = sizeof(out);
    CSPT_EXPECT_OK(CryptExportKey(k, 0, PUBLICKEYBLOB, 0, out, &n));
    assert_memory_equal(out, blob, bn);
    CSPT_EXPECT_FAIL(CryptExportKey(k, 0, PRIVATEKEYBLOB, 0, out, &n), NTE_BAD_KEY_STATE);
    DWORD v;
    n = sizeof(v);
    CSPT_EXPECT_OK(CryptGetKeyParam(k, KP_KEYLEN, (BYTE *)&v, &n, 0));
    assert_int_equal(v, 2048);
    n = sizeof(v);
    CSPT_EXPECT_OK(CryptGetKeyParam(k, KP_ALGID, (BYTE *)&v, &n, 0));
    assert_int_equal(v, CALG_RSA_KEYX);
    n = sizeof(out);
    CSPT_EXPECT_FAIL(CryptGetKeyParam(k, KP_CERTIFICATE, out, &n, 0), NTE_BAD_TYPE);
    cspt_hex(TV_SIG_ABC_SHA256, sig, 256);
    cspt_reverse(sig, 256); /* CryptoAPI signatures are little-endian */
    CSPT_EXPECT_OK(CryptCreateHash(p, CALG_SHA_256, 0, 0, &h));
    CSPT_EXPECT_OK(CryptHashData(h, (const BYTE *)"abc", 3, 0));
    CSPT_EXPECT_OK(CryptVerifySignatureW(h, sig, 256, k, NULL, 0));
    CSPT_EXPECT_FAIL(CryptVerifySignatureW(h, sig, 255, k, NULL, 0), NTE_BAD_SIGNATURE);
    sig[0] ^= 1;
    CSPT_EXPECT_FAIL(CryptVerifySignatureW(h, sig, 256, k, NULL, 0), NTE_BAD_SIGNATURE);
    CSPT_EXPECT_OK(CryptDestroyHash(h));
    /* malformed blobs */
    blob[1] = 3;
    CSPT_EXPECT_FAIL(CryptImportKey(p, blob, bn, 0, 0, &k), NTE_BAD_VER);
    blob[1] = CUR_BLOB_VERSION;
    CSPT_EXPECT_FAIL(CryptImportKey(p, blob, bn - 1, 0, 0, &k), NTE_BAD_DATA);
    blob[0] = PRIVATEKEYBLOB;
    CSPT_EXPECT_FAIL(CryptImportKey(p, blob, bn, 0, 0, &k), NTE_BAD_TYPE);
    CSPT_EXPECT_OK(CryptReleaseContext(p, 0));
}

static void test_gen_random_and_refused_operations(void **state)
{
    HCRYPTPROV p = verify_ctx();
    BYTE a[32] = {0}, b[32] = {0}, blob[300];
    CSPT_EXPECT_OK(CryptGenRandom(p, sizeof(a), a));
    CSPT_EXPECT_OK(CryptGenRandom(p, sizeof(b), b));
    assert_memory_not_equal(a, b, sizeof(a));
    HCRYPTKEY k, k2;
    HCRYPTHASH h;
    CSPT_EXPECT_FAIL(CryptGenKey(p, CALG_RSA_SIGN, 0, &k), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_FAIL(CryptGenKey(p, CALG_AES_256, 0, &k), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_OK(CryptCreateHash(p, CALG_SHA1, 0, 0, &h));
    CSPT_EXPECT_FAIL(CryptDeriveKey(p, CALG_RC4, h, 0, &k), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_OK(CryptImportKey(p, blob, tv_blob(blob), 0, 0, &k));
    DWORD n = 16;
    CSPT_EXPECT_FAIL(CryptEncrypt(k, 0, TRUE, 0, a, &n, sizeof(a)), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_FAIL(CryptDecrypt(k, 0, TRUE, 0, a, &n), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_FAIL(CryptHashSessionKey(h, k, 0), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_FAIL(CryptSetKeyParam(k, KP_CERTIFICATE, a, 0), NTE_BAD_TYPE);
    CSPT_EXPECT_FAIL(CryptSetProvParam(p, PP_SIGNATURE_PIN, (const BYTE *)"1234", 0), NTE_BAD_TYPE);
    CSPT_EXPECT_OK(CryptDuplicateKey(k, NULL, 0, &k2));
    CSPT_EXPECT_OK(CryptDestroyKey(k2));
    CSPT_EXPECT_OK(CryptDestroyKey(k));
    CSPT_EXPECT_OK(CryptDestroyHash(h));
    CSPT_EXPECT_OK(CryptReleaseContext(p, 0));
}

/* ---- every export called directly: our own handle checks ---- */

typedef BOOL(WINAPI *fn_acquire)(HCRYPTPROV *, LPCSTR, DWORD, PVTableProvStruc);
typedef BOOL(WINAPI *fn_release)(HCRYPTPROV, DWORD);
typedef BOOL(WINAPI *fn_getprov)(HCRYPTPROV, DWORD, LPBYTE, LPDWORD, DWORD);
typedef BOOL(WINAPI *fn_setprov)(HCRYPTPROV, DWORD, CONST BYTE *, DWORD);
typedef BOOL(WINAPI *fn_createhash)(HCRYPTPROV, ALG_ID, HCRYPTKEY, DWORD, HCRYPTHASH *);
typedef BOOL(WINAPI *fn_hashdata)(HCRYPTPROV, HCRYPTHASH, CONST BYTE *, DWORD, DWORD);
typedef BOOL(WINAPI *fn_gethash)(HCRYPTPROV, HCRYPTHASH, DWORD, LPBYTE, LPDWORD, DWORD);
typedef BOOL(WINAPI *fn_sethash)(HCRYPTPROV, HCRYPTHASH, DWORD, CONST BYTE *, DWORD);
typedef BOOL(WINAPI *fn_destroyhash)(HCRYPTPROV, HCRYPTHASH);
typedef BOOL(WINAPI *fn_duphash)(HCRYPTPROV, HCRYPTHASH, LPDWORD, DWORD, HCRYPTHASH *);
typedef BOOL(WINAPI *fn_getuserkey)(HCRYPTPROV, DWORD, HCRYPTKEY *);
typedef BOOL(WINAPI *fn_import)(HCRYPTPROV, CONST BYTE *, DWORD, HCRYPTKEY, DWORD, HCRYPTKEY *);
typedef BOOL(WINAPI *fn_export)(HCRYPTPROV, HCRYPTKEY, HCRYPTKEY, DWORD, DWORD, LPBYTE, LPDWORD);
typedef BOOL(WINAPI *fn_getkey)(HCRYPTPROV, HCRYPTKEY, DWORD, LPBYTE, LPDWORD, DWORD);
typedef BOOL(WINAPI *fn_setkey)(HCRYPTPROV, HCRYPTKEY, DWORD, CONST BYTE *, DWORD);
typedef BOOL(WINAPI *fn_destroykey)(HCRYPTPROV, HCRYPTKEY);
typedef BOOL(WINAPI *fn_dupkey)(HCRYPTPROV, HCRYPTKEY, LPDWORD, DWORD, HCRYPTKEY *);
typedef BOOL(WINAPI *fn_sign)(HCRYPTPROV, HCRYPTHASH, DWORD, LPCWSTR, DWORD, LPBYTE, LPDWORD);
typedef BOOL(WINAPI *fn_verify)(HCRYPTPROV, HCRYPTHASH, CONST BYTE *, DWORD, HCRYPTKEY, LPCWSTR,
                                DWORD);
typedef BOOL(WINAPI *fn_random)(HCRYPTPROV, DWORD, LPBYTE);
typedef BOOL(WINAPI *fn_genkey)(HCRYPTPROV, ALG_ID, DWORD, HCRYPTKEY *);
typedef BOOL(WINAPI *fn_derive)(HCRYPTPROV, ALG_ID, HCRYPTHASH, DWORD, HCRYPTKEY *);
typedef BOOL(WINAPI *fn_encrypt)(HCRYPTPROV, HCRYPTKEY, HCRYPTHASH, BOOL, DWORD, LPBYTE, LPDWORD,
                                 DWORD);
typedef BOOL(WINAPI *fn_decrypt)(HCRYPTPROV, HCRYPTKEY, HCRYPTHASH, BOOL, DWORD, LPBYTE, LPDWORD);
typedef BOOL(WINAPI *fn_sessionkey)(HCRYPTPROV, HCRYPTHASH, HCRYPTKEY, DWORD);

#define PROC(type, name) type x_##name = (type)(void *)cspt_proc(g_dll, #name)

static HWND g_parent = (HWND)(uintptr_t)0x10010;
static void WINAPI return_hwnd(HWND *h)
{
    *h = g_parent;
}

static void test_every_export_refuses_bad_input(void **state)
{
    PROC(fn_acquire, CPAcquireContext);
    PROC(fn_release, CPReleaseContext);
    PROC(fn_getprov, CPGetProvParam);
    PROC(fn_setprov, CPSetProvParam);
    PROC(fn_createhash, CPCreateHash);
    PROC(fn_hashdata, CPHashData);
    PROC(fn_gethash, CPGetHashParam);
    PROC(fn_sethash, CPSetHashParam);
    PROC(fn_destroyhash, CPDestroyHash);
    PROC(fn_duphash, CPDuplicateHash);
    PROC(fn_getuserkey, CPGetUserKey);
    PROC(fn_import, CPImportKey);
    PROC(fn_export, CPExportKey);
    PROC(fn_getkey, CPGetKeyParam);
    PROC(fn_setkey, CPSetKeyParam);
    PROC(fn_destroykey, CPDestroyKey);
    PROC(fn_dupkey, CPDuplicateKey);
    PROC(fn_sign, CPSignHash);
    PROC(fn_verify, CPVerifySignature);
    PROC(fn_random, CPGenRandom);
    PROC(fn_genkey, CPGenKey);
    PROC(fn_derive, CPDeriveKey);
    PROC(fn_encrypt, CPEncrypt);
    PROC(fn_decrypt, CPDecrypt);
    PROC(fn_sessionkey, CPHashSessionKey);

    VTableProvStruc vt = {3, NULL, return_hwnd, PROV_RSA_FULL, NULL, 0, (LPSTR)CSPT_PROV_A};
    HCRYPTPROV p = 0, forged = (HCRYPTPROV)0x12345678;
    HCRYPTHASH h = 0, h2 = 0;
    HCRYPTKEY k = 0;
    BYTE buf[512], blob[300];
    DWORD n = sizeof(buf), bn = tv_blob(blob);

    CSPT_EXPECT_FAIL(x_CPAcquireContext(NULL, NULL, CRYPT_VERIFYCONTEXT, &vt),
                     ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPAcquireContext(&p, NULL, 0x200, &vt), NTE_BAD_FLAGS);
    CSPT_EXPECT_OK(x_CPAcquireContext(&p, NULL, CRYPT_VERIFYCONTEXT, &vt));
    CSPT_EXPECT_OK(x_CPAcquireContext(&forged, "", CRYPT_VERIFYCONTEXT, NULL)); /* no vtable: ok */
    CSPT_EXPECT_OK(x_CPReleaseContext(forged, 0));
    /* forged: the released handle; others made up */
    CSPT_EXPECT_FAIL(x_CPReleaseContext(forged, 0), NTE_BAD_UID);
    CSPT_EXPECT_FAIL(x_CPReleaseContext(0, 0), NTE_BAD_UID);
    CSPT_EXPECT_FAIL(x_CPGetProvParam(forged, PP_NAME, buf, &n, 0), NTE_BAD_UID);
    CSPT_EXPECT_FAIL(x_CPGetProvParam(p, PP_NAME, buf, NULL, 0), ERROR_INVALID_PARAMETER);
    n = 3;
    CSPT_EXPECT_FAIL(x_CPGetProvParam(p, PP_VERSION, buf, &n, 0), ERROR_MORE_DATA);
    assert_int_equal(n, 4);
    n = 3;
    CSPT_EXPECT_FAIL(x_CPGetProvParam(p, PP_USER_CERTSTORE, buf, &n, 0), ERROR_MORE_DATA);
    assert_int_equal(n, sizeof(HCERTSTORE));
    CSPT_EXPECT_FAIL(x_CPGetProvParam(p, PP_USER_CERTSTORE, buf, &n, 1), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPSetProvParam(forged, PP_UI_PROMPT, (const BYTE *)L"x", 0), NTE_BAD_UID);
    CSPT_EXPECT_OK(x_CPSetProvParam(p, PP_UI_PROMPT, (const BYTE *)L"\u767b\u8a18", 0));
    CSPT_EXPECT_FAIL(x_CPSetProvParam(p, PP_UI_PROMPT, (const BYTE *)L"x", 1), NTE_BAD_FLAGS);

    CSPT_EXPECT_FAIL(x_CPCreateHash(forged, CALG_SHA1, 0, 0, &h), NTE_BAD_UID);
    CSPT_EXPECT_FAIL(x_CPCreateHash(p, CALG_SHA1, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPCreateHash(p, CALG_SHA1, 0, 1, &h), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPCreateHash(p, 0x1234, 0, 0, &h), NTE_BAD_ALGID);
    CSPT_EXPECT_OK(x_CPCreateHash(p, CALG_SHA1, 0, 0, &h));
    CSPT_EXPECT_FAIL(x_CPHashData(p, (HCRYPTHASH)0x999, buf, 1, 0), NTE_BAD_HASH);
    CSPT_EXPECT_FAIL(x_CPHashData(p, p, buf, 1, 0), NTE_BAD_HASH); /* a provider handle */
    CSPT_EXPECT_FAIL(x_CPHashData(p, h, buf, 1, CRYPT_USERDATA), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPHashData(p, h, NULL, 4, 0), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPGetHashParam(p, h, HP_HASHVAL, buf, NULL, 0), ERROR_INVALID_PARAMETER);
    n = 19;
    CSPT_EXPECT_FAIL(x_CPGetHashParam(p, h, HP_HASHVAL, buf, &n, 0), ERROR_MORE_DATA);
    assert_int_equal(n, 20);
    CSPT_EXPECT_FAIL(x_CPGetHashParam(p, h, HP_HASHVAL, buf, &n, 2), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPGetHashParam(p, h, 77, buf, &n, 0), NTE_BAD_TYPE);
    CSPT_EXPECT_FAIL(x_CPSetHashParam(p, h, HP_HASHVAL, NULL, 0), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPSetHashParam(p, h, HP_HASHVAL, buf, 4), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPDuplicateHash(p, h, &n, 0, &h2), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPDuplicateHash(p, h, NULL, 0, NULL), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPDuplicateHash(p, h, NULL, 8, &h2), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPSignHash(p, h, AT_SIGNATURE, NULL, 0, buf, &n), NTE_NO_KEY);
    CSPT_EXPECT_FAIL(x_CPSignHash(p, h, AT_SIGNATURE, NULL, 0x100, buf, &n), NTE_BAD_FLAGS);

    CSPT_EXPECT_FAIL(x_CPGetUserKey(p, AT_SIGNATURE, &k), NTE_NO_KEY);
    CSPT_EXPECT_FAIL(x_CPGetUserKey(p, AT_SIGNATURE, NULL), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPImportKey(p, NULL, bn, 0, 0, &k), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPImportKey(p, blob, bn, 0, 0, NULL), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPImportKey(p, blob, bn, 0, 0x8000, &k), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPImportKey(forged, blob, bn, 0, 0, &k), NTE_BAD_UID);
    CSPT_EXPECT_OK(x_CPImportKey(p, blob, bn, 0, 0, &k));
    CSPT_EXPECT_FAIL(x_CPImportKey(p, blob, bn, k, 0, &k), NTE_BAD_KEY);
    CSPT_EXPECT_FAIL(x_CPExportKey(p, (HCRYPTKEY)0x77, 0, PUBLICKEYBLOB, 0, buf, &n), NTE_BAD_KEY);
    CSPT_EXPECT_FAIL(x_CPExportKey(p, h, 0, PUBLICKEYBLOB, 0, buf, &n), NTE_BAD_KEY);
    CSPT_EXPECT_FAIL(x_CPExportKey(p, k, 0, PUBLICKEYBLOB, 0, buf, NULL), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPExportKey(p, k, 0, PUBLICKEYBLOB, 1, buf, &n), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPExportKey(p, k, 0, SIMPLEBLOB, 0, buf, &n), NTE_BAD_TYPE);
    n = 100;
    CSPT_EXPECT_FAIL(x_CPExportKey(p, k, 0, PUBLICKEYBLOB, 0, buf, &n), ERROR_MORE_DATA);
    assert_int_equal(n, bn);
    CSPT_EXPECT_FAIL(x_CPGetKeyParam(p, k, KP_KEYLEN, buf, NULL, 0), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPGetKeyParam(p, k, KP_KEYLEN, buf, &n, 1), NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPGetKeyParam(p, k, 0x4242, buf, &n, 0), NTE_BAD_TYPE);
    CSPT_EXPECT_FAIL(x_CPSetKeyParam(p, k, KP_ALGID, buf, 0), NTE_BAD_TYPE);
    CSPT_EXPECT_FAIL(x_CPDuplicateKey(p, k, &n, 0, &k), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPDuplicateKey(p, (HCRYPTKEY)0x55, NULL, 0, &k), NTE_BAD_KEY);
    /* wrong lengths: a signature that is not the key's size */
    CSPT_EXPECT_FAIL(x_CPVerifySignature(p, h, buf, 255, k, NULL, 0), NTE_BAD_SIGNATURE);
    CSPT_EXPECT_FAIL(x_CPVerifySignature(p, h, buf, 257, k, NULL, 0), NTE_BAD_SIGNATURE);
    CSPT_EXPECT_FAIL(x_CPVerifySignature(p, h, NULL, 256, k, NULL, 0), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPVerifySignature(p, h, buf, 256, k, NULL, CRYPT_X931_FORMAT),
                     NTE_BAD_FLAGS);
    CSPT_EXPECT_FAIL(x_CPVerifySignature(p, h, buf, 256, (HCRYPTKEY)0x55, NULL, 0), NTE_BAD_KEY);
    CSPT_EXPECT_FAIL(x_CPGenRandom(forged, 4, buf), NTE_BAD_UID);
    CSPT_EXPECT_FAIL(x_CPGenRandom(p, 4, NULL), ERROR_INVALID_PARAMETER);
    CSPT_EXPECT_FAIL(x_CPGenKey(p, CALG_RSA_SIGN, 0, &k), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_FAIL(x_CPDeriveKey(p, CALG_RC4, h, 0, &k), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_FAIL(x_CPEncrypt(p, k, 0, TRUE, 0, buf, &n, sizeof(buf)), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_FAIL(x_CPDecrypt(p, k, 0, TRUE, 0, buf, &n), NTE_NOT_SUPPORTED);
    CSPT_EXPECT_FAIL(x_CPHashSessionKey(p, h, k, 0), NTE_NOT_SUPPORTED);

    /* freed objects */
    CSPT_EXPECT_OK(x_CPDestroyHash(p, h));
    CSPT_EXPECT_FAIL(x_CPDestroyHash(p, h), NTE_BAD_HASH);
    CSPT_EXPECT_FAIL(x_CPHashData(p, h, buf, 1, 0), NTE_BAD_HASH);
    n = sizeof(buf);
    CSPT_EXPECT_FAIL(x_CPGetHashParam(p, h, HP_HASHVAL, buf, &n, 0), NTE_BAD_HASH);
    CSPT_EXPECT_OK(x_CPDestroyKey(p, k));
    CSPT_EXPECT_FAIL(x_CPDestroyKey(p, k), NTE_BAD_KEY);
    CSPT_EXPECT_FAIL(x_CPGetKeyParam(p, k, KP_KEYLEN, buf, &n, 0), NTE_BAD_KEY);
    /* objects of a released context */
    CSPT_EXPECT_OK(x_CPCreateHash(p, CALG_SHA_256, 0, 0, &h));
    CSPT_EXPECT_FAIL(x_CPReleaseContext(p, 1), NTE_BAD_FLAGS); /* released all the same */
    CSPT_EXPECT_FAIL(x_CPReleaseContext(p, 0), NTE_BAD_UID);
    CSPT_EXPECT_FAIL(x_CPHashData(p, h, buf, 1, 0), NTE_BAD_UID);
    CSPT_EXPECT_FAIL(x_CPDestroyHash(p, h), NTE_BAD_UID);
}

static void test_unregister_removes_the_provider(void **state)
{
    HRESULT(WINAPI * unreg)
    (void) = (HRESULT(WINAPI *)(void))(void *)cspt_proc(g_dll, "DllUnregisterServer");
    assert_int_equal(unreg(), S_OK);
    assert_int_equal(unreg(), S_OK); /* nothing to undo */
    HCRYPTPROV p;
    CSPT_EXPECT_FAIL(CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT),
                     NTE_KEYSET_NOT_DEF);
    HRESULT(WINAPI * reg)
    (void) = (HRESULT(WINAPI *)(void))(void *)cspt_proc(g_dll, "DllRegisterServer");
    assert_int_equal(reg(), S_OK);
    CSPT_EXPECT_OK(CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT));
    CSPT_EXPECT_OK(CryptReleaseContext(p, 0));
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH-TO-crpkicsp.dll\n", argv[0]);
        return 2;
    }
    g_dll_path = argv[1];
    cspt_fresh_home();
    g_dll = cspt_load_and_register(g_dll_path);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registration_writes_the_provider_key),
        cmocka_unit_test(test_verify_context_provider_params),
        cmocka_unit_test(test_key_contexts_without_a_catalog_entry),
        cmocka_unit_test(test_hash_vectors_through_advapi32),
        cmocka_unit_test(test_verify_with_an_imported_public_key),
        cmocka_unit_test(test_gen_random_and_refused_operations),
        cmocka_unit_test(test_every_export_refuses_bad_input),
        cmocka_unit_test(test_unregister_removes_the_provider),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
