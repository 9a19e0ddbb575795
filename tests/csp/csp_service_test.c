/* crpkicsp.dll against crpki-rsspd under Wine (crpki_service_test: the
 * service, the simulated phone, a logged-in home with user1's credentials).
 *   csp_service_test MODE PATH-TO-crpkicsp.dll
 * MODE:
 *   advapi   every RSA key of user1 x SHA-1/256/384/512 through CryptSignHash
 *            (size query first), the HP_HASHVAL path, CryptVerifySignature with
 *            the user key and an imported PUBLICKEYBLOB, every PP_ parameter,
 *            the certificates (PP_USER_CERTSTORE, PP_ROOT_CERTSTORE =
 *            the registrar CA, KP_CERTIFICATE); .sig artifacts for OpenSSL;
 *            one approval per signature
 *   crypt32  CryptSignMessage detached and attached, each with the size query
 *            first, with the certificate in CurrentUser\MY naming this CSP;
 *            .p7s artifacts for openssl cms; ONE approval per document
 *   outcomes approve, deny (NTE_PERM), expiry (ERROR_TIMEOUT; the service runs
 *            with --approval-ttl 2), silent (NTE_SILENT_CONTEXT, no approval)
 *   deadline the caller's time limit (approval_timeout_s = 3 s): ERROR_TIMEOUT
 *   offline  the service is stopped: load, acquire, certificates, containers,
 *            hashing work; a signature fails with a clear code, logged, within
 *            the deadline
 *   cancel   approval_ui dialog under Xvfb, the phone never answers: another
 *            thread finds the approval dialog, checks it shows the code the
 *            service issued and sits over the application's window, clicks
 *            キャンセル; CryptSignHash fails with SCARD_W_CANCELLED_BY_USER
 *            within 2 s and the dialog is gone. Twice: the parent window
 *            given with CryptSetProvParam(PP_CLIENT_HWND), then through
 *            advapi32's FuncReturnhWnd
 *   threads  4 threads sign different documents at the same moment (two
 *            share one context and its key, two have their own) while the
 *            phone approves each request after 300 ms: every signature
 *            succeeds, verifies with CryptVerifySignature in its thread, and
 *            with OpenSSL (artifacts); exactly 4 approval requests */
#include <windows.h>
#include <wincrypt.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cspt.h"
#include "svctest.h"
#include "core/ui/ui_internal.h"

static int g_checks;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

#define CK(cond, ...)                                                                              \
    do {                                                                                           \
        g_checks++;                                                                                \
        if (!(cond))                                                                               \
            die(__VA_ARGS__);                                                                      \
    } while (0)
