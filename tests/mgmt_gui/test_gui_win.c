/* CrpkiManagementTool.exe as a user meets it, under Wine with an X display
 * (crpki_service_test ... XVFB): the real program started as a process, its
 * window driven through Win32 messages only (clicks, text, list reads), the
 * way a person or an accessibility tool would, against crpki-rsspd:
 *   one instance: a second start leaves one window;
 *   1. 通信環境設定: a manual proxy saved and read back (the password kept
 *      protected, shown as ********), back to none; 接続テスト succeeds;
 *   5. 認証解除 of the setup's login: the old refresh token is refused by
 *      the service;
 *   2. G ビズ ID 認証: the login URL shown, this program plays the browser,
 *      the window says who is logged in and until when;
 *   3. 証明書一覧: the holder and company, not a DN;
 *   4. 証明書設定: CSP, then KSP: CERT_KEY_PROV_INFO and the friendly name
 *      read back from CurrentUser\MY; then both;
 *   テスト署名: through the CSP with the approval dialog, its code approved
 *     with `crpki-rsspd approve --code`,
 *      the CMS verified by the driver with OpenSSL;
 *   署名履歴: the signature listed; 証明書の保存: DER and PEM;
 *   a service that hangs: the window answers within 100 ms throughout and
 *      ends with a Japanese error; a stopped service: a Japanese error.
 * CRPKI_GUI_SHOTS=DIR: every screen and the approval dialog as PNG files in DIR
 * (scripts/gui-screenshots puts them into docs/images).
 * argv[1]: CrpkiManagementTool.exe, argv[2]: crpkicsp.dll. */
#include <winsock2.h>
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commctrl.h>
#include <wincrypt.h>

#include <cJSON.h>

#include "core/auth/tokstore.h"
#include "core/catalog/catalog.h"
#include "core/ui/ui_font_win.h"
#include "core/ui/ui_internal.h"
#include "crpki/config.h"
#include "crpki/rssp_client.h"
#include "gui.h" /* WM_GUI_JOB_*: what the worker posts */
#include "gui_ids.h"
#include "login_form.h"
#include "mystore_win.h"
#include "shot_png_win.h"
#include "svctest.h"
#include "testutil.h"

static int g_failed;
static HWND g_main;
static DWORD g_pid;
static HANDLE g_proc;
static char g_shots[600];

#define CHECK(cond, ...) SVCTEST_CHECK(g_failed, cond, __VA_ARGS__)

static void step(const char *what)
{
    fprintf(stderr, "--- %s\n", what);
}

/* ---- the window, from outside --------------------------------------------------- */

static HWND item(int id)
{
    return GetDlgItem(g_main, id);
}

static void text(int id, char *buf, size_t n)
{
    wchar_t w[4096] = L"";
    SendMessageW(item(id), WM_GETTEXT, 4096, (LPARAM)w);
    WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)n, NULL, NULL);
}

static void set_text(int id, const char *utf8)
{
    wchar_t w[4096];
    MultiByteToWideChar(CP_UTF8, 0, utf8, -1, w, 4096);
    SendMessageW(item(id), WM_SETTEXT, 0, (LPARAM)w);
}

static void click(int id)
{
    PostMessageW(item(id), BM_CLICK, 0, 0);
}

static void page(int p)
{
    SendMessageW(item(IDC_NAV), LB_SETCURSEL, (WPARAM)p, 0);
    SendMessageW(g_main, WM_COMMAND, MAKEWPARAM(IDC_NAV, LBN_SELCHANGE), (LPARAM)item(IDC_NAV));
}

static const char SENTINEL[] = "(test: waiting)";

static void mark(void)
{
    set_text(IDC_STATUS, SENTINEL);
}

/* Waits until the job started after mark() is done: キャンセル disabled and
 * the status line no longer the sentinel. The status line into buf. */
static int wait_idle(unsigned timeout_ms, char *buf, size_t n)
{
    uint64_t end = svctest_now_ms() + timeout_ms;
    char s[2048];
    for (;;) {
        /* Cancel first, then the text: the window disables Cancel and sets
           the final status in one message (job_done), and reading the text
           is a message it answers after that one; read the other way round,
           a busy machine let the test take a progress line (the command's
           own "エラー: …" note) for the result */
        int idle = !IsWindowEnabled(item(IDC_CANCEL));
        text(IDC_STATUS, s, sizeof s);
        if (idle && strcmp(s, SENTINEL) != 0 && strstr(s, "…") == NULL) {
            if (buf)
                snprintf(buf, n, "%s", s);
            return 0;
        }
        if (svctest_now_ms() > end) {
            if (buf)
                snprintf(buf, n, "%s", s);
            fprintf(stderr, "timeout waiting; status: %s\n", s);
            return -1;
        }
        Sleep(50);
    }
}

/* A ListView cell of the other process: the text goes through memory
 * allocated in it (LVM_GETITEMTEXTW carries a pointer). */
