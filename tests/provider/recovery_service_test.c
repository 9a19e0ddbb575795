/* When a signature cannot go through, the person at the PC is told why and
 * can fix it on the spot (src/core/ui/ui.h, "when a signature cannot go
 * through"; docs/signing.md). Under Wine + Xvfb against crpki-rsspd
 * (crpki_service_test with UI dialog), this program is the application and,
 * on another thread, the person in front of it:
 *   recovery_service_test MODE PATH-TO-crpkicsp.dll [TOOL-DIR | CA.der]
 * MODE:
 *   csp-login   the login is revoked at the service; CryptSignMessage through
 *               the CSP: the login dialog says the login expired, its
 *               「G ビズ ID でログイン」 starts the browser login and shows the
 *               URL, this program plays the browser, the approval dialog
 *               shows the code, the service approves it: CryptSignMessage
 *               succeeds in ONE call pair with ONE approval, and OpenSSL
 *               verifies the CMS (artifact)
 *   ksp-login   the same through the KSP's function table (SignHash, PKCS#1)
 *   csp-retry   the service is stopped (STOP_SERVICE): the dialog names the
 *               cause; its 管理ツールを開く opens the installed management tool
 *               (InstallDir set to TOOL-DIR's CrpkiManagementTool.exe) at its
 *               通信環境設定 page; the service is started again and 再試行
 *               completes the signature
 *   csp-cancel  the login dialog's キャンセル: the application gets today's
 *               error (ERROR_NOT_LOGGED_ON) and nothing is signed
 *   publisher-signed CA.der   this program as signed with osslsigncode by
 *               テスト署名ソフト株式会社 under a test CA that it trusts first
 *               (LocalMachine\Root): the approval dialog says
 *               「発行元: テスト署名ソフト株式会社」 and the service recorded the
 *               description "<program>（発行元: テスト署名ソフト株式会社）: ..."
 *   publisher-untrusted CA.der the signed program with the CA not trusted:
 *               「発行元を確認できません（署名を検証できません）」 (the signer's
 *               chain must end at a trusted root; Wine's WinVerifyTrust alone
 *               passes an untrusted one)
 *   publisher-unsigned        this program unsigned: 「発行元を確認できません
 *               （署名なし）」 in the dialog, "（発行元を確認できません）" at the service
 *   silent      the login revoked and a silent caller (CRYPT_SILENT context,
 *               NCRYPT_SILENT_FLAG): today's NTE_SILENT_CONTEXT and no
 *               window of this process at any time
 * Every dialog the person meets is checked for boxes where a letter should
 * be (the controls' own font), and saved as docs/images/gui-recovery-*.png
 * when CRPKI_GUI_SHOTS is set (scripts/gui-screenshots). */
#include <winsock2.h>
#include <windows.h>
#include <wincrypt.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_machine.h"
#include "core/crypto/crypto.h"
#include "core/ui/ui_internal.h"
#include "cspt.h"
#include "ksp_router.h"
#include "login_form.h"
#include "shot_png_win.h"
#include "svctest.h"
#include "svctest_dialog.h"
#include "testutil.h"

static int g_failures;
#define CHECK(cond, ...) SVCTEST_CHECK(g_failures, cond, __VA_ARGS__)

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

/* ---- the service's side ---------------------------------------------------------- */

/* ---- the person at the PC (another thread) ------------------------------------------ */

static char g_shots[600];

/* What the person sees: no box where a letter should be; the picture. */
static void look(void *dlg, const char *name)
{
    if (!dlg)
        return;
    char missing[1024];
    int boxes = tu_window_missing_glyphs(dlg, NULL, missing, sizeof missing);
    CHECK(boxes == 0, "%s: %d character(s) drawn as boxes: %s", name, boxes, missing);
    if (!g_shots[0])
        return;
    RedrawWindow((HWND)dlg, NULL, NULL, RDW_INVALIDATE | RDW_UPDATENOW | RDW_ALLCHILDREN);
    Sleep(400);
    char path[800];
    snprintf(path, sizeof path, "%s\\gui-%s.png", g_shots, name);
    CHECK(shot_png((HWND)dlg, path) == 0, "screenshot %s", path);
}