#define OK(call) CK((call), "%s failed: 0x%08lx", #call, (unsigned long)GetLastError())
#define FAILS_WITH(call, code)                                                                     \
    do {                                                                                           \
        SetLastError(0xdeadbeefu);                                                                 \
        BOOL ok_ = (call);                                                                         \
        DWORD e_ = GetLastError();                                                                 \
        CK(!ok_ && e_ == (DWORD)(code), "%s: returned %d error 0x%08lx, expected 0x%08lx (%s)",    \
           #call, (int)ok_, (unsigned long)e_, (unsigned long)(DWORD)(code), #code);               \
    } while (0)

static HCRYPTPROV acquire(const wchar_t *container, DWORD flags)
{
    HCRYPTPROV p = 0;
    if (!CryptAcquireContextW(&p, container, CSPT_PROV, PROV_RSA_FULL, flags))
        die("CryptAcquireContextW(%ls, 0x%lx): 0x%08lx", container ? container : L"(null)",
            (unsigned long)flags, (unsigned long)GetLastError());
    return p;
}

/* The RSA containers the CSP enumerates (user1: the RSA-2048 and RSA-3072
 * keys; the P-256 key belongs to the KSP). */
static int list_containers(char names[][128], int max)
{
    HCRYPTPROV p = acquire(NULL, CRYPT_VERIFYCONTEXT);
    DWORD n = 0, flag = CRYPT_FIRST;
    OK(CryptGetProvParam(p, PP_ENUMCONTAINERS, NULL, &n, CRYPT_FIRST));
    CK(n > 1 && n <= 128, "PP_ENUMCONTAINERS size query: %lu", (unsigned long)n);
    int count = 0;
    for (;;) {
        char buf[128];
        n = sizeof(buf);
        if (!CryptGetProvParam(p, PP_ENUMCONTAINERS, (BYTE *)buf, &n, flag)) {
            CK(GetLastError() == ERROR_NO_MORE_ITEMS, "PP_ENUMCONTAINERS: 0x%08lx",
               (unsigned long)GetLastError());
            break;
        }
        flag = 0;
        CK(count < max, "too many containers");
        snprintf(names[count++], 128, "%s", buf);
    }
    OK(CryptReleaseContext(p, 0));
    return count;
}

static DWORD key_bits(HCRYPTPROV p)
{
    HCRYPTKEY k;
    DWORD bits = 0, n = sizeof(bits);
    OK(CryptGetUserKey(p, AT_SIGNATURE, &k));
    OK(CryptGetKeyParam(k, KP_KEYLEN, (BYTE *)&bits, &n, 0));
    OK(CryptDestroyKey(k));
    return bits;
}

static BYTE *user_cert(HCRYPTPROV p, DWORD *len)
{
    HCRYPTKEY k;
    OK(CryptGetUserKey(p, AT_SIGNATURE, &k));
    *len = 0;
    OK(CryptGetKeyParam(k, KP_CERTIFICATE, NULL, len, 0));
    BYTE *der = malloc(*len);
    OK(CryptGetKeyParam(k, KP_CERTIFICATE, der, len, 0));
    OK(CryptDestroyKey(k));
    return der;
}

static const char *ossl_digest(ALG_ID alg)
{
    switch (alg) {
    case CALG_SHA1:
        return "sha1";
    case CALG_SHA_256:
        return "sha256";
    case CALG_SHA_384:
        return "sha384";
    default:
        return "sha512";
    }
}

/* Signs the hash h with p's key (size query first); checks it verifies with
 * the user key and with the key imported from its PUBLICKEYBLOB into a
 * verification context; leaves NAME.sig/.digest/.pkeyopt/.cert.pem. */
static void sign_and_check(HCRYPTPROV p, HCRYPTHASH h, ALG_ID alg, const char *name)
{
    DWORD bits = key_bits(p), n = 0;
    int approvals = svctest_phone_log_count();
    OK(CryptSignHashW(h, AT_SIGNATURE, NULL, 0, NULL, &n));
    CK(n == bits / 8, "%s: size query %lu for %lu bits", name, (unsigned long)n,
       (unsigned long)bits);
    BYTE small[8];
    DWORD sn = sizeof(small);
    FAILS_WITH(CryptSignHashW(h, AT_SIGNATURE, NULL, 0, small, &sn), ERROR_MORE_DATA);
    CK(sn == n, "short buffer size %lu", (unsigned long)sn);
    CK(svctest_phone_log_count() == approvals, "%s: the size rules asked for approval", name);
    BYTE sig[512];
    n = sizeof(sig);
    OK(CryptSignHashW(h, AT_SIGNATURE, NULL, 0, sig, &n));
    CK(n == bits / 8, "%s: signature of %lu bytes", name, (unsigned long)n);
    CK(svctest_phone_log_count() == approvals + 1, "%s: %d approvals for one signature", name,
       svctest_phone_log_count() - approvals);
    BYTE digest[64];
    DWORD dn = sizeof(digest);
    OK(CryptGetHashParam(h, HP_HASHVAL, digest, &dn, 0));
    /* locally, with the user key */
    HCRYPTKEY uk;
    OK(CryptGetUserKey(p, AT_SIGNATURE, &uk));
    OK(CryptVerifySignatureW(h, sig, n, uk, NULL, 0));
    /* with the exported public key imported into a verification context */
    BYTE blob[1024];
    DWORD bn = sizeof(blob);
    OK(CryptExportKey(uk, 0, PUBLICKEYBLOB, 0, blob, &bn));
    OK(CryptDestroyKey(uk));
    HCRYPTPROV v = acquire(NULL, CRYPT_VERIFYCONTEXT);
    HCRYPTKEY ik;
    HCRYPTHASH vh;
    OK(CryptImportKey(v, blob, bn, 0, 0, &ik));
    OK(CryptCreateHash(v, alg, 0, 0, &vh));
    OK(CryptSetHashParam(vh, HP_HASHVAL, digest, 0));
    OK(CryptVerifySignatureW(vh, sig, n, ik, NULL, 0));
    sig[n / 2] ^= 0x40;
    FAILS_WITH(CryptVerifySignatureW(vh, sig, n, ik, NULL, 0), NTE_BAD_SIGNATURE);
    sig[n / 2] ^= 0x40;
    OK(CryptDestroyHash(vh));
    OK(CryptDestroyKey(ik));
    OK(CryptReleaseContext(v, 0));
    /* for OpenSSL: big-endian */
    cspt_reverse(sig, n);
    char opt[64];
    snprintf(opt, sizeof(opt), "digest:%s\n", ossl_digest(alg));
    DWORD cl;
    BYTE *cert = user_cert(p, &cl);
    svctest_write_sig(name, cert, cl, digest, dn, sig, n, opt);
    free(cert);
}

static DWORD get_dword(HCRYPTPROV p, DWORD param)
{
    DWORD v = 0, n = sizeof(v);
    OK(CryptGetProvParam(p, param, (BYTE *)&v, &n, 0));
    return v;
}

/* The registrar CA of the service, DER. */
static BYTE *registrar_ca(DWORD *len)
{
    char path[MAX_PATH];
    snprintf(path, sizeof(path), "%s\\pki\\registrar-ca.pem", svctest_env("CRPKI_TEST_SIMDIR"));
    uint8_t *pem;
    size_t pl;
    CK(svctest_read_file(path, &pem, &pl) == 0, "cannot read %s", path);
    *len = 0;
    OK(CryptStringToBinaryA((const char *)pem, (DWORD)pl, CRYPT_STRING_BASE64HEADER, NULL, len,
                            NULL, NULL));
    BYTE *der = malloc(*len);
    OK(CryptStringToBinaryA((const char *)pem, (DWORD)pl, CRYPT_STRING_BASE64HEADER, der, len, NULL,
                            NULL));
    free(pem);
    return der;
}

static int store_has(HCERTSTORE s, const BYTE *der, DWORD len, int *total)
{
    int found = 0;
    *total = 0;
    PCCERT_CONTEXT c = NULL;
    while ((c = CertEnumCertificatesInStore(s, c)) != NULL) {
        (*total)++;
        if (c->cbCertEncoded == len && memcmp(c->pbCertEncoded, der, len) == 0)
            found = 1;
    }
    return found;
}

static void check_certificates(HCRYPTPROV p)
{
    DWORD ul, cal, n;
    int total;
    BYTE *user = user_cert(p, &ul), *ca = registrar_ca(&cal);
    HCERTSTORE s = NULL;
    n = sizeof(s);
    OK(CryptGetProvParam(p, PP_USER_CERTSTORE, (BYTE *)&s, &n, 0));
    CK(store_has(s, user, ul, &total), "PP_USER_CERTSTORE lacks the user certificate");
    CK(store_has(s, ca, cal, &total), "PP_USER_CERTSTORE lacks the registrar CA");
    PCCERT_CONTEXT c =
        CertFindCertificateInStore(s, X509_ASN_ENCODING, 0, CERT_FIND_ANY, NULL, NULL);
    CK(c != NULL, "empty store");
    CertFreeCertificateContext(c);
    CertCloseStore(s, 0);
    n = sizeof(s);
    OK(CryptGetProvParam(p, PP_ROOT_CERTSTORE, (BYTE *)&s, &n, 0));
    CK(store_has(s, ca, cal, &total) && total == 1,
       "PP_ROOT_CERTSTORE holds %d certificates, the registrar CA %s", total, "expected alone");
    CertCloseStore(s, 0);
    free(user);
    free(ca);
}

static void check_prov_params(HCRYPTPROV p, const char *container)
{
    char buf[256];
    DWORD n = sizeof(buf);
    OK(CryptGetProvParam(p, PP_NAME, (BYTE *)buf, &n, 0));
    CK(strcmp(buf, CSPT_PROV_A) == 0, "PP_NAME %s", buf);
    CK(get_dword(p, PP_VERSION) == 0x100, "PP_VERSION");
    CK(get_dword(p, PP_IMPTYPE) == CRYPT_IMPL_MIXED, "PP_IMPTYPE");
    CK(get_dword(p, PP_PROVTYPE) == PROV_RSA_FULL, "PP_PROVTYPE");
    CK(get_dword(p, PP_KEYSPEC) == AT_SIGNATURE, "PP_KEYSPEC");
    n = sizeof(buf);
    OK(CryptGetProvParam(p, PP_CONTAINER, (BYTE *)buf, &n, 0));
    CK(strcmp(buf, container) == 0, "PP_CONTAINER %s, expected %s", buf, container);
    n = sizeof(buf);
    OK(CryptGetProvParam(p, PP_UNIQUE_CONTAINER, (BYTE *)buf, &n, 0));
    CK(strcmp(buf, container) == 0, "PP_UNIQUE_CONTAINER %s", buf);
    PROV_ENUMALGS_EX ax;
    int algs = 0;
    for (DWORD flag = CRYPT_FIRST;; flag = 0) {
        n = sizeof(ax);
        if (!CryptGetProvParam(p, PP_ENUMALGS_EX, (BYTE *)&ax, &n, flag))
            break;
        algs++;
    }
    CK(algs == 7 && GetLastError() == ERROR_NO_MORE_ITEMS, "PP_ENUMALGS_EX: %d", algs);
    PROV_ENUMALGS a;
    algs = 0;
    for (DWORD flag = CRYPT_FIRST;; flag = 0) {
        n = sizeof(a);
        if (!CryptGetProvParam(p, PP_ENUMALGS, (BYTE *)&a, &n, flag))
            break;
        if (a.aiAlgid == CALG_RSA_SIGN)
            CK(a.dwBitLen == key_bits(p), "PP_ENUMALGS RSA_SIGN %lu bits",
               (unsigned long)a.dwBitLen);
        algs++;
    }
    CK(algs == 7, "PP_ENUMALGS: %d", algs);
}

static HCRYPTHASH hash_text(HCRYPTPROV p, ALG_ID alg, const char *text)
{
    HCRYPTHASH h;
    OK(CryptCreateHash(p, alg, 0, 0, &h));
    OK(CryptHashData(h, (const BYTE *)text, (DWORD)strlen(text), 0));
    return h;
}

static void mode_advapi(void)
{
    static const ALG_ID ALGS[] = {CALG_SHA_256, CALG_SHA_384, CALG_SHA_512};
    static const char *const ANAMES[] = {"sha256", "sha384", "sha512"};
    char names[8][128];
    int nc = list_containers(names, 8), saw2048 = 0, saw3072 = 0, sigs = 0;
    CK(nc == 2, "%d RSA containers, expected user1's RSA-2048 and RSA-3072", nc);
    svctest_phone("approve 0");
    /* no container: the administrator's choice, RSA-2048 */
    HCRYPTPROV d = acquire(NULL, 0);
    CK(key_bits(d) == 2048, "the default container is not the RSA-2048 key");
    OK(CryptReleaseContext(d, 0));
    for (int c = 0; c < nc; c++) {
        wchar_t wname[128];
        MultiByteToWideChar(CP_UTF8, 0, names[c], -1, wname, 128);
        HCRYPTPROV p = acquire(wname, 0);
        DWORD bits = key_bits(p);
        saw2048 |= bits == 2048;
        saw3072 |= bits == 3072;
        check_prov_params(p, names[c]);
        check_certificates(p);
        for (size_t i = 0; i < sizeof(ALGS) / sizeof(ALGS[0]); i++) {
            char text[200], name[64];
            snprintf(text, sizeof(text), "document %s signed with %s", ANAMES[i], names[c]);
            snprintf(name, sizeof(name), "rsa%lu_%s", (unsigned long)bits, ANAMES[i]);
            HCRYPTHASH h = hash_text(p, ALGS[i], text);
            sign_and_check(p, h, ALGS[i], name);
            sigs++;
            OK(CryptDestroyHash(h));
        }
        /* HP_HASHVAL: hashed elsewhere (a verification context), signed here */
        HCRYPTPROV v = acquire(NULL, CRYPT_VERIFYCONTEXT);
        HCRYPTHASH vh = hash_text(v, CALG_SHA_256, names[c]), h;
        BYTE digest[32];
        DWORD dn = sizeof(digest);
        OK(CryptGetHashParam(vh, HP_HASHVAL, digest, &dn, 0));
        OK(CryptCreateHash(p, CALG_SHA_256, 0, 0, &h));
        OK(CryptSetHashParam(h, HP_HASHVAL, digest, 0));
        char name[64];
        snprintf(name, sizeof(name), "rsa%lu_hashval", (unsigned long)bits);
        sign_and_check(p, h, CALG_SHA_256, name);
        sigs++;
        FAILS_WITH(CryptHashData(h, (const BYTE *)"x", 1, 0), NTE_BAD_HASH_STATE);
        OK(CryptDestroyHash(h));
        OK(CryptDestroyHash(vh));
        OK(CryptReleaseContext(v, 0));
        /* refused before the service is asked */
        int before = svctest_phone_log_count();
        DWORD n = 512;
        BYTE sig[512];
        h = hash_text(p, CALG_MD5, "md5");
        FAILS_WITH(CryptSignHashW(h, AT_SIGNATURE, NULL, 0, sig, &n), NTE_BAD_ALGID);
        OK(CryptDestroyHash(h));
        h = hash_text(p, CALG_SHA1, "sha1"); /* hashed, never signed */
        FAILS_WITH(CryptSignHashW(h, AT_SIGNATURE, NULL, 0, sig, &n), NTE_BAD_ALGID);
        OK(CryptDestroyHash(h));
        h = hash_text(p, CALG_SHA_256, "nohashoid");
        FAILS_WITH(CryptSignHashW(h, AT_SIGNATURE, NULL, CRYPT_NOHASHOID, sig, &n), NTE_BAD_FLAGS);
        FAILS_WITH(CryptSignHashW(h, AT_KEYEXCHANGE, NULL, 0, sig, &n), NTE_NO_KEY);
        OK(CryptDestroyHash(h));
        CK(svctest_phone_log_count() == before, "a refused signature reached the service");
        BYTE rnd[16];
        OK(CryptGenRandom(p, sizeof(rnd), rnd));
        OK(CryptReleaseContext(p, 0));
    }
    CK(saw2048 && saw3072, "RSA-2048 %d, RSA-3072 %d", saw2048, saw3072);
    /* the description names this program and what the application says it
     * signs (CryptSignHash's szDescription) */
    char desc[256];
    CK(svctest_phone_log_last(desc, sizeof(desc)) == 0 && strstr(desc, "csp_service_test"),
       "the approval description is '%s'", desc);
    HCRYPTPROV p = acquire(NULL, 0);
    HCRYPTHASH h = hash_text(p, CALG_SHA_256, "invoice");
    BYTE sig[512];
    DWORD n = sizeof(sig);
    OK(CryptSignHashW(h, AT_SIGNATURE, L"\u8acb\u6c42\u66f8 42.pdf", 0, sig, &n));
    CK(svctest_phone_log_last(desc, sizeof(desc)) == 0 && strstr(desc, "csp_service_test") &&
           strstr(desc, "\xe8\xab\x8b\xe6\xb1\x82\xe6\x9b\xb8 42.pdf"),
       "the approval description is '%s'", desc);
    OK(CryptDestroyHash(h));
    OK(CryptReleaseContext(p, 0));
    svctest_expect_artifacts((unsigned)sigs);
    printf("csp advapi: %d signatures, %d checks\n", sigs, g_checks);
}

/* ---- crypt32 ---- */

static PCCERT_CONTEXT cert_in_my_store(HCERTSTORE *my, const char *container)
{
    HCRYPTPROV p = acquire(NULL, 0);
    DWORD len;
    BYTE *der = user_cert(p, &len);
    OK(CryptReleaseContext(p, 0));
    *my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"MY");
    CK(*my != NULL, "CertOpenStore(MY): 0x%08lx", (unsigned long)GetLastError());
    PCCERT_CONTEXT c = NULL;
    OK(CertAddEncodedCertificateToStore(*my, X509_ASN_ENCODING, der, len,
                                        CERT_STORE_ADD_REPLACE_EXISTING, &c));
    wchar_t wcont[128];
    MultiByteToWideChar(CP_UTF8, 0, container, -1, wcont, 128);
    CRYPT_KEY_PROV_INFO info = {0};
    info.pwszContainerName = wcont;
    info.pwszProvName = CSPT_PROV;
    info.dwProvType = PROV_RSA_FULL;
    info.dwKeySpec = AT_SIGNATURE;
    OK(CertSetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, 0, &info));
    free(der);
    return c;
}

