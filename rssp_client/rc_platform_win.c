/* rc_platform for Windows: InitOnce, SRW locks, BCrypt (random, SHA-256),
 * WinHTTP's view of the Internet Options proxy, the ROOT certificate stores. */
#include "rc_platform.h"

#include <windows.h>
#include <bcrypt.h>
#include <wincrypt.h>
#include <winhttp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/strbuf.h"

static INIT_ONCE ONCES[RC_ONCE__COUNT] = {INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT};

typedef struct {
    void (*fn)(void);
} once_arg;

static BOOL CALLBACK once_tramp(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)ctx;
    ((once_arg *)param)->fn();
    return TRUE;
}

void rc_once_run(int id, void (*fn)(void))
{
    if (id < 0 || id >= RC_ONCE__COUNT)
        return;
    once_arg a = {fn};
    InitOnceExecuteOnce(&ONCES[id], once_tramp, &a, NULL);
}

int64_t rc_now_ms(void)
{
    return (int64_t)GetTickCount64();
}

int64_t rc_now_us(void)
{
    static LARGE_INTEGER freq; /* constant for the system's lifetime */
    LARGE_INTEGER now;
    if (freq.QuadPart == 0)
        QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (int64_t)(now.QuadPart / freq.QuadPart * 1000000 +
                     now.QuadPart % freq.QuadPart * 1000000 / freq.QuadPart);
}

int64_t rc_unix_time(void)
{
    return (int64_t)time(NULL);
}

int rc_random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n > 0) {
        ULONG chunk = n > 0x10000000u ? 0x10000000u : (ULONG)n;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, p, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return -1;
        p += chunk;
        n -= chunk;
    }
    return 0;
}

int rc_sha256(const void *data, size_t n, uint8_t out[32])
{
    BCRYPT_ALG_HANDLE alg = NULL;
    BCRYPT_HASH_HANDLE h = NULL;
    int rc = -1;
    if (n > 0xFFFFFFFFu)
        return -1;
    if (!BCRYPT_SUCCESS(BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0)))
        return -1;
    if (BCRYPT_SUCCESS(BCryptCreateHash(alg, &h, NULL, 0, NULL, 0, 0)) &&
        BCRYPT_SUCCESS(BCryptHashData(h, (PUCHAR)data, (ULONG)n, 0)) &&
        BCRYPT_SUCCESS(BCryptFinishHash(h, out, 32, 0)))
        rc = 0;
    if (h)
        BCryptDestroyHash(h);
    BCryptCloseAlgorithmProvider(alg, 0);
    return rc;
}

static char *utf8_from_wide(const wchar_t *w)
{
    if (!w)
        return NULL;
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    if (n <= 0)
        return NULL;
    char *s = malloc((size_t)n);
    if (s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n) {
        free(s);
        s = NULL;
    }
    return s;
}

int rc_platform_system_proxy(char **proxy, char **bypass)
{
    *proxy = NULL;
    *bypass = NULL;
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG cfg;
    memset(&cfg, 0, sizeof cfg);
    if (!WinHttpGetIEProxyConfigForCurrentUser(&cfg))
        return 0; /* no setting readable: direct */
    int rc = 0;
    if (cfg.lpszProxy && cfg.lpszProxy[0]) {
        *proxy = utf8_from_wide(cfg.lpszProxy);
        if (!*proxy)
            rc = -1;
    }
    if (rc == 0 && cfg.lpszProxyBypass && cfg.lpszProxyBypass[0]) {
        *bypass = utf8_from_wide(cfg.lpszProxyBypass);
        if (!*bypass)
            rc = -1;
    }
    if (cfg.lpszProxy)
        GlobalFree(cfg.lpszProxy);
    if (cfg.lpszProxyBypass)
        GlobalFree(cfg.lpszProxyBypass);
    if (cfg.lpszAutoConfigUrl)
        GlobalFree(cfg.lpszAutoConfigUrl);
    if (rc != 0) {
        free(*proxy);
        free(*bypass);
        *proxy = *bypass = NULL;
    }
    return rc;
}

static void pem_add_store(strbuf *b, DWORD location, const wchar_t *name)
{
    HCERTSTORE st =
        CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                      location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, name);
    if (!st)
        return;
    PCCERT_CONTEXT ctx = NULL;
    while ((ctx = CertEnumCertificatesInStore(st, ctx)) != NULL && !b->oom) {
        DWORD n = 0;
        if (!CryptBinaryToStringA(ctx->pbCertEncoded, ctx->cbCertEncoded,
                                  CRYPT_STRING_BASE64HEADER | CRYPT_STRING_NOCR, NULL, &n) ||
            n == 0)
            continue;
        char *s = malloc(n);
        if (!s) {
            b->oom = 1;
            break;
        }
        if (CryptBinaryToStringA(ctx->pbCertEncoded, ctx->cbCertEncoded,
                                 CRYPT_STRING_BASE64HEADER | CRYPT_STRING_NOCR, s, &n))
            strbuf_puts(b, s);
        free(s);
    }
    if (ctx)
        CertFreeCertificateContext(ctx);
    CertCloseStore(st, 0);
}

int rc_platform_root_store_pem(char **pem, size_t *len)
{
    strbuf b = {0};
    /* The user's logical ROOT store includes the machine's (and the roots
     * Group Policy pushes); AuthRoot holds the third-party roots Windows has
     * already downloaded. Roots Windows would fetch on demand are not there. */
    pem_add_store(&b, CERT_SYSTEM_STORE_CURRENT_USER, L"ROOT");
    pem_add_store(&b, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"AuthRoot");
    if (b.oom) {
        strbuf_free(&b);
        *pem = NULL;
        *len = 0;
        return -1;
    }
    *pem = b.p;
    *len = b.len;
    return 0;
}

int rc_platform_is_windows(void)
{
    return 1;
}