typedef enum { PLAY_LOGIN, PLAY_RETRY, PLAY_CANCEL, PLAY_APPROVE } play_kind;

typedef struct {
    play_kind kind;
    char what[1024];     /* the recovery dialog's first line, as read */
    char code[16];       /* the approval code, as read from the approval dialog */
    char publisher[512]; /* the approval dialog's publisher line */
    const char *shot;    /* the approval dialog's picture's name */
    int approvals_ok;    /* the service approved that code */
    int done;
} person;

static void wait_text(void *dlg, int id, const char *needle, char *buf, size_t n, unsigned ms)
{
    uint64_t end = svctest_now_ms() + ms;
    do {
        svctest_dialog_text(dlg, id, buf, n);
        if (needle ? strstr(buf, needle) != NULL : buf[0] != '\0')
            return;
        Sleep(100);
    } while (svctest_now_ms() < end);
}

/* The browser: the login page, the form, the redirect to the driver's
 * listener (as the person's browser would, from the URL in the dialog). */
static void play_browser(const char *url)
{
    const char *simdir = svctest_env("CRPKI_TEST_SIMDIR");
    char *ca = svctest_path(simdir, "tls\\ca.pem");
    char *sim = svctest_path(simdir, "sim.json");
    uint8_t *json = NULL;
    size_t len = 0;
    char pw[128] = "";
    if (svctest_read_file(sim, &json, &len) == 0) {
        /* user1's password: cJSON prints "id" before "password" */
        const char *u = strstr((char *)json, "\"user1\"");
        const char *p = u ? strstr(u, "\"password\"") : NULL;
        const char *q = p ? strchr(p + 10, '"') : NULL;
        const char *e = q ? strchr(q + 1, '"') : NULL;
        if (e && (size_t)(e - q - 1) < sizeof pw)
            memcpy(pw, q + 1, (size_t)(e - q - 1));
        free(json);
    }
    CHECK(pw[0] != '\0', "user1's password from sim.json");
    char *redirect = pw[0] ? login_form_drive(url, ca, "user1", pw) : NULL;
    CHECK(redirect && strstr(redirect, "http://127.0.0.1:") == redirect,
          "the login redirects to the driver's loopback listener: %s", redirect ? redirect : "-");
    if (redirect) {
        long st = login_form_return(redirect);
        CHECK(st == 200, "the driver's listener answered the browser: HTTP %ld", st);
        free(redirect);
    }
    free(ca);
    free(sim);
}

/* 管理ツールを開く: the installed tool comes up at the network page. */
static void open_tool_from(void *rec)
{
    HWND b = GetDlgItem((HWND)rec, CRPKI_UI_ID_R_TOOL);
    CHECK(b && IsWindowVisible(b), "管理ツールを開く is offered (the tool is installed)");
    CHECK(svctest_dialog_click(rec, CRPKI_UI_ID_R_TOOL) == 0, "管理ツールを開く clicked");
    HWND tool = NULL;
    uint64_t end = svctest_now_ms() + 30000;
    while (!(tool = FindWindowW(L"CrpkiManagementTool", NULL)) && svctest_now_ms() < end)
        Sleep(100);
    CHECK(tool != NULL, "the management tool's window appeared");
    if (!tool)
        return;
    /* the window comes up, then shows the page it was asked for: wait for
       that (a slow machine, 32-bit code under emulation, takes seconds) */
    HWND nav = GetDlgItem(tool, 100); /* IDC_NAV (mgmt_gui/gui_ids.h) */
    wchar_t title[64] = L"";
    LRESULT sel = -1;
    end = svctest_now_ms() + 30000;
    do {
        Sleep(100);
        sel = SendMessageW(nav, LB_GETCURSEL, 0, 0);
        GetDlgItemTextW(tool, 101, title, 64); /* IDC_PAGE_TITLE */
    } while (!(sel == 0 && wcsstr(title, L"通信環境設定")) && svctest_now_ms() < end);
    CHECK(sel == 0 && wcsstr(title, L"通信環境設定"), "the tool opened at 通信環境設定: %ld %ls",
          (long)sel, title);
    DWORD pid = 0;
    GetWindowThreadProcessId(tool, &pid);
    PostMessageW(tool, WM_CLOSE, 0, 0);
    HANDLE ph = OpenProcess(SYNCHRONIZE, FALSE, pid);
    CHECK(ph && WaitForSingleObject(ph, 20000) == WAIT_OBJECT_0, "the tool closed");
    if (ph)
        CloseHandle(ph);
}