/* How often the session answered from its signature cache (crpki.log). */
static int cache_hits(void)
{
    char *path = svctest_path(svctest_env("CRPKI_HOME"), "crpki.log");
    uint8_t *log;
    size_t len;
    int n = 0;
    if (svctest_read_file(path, &log, &len) == 0) {
        for (const char *p = (const char *)log; (p = strstr(p, "from the cache")) != NULL; p++)
            n++;
        free(log);
    }
    free(path);
    return n;
}

static void sign_message(PCCERT_CONTEXT cert, BOOL detached, const char *name, const char *text)
{
    CRYPT_SIGN_MESSAGE_PARA para = {0};
    para.cbSize = sizeof(para);
    para.dwMsgEncodingType = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;
    para.pSigningCert = cert;
    para.HashAlgorithm.pszObjId = szOID_NIST_sha256;
    para.cMsgCert = 1;
    para.rgpMsgCert = &cert;
    const BYTE *data[1] = {(const BYTE *)text};
    DWORD sizes[1] = {(DWORD)strlen(text)}, n = 0;
    int before = svctest_phone_log_count(), hits = cache_hits();
    /* as applications do: the size first, then the message */
    OK(CryptSignMessage(&para, detached, 1, data, sizes, NULL, &n));
    BYTE *out = malloc(n);
    OK(CryptSignMessage(&para, detached, 1, data, sizes, out, &n));
    int approvals = svctest_phone_log_count() - before;
    CK(approvals == 1, "%s: %d approvals for one document", name, approvals);
    /* crypt32 built the message twice, so CPSignHash signed twice: the
     * second signature came from the session's cache */
    CK(cache_hits() > hits, "%s: the second signature did not come from the cache", name);
    svctest_write_artifact(name, "p7s", out, n);
    if (detached)
        svctest_write_artifact(name, "content", text, strlen(text));
    free(out);
}

