/* plat_browser on Windows: the default browser through ShellExecuteW, on a
 * short-lived thread of its own. ShellExecute wants COM initialized as a
 * single-threaded apartment; the caller may be a thread of someone else's
 * application (the providers' login dialog) whose apartment is not ours to
 * set, so the call gets a thread whose apartment is. */
#include "base/platform/plat_browser.h"

#include <stdint.h>
#include <stdlib.h>
#include <windows.h>

#include <objbase.h>
#include <shellapi.h>

#include "base/platform/plat_thread.h"
#include "base/platform/plat_utf16_win.h"

typedef struct {
    wchar_t *url;
    int ok;
} open_job;

static void open_thread(void *arg)
{
    open_job *j = arg;
    HRESULT co = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE);
    HINSTANCE h = ShellExecuteW(NULL, L"open", j->url, NULL, NULL, SW_SHOWNORMAL);
    j->ok = (intptr_t)h > 32; /* values above 32 mean success */
    if (SUCCEEDED(co))
        CoUninitialize();
}

int plat_open_url(const char *url)
{
    open_job j = {plat_utf8_to_wide(url), 0};
    if (!j.url)
        return -1;
    plat_thread *t = plat_thread_start(open_thread, &j);
    if (t)
        plat_thread_join(t);
    free(j.url);
    return j.ok ? 0 : -1;
}
