/* plat_browser on POSIX: $BROWSER (the first of its ':'-separated commands; "%s"
 * stands for the URL, else the URL is appended), else xdg-open. The URL goes
 * to the shell as a positional parameter, never inside the command text. */
#define _POSIX_C_SOURCE 200809L
#include "base/platform/plat_browser.h"

#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "base/platform/plat_env.h"

extern char **environ;

/* cmd with every "%s" replaced by "$1" and, without one, " \"$1\"" added. */
static char *shell_command(const char *cmd)
{
    size_t n = strlen(cmd), extra = 8;
    for (const char *p = strstr(cmd, "%s"); p; p = strstr(p + 2, "%s"))
        extra += 4;
    char *out = malloc(n + extra + 1), *o = out;
    if (!out)
        return NULL;
    int had = 0;
    for (const char *p = cmd; *p;) {
        if (p[0] == '%' && p[1] == 's') {
            memcpy(o, "\"$1\"", 4);
            o += 4;
            p += 2;
            had = 1;
        } else {
            *o++ = *p++;
        }
    }
    if (!had) {
        memcpy(o, " \"$1\"", 5);
        o += 5;
    }
    *o = '\0';
    return out;
}

int plat_open_url(const char *url)
{
    char *b = plat_getenv("BROWSER");
    char *cmd = NULL;
    if (b) {
        b[strcspn(b, ":")] = '\0';
        cmd = shell_command(b);
    } else {
        cmd = shell_command("xdg-open");
    }
    free(b);
    if (!cmd)
        return -1;
    char *argv[] = {"sh", "-c", cmd, "sh", (char *)url, NULL};
    pid_t pid;
    int r = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
    free(cmd);
    /* not waited for: a browser may live on; the shell's exit is reaped by
       the OS when crpki-mgmt exits */
    return r == 0 ? 0 : -1;
}