static void lv_cell(int id, int row, int col, char *buf, size_t n)
{
    buf[0] = 0;
    size_t sz = sizeof(LVITEMW) + 1024 * sizeof(wchar_t);
    unsigned char *remote = VirtualAllocEx(g_proc, NULL, sz, MEM_COMMIT, PAGE_READWRITE);
    if (!remote)
        return;
    LVITEMW it;
    memset(&it, 0, sizeof it);
    it.iSubItem = col;
    it.cchTextMax = 1024;
    it.pszText = (LPWSTR)(remote + sizeof(LVITEMW));
    SIZE_T done;
    wchar_t w[1024] = L"";
    if (WriteProcessMemory(g_proc, remote, &it, sizeof it, &done) &&
        SendMessageW(item(id), LVM_GETITEMTEXTW, (WPARAM)row, (LPARAM)remote) >= 0 &&
        ReadProcessMemory(g_proc, remote + sizeof(LVITEMW), w, sizeof w, &done)) {
        w[1023] = 0;
        WideCharToMultiByte(CP_UTF8, 0, w, -1, buf, (int)n, NULL, NULL);
    }
    VirtualFreeEx(g_proc, remote, 0, MEM_RELEASE);
}

static int lv_count(int id)
{
    return (int)SendMessageW(item(id), LVM_GETITEMCOUNT, 0, 0);
}

typedef struct {
    const wchar_t *cls;
    HWND found;
} find_ctx;

static BOOL CALLBACK find_top(HWND h, LPARAM lp)
{
    find_ctx *f = (find_ctx *)lp;
    DWORD pid = 0;
    wchar_t cls[64];
    GetWindowThreadProcessId(h, &pid);
    if (pid == g_pid && IsWindowVisible(h) && GetClassNameW(h, cls, 64) &&
        wcscmp(cls, f->cls) == 0) {
        f->found = h;
        return FALSE;
    }
    return TRUE;
}

static HWND wait_window(const wchar_t *cls, unsigned timeout_ms)
{
    uint64_t end = svctest_now_ms() + timeout_ms;
    do {
        find_ctx f = {cls, NULL};
        EnumWindows(find_top, (LPARAM)&f);
        if (f.found)
            return f.found;
        Sleep(50);
    } while (svctest_now_ms() < end);
    return NULL;
}

static BOOL CALLBACK first_edit(HWND h, LPARAM lp)
{
    wchar_t cls[32];
    if (GetClassNameW(h, cls, 32) && _wcsicmp(cls, L"Edit") == 0 && IsWindowVisible(h) &&
        IsWindowEnabled(h)) {
        *(HWND *)lp = h;
        return FALSE;
    }
    return TRUE;
}

/* Answers a file dialog as a user would: the name typed into its file
 * name field, then 保存 / 開く (IDOK). */
static int answer_file_dialog(const char *path)
{
    HWND dlg = wait_window(L"#32770", 15000);
    if (!dlg)
        return -1;
    HWND edit = NULL;
    EnumChildWindows(dlg, first_edit, (LPARAM)&edit);
    if (!edit)
        return -1;
    wchar_t w[1024];
    MultiByteToWideChar(CP_UTF8, 0, path, -1, w, 1024);
    SendMessageW(edit, WM_SETTEXT, 0, (LPARAM)w);
    PostMessageW(GetDlgItem(dlg, IDOK), BM_CLICK, 0, 0);
    return 0;
}

/* The face the tool's windows are written in: the one ui_win_message_font
 * picks in this prefix, which the tool's process picks too (its font
 * handles are not this process's to look at). */
static const wchar_t *tool_face(void)
{
    static wchar_t face[LF_FACESIZE];
    if (!face[0]) {
        LOGFONTW lf;
        HDC dc = GetDC(NULL);
        ui_win_message_font(dc, &lf);
        HFONT f = CreateFontIndirectW(&lf);
        HGDIOBJ old = SelectObject(dc, f);
        GetTextFaceW(dc, LF_FACESIZE, face);
        SelectObject(dc, old);
        DeleteObject(f);
        ReleaseDC(NULL, dc);
    }
    return face;
}

/* Every screen the test stops at: in the tool's window and the approval
 * dialog, no box where a letter should be (a message box is the system's);
 * its picture when CRPKI_GUI_SHOTS is set. */
static void shot(HWND w, const char *name)
{
    if (!w)
        return;
    wchar_t cls[64] = L"";
    GetClassNameW(w, cls, 64);
    if (w == g_main || wcscmp(cls, L"CrpkiApprovalDialog") == 0) {
        char missing[1024];
        int boxes = tu_window_missing_glyphs(w, tool_face(), missing, sizeof missing);
        CHECK(boxes == 0, "%s: %d character(s) drawn as boxes: %s", name, boxes, missing);
    }
    if (!g_shots[0])
        return;
    SetForegroundWindow(w);
    RedrawWindow(w, NULL, NULL, RDW_INVALIDATE | RDW_UPDATENOW | RDW_ALLCHILDREN);
    Sleep(400);
    char path[800];
    snprintf(path, sizeof path, "%s\\gui-%s.png", g_shots, name);
    CHECK(shot_png(w, path) == 0, "screenshot %s", path);
}

/* ---- the service, from outside ------------------------------------------------------ */

static char *user_password(const char *simdir)
{
    char *p = svctest_path(simdir, "sim.json");
    uint8_t *data = NULL;
    size_t len = 0;
    char *pw = NULL;
    if (svctest_read_file(p, &data, &len) == 0) {
        cJSON *j = cJSON_Parse((const char *)data);
        const cJSON *u = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "users"), 0);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(u, "password");
        if (cJSON_IsString(v))
            pw = _strdup(v->valuestring);
        cJSON_Delete(j);
    }
    free(data);
    free(p);
    return pw;
}

