/* The Windows system proxy, end to end under Wine (crpki_service_test
 * PROXY: crpki-rsspd and crpki-testproxy run beside this program):
 *   1. Internet Options name a setup script (PAC) that crpki-testproxy
 *      serves: WinHTTP runs it, the service host goes through the proxy
 *      (the proxy saw the CONNECT), another host goes direct;
 *   2. a setup script that cannot be downloaded is passed over (and said
 *      so) for the fixed proxy;
 *   3. crpki-mgmt status says which proxy the script chose, and reaches the
 *      service through it;
 *   4. a proxy that asks for the Windows sign-on (Negotiate, NTLM) gets an
 *      NTLM handshake with the account Windows holds for it (Credential
 *      Manager: what SSPI's default credentials draw on), no password from
 *      any file of ours; a proxy offering only Basic gets nothing.
 * The service is named rssp.crpki.test (not loopback: loopback never goes
 * through a proxy); crpki-testproxy reaches it at 127.0.0.1.
 * With --wpad (crpki_service_test WPAD: namespaces where the PC is
 * pc1.corp.test and crpki-testproxy is the DNS server and port 80):
 * "Automatically detect settings" finds http://wpad.corp.test/wpad.dat over
 * DNS, and its proxy carries the service.
 * What Wine cannot do: WinHTTP's answer keeps only the first entry of a
 * script's list (the fall-through is tested natively, test_client_proxy);
 * WPAD over DHCP (Wine reads no DHCP option 252). */
#include <windows.h>
#include <wincred.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_net.h"
#include "crpki/config.h"
#include "crpki/rssp_client.h"
#include "svctest.h"
#include "testproxy.h"

static int failures;
#define CHECK(cond, ...) SVCTEST_CHECK(failures, cond, __VA_ARGS__)

#define PROXY_TYPE_DIRECT    1u
#define PROXY_TYPE_PROXY     2u
#define PROXY_USE_PAC_SCRIPT 4u
#define PROXY_AUTO_DETECT    8u

static const char *PROXY_DIR;
static int PROXY_PORT, SERVICE_PORT;
static char CA[1024];

static void put_dword(unsigned char *b, size_t *at, DWORD v)
{
    memcpy(b + *at, &v, 4);
    *at += 4;
}

static void put_str(unsigned char *b, size_t *at, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_dword(b, at, (DWORD)n);
    if (n)
        memcpy(b + *at, s, n);
    *at += n;
}

/* Internet Options of the current user, as the control panel writes them
 * (HKCU\...\Internet Settings\Connections\DefaultConnectionSettings). */
static void internet_options(DWORD flags, const char *proxy, const char *bypass, const char *pac)
{
    static DWORD counter;
    unsigned char blob[2048];
    size_t at = 0;
    memset(blob, 0, sizeof blob);
    put_dword(blob, &at, 0x46);
    put_dword(blob, &at, ++counter);
    put_dword(blob, &at, flags);
    put_str(blob, &at, proxy);
    put_str(blob, &at, bypass);
    put_str(blob, &at, pac);
    at += 32; /* the rest of the structure: zeros */
    HKEY k;
    LONG r = RegCreateKeyExW(HKEY_CURRENT_USER,
                             L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet "
                             L"Settings\\Connections",
                             0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL);
    if (r == ERROR_SUCCESS) {
        r = RegSetValueExW(k, L"DefaultConnectionSettings", 0, REG_BINARY, blob, (DWORD)at);
        RegCloseKey(k);
    }
    if (r != ERROR_SUCCESS) {
        fprintf(stderr, "cannot write Internet Options (%ld)\n", (long)r);
        exit(1);
    }
}

static void write_proxy_file(const char *name, const char *text)
{
    char *p = svctest_path(PROXY_DIR, name);
    FILE *f = fopen(p, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", p);
        exit(1);
    }
    free(p);
}

