/* plat_browser on Windows: the default browser through ShellExecuteW. */
#include "base/platform/plat_browser.h"

#include <stdint.h>
#include <stdlib.h>
#include <windows.h>

#include <shellapi.h>

#include "base/platform/plat_utf16_win.h"

int plat_open_url(const char *url)
{
    wchar_t *w = plat_utf8_to_wide(url);
    if (!w)
        return -1;
    HINSTANCE h = ShellExecuteW(NULL, L"open", w, NULL, NULL, SW_SHOWNORMAL);
    free(w);
    /* values above 32 mean success */
    return (intptr_t)h > 32 ? 0 : -1;
}