/* The refresh token of the login in home (malloc'ed), or NULL. */
static char *refresh_token(const char *home)
{
    tokstore ts;
    int present = 0;
    crpki_error_info ei;
    char *r = NULL;
    if (tokstore_load(home, &ts, &present, &ei) == CRPKI_OK && present && ts.refresh_token)
        r = _strdup(ts.refresh_token);
    tokstore_clear(&ts);
    return r;
}

/* What the service says to a refresh with token (CRPKI_OK: accepted). */
static crpki_err try_refresh(const char *home, const char *token)
{
    crpki_config cfg;
    crpki_error_info ei;
    if (crpki_config_load(home, &cfg, &ei) != CRPKI_OK)
        return CRPKI_E_CONFIG;
    rssp_options opt;
    crpki_config_client_options(&cfg, &opt);
    rssp_client *c = NULL;
    crpki_err r = rssp_client_new(&opt, &c, &ei);
    rssp_tokens t;
    memset(&t, 0, sizeof t);
    if (r == CRPKI_OK)
        r = rssp_refresh(c, token, &t, &ei);
    if (r != CRPKI_OK)
        fprintf(stderr, "refresh: %s (%s)\n", crpki_err_name(r), ei.detail);
    rssp_tokens_free(&t);
    rssp_client_free(c);
    crpki_config_free(&cfg);
    return r;
}

/* Short timeouts, so the hanging service ends the test's wait soon. */
static void short_timeouts(const char *home)
{
    crpki_config cfg;
    crpki_error_info ei;
    char *user = svctest_path(home, "config.json");
    CHECK(crpki_config_load_files(NULL, user, home, &cfg, &ei) == CRPKI_OK, "config: %s",
          ei.detail);
    cfg.connect_timeout_s = 3;
    cfg.request_timeout_s = 3;
    cfg.approval_ui = CRPKI_UI_DIALOG;
    CHECK(crpki_config_save(&cfg, &ei) == CRPKI_OK, "config save: %s", ei.detail);
    crpki_config_free(&cfg);
    free(user);
}

/* A TCP listener that accepts and never answers: a hung service. */
static SOCKET g_hang = INVALID_SOCKET;
static DWORD WINAPI hang_accept(LPVOID arg)
{
    (void)arg;
    for (;;) {
        SOCKET s = accept(g_hang, NULL, NULL);
        if (s == INVALID_SOCKET)
            return 0; /* held open: never read, never answered */
    }
}

static unsigned listen_port(SOCKET s)
{
    struct sockaddr_in a;
    int al = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &al);
    return ntohs(a.sin_port);
}

static SOCKET loopback_socket(void)
{
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s, (struct sockaddr *)&a, sizeof a);
    return s;
}

/* ---- the program ----------------------------------------------------------------------- */

static HANDLE start_gui(const char *exe, const wchar_t *args)
{
    wchar_t w[1024], cmd[1100];
    MultiByteToWideChar(CP_UTF8, 0, exe, -1, w, 1024);
    for (wchar_t *p = w; *p; p++)
        if (*p == L'/')
            *p = L'\\';
    swprintf(cmd, 1100, L"\"%ls%ls\"%ls", w[0] == L'\\' ? L"Z:" : L"", w, args);
    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        fprintf(stderr, "CreateProcess %ls: %lu\n", cmd, GetLastError());
        return NULL;
    }
    CloseHandle(pi.hThread);
    g_pid = g_pid ? g_pid : pi.dwProcessId;
    return pi.hProcess;
}

static int count_windows(void)
{
    int n = 0;
    HWND h = NULL;
    while ((h = FindWindowExW(NULL, h, GUI_WINDOW_CLASS, NULL)) != NULL)
        n++;
    return n;
}