/* The approval dialog: its code read, approved at the service. */
static void approve_shown(person *pp, void *rec)
{
    void *dlg = svctest_dialog_wait(60000);
    CHECK(dlg != NULL, "the approval dialog appeared");
    if (!dlg)
        return;
    wait_text(dlg, CRPKI_UI_ID_CODE, NULL, pp->code, sizeof pp->code, 10000);
    CHECK(strlen(pp->code) == 4, "the approval code shown: %s", pp->code);
    svctest_dialog_text(dlg, CRPKI_UI_ID_PUBLISHER, pp->publisher, sizeof pp->publisher);
    look(dlg, pp->shot ? pp->shot : "recovery-approval");
    CHECK(!rec || !svctest_dialog_alive(rec), "the recovery dialog is gone");
    int rc = svctest_rsspd_decide("approve", pp->code, 30000);
    CHECK(rc == 0, "the representative approved code %s: %d", pp->code, rc);
    pp->approvals_ok = rc == 0;
}

static DWORD WINAPI play(void *arg)
{
    person *pp = arg;
    if (pp->kind == PLAY_APPROVE) { /* no trouble: the approval only */
        approve_shown(pp, NULL);
        pp->done = 1;
        return 0;
    }
    void *rec = svctest_recovery_wait(60000);
    CHECK(rec != NULL, "a recovery dialog appeared");
    if (!rec)
        return 0;
    char s[4096];
    svctest_dialog_text(rec, CRPKI_UI_ID_R_WHAT, pp->what, sizeof pp->what);
    printf("recovery dialog: %s\n", pp->what);
    look(rec, pp->kind == PLAY_RETRY ? "recovery-network" : "recovery-login");
    svctest_dialog_text(rec, CRPKI_UI_ID_R_PROGRAM, s, sizeof s);
    CHECK(strstr(s, "要求元プログラム") && strstr(s, "recovery_service_test"),
          "the dialog names the program: %s", s);
    if (pp->kind == PLAY_CANCEL) {
        CHECK(svctest_dialog_click(rec, CRPKI_UI_ID_R_CANCEL) == 0, "キャンセル clicked");
        pp->done = 1;
        return 0;
    }
    if (pp->kind == PLAY_RETRY) {
        svctest_dialog_text(rec, CRPKI_UI_ID_R_ACTION, s, sizeof s);
        CHECK(strcmp(s, "再試行") == 0, "the button offers 再試行: %s", s);
        open_tool_from(rec);
        CHECK(svctest_service_start(30000) == 0, "the service started again");
        CHECK(svctest_dialog_click(rec, CRPKI_UI_ID_R_ACTION) == 0, "再試行 clicked");
    } else {
        svctest_dialog_text(rec, CRPKI_UI_ID_R_ACTION, s, sizeof s);
        CHECK(strcmp(s, "G ビズ ID でログイン") == 0, "the button offers the login: %s", s);
        CHECK(svctest_dialog_click(rec, CRPKI_UI_ID_R_ACTION) == 0, "the login button clicked");
        char url[4096] = "";
        wait_text(rec, CRPKI_UI_ID_R_URL, "https://", url, sizeof url, 30000);
        CHECK(strncmp(url, "https://", 8) == 0, "the dialog shows the login URL: %s", url);
        svctest_dialog_text(rec, CRPKI_UI_ID_R_STATUS, s, sizeof s);
        CHECK(strstr(s, "ブラウザ") != NULL, "the dialog says the browser login runs: %s", s);
        look(rec, "recovery-login-browser");
        if (strncmp(url, "https://", 8) == 0)
            play_browser(url);
    }
    /* the same signature goes on: the approval dialog with the code */
    approve_shown(pp, rec);
    pp->done = 1;
    return 0;
}