static void mode_crypt32(void)
{
    svctest_phone("approve 0");
    HCRYPTPROV p = acquire(NULL, 0);
    char container[128];
    DWORD n = sizeof(container);
    OK(CryptGetProvParam(p, PP_CONTAINER, (BYTE *)container, &n, 0));
    OK(CryptReleaseContext(p, 0));
    HCERTSTORE my;
    PCCERT_CONTEXT cert = cert_in_my_store(&my, container);
    sign_message(cert, TRUE, "detached", "商業登記 detached document\n");
    sign_message(cert, FALSE, "attached", "商業登記 attached document\n");
    /* another document is another approval (the cache holds digests) */
    sign_message(cert, TRUE, "detached_other", "another document\n");
    svctest_expect_artifacts(3);
    CertFreeCertificateContext(cert);
    CertCloseStore(my, 0);
    printf("csp crypt32: 3 documents, %d checks\n", g_checks);
}

/* ---- approval outcomes ---- */

static DWORD sign_once(HCRYPTPROV p, const char *text, DWORD *ms)
{
    HCRYPTHASH h = hash_text(p, CALG_SHA_256, text);
    BYTE sig[512];
    DWORD n = sizeof(sig), start = GetTickCount(), err = 0;
    if (!CryptSignHashW(h, AT_SIGNATURE, NULL, 0, sig, &n))
        err = GetLastError();
    *ms = GetTickCount() - start;
    OK(CryptDestroyHash(h));
    return err;
}