static void network_page(void)
{
    char s[2048], v[512];
    step("1. 通信環境設定: proxy saved and read back");
    mark();
    page(GUI_PAGE_NETWORK);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "network page load");
    text(IDC_SVC_URL, v, sizeof v);
    CHECK(strcmp(v, svctest_env("CRPKI_TEST_SERVICE_URL")) == 0, "service URL shown: %s", v);
    click(IDC_PX_MANUAL);
    Sleep(200);
    CHECK(IsWindowEnabled(item(IDC_PX_HOST)), "host enabled by 次のプロキシを使う");
    set_text(IDC_PX_HOST, "proxy.example.jp");
    set_text(IDC_PX_PORT, "8080");
    set_text(IDC_PX_USER, "tanaka");
    set_text(IDC_PX_PASS, "pr0xy-s3cret");
    SendMessageW(item(IDC_PX_PASS), EM_SETMODIFY, TRUE, 0); /* typed, as a user does */
    shot(g_main, "network");
    mark();
    click(IDC_NET_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "保存しました"), "saved: %s", s);
    /* read back: another page and back reloads from config.json + token store */
    mark();
    page(GUI_PAGE_EXPORT);
    mark();
    page(GUI_PAGE_NETWORK);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "network page reload");
    CHECK(SendMessageW(item(IDC_PX_MANUAL), BM_GETCHECK, 0, 0) == BST_CHECKED, "manual checked");
    text(IDC_PX_HOST, v, sizeof v);
    CHECK(strcmp(v, "proxy.example.jp") == 0, "host read back: %s", v);
    text(IDC_PX_PORT, v, sizeof v);
    CHECK(strcmp(v, "8080") == 0, "port read back: %s", v);
    text(IDC_PX_USER, v, sizeof v);
    CHECK(strcmp(v, "tanaka") == 0, "user read back: %s", v);
    text(IDC_PX_PASS, v, sizeof v);
    CHECK(strcmp(v, "********") == 0, "password shown as stored, not itself: %s", v);
    char *cfg = svctest_path(svctest_env("CRPKI_HOME"), "config.json");
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK(svctest_read_file(cfg, &data, &len) == 0 && strstr((char *)data, "proxy.example.jp") &&
              !strstr((char *)data, "pr0xy-s3cret"),
          "config.json has the proxy and not the password");
    free(data);
    free(cfg);
    /* the Windows sign-on: on by default; off for Windows' settings, saved
     * (proxy_sign_on false) and read back; never offered without a proxy */
    CHECK(SendMessageW(item(IDC_PX_SIGNON), BM_GETCHECK, 0, 0) == BST_CHECKED &&
              IsWindowEnabled(item(IDC_PX_SIGNON)),
          "sign-on checked and enabled by default");
    click(IDC_PX_SYSTEM);
    click(IDC_PX_SIGNON);
    Sleep(200); /* the clicks are posted */
    CHECK(SendMessageW(item(IDC_PX_SIGNON), BM_GETCHECK, 0, 0) == BST_UNCHECKED, "sign-on cleared");
    mark();
    click(IDC_NET_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "保存しました"), "saved system: %s", s);
    mark();
    page(GUI_PAGE_EXPORT);
    mark();
    page(GUI_PAGE_NETWORK);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "network page reload (system)");
    CHECK(SendMessageW(item(IDC_PX_SYSTEM), BM_GETCHECK, 0, 0) == BST_CHECKED &&
              SendMessageW(item(IDC_PX_SIGNON), BM_GETCHECK, 0, 0) == BST_UNCHECKED,
          "system without sign-on read back");
    cfg = svctest_path(svctest_env("CRPKI_HOME"), "config.json");
    CHECK(svctest_read_file(cfg, &data, &len) == 0 && strstr((char *)data, "proxy_sign_on"),
          "config.json has proxy_sign_on");
    free(data);
    free(cfg);
    click(IDC_PX_SIGNON);
    /* back to none, saved with the password left as it is shown */
    click(IDC_PX_NONE);
    Sleep(200);
    CHECK(!IsWindowEnabled(item(IDC_PX_SIGNON)), "sign-on disabled without a proxy");
    mark();
    click(IDC_NET_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "保存しました"), "saved none: %s", s);

    step("接続テスト");
    mark();
    click(IDC_NET_TEST);
    CHECK(wait_idle(30000, s, sizeof s) == 0 && strstr(s, "接続できました"), "test: %s", s);
}

/* crpki-mgmt (Unix path) ARGS: its exit status and output (UTF-8) in out. */
static int mgmt_cli(const char *exe_unix, const char *args, char *out, size_t cap)
{
    char cmd[2048];
    int n = snprintf(cmd, sizeof cmd, "\"Z:");
    for (const char *p = exe_unix; *p && n < (int)sizeof cmd - 200; p++)
        cmd[n++] = *p == '/' ? '\\' : *p;
    snprintf(cmd + n, sizeof cmd - (size_t)n, "\" %s", args);
    out[0] = '\0';
    FILE *f = _popen(cmd, "r");
    if (!f)
        return -1;
    size_t len = 0, got;
    while (len < cap - 1 && (got = fread(out + len, 1, cap - 1 - len, f)) > 0)
        len += got;
    out[len] = '\0';
    return _pclose(f);
}

/* Group Policy fixes the service URL and the proxy: the page shows them
 * read-only with the administrator's note, saving has nothing to save, and
 * the CLI twin refuses to change them with the same words. */
static void policy_fixes_the_network_page(const char *mgmt_exe)
{
    char s[2048], v[512];
    static char out[16384];
    step("1. 通信環境設定: fixed by Group Policy");
    wchar_t url[512];
    MultiByteToWideChar(CP_UTF8, 0, svctest_env("CRPKI_TEST_SERVICE_URL"), -1, url, 512);
    CHECK(tu_policy_set(L"ServiceUrl", url, 0) == 0 && tu_policy_set(L"Proxy", L"none", 0) == 0 &&
              tu_policy_set(L"ProxySignOn", NULL, 0) == 0,
          "policy values written");
    mark();
    page(GUI_PAGE_EXPORT);
    mark();
    page(GUI_PAGE_NETWORK);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "network page under policy");
    LONG_PTR st = GetWindowLongPtrW(item(IDC_SVC_URL), GWL_STYLE);
    CHECK(st & ES_READONLY, "the service URL is read-only");
    CHECK(SendMessageW(item(IDC_PX_NONE), BM_GETCHECK, 0, 0) == BST_CHECKED, "policy's none shown");
    CHECK(!IsWindowEnabled(item(IDC_PX_NONE)) && !IsWindowEnabled(item(IDC_PX_SYSTEM)) &&
              !IsWindowEnabled(item(IDC_PX_MANUAL)) && !IsWindowEnabled(item(IDC_PX_SIGNON)),
          "the proxy choices are disabled");
    text(IDC_PX_NOTE, v, sizeof v);
    CHECK(strstr(v, "組織の管理者によって設定されています") != NULL, "proxy note: %s", v);
    text(IDC_SVC_NOTE, v, sizeof v);
    CHECK(strstr(v, "組織の管理者によって設定されています") != NULL, "URL note: %s", v);
    shot(g_main, "network-policy");
    mark();
    click(IDC_NET_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "保存する設定はありません"),
          "nothing to save: %s", s);
    int rc = mgmt_cli(mgmt_exe, "--lang ja --json proxy system", out, sizeof out);
    CHECK(rc == 3 && strstr(out, "組織の管理者によって設定されています") &&
              strstr(out, "FIXED_BY_ADMINISTRATOR"),
          "CLI proxy system: exit %d: %s", rc, out);
    rc = mgmt_cli(mgmt_exe, "--lang ja --json service set https://elsewhere.example.jp", out,
                  sizeof out);
    CHECK(rc == 3 && strstr(out, "接続先は組織の管理者によって設定されています"),
          "CLI service set: exit %d: %s", rc, out);
    CHECK(tu_policy_clear() == 0, "policy removed");
    mark();
    page(GUI_PAGE_EXPORT);
    mark();
    page(GUI_PAGE_NETWORK);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "network page without policy");
    CHECK(IsWindowEnabled(item(IDC_PX_SYSTEM)), "the proxy choices are back");
}