static HANDLE start_person(person *pp)
{
    HANDLE th = CreateThread(NULL, 0, play, pp, 0, NULL);
    if (!th)
        die("CreateThread");
    return th;
}

/* ---- the application ----------------------------------------------------------------- */

static PCCERT_CONTEXT cert_of_csp(HCERTSTORE *my)
{
    HCRYPTPROV p = 0;
    if (!CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL, 0))
        die("CryptAcquireContext: 0x%08lx", GetLastError());
    char container[128];
    DWORD n = sizeof container;
    HCRYPTKEY k = 0;
    DWORD len = 0;
    if (!CryptGetProvParam(p, PP_CONTAINER, (BYTE *)container, &n, 0) ||
        !CryptGetUserKey(p, AT_SIGNATURE, &k) ||
        !CryptGetKeyParam(k, KP_CERTIFICATE, NULL, &len, 0))
        die("the CSP's key: 0x%08lx", GetLastError());
    BYTE *der = malloc(len);
    if (!der || !CryptGetKeyParam(k, KP_CERTIFICATE, der, &len, 0))
        die("KP_CERTIFICATE: 0x%08lx", GetLastError());
    CryptDestroyKey(k);
    CryptReleaseContext(p, 0);
    *my = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"MY");
    PCCERT_CONTEXT c = NULL;
    if (!*my || !CertAddEncodedCertificateToStore(*my, X509_ASN_ENCODING, der, len,
                                                  CERT_STORE_ADD_REPLACE_EXISTING, &c))
        die("the certificate into MY: 0x%08lx", GetLastError());
    wchar_t wcont[128];
    MultiByteToWideChar(CP_UTF8, 0, container, -1, wcont, 128);
    CRYPT_KEY_PROV_INFO info = {0};
    info.pwszContainerName = wcont;
    info.pwszProvName = CSPT_PROV;
    info.dwProvType = PROV_RSA_FULL;
    info.dwKeySpec = AT_SIGNATURE;
    if (!CertSetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, 0, &info))
        die("CERT_KEY_PROV_INFO_PROP_ID: 0x%08lx", GetLastError());
    free(der);
    return c;
}

/* CryptSignMessage as applications call it (size, then the message). 0 or
 * the error of the call that failed. */
static DWORD sign_message(PCCERT_CONTEXT cert, const char *text, BYTE **out, DWORD *n)
{
    CRYPT_SIGN_MESSAGE_PARA para = {0};
    para.cbSize = sizeof para;
    para.dwMsgEncodingType = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;
    para.pSigningCert = cert;
    para.HashAlgorithm.pszObjId = szOID_NIST_sha256;
    para.cMsgCert = 1;
    para.rgpMsgCert = &cert;
    const BYTE *data[1] = {(const BYTE *)text};
    DWORD sizes[1] = {(DWORD)strlen(text)};
    *n = 0;
    *out = NULL;
    if (!CryptSignMessage(&para, TRUE, 1, data, sizes, NULL, n))
        return GetLastError();
    *out = malloc(*n);
    if (!CryptSignMessage(&para, TRUE, 1, data, sizes, *out, n)) {
        DWORD e = GetLastError();
        free(*out);
        *out = NULL;
        return e;
    }
    return 0;
}

