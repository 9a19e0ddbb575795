/* xlock: the cross-process lock of a state directory, which serializes
 * every read-modify-write of its token store (refresh above all) between
 * processes and between threads alike: POSIX flock on home/tokens.lock,
 * Windows the named mutex "Local\CrpkiRemoteSign-<hash of the home path>".
 * Each acquisition opens its own descriptor / handle, so two threads of one
 * process exclude each other too. Release from the acquiring thread. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_XLOCK_H
#define CRPKI_BASE_PLATFORM_PLAT_XLOCK_H

#include "crpki/error.h"

typedef struct plat_xlock plat_xlock;

/* Waits up to timeout_ms; CRPKI_E_LOCK when another holder kept it that long.
 * POSIX creates home (0700) and the lock file (0600) if missing. */
crpki_err plat_xlock_acquire(const char *home, unsigned timeout_ms, plat_xlock **out,
                             crpki_error_info *ei);
void plat_xlock_release(plat_xlock *l);

/* The lock's system-wide name (Windows: the mutex name as UTF-8; POSIX: the
 * lock file path). malloc'ed. For logs and tests. */
char *plat_xlock_name(const char *home);

#endif
