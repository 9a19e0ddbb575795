/* env: environment variables and the well-known directories, as UTF-8 on
 * every platform (plat_env_posix.c, plat_env_win.c). On Windows the wide APIs are used:
 * a Japanese user name in %APPDATA% survives whatever the ANSI code page. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_ENV_H
#define CRPKI_BASE_PLATFORM_PLAT_ENV_H

#include "crpki/error.h"

/* The variable's value, malloc'ed UTF-8; NULL when unset, empty or not
 * convertible. */
char *plat_getenv(const char *name);
/* Sets the variable (value NULL: removes it). 0, or -1 on failure. For tests
 * and tools; not thread-safe against concurrent getenv on POSIX. */
int plat_setenv(const char *name, const char *value);

/* The per-user state directory when CRPKI_HOME is not set: Windows
 * <RoamingAppData>\CrpkiRemoteSign (SHGetKnownFolderPath, else %APPDATA%),
 * POSIX $XDG_CONFIG_HOME/crpki (absolute values only, as the XDG spec says),
 * else $HOME/.config/crpki, else the passwd entry's home. *out malloc'ed. */
crpki_err plat_default_home(char **out, crpki_error_info *ei);

/* The machine-wide config file: Windows
 * <ProgramData>\CrpkiRemoteSign\config.json, POSIX /etc/crpki/config.json. */
crpki_err plat_machine_config_path(char **out, crpki_error_info *ei);

/* 1 where the approval code is shown in a window by default (Windows), 0
 * where the console is the default (elsewhere). */
int plat_has_desktop(void);

#endif
