/* installed_csp: what an ordinary CryptoAPI application does with the CSP the
 * MSI installed, linked against advapi32 and crypt32 only (nothing of ours), so
 * the provider it reaches is the one registered in the registry - for a 32-bit
 * build, in the 32-bit registry view, loaded from SysWOW64.
 *
 *   installed_csp sign OUTDIR   acquire by the provider's name (verify-only,
 *                               then the selected key), check PP_NAME, read
 *                               the certificate, hash and sign a document;
 *                               writes OUTDIR\csp.{cert.der,digest,sig} (sig
 *                               big-endian) for OpenSSL to verify
 *   installed_csp cms OUTDIR    a document signed as applications do, with
 *                               crypt32's CryptSignMessage (detached, SHA-256)
 *                               and the certificate's key named by its
 *                               CERT_KEY_PROV_INFO; writes OUTDIR\cms.{p7s,txt}
 *   installed_csp absent        the provider must be gone: acquiring by its
 *                               name fails
 *
 * Exit 0 on success; every failure names the call and the Windows code. */
#include <windows.h>
#include <wincrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installed_util.h"

#define CSP_NAME "CRPKI Remote Signing Cryptographic Provider"

static const char DOCUMENT[] = "Installed CSP test document: 商業登記電子証明書\n";

static int fail(const char *call)
{
    fprintf(stderr, "installed_csp: %s failed: 0x%08lx\n", call, (unsigned long)GetLastError());
    return 1;
}

static int check_name(HCRYPTPROV prov)
{
    char name[256];
    DWORD n = sizeof name;
    if (!CryptGetProvParam(prov, PP_NAME, (BYTE *)name, &n, 0))
        return fail("CryptGetProvParam(PP_NAME)");
    if (strcmp(name, CSP_NAME) != 0) {
        fprintf(stderr, "installed_csp: PP_NAME is '%s'\n", name);
        return 1;
    }
    return 0;
}

static int sign(const char *outdir)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    HCRYPTHASH hash = 0;
    BYTE cert[16384], digest[64], sig[1024];
    DWORD cert_len = sizeof cert, digest_len = sizeof digest, sig_len = 0;
    int rc = 1;

    /* Verify-only context first: hashing apps open one without a key. */
    if (!CryptAcquireContextA(&prov, NULL, CSP_NAME, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT))
        return fail("CryptAcquireContext(CRYPT_VERIFYCONTEXT)");
    rc = check_name(prov);
    CryptReleaseContext(prov, 0);
    if (rc)
        return rc;
    rc = 1;

    /* NULL container: the certificate the administrator selected. */
    if (!CryptAcquireContextA(&prov, NULL, CSP_NAME, PROV_RSA_FULL, 0))
        return fail("CryptAcquireContext(NULL container)");
    if (check_name(prov))
        goto out;
    if (!CryptGetUserKey(prov, AT_SIGNATURE, &key)) {
        fail("CryptGetUserKey(AT_SIGNATURE)");
        goto out;
    }
    if (!CryptGetKeyParam(key, KP_CERTIFICATE, cert, &cert_len, 0)) {
        fail("CryptGetKeyParam(KP_CERTIFICATE)");
        goto out;
    }
    if (!CryptCreateHash(prov, CALG_SHA_256, 0, 0, &hash)) {
        fail("CryptCreateHash(CALG_SHA_256)");
        goto out;
    }
    if (!CryptHashData(hash, (const BYTE *)DOCUMENT, (DWORD)strlen(DOCUMENT), 0)) {
        fail("CryptHashData");
        goto out;
    }
    if (!CryptGetHashParam(hash, HP_HASHVAL, digest, &digest_len, 0)) {
        fail("CryptGetHashParam(HP_HASHVAL)");
        goto out;
    }
    /* Size query (answered offline), then the signature: one approval. */
    if (!CryptSignHashA(hash, AT_SIGNATURE, NULL, 0, NULL, &sig_len)) {
        fail("CryptSignHash(size query)");
        goto out;
    }
    if (sig_len == 0 || sig_len > sizeof sig) {
        fprintf(stderr, "installed_csp: CryptSignHash size query gave %lu\n",
                (unsigned long)sig_len);
        goto out;
    }
    if (!CryptSignHashA(hash, AT_SIGNATURE, NULL, 0, sig, &sig_len)) {
        fail("CryptSignHash");
        goto out;
    }
    /* The provider verifies locally too (little-endian, as returned). */
    if (!CryptVerifySignatureA(hash, sig, sig_len, key, NULL, 0)) {
        fail("CryptVerifySignature");
        goto out;
    }
    /* CryptoAPI returns RSA signatures little-endian; OpenSSL wants them
       big-endian. */
    for (DWORD i = 0; i < sig_len / 2; i++) {
        BYTE t = sig[i];
        sig[i] = sig[sig_len - 1 - i];
        sig[sig_len - 1 - i] = t;
    }
    if (installed_write_file("installed_csp", outdir, "csp.cert.der", cert, cert_len) ||
        installed_write_file("installed_csp", outdir, "csp.digest", digest, digest_len) ||
        installed_write_file("installed_csp", outdir, "csp.sig", sig, sig_len))
        goto out;
    printf("installed_csp: signed %lu bytes of SHA-256 digest, %lu-byte signature\n",
           (unsigned long)digest_len, (unsigned long)sig_len);
    rc = 0;
