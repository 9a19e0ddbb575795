#define _GNU_SOURCE /* O_CLOEXEC, O_NOFOLLOW, explicit_bzero */
#include "base/platform/plat_protect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error/fail.h"
#include "base/platform/plat_fs.h"

void plat_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

crpki_err plat_protect_seal(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen,
                            crpki_error_info *ei)
{
    *out = malloc(n + 1);
    if (!*out)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "sealing");
    if (n)
        memcpy(*out, in, n);
    (*out)[n] = 0;
    *outlen = n;
    return CRPKI_OK;
}

crpki_err plat_protect_unseal(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen,
                              crpki_error_info *ei)
{
    return plat_protect_seal(in, n, out, outlen, ei);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

crpki_err plat_protect_read(const char *path, size_t max, uint8_t **plain, size_t *len,
                            crpki_error_info *ei)
{
    *plain = NULL;
    *len = 0;
    const char *name = base_name(path);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT)
            return CRPKI_OK;
        if (e == ELOOP)
            return fail_with(ei, CRPKI_E_TOKEN_STORE,
                             "%s is a symbolic link: refusing it (log in again)", path);
        return fail_with(ei, CRPKI_E_TOKEN_STORE, "%s: cannot open: %s", path, strerror(e));
    }
    struct stat sb;
    crpki_err r = CRPKI_OK;
    if (fstat(fd, &sb) != 0)
        r = fail_with(ei, CRPKI_E_TOKEN_STORE, "%s: cannot stat: %s", path, strerror(errno));
    else if (!S_ISREG(sb.st_mode))
        r = fail_with(ei, CRPKI_E_TOKEN_STORE, "%s is not a regular file: refusing it", path);
    else if (sb.st_uid != geteuid())
        r = fail_with(ei, CRPKI_E_TOKEN_STORE,
                      "%s is owned by uid %lu, not by this user (uid %lu): refusing it", name,
                      (unsigned long)sb.st_uid, (unsigned long)geteuid());
    else if (sb.st_mode & 077)
        r = fail_with(ei, CRPKI_E_TOKEN_STORE,
                      "%s has mode %04o: other users may read it; refusing it (chmod 600 it "
                      "or log in again)",
                      name, (unsigned)(sb.st_mode & 07777));
    else if ((uint64_t)sb.st_size > max)
        r = fail_with(ei, CRPKI_E_TOKEN_STORE, "%s: larger than %lu bytes", name,
                      (unsigned long)max);
    if (r != CRPKI_OK) {
        close(fd);
        return r;
    }
    size_t cap = (size_t)sb.st_size, n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: reading", name);
    }
    /* the file is replaced, never rewritten in place: its size holds */
    while (n < cap) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            plat_wipe(buf, n);
            free(buf);
            close(fd);
            return fail_with(ei, CRPKI_E_TOKEN_STORE, "%s: read failed: %s", name, strerror(e));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    buf[n] = 0;
    *plain = buf;
    *len = n;
    return CRPKI_OK;
}

crpki_err plat_protect_write(const char *path, const uint8_t *plain, size_t len,
                             crpki_error_info *ei)
{
    return plat_write_file_atomic(path, plain, len, PLAT_FILE_PRIVATE, ei);
}
