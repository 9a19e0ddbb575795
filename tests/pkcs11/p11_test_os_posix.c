/* p11_test_os for POSIX: dlopen, fork. */
#define _GNU_SOURCE
#include "p11_test_os.h"

#include <dlfcn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *g_lib;

void *p11t_load(const char *path)
{
    g_lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!g_lib) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return NULL;
    }
    return dlsym(g_lib, "C_GetFunctionList");
}

void p11t_unload(void)
{
    if (g_lib)
        dlclose(g_lib);
    g_lib = NULL;
}

int p11t_in_child(int (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(60); /* a child that hangs (a lock held at the fork) fails */
        _exit(fn());
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return 1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
