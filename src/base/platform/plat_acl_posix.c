#define _POSIX_C_SOURCE 200809L /* chown */
/* plat_acl over stat(2). */
#include "base/platform/plat_acl.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util/errbuf.h"

int plat_admin_only(const char *path, char *why, size_t whysz)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) {
        errbuf_set(why, whysz, "cannot read its owner (%s)", path ? strerror(errno) : "no path");
        return -1;
    }
    if (st.st_uid != 0) {
        errbuf_set(why, whysz, "owned by uid %lu, not root", (unsigned long)st.st_uid);
        return 0;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        errbuf_set(why, whysz, "mode %04o: writable by %s", (unsigned)(st.st_mode & 07777),
                   (st.st_mode & S_IWOTH) ? "everyone" : "its group");
        return 0;
    }
    return 1;
}

int plat_admin_lock(const char *path, char *why, size_t whysz)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) {
        errbuf_set(why, whysz, "cannot read it (%s)", path ? strerror(errno) : "no path");
        return -1;
    }
    if (chown(path, 0, 0) != 0) {
        errbuf_set(why, whysz, "cannot make root its owner (%s): run as root", strerror(errno));
        return errno == EPERM ? 0 : -1;
    }
    if (chmod(path, S_ISDIR(st.st_mode) ? 0755 : 0644) != 0) {
        errbuf_set(why, whysz, "cannot change its mode (%s)", strerror(errno));
        return -1;
    }
    return 1;
}
