#define _GNU_SOURCE /* O_CLOEXEC, O_NOFOLLOW */
#include "base/platform/plat_xlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/error/fail.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"

struct plat_xlock {
    int fd;
};

char *plat_xlock_name(const char *home)
{
    return plat_path_join(home, "tokens.lock");
}

crpki_err plat_xlock_acquire(const char *home, unsigned timeout_ms, plat_xlock **out,
                             crpki_error_info *ei)
{
    *out = NULL;
    crpki_err r = plat_mkdir_p(home, PLAT_FILE_PRIVATE, ei);
    if (r != CRPKI_OK)
        return r;
    char *path = plat_xlock_name(home);
    if (!path)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "lock path");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        r = fail_with(ei, CRPKI_E_LOCK, "%s: cannot open: %s", path, strerror(errno));
        free(path);
        return r;
    }
    /* flock has no timeout: poll, backing off from 2 ms to 50 ms */
    int64_t deadline = plat_now_ms() + timeout_ms;
    unsigned nap = 2;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            break;
        int e = errno;
        if (e == EINTR)
            continue;
        if (e != EWOULDBLOCK) {
            r = fail_with(ei, CRPKI_E_LOCK, "%s: flock failed: %s", path, strerror(e));
            break;
        }
        int64_t now = plat_now_ms();
        if (now >= deadline) {
            r = fail_with(ei, CRPKI_E_LOCK, "%s: still held by another process after %u ms", path,
                          timeout_ms);
            break;
        }
        unsigned left = (unsigned)(deadline - now);
        plat_sleep_ms(nap < left ? nap : left);
        if (nap < 50)
            nap *= 2;
    }
    free(path);
    if (r != CRPKI_OK) {
        close(fd);
        return r;
    }
    plat_xlock *l = malloc(sizeof *l);
    if (!l) {
        close(fd); /* releases the lock */
        return fail_with(ei, CRPKI_E_NO_MEMORY, "lock");
    }
    l->fd = fd;
    *out = l;
    return CRPKI_OK;
}

void plat_xlock_release(plat_xlock *l)
{
    if (!l)
        return;
    flock(l->fd, LOCK_UN);
    close(l->fd);
    free(l);
}
