/* The management tool's window (CrpkiManagementTool.exe, docs/gui.md).
 * Window code only: every action is a crpki-mgmt command run by mgmt_run
 * (mgmt_tool/mgmt_run.h) on a worker thread; the pages show its JSON
 * result. gui_window.c: the frame, layout, navigation, progress;
 * gui_pages.c: each page's controls, commands and rendering; gui_job.c:
 * the worker. */
#ifndef CRPKI_MGMT_GUI_GUI_H
#define CRPKI_MGMT_GUI_GUI_H

#include <windows.h>

#include <cJSON.h>

#include "gui_ids.h"

/* Posted to the main window by the worker. Any program on the desktop can
 * post these too, so none carries a pointer the window would trust: DONE's
 * lParam must be the running job (app->job) and is ignored otherwise; a
 * note or an event is taken from the running job (gui_job_take). */
#define WM_GUI_JOB_DONE  (WM_APP + 1) /* lParam: the gui_job * (the receiver frees it) */
#define WM_GUI_JOB_NOTE  (WM_APP + 2) /* a progress line waits in the job */
#define WM_GUI_JOB_EVENT (WM_APP + 3) /* wParam: event; its value waits in the job */
enum { GUI_EVENT_LOGIN_URL = 1 };
/* Sent by a second start with --page: wParam the page (gui_ids.h) to show. */
#define WM_GUI_SHOW_PAGE (WM_APP + 4)

#define GUI_JOB_MAX_CMDS 3
#define GUI_JOB_MAX_ARGS 40

/* One user action: up to three commands run in order, stopping at the
 * first that fails. */
typedef struct gui_job {
    int action; /* what the page asked for (gui_pages.c), to render the result */
    int ncmds;
    int argc[GUI_JOB_MAX_CMDS];
    char *argv[GUI_JOB_MAX_CMDS][GUI_JOB_MAX_ARGS]; /* UTF-8, owned */
    char secret[512];                               /* for --password-stdin; wiped */
    volatile LONG cancel;
    HWND notify;
    /* what the worker posted and the window has not taken yet (under mu) */
    SRWLOCK mu;
    wchar_t *note, *login_url;
    /* results */
    int ran;                        /* commands run (the last may have failed) */
    int rc;                         /* the exit code of the last command run */
    char *result[GUI_JOB_MAX_CMDS]; /* each one's JSON (malloc'ed) */
    cJSON *json[GUI_JOB_MAX_CMDS];  /* parsed on the UI thread */
} gui_job;

/* A control of a page, laid out at 96 DPI and scaled. */
typedef struct {
    HWND hwnd;
    int page; /* -1: on every page */
    int x, y, w, h;
} gui_ctl;

#define GUI_MAX_CTLS 160

typedef struct gui_app {
    HINSTANCE inst;
    HWND wnd;
    UINT dpi;
    HFONT font, title_font;
    int page;
    gui_ctl ctl[GUI_MAX_CTLS];
    int nctl;
    gui_job *job;        /* running, or NULL */
    void *thread;        /* its plat_thread, joined when it is done */
    int service_machine; /* the service URL is the administrator's: read-only */
    int proxy_fixed;     /* the proxy setting is the administrator's: read-only */
    int sign_on_fixed;   /* so is the Windows sign-on at the proxy */
    int status_error;    /* the status line shows an error (drawn red) */
    cJSON *certs;        /* the last certificate list (credentials array's parent) */
} gui_app;

/* gui_window.c */
int gui_app_init(gui_app *app, HINSTANCE inst, int show);
void gui_show_page(gui_app *app, int page);

/* gui_ctl.c */
HWND gui_add(gui_app *app, int page, const wchar_t *cls, const wchar_t *text, DWORD style, int id,
             int x, int y, int w, int h);
void gui_set_status(gui_app *app, const wchar_t *text, const wchar_t *detail);
/* Starts a job's progress display (bar, キャンセル enabled, the text). */
void gui_busy(gui_app *app, const wchar_t *text);
/* The bar shown and キャンセル enabled (on), or both off. */
void gui_progress(gui_app *app, int on);
int gui_scale(const gui_app *app, int v);
wchar_t *gui_wide(const char *utf8); /* malloc'ed; "" for NULL */
char *gui_text_utf8(HWND ctl);       /* the control's text, malloc'ed UTF-8 */

/* gui_job.c */
gui_job *gui_job_new(int action);
/* Appends one command ("--lang ja" is added): args end with NULL. */
int gui_job_cmd(gui_job *j, const char *first, ...);
/* Appends one argument (an optional flag) to the job's last command: 0, or
 * -1 (no command yet, too many arguments, out of memory). */
int gui_job_arg(gui_job *j, const char *arg);
int gui_job_start(gui_app *app, gui_job *j); /* 0, or -1 (j freed) */
/* The progress line (msg WM_GUI_JOB_NOTE) or the event's value
 * (WM_GUI_JOB_EVENT, event) waiting in j, taken (malloc'ed; NULL: none). */
wchar_t *gui_job_take(gui_job *j, UINT msg, int event);
void gui_job_free(gui_job *j);

/* gui_pages.c */
void gui_pages_create(gui_app *app);
void gui_pages_command(gui_app *app, int id, int code);
void gui_pages_done(gui_app *app, gui_job *j);
void gui_pages_event(gui_app *app, int event, const wchar_t *value);
void gui_pages_shown(gui_app *app, int page); /* a page became visible: refresh it */
int gui_pages_notify(gui_app *app, NMHDR *nm, LRESULT *res);

#endif
