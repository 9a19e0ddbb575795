#define _XOPEN_SOURCE 700

#include "test_util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *tu_mkdtemp(const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    size_t n = strlen(tmp) + strlen(prefix) + 16;
    char *p = malloc(n);
    if (!p)
        return NULL;
    snprintf(p, n, "%s/%s-XXXXXX", tmp, prefix);
    if (!mkdtemp(p)) {
        free(p);
        return NULL;
    }
    return p;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

int tu_rm_rf(const char *path)
{
    if (!path)
        return 0;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int tu_write(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

const char *tu_p11_module(void)
{
    const char *m = getenv("CRPKI_TEST_P11_MODULE");
    if (!m || !*m)
        m = "/usr/lib/softhsm/libsofthsm2.so";
    return access(m, R_OK) == 0 ? m : NULL;
}

int tu_softhsm_setup(const char *dir)
{
    char path[4096], conf[4200];
    snprintf(path, sizeof path, "%s/tokens", dir);
    if (mkdir(path, 0700) != 0)
        return -1;
    snprintf(conf, sizeof conf,
             "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", path);
    if (tu_write(dir, "softhsm2.conf", conf) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/softhsm2.conf", dir);
    return setenv("SOFTHSM2_CONF", path, 1);
}