static void logout_page(const char *home)
{
    char s[2048];
    step("5. 認証解除: the old refresh token refused");
    char *old = refresh_token(home);
    CHECK(old != NULL, "the setup's login has a refresh token");
    mark();
    page(GUI_PAGE_LOGOUT);
    shot(g_main, "logout");
    click(IDC_LOGOUT);
    HWND box = wait_window(L"#32770", 10000);
    CHECK(box != NULL, "the confirmation");
    shot(box, "logout-confirm");
    if (box)
        PostMessageW(GetDlgItem(box, IDYES), BM_CLICK, 0, 0);
    CHECK(wait_idle(30000, s, sizeof s) == 0 && strstr(s, "解除しました"), "logout: %s", s);
    if (old) {
        CHECK(try_refresh(home, old) != CRPKI_OK, "the old refresh token still works");
        SecureZeroMemory(old, strlen(old));
        free(old);
    }
}

static void login_page(void)
{
    char s[2048], url[4096];
    step("2. G ビズ ID 認証 (this program plays the browser)");
    mark();
    page(GUI_PAGE_LOGIN);
    CHECK(wait_idle(30000, s, sizeof s) == 0, "login page");
    text(IDC_LOGIN_STATE, s, sizeof s);
    CHECK(strstr(s, "ログインしていません") != NULL, "state before: %s", s);
    mark();
    click(IDC_LOGIN);
    uint64_t end = svctest_now_ms() + 20000;
    do {
        Sleep(100);
        text(IDC_LOGIN_URL, url, sizeof url);
    } while (!url[0] && svctest_now_ms() < end);
    CHECK(strncmp(url, "https://", 8) == 0, "login URL shown: %s", url);
    text(IDC_STATUS, s, sizeof s);
    CHECK(strstr(s, "待っています") || strstr(s, "ブラウザ"), "waiting shown: %s", s);
    CHECK(IsWindowEnabled(item(IDC_CANCEL)), "キャンセル offered while waiting");
    shot(g_main, "login");
    char *ca = svctest_path(svctest_env("CRPKI_TEST_SIMDIR"), "tls\\ca.pem");
    char *pw = user_password(svctest_env("CRPKI_TEST_SIMDIR"));
    char *redirect = pw ? login_form_drive(url, ca, "user1", pw) : NULL;
    CHECK(redirect != NULL, "the login form");
    if (redirect) { /* the browser follows the redirect to the tool's listener */
        /* a plain GET to 127.0.0.1 (http): winsock, as a browser would */
        unsigned port = 0;
        const char *p = strstr(redirect, "127.0.0.1:");
        const char *path = p ? strchr(p + 10, '/') : NULL;
        if (p)
            port = (unsigned)atoi(p + 10);
        CHECK(port && path, "redirect to the loopback: %s", redirect);
        if (port && path) {
            SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a;
            memset(&a, 0, sizeof a);
            a.sin_family = AF_INET;
            a.sin_port = htons((u_short)port);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            CHECK(connect(c, (struct sockaddr *)&a, sizeof a) == 0, "connect to the listener");
            char req[4400];
            int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
            send(c, req, rl, 0);
            char resp[256] = "";
            recv(c, resp, sizeof resp - 1, 0);
            CHECK(strncmp(resp, "HTTP/1.1 200", 12) == 0 || strncmp(resp, "HTTP/1.0 200", 12) == 0,
                  "listener answered: %.40s", resp);
            closesocket(c);
        }
        free(redirect);
    }
    free(ca);
    free(pw);
    CHECK(wait_idle(30000, s, sizeof s) == 0 && strstr(s, "ログインしました"), "login: %s", s);
    text(IDC_LOGIN_STATE, s, sizeof s);
    CHECK(strstr(s, "山田 太郎 (株式会社テスト商事) として") && strstr(s, "有効期限"),
          "who/until shown: %s", s);
    shot(g_main, "login-done");
}

