/* crpki-mgmt on Windows: the command line as UTF-8 (the ANSI argv would
 * lose a Japanese file name), then mgmt_main. */
#include <stdlib.h>
#include <windows.h>

#include <shellapi.h>

#include "mgmt.h"
#include "base/platform/plat_utf16_win.h"

int main(void)
{
    int n = 0;
    wchar_t **wv = CommandLineToArgvW(GetCommandLineW(), &n);
    if (!wv)
        return MGMT_EXIT_FAILURE;
    char **argv = calloc((size_t)n + 1, sizeof *argv);
    int ok = argv != NULL;
    for (int i = 0; ok && i < n; i++)
        ok = (argv[i] = plat_wide_to_utf8(wv[i])) != NULL;
    LocalFree(wv);
    int rc = ok ? mgmt_main(n, argv) : MGMT_EXIT_FAILURE;
    if (argv)
        for (int i = 0; i < n; i++)
            free(argv[i]);
    free(argv);
    return rc;
}