static void mode_outcomes(void)
{
    HCRYPTPROV p = acquire(NULL, 0);
    DWORD ms, e;
    int before;
    svctest_phone("approve 0");
    before = svctest_phone_log_count();
    e = sign_once(p, "approved", &ms);
    CK(e == 0, "approve: 0x%08lx", (unsigned long)e);
    CK(svctest_phone_log_count() == before + 1, "approve: one approval");
    svctest_phone("deny 0");
    e = sign_once(p, "denied", &ms);
    CK(e == (DWORD)NTE_PERM, "deny: 0x%08lx, expected NTE_PERM", (unsigned long)e);
    CK(svctest_phone_log_count() == before + 2, "deny: one approval request");
    svctest_phone("ignore");
    e = sign_once(p, "expired", &ms);
    CK(e == (DWORD)HRESULT_FROM_WIN32(ERROR_TIMEOUT),
       "expiry: 0x%08lx, expected HRESULT_FROM_WIN32(ERROR_TIMEOUT)", (unsigned long)e);
    CK(ms < 30000, "expiry took %lu ms (approval TTL 2 s)", (unsigned long)ms);
    OK(CryptReleaseContext(p, 0));
    /* silent: no UI may be shown, so no approval is even requested */
    svctest_phone("approve 0");
    int silent_before = svctest_phone_log_count();
    p = acquire(NULL, CRYPT_SILENT);
    e = sign_once(p, "silent", &ms);
    CK(e == (DWORD)NTE_SILENT_CONTEXT, "silent: 0x%08lx, expected NTE_SILENT_CONTEXT",
       (unsigned long)e);
    CK(svctest_phone_log_count() == silent_before, "silent: the service saw an approval request");
    OK(CryptReleaseContext(p, 0));
    printf("csp outcomes: %d checks\n", g_checks);
}

/* The caller's time limit: the phone never answers, the request would live
 * 120 s, approval_timeout_s (3 s, SETUP_ARGS) ends the wait. (The dialog's
 * キャンセル ends the same wait: mode cancel.) */
static void mode_deadline(void)
{
    svctest_phone("ignore");
    HCRYPTPROV p = acquire(NULL, 0);
    int before = svctest_phone_log_count();
    DWORD ms, e = sign_once(p, "deadline", &ms);
    CK(e == (DWORD)HRESULT_FROM_WIN32(ERROR_TIMEOUT),
       "deadline: 0x%08lx, expected HRESULT_FROM_WIN32(ERROR_TIMEOUT)", (unsigned long)e);
    CK(ms >= 2500 && ms < 15000, "deadline of 3 s ended after %lu ms", (unsigned long)ms);
    CK(svctest_phone_log_count() == before + 1, "deadline: one approval request");
    OK(CryptReleaseContext(p, 0));
    printf("csp deadline: %lu ms, %d checks\n", (unsigned long)ms, g_checks);
}

/* ---- service stopped ---- */