static void certs_and_use(const char *home)
{
    char s[2048], v[512];
    step("3. 証明書一覧: holder and company, not a DN");
    page(GUI_PAGE_CERTS); /* filled by the login already; 最新の情報に更新 asks again */
    CHECK(lv_count(IDC_CERT_LIST) >= 1, "listed after the login: %d", lv_count(IDC_CERT_LIST));
    SendMessageW(item(IDC_CERT_LIST), LVM_DELETEALLITEMS, 0, 0);
    mark();
    click(IDC_CERT_REFRESH);
    CHECK(wait_idle(30000, s, sizeof s) == 0, "certs: %s", s);
    int n = lv_count(IDC_CERT_LIST);
    CHECK(n >= 1, "certificates listed: %d", n);
    lv_cell(IDC_CERT_LIST, 0, 0, v, sizeof v);
    CHECK(strcmp(v, "山田 太郎") == 0, "holder: %s", v);
    lv_cell(IDC_CERT_LIST, 0, 1, v, sizeof v);
    CHECK(strcmp(v, "株式会社テスト商事") == 0, "company: %s", v);
    lv_cell(IDC_CERT_LIST, 0, 4, v, sizeof v);
    CHECK(strcmp(v, "RSA 2048") == 0, "key: %s", v);
    shot(g_main, "certs");

    step("4. 証明書設定: CSP, KSP, both");
    catalog_keys cat;
    crpki_error_info ei;
    mark();
    page(GUI_PAGE_USE);
    Sleep(300);
    CHECK(SendMessageW(item(IDC_USE_CERT), CB_GETCOUNT, 0, 0) == n, "the same certificates");
    SendMessageW(item(IDC_USE_CERT), CB_SETCURSEL, 0, 0);
    const int provs[] = {IDC_USE_CSP, IDC_USE_KSP, IDC_USE_BOTH};
    for (int i = 0; i < 3; i++) {
        click(provs[i]);
        Sleep(100);
        mark();
        click(IDC_USE_SET);
        CHECK(wait_idle(30000, s, sizeof s) == 0 && strstr(s, "設定しました"), "use: %s", s);
        CHECK(catalog_load(home, &cat, &ei) == CRPKI_OK && cat.n >= 1, "keys.json");
        const catalog_entry *e = cat.n ? &cat.v[0] : NULL;
        for (size_t k = 0; k < cat.n; k++)
            if (cat.v[k].key_bits == 2048 && cat.v[k].key_type == CRPKI_KEY_RSA)
                e = &cat.v[k];
        if (e) {
            g_failed |= mystore_check(&e->cert, e->credential_id, provs[i] == IDC_USE_KSP) != 0;
            unsigned want = provs[i] == IDC_USE_CSP   ? CRPKI_CAT_CSP
                            : provs[i] == IDC_USE_KSP ? CRPKI_CAT_KSP
                                                      : (CRPKI_CAT_CSP | CRPKI_CAT_KSP);
            CHECK(e->providers == want, "providers %u, want %u", e->providers, want);
        }
        catalog_free(&cat);
    }
    shot(g_main, "use");
}

static void test_sign(const char *out)
{
    char s[2048], v[4096];
    step("テスト署名 through the CSP, the dialog's code approved by crpki-rsspd approve");
    char content[700], made[800], p7s[800];
    snprintf(content, sizeof content, "%s\\gui.content", out);
    snprintf(made, sizeof made, "%s.p7s", content);
    snprintf(p7s, sizeof p7s, "%s\\gui.p7s", out);
    FILE *f = fopen(content, "wb");
    CHECK(f != NULL, "write %s", content);
    if (f) {
        fputs("登記申請書 (管理ツールのテスト署名)\n", f);
        fclose(f);
    }
    long before = (long)svctest_phone_log_count();
    svctest_phone(NULL); /* the request waits for the representative */
    mark();
    page(GUI_PAGE_SIGN);
    set_text(IDC_SIGN_FILES, content);
    SendMessageW(item(IDC_SIGN_PROV), CB_SETCURSEL, 0, 0); /* CSP */
    mark();
    click(IDC_SIGN_RUN);
    HWND dlg = wait_window(L"CrpkiApprovalDialog", 20000);
    CHECK(dlg != NULL, "the approval dialog appeared");
    shot(dlg, "approval-dialog");
    text(IDC_STATUS, s, sizeof s);
    CHECK(strstr(s, "承認") != NULL, "progress says to approve: %s", s);
    /* the representative reads the code off the dialog and approves it in
       the app: the code shown is the one the service waits for */
    wchar_t wcode[64] = L"";
    char code[8] = "";
    if (dlg)
        GetDlgItemTextW(dlg, CRPKI_UI_ID_CODE, wcode, 64);
    for (size_t i = 0, k = 0; wcode[i] && k < 4; i++)
        if (wcode[i] >= L'0' && wcode[i] <= L'9')
            code[k++] = (char)wcode[i];
    CHECK(strlen(code) == 4, "the dialog shows a 4-digit code: %ls", wcode);
    int rc = svctest_rsspd_decide("approve", code, 20000);
    CHECK(rc == 0, "crpki-rsspd approve --code %s: %d", code, rc);
    CHECK(wait_idle(60000, s, sizeof s) == 0 && strstr(s, "成功"), "sign: %s", s);
    text(IDC_SIGN_RESULT, v, sizeof v);
    CHECK(strstr(v, "検証済み") != NULL, "result: %s", v);
    CHECK((long)svctest_phone_log_count() == before + 1, "one approval request");
    char last[512] = "";
    svctest_phone_log_last_line(last, sizeof last);
    CHECK(code[0] && strncmp(last, code, 4) == 0, "the service's request has the dialog's code: %s",
          last);
    CHECK(MoveFileA(made, p7s), "the CMS %s", made); /* the driver pairs gui.p7s + gui.content */
    svctest_expect_artifacts(1);
    shot(g_main, "sign");
}