/* A value of crpki-testproxy's stats file ("" when absent). */
static void proxy_stat(const char *key, char *out, size_t cap)
{
    out[0] = '\0';
    char *p = svctest_path(PROXY_DIR, "stats");
    uint8_t *d = NULL;
    size_t n = 0;
    if (svctest_read_file(p, &d, &n) == 0) {
        size_t kl = strlen(key);
        for (char *l = (char *)d; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
            if (strncmp(l, key, kl) == 0 && l[kl] == ' ') {
                size_t vl = strcspn(l + kl + 1, "\n");
                snprintf(out, cap, "%.*s", (int)(vl < cap ? vl : cap - 1), l + kl + 1);
                break;
            }
    }
    free(d);
    free(p);
}

static int proxy_count(const char *key)
{
    char v[32];
    proxy_stat(key, v, sizeof v);
    return atoi(v);
}

/* Waits up to 3 s for crpki-testproxy's stats to reach want (it writes them
 * every 20 ms). */
static int proxy_count_reaches(const char *key, int want)
{
    for (int i = 0; i < 150; i++) {
        if (proxy_count(key) >= want)
            return 1;
        Sleep(20);
    }
    return 0;
}

/* Writes DIR/offer and waits (up to 3 s) until crpki-testproxy applies it. */
static void proxy_offer(const char *offer)
{
    char line[32], v[32];
    snprintf(line, sizeof line, "%s\n", offer);
    write_proxy_file("offer", line);
    for (int i = 0; i < 150; i++) {
        proxy_stat("offer", v, sizeof v);
        if (strcmp(v, offer) == 0)
            return;
        Sleep(20);
    }
    fprintf(stderr, "crpki-testproxy did not take the offer %s\n", offer);
    exit(1);
}

static char *proxy_seen(void)
{
    char *p = svctest_path(PROXY_DIR, "seen.log");
    uint8_t *d = NULL;
    size_t n = 0;
    if (svctest_read_file(p, &d, &n) != 0)
        d = (uint8_t *)calloc(1, 1);
    free(p);
    return (char *)d;
}

static rssp_client *client_for(const char *host)
{
    char url[256];
    snprintf(url, sizeof url, "https://%s:%d", host, SERVICE_PORT);
    rssp_options o;
    memset(&o, 0, sizeof o);
    o.service_url = url;
    o.ca_bundle = CA;
    o.proxy_mode = RSSP_PROXY_SYSTEM;
    o.max_retries = 1;
    o.connect_timeout_ms = 20000; /* the script is fetched and run in it: room on a busy machine */
    rssp_client *c = NULL;
    crpki_error_info ei;
    crpki_err r = rssp_client_new(&o, &c, &ei);
    if (r != CRPKI_OK) {
        fprintf(stderr, "rssp_client_new: %s\n", ei.detail);
        exit(1);
    }
    return c;
}

/* A client for rssp.crpki.test whose route must come from `from` through
 * crpki-testproxy; the route is left in r (the caller frees it). */
static rssp_client *expect_route(const char *label, rssp_route_from from, rssp_route *r)
{
    char want[64];
    crpki_error_info ei;
    rssp_client *c = client_for("rssp.crpki.test");
    crpki_err rc = rssp_client_route(c, r, &ei);
    snprintf(want, sizeof want, "127.0.0.1:%d", PROXY_PORT);
    printf("%s: route from %d via %s (script %s, %zu entries; %s)\n", label, (int)r->from,
           r->proxy ? r->proxy : "direct", r->script ? r->script : "-", r->count,
           r->note ? r->note : "no note");
    CHECK(rc == CRPKI_OK && r->from == from, "%s: route %d from %d (%s)", label, (int)rc,
          (int)r->from, r->note ? r->note : ei.detail);
    CHECK(r->proxy && strcmp(r->proxy, want) == 0, "%s: proxy %s, want %s", label,
          r->proxy ? r->proxy : "direct", want);
    CHECK(!r->sign_on || r->proxy, "sign_on without a proxy");
    return c;
}

static crpki_err info(rssp_client *c, crpki_error_info *ei)
{
    rssp_service_info i;
    memset(&i, 0, sizeof i);
    memset(ei, 0, sizeof *ei);
    crpki_err r = rssp_info(c, &i, ei);
    rssp_service_info_free(&i);
    return r;
}

static void pac_script_routes_the_service_through_the_proxy(void)
{
    char pac[512], url[256], want[128];
    snprintf(pac, sizeof pac,
             "function FindProxyForURL(url, host) {\n"
             "  if (host == \"rssp.crpki.test\") return \"PROXY 127.0.0.1:%d; DIRECT\";\n"
             "  return \"DIRECT\";\n}\n",
             PROXY_PORT);
    write_proxy_file("proxy.pac", pac);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/proxy.pac", PROXY_PORT);
    internet_options(PROXY_TYPE_DIRECT | PROXY_USE_PAC_SCRIPT, NULL, NULL, url);

    plat_proxy_settings s;
    CHECK(plat_proxy_settings_get(&s) == 0, "settings");
    CHECK(s.pac_url && strcmp(s.pac_url, url) == 0, "pac_url %s", s.pac_url ? s.pac_url : "-");
    CHECK(!s.auto_detect && !s.proxy, "auto_detect %d proxy %s", s.auto_detect,
          s.proxy ? s.proxy : "-");
    plat_proxy_settings_free(&s);

    rssp_route r;
    crpki_error_info ei;
    rssp_client *c = expect_route("PAC", RSSP_ROUTE_PAC, &r);
    CHECK(r.script && strcmp(r.script, url) == 0, "script %s", r.script ? r.script : "-");
    rssp_route_free(&r);
    crpki_err rc;
    int tunnels = proxy_count("tunnels");
    rc = info(c, &ei);
    CHECK(rc == CRPKI_OK, "info through the PAC's proxy: %s", ei.detail);
    CHECK(proxy_count_reaches("tunnels", tunnels + 1), "the proxy opened no tunnel");
    char *seen = proxy_seen();
    snprintf(want, sizeof want, "CONNECT rssp.crpki.test:%d HTTP/1.1", SERVICE_PORT);
    CHECK(strstr(seen, want) != NULL, "the proxy did not see %s", want);
    CHECK(strstr(seen, "GET /proxy.pac") != NULL, "the script was not fetched from the proxy dir");
    free(seen);
    rssp_client_free(c);

    /* another host: the script says DIRECT */
    c = client_for("other.crpki.test");
    rc = rssp_client_route(c, &r, &ei);
    CHECK(rc == CRPKI_OK && r.from == RSSP_ROUTE_PAC && !r.proxy, "other host: from %d via %s",
          (int)r.from, r.proxy ? r.proxy : "direct");
    rssp_route_free(&r);
    rssp_client_free(c);
}

/* crpki-mgmt (argv path, Unix) --json status with the user's config.json
 * naming rssp.crpki.test and the system proxy: its output. */
static char *mgmt_status(const char *mgmt_unix)
{
    crpki_config cfg;
    crpki_error_info ei;
    const char *home = svctest_env("CRPKI_HOME");
    char url[128];
    snprintf(url, sizeof url, "https://rssp.crpki.test:%d", SERVICE_PORT);
    if (crpki_config_load(home, &cfg, &ei) != CRPKI_OK) {
        fprintf(stderr, "config: %s\n", ei.detail);
        exit(1);
    }
    free(cfg.service_url);
    cfg.service_url = _strdup(url);
    cfg.proxy_mode = RSSP_PROXY_SYSTEM;
    if (crpki_config_save(&cfg, &ei) != CRPKI_OK) {
        fprintf(stderr, "config save: %s\n", ei.detail);
        exit(1);
    }
    crpki_config_free(&cfg);
    char cmd[2048];
    int n = snprintf(cmd, sizeof cmd, "\"Z:");
    for (const char *p = mgmt_unix; *p && n < (int)sizeof cmd - 40; p++)
        cmd[n++] = *p == '/' ? '\\' : *p;
    snprintf(cmd + n, sizeof cmd - (size_t)n, "\" --json status");
    FILE *f = _popen(cmd, "r");
    if (!f) {
        fprintf(stderr, "cannot run %s\n", cmd);
        exit(1);
    }
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(1, cap);
    size_t got;
    while (out && len < cap - 1 && (got = fread(out + len, 1, cap - 1 - len, f)) > 0)
        len += got;
    _pclose(f);
    return out;
}

/* 1 when the JSON text has "key": value (value as printed: "\"x\"", true),
 * whatever white space cJSON put after the colon. */
static int json_has(const char *json, const char *key, const char *value)
{
    char k[128];
    snprintf(k, sizeof k, "\"%s\":", key);
    for (const char *p = json ? strstr(json, k) : NULL; p; p = strstr(p + 1, k)) {
        const char *v = p + strlen(k);
        v += strspn(v, " \t");
        if (strncmp(v, value, strlen(value)) == 0)
            return 1;
    }
    return 0;
}

static void status_names_the_script_and_its_proxy(const char *mgmt)
{
    char url[256], want[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/proxy.pac", PROXY_PORT);
    internet_options(PROXY_TYPE_DIRECT | PROXY_USE_PAC_SCRIPT, NULL, NULL, url);
    int tunnels = proxy_count("tunnels");
    char *out = mgmt_status(mgmt);
    CHECK(json_has(out, "from", "\"pac\""), "route not from the PAC: %s", out ? out : "-");
    snprintf(want, sizeof want, "\"127.0.0.1:%d\"", PROXY_PORT);
    CHECK(json_has(out, "proxy", want), "no proxy %s in the status", want);
    snprintf(want, sizeof want, "\"%s\"", url);
    CHECK(json_has(out, "script", want), "no script %s in the status", want);
    CHECK(proxy_count_reaches("tunnels", tunnels + 1), "status did not go through the proxy");
    const char *svc = out ? strstr(out, "\"service\"") : NULL;
    CHECK(svc && json_has(svc, "ok", "true"), "the service check failed: %s", out ? out : "-");
    free(out);
}

static void a_script_that_cannot_be_fetched_falls_back_to_the_fixed_proxy(void)
{
    char url[256], fixed[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/missing.pac", PROXY_PORT);
    snprintf(fixed, sizeof fixed, "127.0.0.1:%d", PROXY_PORT);
    internet_options(PROXY_TYPE_DIRECT | PROXY_TYPE_PROXY | PROXY_USE_PAC_SCRIPT, fixed, "<local>",
                     url);
    rssp_client *c = client_for("rssp.crpki.test");
    rssp_route r;
    crpki_error_info ei;
    crpki_err rc = rssp_client_route(c, &r, &ei);
    CHECK(rc == CRPKI_OK && r.from == RSSP_ROUTE_STATIC, "from %d (%s)", (int)r.from, ei.detail);
    CHECK(r.proxy && strcmp(r.proxy, fixed) == 0, "proxy %s", r.proxy ? r.proxy : "direct");
    CHECK(r.note && strstr(r.note, "missing.pac"), "note %s", r.note ? r.note : "-");
    printf("missing PAC: %s; via %s\n", r.note ? r.note : "-", r.proxy ? r.proxy : "direct");
    rssp_route_free(&r);
    CHECK(info(c, &ei) == CRPKI_OK, "info through the fixed proxy: %s", ei.detail);
    rssp_client_free(c);
}

/* The account Windows holds for the proxy host, as a domain user's
 * sign-on provides it; the client itself is given no password. */
static void windows_holds_a_domain_account_for_the_proxy(void)
{
    WCHAR pw[] = TP_PASSWORD_W;
    CREDENTIALW cr;
    memset(&cr, 0, sizeof cr);
    cr.Type = CRED_TYPE_DOMAIN_PASSWORD;
    cr.TargetName = L"127.0.0.1";
    cr.UserName = L"CORP\\" TP_USER_W;
    cr.CredentialBlob = (LPBYTE)pw;
    cr.CredentialBlobSize = (DWORD)(wcslen(pw) * sizeof(WCHAR));
    cr.Persist = CRED_PERSIST_LOCAL_MACHINE;
    if (!CredWriteW(&cr, 0)) {
        fprintf(stderr, "CredWriteW failed (%lu)\n", (unsigned long)GetLastError());
        exit(1);
    }
}

static void a_proxy_asking_for_the_windows_sign_on_gets_ntlm(void)
{
    char fixed[64];
    snprintf(fixed, sizeof fixed, "127.0.0.1:%d", PROXY_PORT);
    internet_options(PROXY_TYPE_DIRECT | PROXY_TYPE_PROXY, fixed, NULL, NULL);
    proxy_offer("sign-on");
    windows_holds_a_domain_account_for_the_proxy();
    int tunnels = proxy_count("tunnels");
    rssp_client *c = client_for("rssp.crpki.test");
    rssp_route r;
    crpki_error_info ei;
    CHECK(rssp_client_route(c, &r, &ei) == CRPKI_OK && r.sign_on, "sign_on %d", r.sign_on);
    rssp_route_free(&r);
    crpki_err rc = info(c, &ei);
    CHECK(rc == CRPKI_OK, "info through a sign-on proxy: %d %s", (int)rc, ei.detail);
    CHECK(proxy_count_reaches("tunnels", tunnels + 1), "no tunnel after the sign-on");
    char scheme[32], user[64], domain[64];
    proxy_stat("scheme", scheme, sizeof scheme);
    proxy_stat("user", user, sizeof user);
    proxy_stat("domain", domain, sizeof domain);
    printf("sign-on: scheme %s, user %s, domain %s\n", scheme, user, domain);
    CHECK(strcmp(scheme, "NTLM") == 0 || strcmp(scheme, "Negotiate") == 0, "scheme %s", scheme);
    CHECK(strcmp(user, TP_USER) == 0 && strcmp(domain, "CORP") == 0, "account %s\\%s", domain,
          user);
    char *seen = proxy_seen();
    CHECK(!strstr(seen, "Basic ") && !strstr(seen, TP_PASSWORD), "Basic or the password crossed");
    free(seen);
    rssp_client_free(c);

    /* only Basic offered: nothing is sent, the request fails as a proxy error */
    proxy_offer("basic");
    int auths = proxy_count("auth_headers");
    c = client_for("rssp.crpki.test");
    rc = info(c, &ei);
    CHECK(rc == CRPKI_E_PROXY, "basic-only proxy: %d %s", (int)rc, ei.detail);
    Sleep(100);
    CHECK(proxy_count("auth_headers") == auths, "something was sent to a Basic-only proxy");
    rssp_client_free(c);
    proxy_offer("none");
}

/* "Automatically detect settings": WPAD finds http://wpad.<domain>/wpad.dat,
 * which crpki-testproxy serves on port 80 of a network namespace whose
 * host is pc1.corp.test (run-service-test.sh --wpad-netns). */
static void wpad_routes_the_service_through_the_proxy(void)
{
    char pac[512];
    snprintf(pac, sizeof pac,
             "function FindProxyForURL(url, host) {\n"
             "  if (host == \"rssp.crpki.test\") return \"PROXY 127.0.0.1:%d\";\n"
             "  return \"DIRECT\";\n}\n",
             PROXY_PORT);
    write_proxy_file("wpad.dat", pac);
    internet_options(PROXY_TYPE_DIRECT | PROXY_AUTO_DETECT, NULL, NULL, NULL);
    plat_proxy_settings s;
    CHECK(plat_proxy_settings_get(&s) == 0 && s.auto_detect && !s.pac_url, "auto-detect on");
    plat_proxy_settings_free(&s);
    rssp_route r;
    crpki_error_info ei;
    rssp_client *c = expect_route("WPAD", RSSP_ROUTE_WPAD, &r);
    /* where WPAD found it: http://wpad.corp.test/wpad.dat, or the name the
     * address reads back as (WinHTTP asks getnameinfo) */
    CHECK(r.script && strncmp(r.script, "http://", 7) == 0 && strstr(r.script, "/wpad.dat"),
          "script %s", r.script ? r.script : "-");
    rssp_route_free(&r);
    int tunnels = proxy_count("tunnels");
    CHECK(info(c, &ei) == CRPKI_OK, "info through WPAD's proxy: %s", ei.detail);
    CHECK(proxy_count_reaches("tunnels", tunnels + 1), "no tunnel through WPAD's proxy");
    char *seen = proxy_seen();
    CHECK(strstr(seen, "GET /wpad.dat") != NULL, "wpad.dat was not fetched");
    free(seen);
    rssp_client_free(c);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_proxy_win CRPKI_MGMT_PATH | --wpad\n");
        return 2;
    }
    PROXY_DIR = svctest_env("CRPKI_TEST_PROXY_DIR");
    PROXY_PORT = atoi(svctest_env("CRPKI_TEST_PROXY_PORT"));
    const char *u = svctest_env("CRPKI_TEST_SERVICE_URL");
    const char *colon = strrchr(u, ':');
    SERVICE_PORT = colon ? atoi(colon + 1) : 0;
    char *tls = svctest_path(svctest_env("CRPKI_TEST_SIMDIR"), "tls");
    char *ca = svctest_path(tls, "ca.pem");
    snprintf(CA, sizeof CA, "%s", ca);
    free(tls);
    free(ca);
    if (!PROXY_PORT || !SERVICE_PORT) {
        fprintf(stderr, "bad CRPKI_TEST_PROXY_PORT or CRPKI_TEST_SERVICE_URL\n");
        return 1;
    }
    if (strcmp(argv[1], "--wpad") == 0) {
        wpad_routes_the_service_through_the_proxy();
        return failures ? 1 : 0;
    }
    pac_script_routes_the_service_through_the_proxy();
    status_names_the_script_and_its_proxy(argv[1]);
    a_script_that_cannot_be_fetched_falls_back_to_the_fixed_proxy();
    a_proxy_asking_for_the_windows_sign_on_gets_ntlm();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all proxy checks passed\n");
    return 0;
}
