/* p11_test_os for POSIX: dlopen, fork. */
#define _GNU_SOURCE
#include "p11_test_os.h"

#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
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

int p11t_in_child_reports(int (*fn)(void), unsigned timeout_s)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        alarm(timeout_s);
        char verdict = fn() == 0 ? 'y' : 'n';
        (void)!write(fds[1], &verdict, 1);
        _exit(0);
    }
    close(fds[1]);
    char got = 0;
    struct pollfd p = {fds[0], POLLIN, 0};
    if (pid > 0 && poll(&p, 1, (int)(timeout_s + 5) * 1000) == 1)
        (void)!read(fds[0], &got, 1);
    close(fds[0]);
    if (pid > 0) {
        kill(pid, SIGKILL); /* gone already, or hung */
        waitpid(pid, NULL, 0);
    }
    return pid < 0 ? 1 : got == 'y' ? 0 : 1;
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