static void history_and_export(const char *out)
{
    char s[2048], v[512];
    step("署名履歴");
    mark();
    page(GUI_PAGE_HISTORY);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "history: %s", s);
    CHECK(lv_count(IDC_HIST_LIST) >= 1, "records: %d", lv_count(IDC_HIST_LIST));
    lv_cell(IDC_HIST_LIST, 0, 1, v, sizeof v);
    CHECK(strcmp(v, "署名済み") == 0, "newest outcome: %s", v);
    /* CryptSignMessage passes no description to a CSP: the record names
       the program that asked */
    lv_cell(IDC_HIST_LIST, 0, 2, v, sizeof v);
    CHECK(strcmp(v, "CrpkiManagementTool.exe") == 0, "program: %s", v);
    lv_cell(IDC_HIST_LIST, 0, 5, v, sizeof v);
    CHECK(strcmp(v, "1") == 0, "count: %s", v);
    shot(g_main, "history");
    /* CSV for an auditor: UTF-8 with a BOM (Excel), Japanese intact */
    char csv[700];
    snprintf(csv, sizeof csv, "%s\\署名履歴.csv", out);
    mark();
    click(IDC_HIST_CSV);
    CHECK(answer_file_dialog(csv) == 0, "the save dialog");
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "CSV に出力しました"), "csv: %s", s);
    uint8_t *cd = NULL;
    size_t cl = 0;
    CHECK(svctest_read_file(csv, &cd, &cl) == 0 && cl > 3 && memcmp(cd, "\xEF\xBB\xBF", 3) == 0 &&
              strstr((char *)cd, "CrpkiManagementTool.exe") && strstr((char *)cd, "山田 太郎"),
          "CSV with BOM, the program and the holder (%lu bytes)", (unsigned long)cl);
    free(cd);

    step("証明書の保存: DER and the registrar CA as PEM");
    page(GUI_PAGE_EXPORT);
    char der[700], pem[700];
    snprintf(der, sizeof der, "%s\\user.cer", out);
    snprintf(pem, sizeof pem, "%s\\registrar-ca.pem", out);
    set_text(IDC_EXP_PATH, der);
    shot(g_main, "export");
    mark();
    click(IDC_EXP_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "保存しました"), "export: %s", s);
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK(svctest_read_file(der, &data, &len) == 0 &&
              CertCreateCertificateContext(X509_ASN_ENCODING, data, (DWORD)len) != NULL,
          "user.cer is a DER certificate");
    free(data);
    click(IDC_EXP_CA);
    click(IDC_EXP_PEM);
    Sleep(200);
    set_text(IDC_EXP_PATH, pem);
    mark();
    click(IDC_EXP_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "保存しました"), "export CA: %s", s);
    data = NULL;
    CHECK(svctest_read_file(pem, &data, &len) == 0 &&
              strstr((char *)data, "-----BEGIN CERTIFICATE-----"),
          "registrar-ca.pem is PEM");
    free(data);
}

