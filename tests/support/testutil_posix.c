#define _GNU_SOURCE /* mkdtemp, nftw */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *tu_tempdir(const char *name_hint)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/crpki-core-%s-XXXXXX", base, name_hint ? name_hint : "t");
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p) == 0 ? 0 : 0;
}

void tu_rmtree(const char *dir)
{
    if (dir)
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int tu_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

char *tu_read(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[len] = 0;
        if (n)
            *n = len;
    }
    return buf;
}

int tu_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

int tu_count_entries(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, part))
            n++;
    closedir(d);
    return n;
}

int tu_file_mode(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

int tu_chmod(const char *path, int mode)
{
    return chmod(path, (mode_t)mode) == 0 ? 0 : -1;
}

int tu_child_dispatch(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return -1; /* children are forked, not executed */
}

struct tu_proc {
    pid_t pid;
};

tu_proc *tu_spawn(const char *role, const char *arg)
{
    tu_proc *p = malloc(sizeof *p);
    if (!p)
        return NULL;
    fflush(NULL);
    p->pid = fork();
    if (p->pid < 0) {
        free(p);
        return NULL;
    }
    if (p->pid == 0)
        _exit(tu_child_main(role, arg));
    return p;
}

int tu_wait(tu_proc *p)
{
    if (!p)
        return -1;
    int status = 0;
    while (waitpid(p->pid, &status, 0) < 0) {
        if (errno != EINTR) {
            free(p);
            return -1;
        }
    }
    free(p);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return -1;
}
