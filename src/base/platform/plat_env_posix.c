#define _GNU_SOURCE /* setenv, getpwuid_r */
#include "base/platform/plat_env.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error/fail.h"
#include "base/platform/plat_fs.h"

char *plat_getenv(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return NULL;
    return strdup(v);
}

int plat_setenv(const char *name, const char *value)
{
    if (!value)
        return unsetenv(name) == 0 ? 0 : -1;
    return setenv(name, value, 1) == 0 ? 0 : -1;
}

static char *passwd_home(void)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) != 0 || !res || !pw.pw_dir ||
        pw.pw_dir[0] != '/')
        return NULL;
    return strdup(pw.pw_dir);
}

crpki_err plat_default_home(char **out, crpki_error_info *ei)
{
    *out = NULL;
    char *xdg = plat_getenv("XDG_CONFIG_HOME");
    if (xdg && xdg[0] == '/') {
        *out = plat_path_join(xdg, "crpki");
        free(xdg);
        return *out ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "home directory path");
    }
    free(xdg);
    char *home = plat_getenv("HOME");
    if (!home || home[0] != '/') {
        free(home);
        home = passwd_home();
    }
    if (!home)
        return fail_with(ei, CRPKI_E_CONFIG,
                         "cannot determine the home directory (HOME unset): set CRPKI_HOME");
    char *cfg = plat_path_join(home, ".config");
    free(home);
    if (cfg)
        *out = plat_path_join(cfg, "crpki");
    free(cfg);
    return *out ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "home directory path");
}

crpki_err plat_machine_config_path(char **out, crpki_error_info *ei)
{
    *out = strdup("/etc/crpki/config.json");
    return *out ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "machine config path");
}

int plat_has_desktop(void)
{
    return 0;
}