/* The window answers while a request hangs, then says what happened. */
static void hung_and_stopped(void)
{
    char s[2048], url[128];
    step("a hung service: the window answers within 100 ms");
    g_hang = loopback_socket();
    listen(g_hang, 8);
    CloseHandle(CreateThread(NULL, 0, hang_accept, NULL, 0, NULL));
    snprintf(url, sizeof url, "https://127.0.0.1:%u", listen_port(g_hang));
    mark();
    page(GUI_PAGE_NETWORK);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "network page");
    char good[512];
    text(IDC_SVC_URL, good, sizeof good);
    set_text(IDC_SVC_URL, url);
    mark();
    click(IDC_NET_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "保存しました"), "saved: %s", s);
    mark();
    click(IDC_NET_TEST);
    Sleep(300);
    CHECK(IsWindowEnabled(item(IDC_CANCEL)), "busy while the service hangs");
    DWORD worst = 0;
    for (int i = 0; i < 20; i++) {
        DWORD_PTR r;
        uint64_t t0 = svctest_now_ms();
        LRESULT ok = SendMessageTimeoutW(g_main, WM_NULL, 0, 0, SMTO_ABORTIFHUNG, 1000, &r);
        DWORD ms = (DWORD)(svctest_now_ms() - t0);
        CHECK(ok != 0, "the window did not answer");
        if (ms > worst)
            worst = ms;
        Sleep(50);
    }
    fprintf(stderr, "slowest answer while the request hangs: %lu ms\n", (unsigned long)worst);
    /* a window whose thread made the request would not answer within the
       1 s timeout at all; printed above: tens of ms on an idle machine, the
       bound leaves a busy one room */
    CHECK(worst < 700, "the window took %lu ms to answer", (unsigned long)worst);
    shot(g_main, "network-testing");
    CHECK(wait_idle(30000, s, sizeof s) == 0 && strstr(s, "接続できません"), "hung: %s", s);
    closesocket(g_hang);

    step("a stopped service: a Japanese error and what to do");
    SOCKET gone = loopback_socket();
    snprintf(url, sizeof url, "https://127.0.0.1:%u", listen_port(gone));
    closesocket(gone);
    set_text(IDC_SVC_URL, url);
    mark();
    click(IDC_NET_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "saved");
    mark();
    click(IDC_NET_TEST);
    CHECK(wait_idle(30000, s, sizeof s) == 0 && strstr(s, "接続できません"), "stopped: %s", s);
    text(IDC_DETAIL, s, sizeof s);
    CHECK(strstr(s, "確認") != NULL, "what to do next: %s", s);
    shot(g_main, "error");
    /* the status page says the same */
    mark();
    page(GUI_PAGE_STATUS);
    CHECK(wait_idle(30000, s, sizeof s) == 0 && strstr(s, "問題があります"), "status: %s", s);
    shot(g_main, "status-error");
    set_text(IDC_SVC_URL, good);
    mark();
    page(GUI_PAGE_NETWORK);
    CHECK(wait_idle(20000, s, sizeof s) == 0, "network page");
    set_text(IDC_SVC_URL, good);
    mark();
    click(IDC_NET_SAVE);
    CHECK(wait_idle(20000, s, sizeof s) == 0 && strstr(s, "保存しました"), "restored: %s", s);
    mark();
    page(GUI_PAGE_STATUS);
    CHECK(wait_idle(30000, s, sizeof s) == 0, "status: %s", s);
    shot(g_main, "status");
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr,
                "usage: test_gui_win CrpkiManagementTool.exe crpkicsp.dll crpki-mgmt.exe\n");
        return 2;
    }
    WSADATA wd;
    WSAStartup(MAKEWORD(2, 2), &wd);
    const char *home = svctest_env("CRPKI_HOME");
    const char *out = svctest_env("CRPKI_TEST_OUT");
    shot_dir(g_shots, sizeof g_shots);
    CHECK(mystore_register_csp(argv[2]) == 0, "CSP registration");
    short_timeouts(home);

    step("start; a second start leaves one window");
    g_proc = start_gui(argv[1], L"");
    CHECK(g_proc != NULL, "started");
    if (!g_proc)
        return 1;
    uint64_t end = svctest_now_ms() + 30000;
    while (!(g_main = FindWindowW(GUI_WINDOW_CLASS, NULL)) && svctest_now_ms() < end)
        Sleep(100);
    CHECK(g_main != NULL, "the window appeared");
    if (!g_main)
        return 1;
    wchar_t title[128];
    GetWindowTextW(g_main, title, 128);
    CHECK(wcscmp(title, L"リモート署名ドライバ 管理ツール") == 0, "title %ls", title);
    /* the second start, as the drivers' recovery dialog makes it: the page
       it names comes forward in the first window */
    HANDLE second = start_gui(argv[1], L" --page history");
    CHECK(second && WaitForSingleObject(second, 20000) == WAIT_OBJECT_0, "the second start ended");
    DWORD code = 1;
    if (second) {
        GetExitCodeProcess(second, &code);
        CloseHandle(second);
    }
    CHECK(code == 0 && count_windows() == 1, "second start: exit %lu, %d windows",
          (unsigned long)code, count_windows());
    end = svctest_now_ms() + 10000;
    while (SendMessageW(item(IDC_NAV), LB_GETCURSEL, 0, 0) != GUI_PAGE_HISTORY &&
           svctest_now_ms() < end)
        Sleep(100);
    CHECK(SendMessageW(item(IDC_NAV), LB_GETCURSEL, 0, 0) == GUI_PAGE_HISTORY,
          "--page history brought that page forward");
    /* another program posts the worker's messages with pointers of its own
       (issue 28 N11): the window frees and follows none of them */
    PostMessageW(g_main, WM_GUI_JOB_DONE, 0, (LPARAM)0x12345678);
    PostMessageW(g_main, WM_GUI_JOB_NOTE, 0, (LPARAM)0x2345678);
    PostMessageW(g_main, WM_GUI_JOB_EVENT, GUI_EVENT_LOGIN_URL, (LPARAM)0x3456788);
    DWORD_PTR answer = 0;
    CHECK(SendMessageTimeoutW(g_main, WM_NULL, 0, 0, SMTO_ABORTIFHUNG, 5000, &answer) != 0 &&
              WaitForSingleObject(g_proc, 0) == WAIT_TIMEOUT,
          "the window lives on after forged worker messages");
    /* every page has its title and help; the navigation lists them all */
    CHECK(SendMessageW(item(IDC_NAV), LB_GETCOUNT, 0, 0) == GUI_PAGE_COUNT, "pages listed");

    network_page();
    policy_fixes_the_network_page(argv[3]);
    logout_page(home);
    login_page();
    certs_and_use(home);
    test_sign(out);
    history_and_export(out);
    hung_and_stopped();

    PostMessageW(g_main, WM_CLOSE, 0, 0);
    CHECK(WaitForSingleObject(g_proc, 20000) == WAIT_OBJECT_0, "the window closed");
    CloseHandle(g_proc);
    fprintf(stderr, g_failed ? "test_gui_win: FAILED\n" : "test_gui_win: all checks passed\n");
    return g_failed;
}