static void mode_offline(void)
{
    char names[8][128];
    int nc = list_containers(names, 8);
    CK(nc == 2, "%d containers without the service", nc);
    HCRYPTPROV p = acquire(NULL, 0);
    check_certificates(p);
    HCRYPTHASH h = hash_text(p, CALG_SHA_256, "abc");
    BYTE v[32], want[32];
    DWORD n = sizeof(v);
    OK(CryptGetHashParam(h, HP_HASHVAL, v, &n, 0));
    cspt_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, 32);
    CK(memcmp(v, want, 32) == 0, "SHA-256 of abc");
    OK(CryptDestroyHash(h));
    n = 0;
    OK(CryptSignHashW(h = hash_text(p, CALG_SHA_256, "size"), AT_SIGNATURE, NULL, 0, NULL, &n));
    CK(n == 256, "size query without the service: %lu", (unsigned long)n);
    OK(CryptDestroyHash(h));
    DWORD ms, e = sign_once(p, "no service", &ms);
    CK(e == (DWORD)HRESULT_FROM_WIN32(ERROR_NETWORK_UNREACHABLE),
       "service down: 0x%08lx, expected HRESULT_FROM_WIN32(ERROR_NETWORK_UNREACHABLE)",
       (unsigned long)e);
    CK(ms < 20000, "service down: %lu ms with a 10 s deadline", (unsigned long)ms);
    OK(CryptReleaseContext(p, 0));
    /* and the reason is in the log */
    char path[MAX_PATH];
    snprintf(path, sizeof(path), "%s\\crpki.log", svctest_env("CRPKI_HOME"));
    uint8_t *log;
    size_t ll;
    CK(svctest_read_file(path, &log, &ll) == 0, "no %s", path);
    CK(strstr((const char *)log, "CPSignHash failed") != NULL, "the failure is not logged");
    free(log);
    printf("csp offline: sign failed in %lu ms, %d checks\n", (unsigned long)ms, g_checks);
}

/* ---- cancel in the approval dialog ---- */

/* What the clicking thread saw and did. */
typedef struct {
    DWORD signer_tid;  /* the thread blocked in CryptSignHash */
    RECT parent;       /* the application's window */
    HWND dialog;       /* found */
    char shown[32];    /* the code in the dialog */
    char logged[32];   /* the code in the phone log */
    RECT rect;         /* the dialog's */
    LONG_PTR exstyle;  /* the dialog's */
    HWND owner;        /* GW_OWNER */
    DWORD dialog_tid;  /* the dialog's thread */
    uint64_t click_ms; /* when キャンセル was clicked (svctest_now_ms) */
} cancel_run;

/* This process's approval dialog (other processes' are not ours to click). */
static HWND find_own_dialog(void)
{
    HWND h = NULL;
    while ((h = FindWindowExW(NULL, h, CRPKI_UI_DIALOG_CLASS, NULL)) != NULL) {
        DWORD pid = 0;
        GetWindowThreadProcessId(h, &pid);
        if (pid == GetCurrentProcessId())
            return h;
    }
    return NULL;
}

static void dlg_text(HWND dlg, int id, char *buf, size_t n)
{
    wchar_t w[256];
    w[0] = 0;
    GetDlgItemTextW(dlg, id, w, 256);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)n, NULL, NULL);
}

/* The clicking thread. A failure ends the process at once: the signing
 * thread would otherwise wait for the approval to expire. */
static DWORD WINAPI click_cancel(void *arg)
{
    cancel_run *r = arg;
    uint64_t t0 = svctest_now_ms();
    HWND button = NULL;
    /* the dialog appears once the service issued the code; it is found by
     * its class as soon as it exists, but shown only once its controls are */
    while (svctest_now_ms() - t0 < 30000) {
        r->dialog = find_own_dialog();
        if (r->dialog && IsWindowVisible(r->dialog) &&
            (button = GetDlgItem(r->dialog, CRPKI_UI_ID_CANCEL)) != NULL)
            break;
        Sleep(20);
    }
    CK(button != NULL, "no visible CrpkiApprovalDialog with キャンセル in this process in 30 s");
    r->dialog_tid = GetWindowThreadProcessId(r->dialog, NULL);
    dlg_text(r->dialog, CRPKI_UI_ID_CODE, r->shown, sizeof(r->shown));
    char line[512] = "";
    while (svctest_phone_log_last_line(line, sizeof(line)) != 0 && svctest_now_ms() - t0 < 35000)
        Sleep(50);
    sscanf(line, "%31s", r->logged);
    GetWindowRect(r->dialog, &r->rect);
    r->exstyle = GetWindowLongPtrW(r->dialog, GWL_EXSTYLE);
    r->owner = GetWindow(r->dialog, GW_OWNER);
    r->click_ms = svctest_now_ms();
    SendMessageW(button, BM_CLICK, 0, 0);
    return 0;
}

/* An application's top-level window on this (the signing) thread, which
 * blocks in CryptSignHash and pumps no messages meanwhile, as a real
 * application's UI thread does. */
static HWND app_window(int x, int y, int w, int h)
{
    static ATOM cls;
    if (!cls) {
        WNDCLASSW wc = {0};
        wc.lpfnWndProc = DefWindowProcW;
        wc.hInstance = GetModuleHandleW(NULL);
        wc.lpszClassName = L"CrpkiCspTestApp";
        cls = RegisterClassW(&wc);
        CK(cls != 0, "RegisterClassW: %lu", (unsigned long)GetLastError());
    }
    HWND hw = CreateWindowExW(0, L"CrpkiCspTestApp", L"signing application", WS_OVERLAPPEDWINDOW, x,
                              y, w, h, NULL, NULL, GetModuleHandleW(NULL), NULL);
    CK(hw != NULL, "CreateWindowExW (is there a display?): %lu", (unsigned long)GetLastError());
    ShowWindow(hw, SW_SHOWNORMAL);
    UpdateWindow(hw);
    return hw;
}

static int centre_x(const RECT *r)
{
    return (r->left + r->right) / 2;
}
static int centre_y(const RECT *r)
{
    return (r->top + r->bottom) / 2;
}

/* One signature cancelled in the dialog; parent is the window the CSP was
 * given (how depends on the caller), placed away from the screen's centre. */