/* The signed document for the driver's openssl cms -verify. */
static void leave_cms(const char *name, const BYTE *p7, DWORD n, const char *doc)
{
    svctest_write_artifact(name, "p7s", p7, n);
    svctest_write_artifact(name, "content", doc, strlen(doc));
    svctest_expect_artifacts(1);
}

static int csp_mode(play_kind kind)
{
    svctest_phone(""); /* the representative approves by the code only */
    HCERTSTORE my;
    PCCERT_CONTEXT cert = cert_of_csp(&my);
    if (kind != PLAY_RETRY && login_revoke(svctest_env("CRPKI_HOME")) != 0)
        die("cannot revoke the login");
    int before = svctest_phone_log_count();
    person pp;
    memset(&pp, 0, sizeof pp);
    pp.kind = kind;
    HANDLE th = start_person(&pp);
    const char *doc = "商業登記: the document signed after the recovery\n";
    BYTE *p7 = NULL;
    DWORD n = 0;
    DWORD e = sign_message(cert, doc, &p7, &n);
    WaitForSingleObject(th, 120000);
    CloseHandle(th);
    CHECK(pp.done, "the person's thread finished");
    int approvals = svctest_phone_log_count() - before;
    if (kind == PLAY_CANCEL) {
        CHECK(strstr(pp.what, "ログインの有効期限が切れた") != NULL, "the cause shown: %s",
              pp.what);
        CHECK(e == (DWORD)HRESULT_FROM_WIN32(ERROR_NOT_LOGGED_ON),
              "キャンセル: today's error, got 0x%08lx", e);
        CHECK(approvals == 0, "nothing asked of the phone: %d", approvals);
    } else {
        if (kind == PLAY_LOGIN)
            CHECK(strstr(pp.what, "ログインの有効期限が切れた") != NULL, "the cause shown: %s",
                  pp.what);
        else
            CHECK(strstr(pp.what, "接続できません") != NULL, "the cause shown: %s", pp.what);
        CHECK(e == 0, "CryptSignMessage succeeded after the recovery: 0x%08lx", e);
        CHECK(approvals == 1, "one approval for the document: %d", approvals);
        if (e == 0)
            leave_cms("recovered", p7, n, doc);
    }
    free(p7);
    CertFreeCertificateContext(cert);
    CertCloseStore(my, 0);
    return g_failures ? 1 : 0;
}

/* The KSP's table loaded as ncrypt's router would, the provider opened and
 * the catalog's first RSA key. 0, or -1 when any of it failed. */
static int open_rsa_key(rt_router *r, NCRYPT_PROV_HANDLE *prov, NCRYPT_KEY_HANDLE *k)
{
    if (rt_load(r) != 0)
        return -1;
    RT_OK(r->t->OpenProvider(prov, RT_PROVIDER, 0));
    PVOID es = NULL;
    NCryptKeyName *kn = NULL;
    WCHAR name[256] = L"";
    while (!name[0] && r->t->EnumKeys(*prov, NULL, &kn, &es, 0) == ERROR_SUCCESS) {
        if (wcscmp(kn->pszAlgid, L"RSA") == 0)
            wcsncpy(name, kn->pszName, 255);
        r->t->FreeBuffer(kn);
    }
    if (es)
        r->t->FreeBuffer(es);
    RT_OK(r->t->OpenKey(*prov, k, name, 0, 0));
    return rt_failures ? -1 : 0;
}

