#define _GNU_SOURCE /* O_CLOEXEC, O_NOFOLLOW, O_DIRECTORY */
#include "base/platform/plat_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error/fail.h"

const char plat_path_sep = '/';

static atomic_int g_fault;
static atomic_uint g_tmp_counter;

void plat_fs_set_fault(plat_fault f)
{
    atomic_store(&g_fault, (int)f);
}

char *plat_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int sep = dl > 0 && dir[dl - 1] != '/';
    char *p = malloc(dl + (size_t)sep + nl + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (sep)
        p[dl] = '/';
    memcpy(p + dl + (size_t)sep, name, nl + 1);
    return p;
}

/* The content of the open regular file fd (sb its fstat), closed here. */
static crpki_err read_fd(int fd, const struct stat *st, const char *path, size_t max,
                         uint8_t **data, size_t *len, int *too_big, crpki_error_info *ei)
{
    if ((uint64_t)st->st_size > max) {
        close(fd);
        if (too_big)
            *too_big = 1;
        return fail_with(ei, CRPKI_E_IO, "%s: larger than %lu bytes", path, (unsigned long)max);
    }
    /* read up to max + 1 in case the file grew since fstat */
    size_t cap = (size_t)st->st_size + 1, n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: reading", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                free(buf);
                close(fd);
                if (too_big)
                    *too_big = 1;
                return fail_with(ei, CRPKI_E_IO, "%s: larger than %lu bytes", path,
                                 (unsigned long)max);
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            uint8_t *nb = realloc(buf, ncap + 1);
            if (!nb) {
                free(buf);
                close(fd);
                return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: reading", path);
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return fail_with(ei, CRPKI_E_IO, "%s: read failed: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max) {
        free(buf);
        if (too_big)
            *too_big = 1;
        return fail_with(ei, CRPKI_E_IO, "%s: larger than %lu bytes", path, (unsigned long)max);
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return CRPKI_OK;
}

crpki_err plat_read_file(const char *path, size_t max, uint8_t **data, size_t *len, int *too_big,
                         crpki_error_info *ei)
{
    *data = NULL;
    *len = 0;
    if (too_big)
        *too_big = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return CRPKI_OK;
        return fail_with(ei, CRPKI_E_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return fail_with(ei, CRPKI_E_IO, "%s: not a regular file", path);
    }
    return read_fd(fd, &sb, path, max, data, len, too_big, ei);
}

/* Whether another user could have put in what st describes: not ours, or
 * writable by others (a directory without the sticky bit). */
static int foreign(const struct stat *st)
{
    return st->st_uid != geteuid() ||
           ((st->st_mode & S_IWOTH) && !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)));
}

