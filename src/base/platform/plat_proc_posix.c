#define _GNU_SOURCE /* program_invocation_short_name */

#include "base/platform/plat_proc.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "base/platform/plat_str.h"

char *plat_exe_name(void)
{
    char buf[PATH_MAX + 1];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = '\0';
        const char *slash = strrchr(buf, '/');
        const char *name = slash ? slash + 1 : buf;
        if (*name)
            return plat_strdup(name);
    }
    /* no /proc: the name the process was started with */
    return program_invocation_short_name && *program_invocation_short_name
               ? plat_strdup(program_invocation_short_name)
               : NULL;
}

char *plat_exe_path(void)
{
    char buf[PATH_MAX + 1];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return plat_strdup(buf);
}

int plat_pin_module(const void *addr)
{
    /* the shared object holding addr (the PKCS#11 module) stays mapped
       whatever dlclose the application does: RTLD_NODELETE on a handle
       taken with RTLD_NOLOAD (the object is loaded: it is running this) */
    Dl_info info;
    if (!dladdr(addr, &info) || !info.dli_fname)
        return -1;
    void *h = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    return h ? 0 : -1; /* the reference is kept on purpose */
}
