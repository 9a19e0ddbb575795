/* 5. G ビズ ID 認証解除: logging out, here and at the service. */
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

/* ---- 5. 認証解除 ------------------------------------------------------------------ */

void logout_create(gui_app *app)
{
    int p = GUI_PAGE_LOGOUT;
    gui_add(app, p, WC_STATICW,
            L"注意: 認証を解除すると、もう一度ログインするまでこの PC では署名できません。"
            L"署名の途中で解除すると、その署名は失敗します。署名アプリケーションで署名して"
            L"いないことを確かめてから解除してください。",
            LABEL, 0, 215, 96, 655, 60);
    gui_add(app, p, WC_BUTTONW, L"この PC に設定した証明書も削除する", CHECK, IDC_LOGOUT_REMOVE,
            215, 166, 500, 24);
    gui_add(app, p, WC_BUTTONW, L"認証を解除する", BTN, IDC_LOGOUT, 215, 202, 160, 30);
}

void logout_run(gui_app *app)
{
    if (gp_ask(app, L"G ビズ ID の認証を解除しますか?\n署名の途中であれば、その署名は失敗します。",
               L"G ビズ ID 認証解除", MB_YESNO | MB_ICONWARNING | MB_DEFBUTTON2) != IDYES)
        return;
    gui_job *j = gui_job_new(ACT_LOGOUT);
    int ok =
        j && (gp_checked(app, IDC_LOGOUT_REMOVE) ? gui_job_cmd(j, "logout", "--remove-certs", NULL)
                                                 : gui_job_cmd(j, "logout", NULL)) == 0;
    if (ok)
        gp_start(app, j, L"認証を解除しています…");
    else
        gui_job_free(j);
}
