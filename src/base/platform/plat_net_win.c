/* plat_net for Windows: WinHTTP's view of the Internet Options proxy, the
 * ROOT certificate stores. */
#include "base/platform/plat_net.h"

#include <windows.h>
#include <wincrypt.h>
#include <winhttp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_str.h"
#include "base/platform/plat_utf16_win.h"
#include "base/util/strbuf.h"

/* A copy of a GlobalAlloc'ed wide string as UTF-8 (NULL stays NULL); *oom
 * set when the conversion fails. */
static char *take_wide(wchar_t *w, int *oom)
{
    if (!w)
        return NULL;
    char *s = w[0] ? plat_wide_to_utf8(w) : NULL;
    if (w[0] && !s)
        *oom = 1;
    GlobalFree(w);
    return s;
}

int plat_proxy_settings_get(plat_proxy_settings *s)
{
    memset(s, 0, sizeof *s);
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG cfg;
    memset(&cfg, 0, sizeof cfg);
    if (!WinHttpGetIEProxyConfigForCurrentUser(&cfg))
        return 0; /* no setting readable: direct */
    int oom = 0;
    s->auto_detect = cfg.fAutoDetect != FALSE;
    s->pac_url = take_wide(cfg.lpszAutoConfigUrl, &oom);
    s->proxy = take_wide(cfg.lpszProxy, &oom);
    s->bypass = take_wide(cfg.lpszProxyBypass, &oom);
    if (oom) {
        plat_proxy_settings_free(s);
        return -1;
    }
    return 0;
}

static const char *autoproxy_error(DWORD e)
{
    switch (e) {
    case ERROR_WINHTTP_AUTODETECTION_FAILED:
        return "no proxy auto-configuration script was found (WPAD)";
    case ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT:
        return "the script could not be downloaded";
    case ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT:
        return "the script failed to run";
    case ERROR_WINHTTP_UNRECOGNIZED_SCHEME:
        return "the script's address is not http or https";
    case ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR:
        return "the script gave no proxy for this address";
    default:
        return "WinHTTP could not evaluate the script";
    }
}

int plat_proxy_autoconfig(const char *url, const char *pac_url, char **list, char **found,
                          char **why)
{
    *list = NULL;
    *found = NULL;
    *why = NULL;
    wchar_t *wurl = plat_utf8_to_wide(url);
    wchar_t *wpac = pac_url ? plat_utf8_to_wide(pac_url) : NULL;
    if (!wurl || (pac_url && !wpac)) {
        free(wurl);
        free(wpac);
        return -1;
    }
    int rc = 1;
    DWORD err = 0;
    HINTERNET ses = WinHttpOpen(L"crpki", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                WINHTTP_NO_PROXY_BYPASS, 0);
    WINHTTP_AUTOPROXY_OPTIONS o;
    memset(&o, 0, sizeof o);
    wchar_t *detected = NULL;
    /* WPAD: find the script first (DHCP, then DNS), so that its address can
     * be told; then run it as a configured one */
    if (!wpac && !WinHttpDetectAutoProxyConfigUrl(
                     WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A, &detected))
        err = GetLastError();
    o.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    o.lpszAutoConfigUrl = wpac ? wpac : detected;
    /* a script server inside the company may ask for the Windows sign-on */
    o.fAutoLogonIfChallenged = TRUE;
    WINHTTP_PROXY_INFO info;
    memset(&info, 0, sizeof info);
    if (!o.lpszAutoConfigUrl) {
        /* nothing detected: err says why */
    } else if (!ses) {
        err = GetLastError();
    } else if (!WinHttpGetProxyForUrl(ses, wurl, &o, &info)) {
        err = GetLastError();
    } else {
        int oom = 0;
        char *l = take_wide(info.lpszProxy, &oom);
        info.lpszProxy = NULL;
        if (info.lpszProxyBypass)
            GlobalFree(info.lpszProxyBypass);
        rc = oom ? -1 : 0;
        if (rc == 0 && info.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY)
            *list = l; /* NULL: DIRECT */
        else
            free(l);
    }
    if (ses)
        WinHttpCloseHandle(ses);
    int oom = 0;
    *found = take_wide(detected, &oom); /* GlobalFree'd */
    if (oom)
        rc = -1;
    free(wurl);
    free(wpac);
    if (rc == 1 && err == 0)
        err = ERROR_WINHTTP_AUTODETECTION_FAILED;
    if (rc == 1) {
        char buf[160];
        snprintf(buf, sizeof buf, "%s (WinHTTP error %lu)", autoproxy_error(err),
                 (unsigned long)err);
        *why = plat_strdup(buf);
        if (!*why)
            rc = -1;
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