static void sign_and_cancel(HCRYPTPROV p, HWND parent, const char *how)
{
    cancel_run r = {0};
    r.signer_tid = GetCurrentThreadId();
    CK(GetWindowRect(parent, &r.parent), "GetWindowRect(parent)");
    RECT work;
    SystemParametersInfoW(SPI_GETWORKAREA, 0, &work, 0);
    /* else "centred over the parent" could not be told from "centred on the screen" */
    CK(abs(centre_x(&r.parent) - centre_x(&work)) + abs(centre_y(&r.parent) - centre_y(&work)) >
           100,
       "%s: the test's parent window is centred on the screen", how);
    int before = svctest_phone_log_count();
    HANDLE th = CreateThread(NULL, 0, click_cancel, &r, 0, NULL);
    CK(th != NULL, "CreateThread: %lu", (unsigned long)GetLastError());
    HCRYPTHASH h = hash_text(p, CALG_SHA_256, how);
    BYTE sig[512];
    DWORD n = sizeof(sig);
    SetLastError(0);
    BOOL ok = CryptSignHashW(h, AT_SIGNATURE, L"cancelled document", 0, sig, &n);
    DWORD e = GetLastError();
    uint64_t returned = svctest_now_ms();
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    OK(CryptDestroyHash(h));
    CK(!ok && e == (DWORD)SCARD_W_CANCELLED_BY_USER,
       "%s: CryptSignHash returned %d, error 0x%08lx, expected SCARD_W_CANCELLED_BY_USER", how,
       (int)ok, (unsigned long)e);
    CK(returned - r.click_ms < 2000, "%s: CryptSignHash returned %lu ms after the click", how,
       (unsigned long)(returned - r.click_ms));
    CK(svctest_phone_log_count() == before + 1, "%s: %d approval requests, expected 1", how,
       svctest_phone_log_count() - before);
    CK(strlen(r.shown) == 4 && strcmp(r.shown, r.logged) == 0,
       "%s: the dialog shows code '%s', the service issued '%s'", how, r.shown, r.logged);
    CK(r.dialog_tid != r.signer_tid, "%s: the dialog runs on the blocked signing thread", how);
    CK((r.exstyle & WS_EX_TOPMOST) != 0, "%s: the dialog is not topmost", how);
    /* over the application's window: centred on it */
    CK(abs(centre_x(&r.rect) - centre_x(&r.parent)) <= 3 &&
           abs(centre_y(&r.rect) - centre_y(&r.parent)) <= 3,
       "%s: dialog (%ld,%ld)-(%ld,%ld) not centred over the application (%ld,%ld)-(%ld,%ld)", how,
       r.rect.left, r.rect.top, r.rect.right, r.rect.bottom, r.parent.left, r.parent.top,
       r.parent.right, r.parent.bottom);
    CK(!IsWindow(r.dialog) && find_own_dialog() == NULL, "%s: the dialog is still there", how);
    printf("csp cancel (%s): code %s, returned %lu ms after the click, dialog at (%ld,%ld) over "
           "(%ld,%ld)-(%ld,%ld), owner %p\n",
           how, r.shown, (unsigned long)(returned - r.click_ms), r.rect.left, r.rect.top,
           r.parent.left, r.parent.top, r.parent.right, r.parent.bottom, (void *)r.owner);
}

/* advapi32's FuncReturnhWnd returns the window set with
 * CryptSetProvParam(NULL, PP_CLIENT_HWND, &hwnd, 0) (Microsoft's docs).
 * Wine 8 refuses a NULL hProv (ERROR_INVALID_PARAMETER) and instead takes
 * the window itself in pbData when dwFlags has the PP_CLIENT_HWND bit,
 * never passing it to the CSP. */
static void set_global_hwnd(HCRYPTPROV p, HWND hw)
{
    if (CryptSetProvParam(0, PP_CLIENT_HWND, (const BYTE *)&hw, 0))
        return;
    CK(GetLastError() == ERROR_INVALID_HANDLE || GetLastError() == ERROR_INVALID_PARAMETER,
       "CryptSetProvParam(NULL, PP_CLIENT_HWND): 0x%08lx", (unsigned long)GetLastError());
    OK(CryptSetProvParam(p, PP_CLIENT_HWND, (const BYTE *)hw, PP_CLIENT_HWND));
}

/* Under Wine on a bare Xvfb (no window manager) the X11 driver waits up to
 * 2 s for the window manager each time a managed window is hidden
 * (winex11 wait_for_withdrawn_state), which would add 2 s to every close of
 * the dialog that no Windows desktop has. Wine's "Managed"="N" makes its
 * windows unmanaged; it is read when the X11 driver loads, so this runs
 * before the first window of the process. Nothing on Windows. */
static void wine_without_window_manager(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    if (!ntdll || !GetProcAddress(ntdll, "wine_get_version"))
        return;
    HKEY k;
    LONG r = RegCreateKeyExW(HKEY_CURRENT_USER, L"Software\\Wine\\X11 Driver", 0, NULL, 0,
                             KEY_SET_VALUE, NULL, &k, NULL);
    CK(r == ERROR_SUCCESS, "RegCreateKeyExW(Wine X11 Driver): %ld", (long)r);
    r = RegSetValueExW(k, L"Managed", 0, REG_SZ, (const BYTE *)L"N", 2 * sizeof(wchar_t));
    RegCloseKey(k);
    CK(r == ERROR_SUCCESS, "RegSetValueExW(Managed): %ld", (long)r);
}

