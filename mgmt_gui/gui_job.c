/* The worker: one user action's commands through mgmt_run, off the UI
 * thread, so the window always answers. Progress lines and the login URL
 * are posted as they come; the result when all is done. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_str.h"
#include "base/platform/plat_thread.h"
#include "gui.h"
#include "mgmt_run.h"

gui_job *gui_job_new(int action)
{
    gui_job *j = calloc(1, sizeof *j);
    if (j) {
        j->action = action;
        InitializeSRWLock(&j->mu);
    }
    return j;
}

void gui_job_free(gui_job *j)
{
    if (!j)
        return;
    for (int c = 0; c < j->ncmds; c++)
        for (int i = 0; i < j->argc[c]; i++)
            free(j->argv[c][i]);
    SecureZeroMemory(j->secret, sizeof j->secret);
    free(j->note);
    free(j->login_url);
    for (int c = 0; c < GUI_JOB_MAX_CMDS; c++) {
        free(j->result[c]);
        cJSON_Delete(j->json[c]);
    }
    free(j);
}

int gui_job_cmd(gui_job *j, const char *first, ...)
{
    if (j->ncmds >= GUI_JOB_MAX_CMDS)
        return -1;
    int c = j->ncmds++;
    const char *fixed[] = {"CrpkiManagementTool", "--lang", "ja"};
    for (size_t i = 0; i < 3; i++)
        j->argv[c][j->argc[c]++] = plat_strdup(fixed[i]);
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *)) {
        if (j->argc[c] >= GUI_JOB_MAX_ARGS - 1)
            break;
        j->argv[c][j->argc[c]++] = plat_strdup(s);
    }
    va_end(ap);
    for (int i = 0; i < j->argc[c]; i++)
        if (!j->argv[c][i])
            return -1;
    return 0;
}

int gui_job_arg(gui_job *j, const char *arg)
{
    if (j->ncmds == 0)
        return -1;
    int c = j->ncmds - 1;
    if (j->argc[c] >= GUI_JOB_MAX_ARGS - 1)
        return -1;
    j->argv[c][j->argc[c]] = plat_strdup(arg);
    return j->argv[c][j->argc[c]++] ? 0 : -1;
}

/* The text waits in the job (the newest replaces one not yet taken); the
 * message only says so. */
static void post_text(gui_job *j, UINT msg, WPARAM wp, const char *utf8)
{
    wchar_t *w = gui_wide(utf8);
    if (!w)
        return;
    AcquireSRWLockExclusive(&j->mu);
    wchar_t **slot = msg == WM_GUI_JOB_NOTE ? &j->note : &j->login_url;
    free(*slot);
    *slot = w;
    ReleaseSRWLockExclusive(&j->mu);
    PostMessageW(j->notify, msg, wp, 0);
}

wchar_t *gui_job_take(gui_job *j, UINT msg, int event)
{
    if (!j || (msg == WM_GUI_JOB_EVENT && event != GUI_EVENT_LOGIN_URL))
        return NULL;
    AcquireSRWLockExclusive(&j->mu);
    wchar_t **slot = msg == WM_GUI_JOB_NOTE ? &j->note : &j->login_url;
    wchar_t *w = *slot;
    *slot = NULL;
    ReleaseSRWLockExclusive(&j->mu);
    return w;
}

static void on_note(void *ctx, const char *text)
{
    post_text(ctx, WM_GUI_JOB_NOTE, 0, text);
}

static void on_event(void *ctx, const char *name, const char *value)
{
    if (strcmp(name, "login_url") == 0)
        post_text(ctx, WM_GUI_JOB_EVENT, GUI_EVENT_LOGIN_URL, value);
}

static int on_secret(void *ctx, char *buf, size_t n)
{
    gui_job *j = ctx;
    size_t len = strlen(j->secret);
    if (len + 1 > n)
        return -1;
    memcpy(buf, j->secret, len + 1);
    return 0;
}

static int on_cancelled(void *ctx)
{
    gui_job *j = ctx;
    return InterlockedCompareExchange(&j->cancel, 0, 0) != 0;
}

static void job_thread(void *arg)
{
    gui_job *j = arg;
    mgmt_io io = {j, on_note, on_event, on_secret, on_cancelled};
    for (int c = 0; c < j->ncmds; c++) {
        j->rc = mgmt_run(j->argc[c], j->argv[c], &io, &j->result[c]);
        j->ran = c + 1;
        if (j->rc != 0 || on_cancelled(j))
            break;
    }
    SecureZeroMemory(j->secret, sizeof j->secret);
    if (!PostMessageW(j->notify, WM_GUI_JOB_DONE, 0, (LPARAM)j))
        gui_job_free(j); /* the window is gone */
}

int gui_job_start(gui_app *app, gui_job *j)
{
    if (!j || app->job) {
        gui_job_free(j);
        return -1;
    }
    j->notify = app->wnd;
    app->job = j;
    app->thread = plat_thread_start(job_thread, j);
    if (!app->thread) {
        app->job = NULL;
        gui_job_free(j);
        return -1;
    }
    return 0;
}