out:
    if (hash)
        CryptDestroyHash(hash);
    if (key)
        CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    return rc;
}

static int cms(const char *outdir)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    PCCERT_CONTEXT cert = NULL;
    BYTE der[16384], *p7s = NULL;
    char container[256];
    WCHAR wcontainer[256];
    DWORD der_len = sizeof der, n = sizeof container, p7s_len = 0;
    int rc = 1;

    if (!CryptAcquireContextA(&prov, NULL, CSP_NAME, PROV_RSA_FULL, 0))
        return fail("CryptAcquireContext(NULL container)");
    if (!CryptGetProvParam(prov, PP_CONTAINER, (BYTE *)container, &n, 0)) {
        fail("CryptGetProvParam(PP_CONTAINER)");
        goto out;
    }
    if (!CryptGetUserKey(prov, AT_SIGNATURE, &key)) {
        fail("CryptGetUserKey(AT_SIGNATURE)");
        goto out;
    }
    if (!CryptGetKeyParam(key, KP_CERTIFICATE, der, &der_len, 0)) {
        fail("CryptGetKeyParam(KP_CERTIFICATE)");
        goto out;
    }
    cert = CertCreateCertificateContext(X509_ASN_ENCODING, der, der_len);
    if (!cert) {
        fail("CertCreateCertificateContext");
        goto out;
    }
    MultiByteToWideChar(CP_ACP, 0, container, -1, wcontainer, 256);
    CRYPT_KEY_PROV_INFO info = {0};
    info.pwszContainerName = wcontainer;
    info.pwszProvName = (LPWSTR)L"" CSP_NAME;
    info.dwProvType = PROV_RSA_FULL;
    info.dwKeySpec = AT_SIGNATURE;
    if (!CertSetCertificateContextProperty(cert, CERT_KEY_PROV_INFO_PROP_ID, 0, &info)) {
        fail("CertSetCertificateContextProperty(CERT_KEY_PROV_INFO_PROP_ID)");
        goto out;
    }
    CRYPT_SIGN_MESSAGE_PARA para = {0};
    para.cbSize = sizeof para;
    para.dwMsgEncodingType = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;
    para.pSigningCert = cert;
    para.HashAlgorithm.pszObjId = (LPSTR)szOID_NIST_sha256;
    para.cMsgCert = 1;
    para.rgpMsgCert = &cert;
    const BYTE *data[1] = {(const BYTE *)DOCUMENT};
    DWORD sizes[1] = {(DWORD)strlen(DOCUMENT)};
    /* as applications do: the size, then the message (crypt32 signs twice;
       the provider answers the second from its cache: one approval) */
    if (!CryptSignMessage(&para, TRUE, 1, data, sizes, NULL, &p7s_len)) {
        fail("CryptSignMessage(size)");
        goto out;
    }
    p7s = malloc(p7s_len);
    if (!p7s || !CryptSignMessage(&para, TRUE, 1, data, sizes, p7s, &p7s_len)) {
        fail("CryptSignMessage");
        goto out;
    }
    if (installed_write_file("installed_csp", outdir, "cms.p7s", p7s, p7s_len) ||
        installed_write_file("installed_csp", outdir, "cms.txt", (const BYTE *)DOCUMENT, sizes[0]))
        goto out;
    HMODULE csp = GetModuleHandleA("crpkicsp.dll");
    printf("installed_csp: CryptSignMessage made a %lu-byte CMS (%s)\n", (unsigned long)p7s_len,
           csp ? installed_image_kind(csp) : "crpkicsp.dll not loaded?");
    rc = 0;
out:
    free(p7s);
    if (cert)
        CertFreeCertificateContext(cert);
    if (key)
        CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    return rc;
}

static int absent(void)
{
    HCRYPTPROV prov = 0;
    if (CryptAcquireContextA(&prov, NULL, CSP_NAME, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)) {
        CryptReleaseContext(prov, 0);
        fprintf(stderr, "installed_csp: '%s' can still be acquired after uninstall\n", CSP_NAME);
        return 1;
    }
    printf("installed_csp: provider gone (CryptAcquireContext: 0x%08lx)\n",
           (unsigned long)GetLastError());
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "sign") == 0)
        return sign(argv[2]);
    if (argc == 3 && strcmp(argv[1], "cms") == 0)
        return cms(argv[2]);
    if (argc == 2 && strcmp(argv[1], "absent") == 0)
        return absent();
    fprintf(stderr, "usage: installed_csp sign OUTDIR | cms OUTDIR | absent\n");
    return 2;
}
