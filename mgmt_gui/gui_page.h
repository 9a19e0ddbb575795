/* gui_page: what the pages of the window share (gui_page_*.c, one file per
 * page, and their dispatch in gui_pages.c): the actions of their jobs, the
 * control styles, small helpers over controls and JSON results, and each
 * page's functions. Window code only: every decision is a crpki-mgmt
 * command's (gui_job). */
#ifndef CRPKI_MGMT_GUI_GUI_PAGE_H
#define CRPKI_MGMT_GUI_GUI_PAGE_H

#include <stddef.h>
#include <wchar.h>

#include <windows.h>

#include "gui.h"

enum {
    ACT_NET_LOAD = 1,
    ACT_NET_SAVE,
    ACT_NET_TEST,
    ACT_LOGIN_STATE,
    ACT_LOGIN,
    ACT_CERTS,
    ACT_USE,
    ACT_UNSET,
    ACT_LOGOUT,
    ACT_STATUS,
    ACT_SIGN,
    ACT_EXPORT,
    ACT_HISTORY,
    ACT_HISTORY_CSV,
};

#define BTN   (WS_VISIBLE | WS_TABSTOP | BS_PUSHBUTTON)
#define EDIT  (WS_VISIBLE | WS_TABSTOP | ES_AUTOHSCROLL)
#define LABEL (WS_VISIBLE | SS_NOPREFIX)
#define RADIO (WS_VISIBLE | BS_AUTORADIOBUTTON)
#define CHECK (WS_VISIBLE | WS_TABSTOP | BS_AUTOCHECKBOX)

HWND gp_ctl(gui_app *app, int id);
const char *gp_jstr(const cJSON *o, const char *k);
int gp_jbool(const cJSON *o, const char *k);
double gp_jnum(const cJSON *o, const char *k);
void gp_set_text(HWND h, const char *s);
void gp_lv_columns(HWND lv, const wchar_t *const *names, const int *widths, int n, gui_app *app);
void gp_lv_row(HWND lv, const char *const *cells, int n, LPARAM lparam);
void gp_show_error(gui_app *app, const cJSON *res, const wchar_t *fallback);
void gp_show_ok(gui_app *app, const wchar_t *text);
int gp_start(gui_app *app, gui_job *j, const wchar_t *what);
int gp_ask(gui_app *app, const wchar_t *text, const wchar_t *title, UINT type);
int gp_checked(gui_app *app, int id);
void gp_check(gui_app *app, int id, int on);
void net_manual_enable(gui_app *app);
void net_create(gui_app *app);
void net_load(gui_app *app);
void net_loaded(gui_app *app, gui_job *j);
void net_save(gui_app *app);
void net_saved(gui_app *app, gui_job *j);
void net_tested(gui_app *app, gui_job *j);
void login_create(gui_app *app);
void login_state(gui_app *app);
void login_state_shown(gui_app *app, const cJSON *res);
void login_start(gui_app *app);
void login_done(gui_app *app, gui_job *j);
void certs_create(gui_app *app);
void certs_load(gui_app *app);
void certs_shown(gui_app *app);
void certs_done(gui_app *app, gui_job *j);
void use_run(gui_app *app, int set);
void use_done(gui_app *app, gui_job *j);
void logout_create(gui_app *app);
void logout_run(gui_app *app);
void status_create(gui_app *app);
void status_run(gui_app *app);
void status_done(gui_app *app, gui_job *j);
void status_log_open(gui_app *app);
void sign_create(gui_app *app);
void sign_browse(gui_app *app);
void sign_run(gui_app *app);
void sign_done(gui_app *app, gui_job *j);
void export_create(gui_app *app);
int gp_save_dialog(gui_app *app, const wchar_t *title, const wchar_t *filter, const wchar_t *ext,
                   wchar_t *buf, DWORD n);
void export_browse(gui_app *app);
void export_run(gui_app *app);
void history_create(gui_app *app);
void history_run(gui_app *app, int csv);
void history_done(gui_app *app, gui_job *j);

#endif
