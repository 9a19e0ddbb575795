/* installed_ksp: what ncrypt's router does with the KSP the MSI installed, for
 * Wine (whose ncrypt loads no third-party provider): the registration names
 * the image "crpkiksp.dll" only, which the router loads from the system
 * directory of the calling process - System32 for a 64-bit program, SysWOW64
 * for a 32-bit one. This program loads it from there, takes the provider's
 * table and signs with the selected RSA key, PKCS#1 v1.5 and PSS (SHA-256).
 *
 *   installed_ksp sign OUTDIR   writes OUTDIR\ksp.{cert.der,digest,pkcs1.sig,pss.sig}
 *
 * Exit 0 on success; every failure names the call and its code. */
#include <windows.h>

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "installed_util.h"
#include "provider/winabi/ncrypt_provider.h"

#define KSP_NAME L"CRPKI Remote Signing Key Storage Provider"

static const char DOCUMENT[] = "Installed KSP test document: 商業登記電子証明書\n";

static int fail(const char *call, long code)
{
    fprintf(stderr, "installed_ksp: %s failed: 0x%08lx\n", call, (unsigned long)code);
    return 1;
}

/* SHA-256 of DOCUMENT through CryptoAPI's own provider (nothing of ours). */
static int digest(BYTE out[32])
{
    HCRYPTPROV p = 0;
    HCRYPTHASH h = 0;
    DWORD n = 32;
    int ok = CryptAcquireContextW(&p, NULL, NULL, PROV_RSA_AES, CRYPT_VERIFYCONTEXT) &&
             CryptCreateHash(p, CALG_SHA_256, 0, 0, &h) &&
             CryptHashData(h, (const BYTE *)DOCUMENT, (DWORD)strlen(DOCUMENT), 0) &&
             CryptGetHashParam(h, HP_HASHVAL, out, &n, 0) && n == 32;
    long e = (long)GetLastError();
    if (h)
        CryptDestroyHash(h);
    if (p)
        CryptReleaseContext(p, 0);
    return ok ? 0 : fail("SHA-256 through CryptoAPI", e);
}

static int sign(const char *outdir)
{
    WCHAR sys[MAX_PATH], path[MAX_PATH], loaded[MAX_PATH];
    UINT n = GetSystemDirectoryW(sys, MAX_PATH);
    if (n == 0 || n >= MAX_PATH - 16)
        return fail("GetSystemDirectory", (long)GetLastError());
    swprintf(path, MAX_PATH, L"%ls\\crpkiksp.dll", sys);
    HMODULE dll = LoadLibraryW(path);
    if (!dll)
        return fail("LoadLibrary(<system directory>\\crpkiksp.dll)", (long)GetLastError());
    GetModuleFileNameW(dll, loaded, MAX_PATH);
    GetKeyStorageInterfaceFn get =
        (GetKeyStorageInterfaceFn)(void (*)(void))GetProcAddress(dll, "GetKeyStorageInterface");
    if (!get)
        return fail("GetProcAddress(GetKeyStorageInterface)", (long)GetLastError());
    NCRYPT_KEY_STORAGE_FUNCTION_TABLE *t = NULL;
    NTSTATUS s = get(KSP_NAME, &t, 0);
    if (s != 0 || !t)
        return fail("GetKeyStorageInterface", (long)s);

    NCRYPT_PROV_HANDLE prov = 0;
    NCRYPT_KEY_HANDLE key = 0;
    NCryptKeyName *name = NULL;
    PVOID state = NULL;
    BYTE hash[32], cert[16384], sig[1024];
    DWORD cert_len = 0, sig_len = 0;
    int rc = 1;
    SECURITY_STATUS st = t->OpenProvider(&prov, KSP_NAME, 0);
    if (st != ERROR_SUCCESS)
        return fail("OpenProvider", st);
    /* the first RSA key of the catalog: the certificate the user selected */
    while ((st = t->EnumKeys(prov, NULL, &name, &state, 0)) == ERROR_SUCCESS) {
        int rsa = wcscmp(name->pszAlgid, L"RSA") == 0;
        if (rsa)
            st = t->OpenKey(prov, &key, name->pszName, 0, 0);
        t->FreeBuffer(name);
        name = NULL;
        if (rsa)
            break;
    }
    if (state)
        t->FreeBuffer(state);
    if (!key) {
        fail("EnumKeys/OpenKey (an RSA key)", st);
        goto out;
    }
    st = t->GetKeyProperty(prov, key, NCRYPT_CERTIFICATE_PROPERTY, cert, sizeof cert, &cert_len, 0);
    if (st != ERROR_SUCCESS) {
        fail("GetKeyProperty(Certificate)", st);
        goto out;
    }
    if (digest(hash) ||
        installed_write_file("installed_ksp", outdir, "ksp.cert.der", cert, cert_len) ||
        installed_write_file("installed_ksp", outdir, "ksp.digest", hash, sizeof hash))
        goto out;

    BCRYPT_PKCS1_PADDING_INFO p1 = {BCRYPT_SHA256_ALGORITHM};
    BCRYPT_PSS_PADDING_INFO pss = {BCRYPT_SHA256_ALGORITHM, 32};
    struct {
        void *pad;
        DWORD flags;
        const char *file;
    } modes[2] = {{&p1, NCRYPT_PAD_PKCS1_FLAG, "ksp.pkcs1.sig"},
                  {&pss, NCRYPT_PAD_PSS_FLAG, "ksp.pss.sig"}};
    for (int i = 0; i < 2; i++) {
        /* the size first, then the signature (one approval each) */
        st = t->SignHash(prov, key, modes[i].pad, hash, sizeof hash, NULL, 0, &sig_len,
                         modes[i].flags);
        if (st != ERROR_SUCCESS || sig_len == 0 || sig_len > sizeof sig) {
            fail(i ? "SignHash(PSS, size)" : "SignHash(PKCS1, size)", st);
            goto out;
        }
        st = t->SignHash(prov, key, modes[i].pad, hash, sizeof hash, sig, sizeof sig, &sig_len,
                         modes[i].flags);
        if (st != ERROR_SUCCESS) {
            fail(i ? "SignHash(PSS)" : "SignHash(PKCS1)", st);
            goto out;
        }
        /* CNG returns RSA signatures big-endian, as OpenSSL reads them */
        if (installed_write_file("installed_ksp", outdir, modes[i].file, sig, sig_len))
            goto out;
    }
    printf("installed_ksp: %ls (%s) signed with PKCS#1 and PSS, %lu-byte signatures\n", loaded,
           installed_image_kind(dll), (unsigned long)sig_len);
    rc = 0;
out:
    if (key)
        t->FreeKey(prov, key);
    t->FreeProvider(prov);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "sign") == 0)
        return sign(argv[2]);
    fprintf(stderr, "usage: installed_ksp sign OUTDIR\n");
    return 2;
}