static int ksp_login(void)
{
    svctest_phone("");
    rt_router R;
    NCRYPT_PROV_HANDLE prov = 0;
    NCRYPT_KEY_HANDLE k = 0;
    if (open_rsa_key(&R, &prov, &k) != 0)
        return 1;
    BYTE cert[4096];
    DWORD cert_len = 0, bits = 0, cb;
    RT_OK(
        R.t->GetKeyProperty(prov, k, NCRYPT_CERTIFICATE_PROPERTY, cert, sizeof cert, &cert_len, 0));
    RT_OK(R.t->GetKeyProperty(prov, k, NCRYPT_LENGTH_PROPERTY, (PBYTE)&bits, 4, &cb, 0));
    if (rt_failures)
        return 1;
    if (login_revoke(svctest_env("CRPKI_HOME")) != 0)
        die("cannot revoke the login");
    int before = svctest_phone_log_count();
    person pp;
    memset(&pp, 0, sizeof pp);
    pp.kind = PLAY_LOGIN;
    HANDLE th = start_person(&pp);
    BYTE h[32], sig[1024];
    const char *doc = "KSP: signed after logging in again";
    if (crypto_digest(CRPKI_HASH_SHA256, doc, strlen(doc), h, sizeof h) != CRPKI_OK)
        die("digest");
    BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
    DWORD got = 0;
    SECURITY_STATUS st =
        R.t->SignHash(prov, k, &pi, h, 32, sig, sizeof sig, &got, NCRYPT_PAD_PKCS1_FLAG);
    WaitForSingleObject(th, 120000);
    CloseHandle(th);
    CHECK(pp.done, "the person's thread finished");
    CHECK(strstr(pp.what, "ログインの有効期限が切れた") != NULL, "the cause shown: %s", pp.what);
    CHECK(st == ERROR_SUCCESS, "SignHash succeeded after the login: 0x%08lx", (unsigned long)st);
    CHECK(got == bits / 8, "a %lu-byte signature", (unsigned long)got);
    int approvals = svctest_phone_log_count() - before;
    CHECK(approvals == 1, "one approval: %d", approvals);
    if (st == ERROR_SUCCESS) {
        svctest_write_sig("ksp_recovered", cert, cert_len, h, 32, sig, got, "digest:sha256\n");
        svctest_expect_artifacts(1);
    }
    RT_OK(R.t->FreeKey(prov, k));
    RT_OK(R.t->FreeProvider(prov));
    return g_failures || rt_failures ? 1 : 0;
}

/* The test CA in LocalMachine\Root (trust 1), as a company's IT trusts its
 * vendors' roots, or not there (0): the prefix is shared, so a test that
 * added it takes it out again. */