static void mode_cancel(void)
{
    wine_without_window_manager();
    svctest_phone("ignore");
    RECT work;
    SystemParametersInfoW(SPI_GETWORKAREA, 0, &work, 0);
    int ww = work.right - work.left, wh = work.bottom - work.top;
    /* the application's window in the top-left quarter of the screen */
    HWND app = app_window(work.left + 10, work.top + 10, ww / 2, wh / 2);
    HCRYPTPROV p = acquire(NULL, 0);
    OK(CryptSetProvParam(p, PP_CLIENT_HWND, (const BYTE *)&app, 0));
    sign_and_cancel(p, app, "PP_CLIENT_HWND");
    OK(CryptReleaseContext(p, 0));
    /* another window, bottom-right, known to advapi32 only */
    HWND app2 = app_window(work.left + ww / 2 - 10, work.top + wh / 2 - 10, ww / 2, wh / 2);
    p = acquire(NULL, 0);
    set_global_hwnd(p, app2);
    sign_and_cancel(p, app2, "FuncReturnhWnd");
    OK(CryptReleaseContext(p, 0));
    DestroyWindow(app);
    DestroyWindow(app2);
    printf("csp cancel: %d checks\n", g_checks);
}

/* ---- several threads of one application signing at once ---- */

#define NTHREADS 4
typedef struct {
    HCRYPTPROV prov;
    int own; /* the thread acquires and releases its own context */
    HANDLE go;
    char text[64];
    BYTE digest[32];
    BYTE sig[512];
    DWORD sig_len, err;
    const char *step;
} signer;

static DWORD WINAPI sign_in_thread(void *arg)
{
    signer *s = arg;
    WaitForSingleObject(s->go, INFINITE);
    HCRYPTPROV p = s->prov;
    s->step = "CryptAcquireContext";
    if (s->own && !CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL, 0))
        goto fail;
    HCRYPTHASH h = 0;
    HCRYPTKEY k = 0;
    DWORD dn = sizeof s->digest;
    s->step = "hash";
    if (!CryptCreateHash(p, CALG_SHA_256, 0, 0, &h) ||
        !CryptHashData(h, (const BYTE *)s->text, (DWORD)strlen(s->text), 0) ||
        !CryptGetHashParam(h, HP_HASHVAL, s->digest, &dn, 0))
        goto fail;
    s->step = "CryptSignHash";
    s->sig_len = sizeof s->sig;
    if (!CryptSignHashW(h, AT_SIGNATURE, NULL, 0, s->sig, &s->sig_len))
        goto fail;
    s->step = "CryptVerifySignature";
    if (!CryptGetUserKey(p, AT_SIGNATURE, &k) ||
        !CryptVerifySignatureW(h, s->sig, s->sig_len, k, NULL, 0))
        goto fail;
    CryptDestroyKey(k);
    CryptDestroyHash(h);
    if (s->own)
        CryptReleaseContext(p, 0);
    s->step = NULL;
    return 0;
fail:
    s->err = GetLastError();
    return 1;
}

static void mode_threads(void)
{
    svctest_phone("approve 300");
    HCRYPTPROV shared = acquire(NULL, 0);
    DWORD cl;
    BYTE *cert = user_cert(shared, &cl);
    HANDLE go = CreateEventW(NULL, TRUE, FALSE, NULL);
    CK(go != NULL, "CreateEvent: %lu", (unsigned long)GetLastError());
    signer s[NTHREADS];
    HANDLE th[NTHREADS];
    int before = svctest_phone_log_count();
    for (int i = 0; i < NTHREADS; i++) {
        memset(&s[i], 0, sizeof s[i]);
        s[i].prov = shared;
        s[i].own = i >= 2;
        s[i].go = go;
        snprintf(s[i].text, sizeof s[i].text, "document %d of %d, signed at once", i + 1, NTHREADS);
        th[i] = CreateThread(NULL, 0, sign_in_thread, &s[i], 0, NULL);
        CK(th[i] != NULL, "CreateThread: %lu", (unsigned long)GetLastError());
    }
    DWORD start = GetTickCount();
    SetEvent(go);
    CK(WaitForMultipleObjects(NTHREADS, th, TRUE, 60000) == WAIT_OBJECT_0,
       "the signing threads did not finish within 60 s");
    DWORD ms = GetTickCount() - start;
    for (int i = 0; i < NTHREADS; i++) {
        CK(s[i].step == NULL, "thread %d: %s failed: 0x%08lx", i, s[i].step,
           (unsigned long)s[i].err);
        CloseHandle(th[i]);
        char name[32];
        snprintf(name, sizeof name, "threads-%d", i + 1);
        cspt_reverse(s[i].sig, s[i].sig_len); /* OpenSSL: big-endian */
        svctest_write_sig(name, cert, cl, s[i].digest, 32, s[i].sig, s[i].sig_len,
                          "digest:sha256\n");
    }
    CK(svctest_phone_log_count() == before + NTHREADS, "%d approval requests for %d documents",
       svctest_phone_log_count() - before, NTHREADS);
    svctest_expect_artifacts(NTHREADS);
    CloseHandle(go);
    free(cert);
    OK(CryptReleaseContext(shared, 0));
    printf("csp threads: %d signatures in %lu ms, %d checks\n", NTHREADS, (unsigned long)ms,
           g_checks);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s advapi|crypt32|outcomes|deadline|offline|cancel|threads DLL\n",
                argv[0]);
        return 2;
    }
    cspt_load_and_register(argv[2]);
    if (strcmp(argv[1], "advapi") == 0)
        mode_advapi();
    else if (strcmp(argv[1], "crypt32") == 0)
        mode_crypt32();
    else if (strcmp(argv[1], "outcomes") == 0)
        mode_outcomes();
    else if (strcmp(argv[1], "deadline") == 0)
        mode_deadline();
    else if (strcmp(argv[1], "offline") == 0)
        mode_offline();
    else if (strcmp(argv[1], "cancel") == 0)
        mode_cancel();
    else if (strcmp(argv[1], "threads") == 0)
        mode_threads();
    else
        die("unknown mode %s", argv[1]);
    return 0;
}
