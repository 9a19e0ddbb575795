#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <knownfolders.h>
#include <shlobj.h>

#include "base/platform/plat_env.h"

#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_utf16_win.h"

char *plat_getenv(const char *name)
{
    wchar_t *wname = plat_utf8_to_wide(name);
    if (!wname)
        return NULL;
    char *out = NULL;
    /* the process environment block, which SetEnvironmentVariableW and the
     * CRT's _wputenv both update */
    DWORD n = GetEnvironmentVariableW(wname, NULL, 0);
    if (n > 1) {
        wchar_t *w = malloc((size_t)n * sizeof *w);
        if (w) {
            DWORD got = GetEnvironmentVariableW(wname, w, n);
            if (got > 0 && got < n)
                out = plat_wide_to_utf8(w);
            free(w);
        }
    }
    free(wname);
    return out;
}

int plat_setenv(const char *name, const char *value)
{
    wchar_t *wname = plat_utf8_to_wide(name);
    wchar_t *wval = value ? plat_utf8_to_wide(value) : NULL;
    int rc = -1;
    if (wname && (wval || !value)) {
        /* the CRT's copy (getenv) and the process block (GetEnvironmentVariableW) */
        if (_wputenv_s(wname, wval ? wval : L"") == 0 && SetEnvironmentVariableW(wname, wval))
            rc = 0;
    }
    free(wname);
    free(wval);
    return rc;
}

/* A known folder as UTF-8, else the environment variable env. */
static char *known_folder(REFKNOWNFOLDERID id, const char *env)
{
    PWSTR w = NULL;
    char *out = NULL;
    if (SUCCEEDED(SHGetKnownFolderPath(id, KF_FLAG_DONT_VERIFY, NULL, &w)) && w && w[0])
        out = plat_wide_to_utf8(w);
    CoTaskMemFree(w);
    if (!out)
        out = plat_getenv(env);
    return out;
}

static crpki_err under_known_folder(REFKNOWNFOLDERID id, const char *env, const char *sub,
                                    const char *file, char **out, crpki_error_info *ei)
{
    *out = NULL;
    char *base = known_folder(id, env);
    if (!base)
        return fail_with(ei, CRPKI_E_CONFIG, "cannot find the %s folder: set CRPKI_HOME", env);
    char *dir = plat_path_join(base, sub);
    free(base);
    if (dir && file) {
        *out = plat_path_join(dir, file);
        free(dir);
    } else {
        *out = dir;
    }
    return *out ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "%s path", env);
}

crpki_err plat_default_home(char **out, crpki_error_info *ei)
{
    return under_known_folder(&FOLDERID_RoamingAppData, "APPDATA", "CrpkiRemoteSign", NULL, out,
                              ei);
}

crpki_err plat_machine_config_path(char **out, crpki_error_info *ei)
{
    return under_known_folder(&FOLDERID_ProgramData, "ProgramData", "CrpkiRemoteSign",
                              "config.json", out, ei);
}

int plat_has_desktop(void)
{
    return 1;
}