crpki_err plat_read_own_file(const char *path, size_t max, uint8_t **data, size_t *len,
                             int *too_big, crpki_error_info *ei)
{
    *data = NULL;
    *len = 0;
    if (too_big)
        *too_big = 0;
    /* the directory first: whoever may replace files in it decides them */
    char *dir = strdup(path);
    if (!dir)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: reading", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    struct stat ds;
    int dir_bad = slash && stat(dir, &ds) == 0 && foreign(&ds);
    free(dir);
    if (dir_bad)
        return fail_with(ei, CRPKI_E_CONFIG,
                         "%s: its folder is not the user's own or others may write to it: "
                         "refused",
                         path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return CRPKI_OK;
        if (errno == ELOOP)
            return fail_with(ei, CRPKI_E_CONFIG, "%s: a symbolic link: refused", path);
        return fail_with(ei, CRPKI_E_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return fail_with(ei, CRPKI_E_IO, "%s: not a regular file", path);
    }
    if (foreign(&sb)) {
        close(fd);
        return fail_with(ei, CRPKI_E_CONFIG,
                         "%s: owned by user %lu or writable by others: refused (chmod o-w, "
                         "chown to the user)",
                         path, (unsigned long)sb.st_uid);
    }
    return read_fd(fd, &sb, path, max, data, len, too_big, ei);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync of path's directory, so the rename itself is on disk. Best effort. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == path ? strdup("/")
                : slash       ? strndup(path, (size_t)(slash - path))
                              : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

crpki_err plat_write_file_atomic(const char *path, const void *data, size_t len,
                                 plat_file_mode mode, crpki_error_info *ei)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 48);
    if (!tmp)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: temporary name", path);
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        snprintf(tmp, pl + 48, "%s.tmp.%lu.%u", path, (unsigned long)getpid(),
                 atomic_fetch_add(&g_tmp_counter, 1));
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  mode == PLAT_FILE_PRIVATE ? 0600 : 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return fail_with(ei, CRPKI_E_IO, "%s: cannot create a temporary file: %s", path,
                         strerror(e));
    }
    const char *stage = "write";
    int e = 0;
    int fault = atomic_load(&g_fault);
    if (fault == PLAT_FAULT_WRITE) {
        /* a partial write, then the failure */
        (void)write_all(fd, data, len / 2);
        e = ENOSPC;
    } else if (write_all(fd, data, len) != 0) {
        e = errno ? errno : EIO;
    } else if (fsync(fd) != 0) {
        stage = "fsync";
        e = errno;
    }
    if (close(fd) != 0 && !e) {
        stage = "close";
        e = errno;
    }
    if (!e) {
        stage = "rename";
        if (fault == PLAT_FAULT_RENAME)
            e = EIO;
        else if (rename(tmp, path) != 0)
            e = errno;
    }
    if (e) {
        unlink(tmp);
        free(tmp);
        return fail_with(ei, CRPKI_E_IO, "%s: %s failed: %s (old content kept)", path, stage,
                         strerror(e));
    }
    free(tmp);
    sync_parent(path);
    return CRPKI_OK;
}

crpki_err plat_mkdir_p(const char *dir, plat_file_mode mode, crpki_error_info *ei)
{
    char *p = strdup(dir);
    if (!p)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: creating", dir);
    mode_t m = mode == PLAT_FILE_PRIVATE ? 0700 : 0755;
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != 0)
            continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, m) != 0 && errno != EEXIST) {
            int e = errno;
            crpki_err r = fail_with(ei, CRPKI_E_IO, "%s: cannot create: %s", p, strerror(e));
            free(p);
            return r;
        }
        *s = c;
        if (!c)
            break;
    }
    struct stat sb;
    int ok = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
    free(p);
    if (!ok)
        return fail_with(ei, CRPKI_E_IO, "%s: not a directory", dir);
    return CRPKI_OK;
}

crpki_err plat_remove(const char *path, crpki_error_info *ei)
{
    if (unlink(path) != 0 && errno != ENOENT)
        return fail_with(ei, CRPKI_E_IO, "%s: cannot delete: %s", path, strerror(errno));
    return CRPKI_OK;
}

crpki_err plat_rename(const char *from, const char *to, crpki_error_info *ei)
{
    if (rename(from, to) != 0)
        return fail_with(ei, CRPKI_E_IO, "%s: cannot rename: %s", from, strerror(errno));
    return CRPKI_OK;
}

int plat_file_stamp(const char *path, plat_stamp *st)
{
    struct stat sb;
    memset(st, 0, sizeof *st);
    if (stat(path, &sb) != 0)
        return 0;
    st->v[0] = (uint64_t)sb.st_dev;
    st->v[1] = (uint64_t)sb.st_ino;
    st->v[2] = (uint64_t)sb.st_size;
    st->v[3] = (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec;
    return 1;
}

struct plat_append {
    int fd;
};

plat_append *plat_append_open(const char *path, plat_file_mode mode)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                  mode == PLAT_FILE_PRIVATE ? 0600 : 0644);
    if (fd < 0)
        return NULL;
    plat_append *f = malloc(sizeof *f);
    if (!f) {
        close(fd);
        return NULL;
    }
    f->fd = fd;
    return f;
}

int plat_append_write(plat_append *f, const char *buf, size_t len)
{
    /* one write(2) with O_APPEND: the line lands whole, after every other */
    for (;;) {
        ssize_t w = write(f->fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        return w == (ssize_t)len ? 0 : -1;
    }
}

void plat_append_close(plat_append *f)
{
    if (!f)
        return;
    close(f->fd);
    free(f);
}
