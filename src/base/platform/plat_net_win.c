/* plat_net for Windows: WinHTTP's view of the Internet Options proxy, the
 * ROOT certificate stores. */
#include "base/platform/plat_net.h"

#include <windows.h>
#include <wincrypt.h>
#include <winhttp.h>

#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_utf16_win.h"
#include "base/util/strbuf.h"

int plat_system_proxy(char **proxy, char **bypass)
{
    *proxy = NULL;
    *bypass = NULL;
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG cfg;
    memset(&cfg, 0, sizeof cfg);
    if (!WinHttpGetIEProxyConfigForCurrentUser(&cfg))
        return 0; /* no setting readable: direct */
    int rc = 0;
    if (cfg.lpszProxy && cfg.lpszProxy[0]) {
        *proxy = plat_wide_to_utf8(cfg.lpszProxy);
        if (!*proxy)
            rc = -1;
    }
    if (rc == 0 && cfg.lpszProxyBypass && cfg.lpszProxyBypass[0]) {
        *bypass = plat_wide_to_utf8(cfg.lpszProxyBypass);
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

int plat_root_store_pem(char **pem, size_t *len)
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

int plat_is_windows(void)
{
    return 1;
}