static void trust_ca(const char *ca_der, int trust)
{
    uint8_t *der = NULL;
    size_t len = 0;
    if (svctest_read_file(ca_der, &der, &len) != 0)
        die("cannot read %s", ca_der);
    /* the registry's store itself: Wine's system Root store is a collection
       read once per process, where an added certificate cannot be found to
       be deleted again */
    HCERTSTORE root = CertOpenStore(CERT_STORE_PROV_SYSTEM_REGISTRY_W, 0, 0,
                                    CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root");
    PCCERT_CONTEXT c = NULL;
    if (!root || !CertAddEncodedCertificateToStore(root, X509_ASN_ENCODING, der, (DWORD)len,
                                                   CERT_STORE_ADD_REPLACE_EXISTING, &c))
        die("the test CA into LocalMachine\\Root: 0x%08lx", GetLastError());
    if (!trust && !CertDeleteCertificateFromStore(c)) /* frees c */
        die("the test CA out of LocalMachine\\Root: 0x%08lx", GetLastError());
    if (trust)
        CertFreeCertificateContext(c);
    CertCloseStore(root, 0);
    free(der);
}

typedef enum { PUB_SIGNED, PUB_UNSIGNED, PUB_UNTRUSTED } pub_case;

/* Who published this program, as the dialog and the phone show it. */
static int publisher(pub_case pc, const char *ca_der)
{
    int signed_ = pc == PUB_SIGNED;
    if (ca_der)
        trust_ca(ca_der, signed_);
    svctest_phone("");
    HCERTSTORE my;
    PCCERT_CONTEXT cert = cert_of_csp(&my);
    person pp;
    memset(&pp, 0, sizeof pp);
    pp.kind = PLAY_APPROVE;
    pp.shot = pc == PUB_SIGNED     ? "approval-publisher-signed"
              : pc == PUB_UNSIGNED ? "approval-publisher-unsigned"
                                   : "approval-publisher-untrusted";
    HANDLE th = start_person(&pp);
    const char *doc = "発行元の確認\n";
    BYTE *p7 = NULL;
    DWORD n = 0;
    DWORD e = sign_message(cert, doc, &p7, &n);
    WaitForSingleObject(th, 120000);
    CloseHandle(th);
    CHECK(e == 0, "CryptSignMessage: 0x%08lx", e);
    char desc[1024] = "";
    svctest_phone_log_last(desc, sizeof desc);
    printf("dialog: %s\nservice: %s\n", pp.publisher, desc);
    if (signed_) {
        CHECK(strcmp(pp.publisher, "発行元: テスト署名ソフト株式会社") == 0,
              "the dialog names the verified publisher: %s", pp.publisher);
        CHECK(strstr(desc, "-signed.exe（発行元: テスト署名ソフト株式会社）") != NULL,
              "the service recorded the publisher: %s", desc);
    } else if (pc == PUB_UNTRUSTED) { /* signed, but under a root nobody trusts */
        CHECK(strcmp(pp.publisher, "発行元を確認できません（署名を検証できません）") == 0,
              "the dialog says the signature does not verify: %s", pp.publisher);
        CHECK(strstr(desc, "-signed.exe（発行元を確認できません）") != NULL,
              "the service recorded no publisher: %s", desc);
    } else {
        CHECK(strcmp(pp.publisher, "発行元を確認できません（署名なし）") == 0,
              "the dialog says the program is not signed: %s", pp.publisher);
        CHECK(strstr(desc, "_test.exe（発行元を確認できません）") != NULL,
              "the service recorded no publisher: %s", desc);
    }
    if (e == 0)
        leave_cms("publisher", p7, n, doc);
    free(p7);
    CertFreeCertificateContext(cert);
    CertCloseStore(my, 0);
    if (signed_)
        trust_ca(ca_der, 0);
    return g_failures ? 1 : 0;
}

/* Watches this process's windows while the silent calls run. */
static volatile LONG g_watch_stop, g_windows_seen;
static DWORD WINAPI watch_windows(void *arg)
{
    (void)arg;
    while (!InterlockedCompareExchange(&g_watch_stop, 0, 0)) {
        int n = svctest_visible_windows();
        if (n > 0)
            InterlockedExchange(&g_windows_seen, n);
        Sleep(20);
    }
    return 0;
}

static int silent(void)
{
    svctest_phone("approve 0");
    if (login_revoke(svctest_env("CRPKI_HOME")) != 0)
        die("cannot revoke the login");
    HANDLE th = CreateThread(NULL, 0, watch_windows, NULL, 0, NULL);
    int before = svctest_phone_log_count();
    /* CSP: a CRYPT_SILENT context */
    HCRYPTPROV p = 0;
    if (!CryptAcquireContextW(&p, NULL, CSPT_PROV, PROV_RSA_FULL, CRYPT_SILENT))
        die("CryptAcquireContext(CRYPT_SILENT): 0x%08lx", GetLastError());
    HCRYPTHASH hh = 0;
    BYTE sig[512];
    DWORD n = sizeof sig;
    const char *doc = "silent";
    if (!CryptCreateHash(p, CALG_SHA_256, 0, 0, &hh) ||
        !CryptHashData(hh, (const BYTE *)doc, (DWORD)strlen(doc), 0))
        die("hash: 0x%08lx", GetLastError());
    SetLastError(0);
    BOOL ok = CryptSignHashW(hh, AT_SIGNATURE, NULL, 0, sig, &n);
    DWORD e = GetLastError();
    CHECK(!ok && e == (DWORD)NTE_SILENT_CONTEXT, "CSP silent: %d 0x%08lx", ok, e);
    CryptDestroyHash(hh);
    CryptReleaseContext(p, 0);
    /* KSP: NCRYPT_SILENT_FLAG */
    rt_router R;
    NCRYPT_PROV_HANDLE prov = 0;
    NCRYPT_KEY_HANDLE k = 0;
    if (open_rsa_key(&R, &prov, &k) != 0)
        return 1;
    BYTE h[32] = {1};
    BCRYPT_PKCS1_PADDING_INFO pi = {BCRYPT_SHA256_ALGORITHM};
    DWORD got = 0;
    SECURITY_STATUS st = R.t->SignHash(prov, k, &pi, h, 32, sig, sizeof sig, &got,
                                       NCRYPT_PAD_PKCS1_FLAG | NCRYPT_SILENT_FLAG);
    CHECK(st == NTE_SILENT_CONTEXT, "KSP silent: 0x%08lx", (unsigned long)st);
    R.t->FreeKey(prov, k);
    R.t->FreeProvider(prov);
    Sleep(500); /* a window made late would still be seen */
    InterlockedExchange(&g_watch_stop, 1);
    WaitForSingleObject(th, 5000);
    CloseHandle(th);
    CHECK(g_windows_seen == 0, "no window for a silent caller: %ld seen", g_windows_seen);
    CHECK(svctest_visible_windows() == 0, "no window left");
    CHECK(svctest_phone_log_count() == before, "nothing asked of the phone");
    return g_failures || rt_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(
            stderr,
            "usage: recovery_service_test "
            "csp-login|ksp-login|csp-retry|csp-cancel|silent|publisher-signed|"
            "publisher-untrusted|publisher-unsigned PATH-TO-crpkicsp.dll [TOOL-DIR | CA.der]\n");
        return 2;
    }
    cspt_load_and_register(argv[2]);
    crpki_error_info ei;
    char dir[600];
    const char *m = argv[1];
    if (argc == 4) { /* a Windows path (the MSI writes InstallDir so) */
        snprintf(dir, sizeof dir, "%s%s", argv[3][0] == '/' ? "Z:" : "", argv[3]);
        for (char *p = dir; *p; p++)
            if (*p == '/')
                *p = '\\';
    }
    int tool = argc == 4 && strcmp(m, "csp-retry") == 0;
    if (tool && plat_machine_set(CRPKI_UI_INSTALL_DIR_VALUE, dir, &ei) != CRPKI_OK)
        die("InstallDir: %s", ei.detail);
    shot_dir(g_shots, sizeof g_shots);
    int rc;
    if (strcmp(m, "csp-login") == 0)
        rc = csp_mode(PLAY_LOGIN);
    else if (strcmp(m, "csp-retry") == 0)
        rc = csp_mode(PLAY_RETRY);
    else if (strcmp(m, "csp-cancel") == 0)
        rc = csp_mode(PLAY_CANCEL);
    else if (strcmp(m, "ksp-login") == 0)
        rc = ksp_login();
    else if (strcmp(m, "silent") == 0)
        rc = silent();
    else if (strcmp(m, "publisher-signed") == 0 && argc == 4)
        rc = publisher(PUB_SIGNED, dir);
    else if (strcmp(m, "publisher-untrusted") == 0 && argc == 4)
        rc = publisher(PUB_UNTRUSTED, dir);
    else if (strcmp(m, "publisher-unsigned") == 0)
        rc = publisher(PUB_UNSIGNED, NULL);
    else
        rc = 2;
    if (tool)
        plat_machine_set(CRPKI_UI_INSTALL_DIR_VALUE, NULL, &ei);
    fprintf(stderr, "recovery_service_test %s: %s\n", m, rc ? "FAILED" : "passed");
    return rc;
}
