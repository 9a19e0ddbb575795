/* 証明書の保存: the certificate and its issuer to files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include <commctrl.h>
#include <commdlg.h>
#include <shellapi.h>

#include "base/platform/plat_str.h"
#include "base/platform/plat_utf16_win.h"
#include "gui_page.h"

/* ---- 証明書の保存 ----------------------------------------------------------------- */

void export_create(gui_app *app)
{
    int p = GUI_PAGE_EXPORT;
    gui_add(app, p, WC_BUTTONW, L"保存する証明書", WS_VISIBLE | BS_GROUPBOX, 0, 215, 92, 320, 78);
    gui_add(app, p, WC_BUTTONW, L"利用者の証明書 (①)", RADIO | WS_GROUP | WS_TABSTOP, IDC_EXP_USER,
            232, 114, 290, 22);
    gui_add(app, p, WC_BUTTONW, L"登記所の CA 証明書 (②)", RADIO, IDC_EXP_CA, 232, 138, 290, 22);
    gui_add(app, p, WC_BUTTONW, L"形式", WS_VISIBLE | BS_GROUPBOX, 0, 550, 92, 320, 78);
    gui_add(app, p, WC_BUTTONW, L"DER (.cer)", RADIO | WS_GROUP | WS_TABSTOP, IDC_EXP_DER, 567, 114,
            290, 22);
    gui_add(app, p, WC_BUTTONW, L"PEM (.pem、テキスト)", RADIO, IDC_EXP_PEM, 567, 138, 290, 22);
    gui_add(app, p, WC_STATICW, L"保存先:", LABEL | WS_GROUP, 0, 215, 186, 100, 20);
    gui_add(app, p, WC_EDITW, NULL, EDIT, IDC_EXP_PATH, 215, 208, 545, 24);
    gui_add(app, p, WC_BUTTONW, L"参照...", BTN, IDC_EXP_BROWSE, 770, 206, 100, 28);
    gui_add(app, p, WC_BUTTONW, L"保存する", BTN, IDC_EXP_SAVE, 215, 246, 130, 30);
    gp_check(app, IDC_EXP_USER, 1);
    gp_check(app, IDC_EXP_DER, 1);
}

int gp_save_dialog(gui_app *app, const wchar_t *title, const wchar_t *filter, const wchar_t *ext,
                   wchar_t *buf, DWORD n)
{
    OPENFILENAMEW of;
    memset(&of, 0, sizeof of);
    of.lStructSize = sizeof of;
    of.hwndOwner = app->wnd;
    of.lpstrFile = buf;
    of.nMaxFile = n;
    of.lpstrTitle = title;
    of.lpstrFilter = filter;
    of.lpstrDefExt = ext;
    of.Flags = OFN_OVERWRITEPROMPT | OFN_PATHMUSTEXIST | OFN_HIDEREADONLY;
    return GetSaveFileNameW(&of) ? 1 : 0;
}

void export_browse(gui_app *app)
{
    int pem = gp_checked(app, IDC_EXP_PEM);
    wchar_t buf[1024];
    wcscpy(buf, gp_checked(app, IDC_EXP_CA) ? L"registrar-ca" : L"certificate");
    wcscat(buf, pem ? L".pem" : L".cer");
    if (gp_save_dialog(app, L"証明書の保存先",
                       pem ? L"PEM (*.pem)\0*.pem\0すべて (*.*)\0*.*\0"
                           : L"DER (*.cer)\0*.cer\0すべて (*.*)\0*.*\0",
                       pem ? L"pem" : L"cer", buf, 1024))
        SetWindowTextW(gp_ctl(app, IDC_EXP_PATH), buf);
}

void export_run(gui_app *app)
{
    char *path = gui_text_utf8(gp_ctl(app, IDC_EXP_PATH));
    if (!path || !path[0]) {
        free(path);
        export_browse(app);
        path = gui_text_utf8(gp_ctl(app, IDC_EXP_PATH));
        if (!path || !path[0]) {
            free(path);
            return;
        }
    }
    gui_job *j = gui_job_new(ACT_EXPORT);
    const char *ca = gp_checked(app, IDC_EXP_CA) ? "--ca" : NULL;
    const char *pem = gp_checked(app, IDC_EXP_PEM) ? "--pem" : NULL;
    int ok = j && (ca ? gui_job_cmd(j, "export-cert", "--out", path, ca, pem, NULL)
                      : gui_job_cmd(j, "export-cert", "--out", path, pem, NULL)) == 0;
    free(path);
    if (ok)
        gp_start(app, j, L"証明書を保存しています…");
    else
        gui_job_free(j);
}
