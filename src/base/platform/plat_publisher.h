/* plat_publisher: who published the program of this process, as the system
 * verifies it, never as the program says: on Windows the Authenticode
 * signature of the image the system reports for the process
 * (QueryFullProcessImageNameW), checked by WinVerifyTrust
 * (WINTRUST_ACTION_GENERIC_VERIFY_V2, no revocation fetch, no network) and a
 * signer chain that ends at a root the machine trusts (plat_publisher_win.c).
 * POSIX programs carry no such signature (plat_publisher_posix.c). The
 * approval dialog and the phone show it, so a program cannot pass for the
 * company's e-filing software by its name alone. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_PUBLISHER_H
#define CRPKI_BASE_PLATFORM_PLAT_PUBLISHER_H

#include <stddef.h>

typedef enum {
    PLAT_PUB_VERIFIED = 0, /* signed, the signature and its chain verified: name is the signer */
    PLAT_PUB_UNSIGNED,     /* no Authenticode signature */
    PLAT_PUB_UNTRUSTED,    /* a signature that does not verify (changed file, untrusted root) */
    PLAT_PUB_NONE,         /* the platform has no such signature (POSIX) */
} plat_pub_state;

/* The state of this process's program; name (UTF-8, NUL-terminated, cut to
 * n) the signer's display name when VERIFIED, else "". Takes a few
 * milliseconds to a second (chain building): callers cache it. */
plat_pub_state plat_program_publisher(char *name, size_t n);

#endif
