/* protect: how the token store is kept from other users at rest.
 * Windows: the content is sealed with DPAPI (CryptProtectData, current user,
 * CRYPTPROTECT_UI_FORBIDDEN, a constant entropy), so only this user on this
 * machine (or roaming profile) can unseal it; a damaged or foreign blob fails
 * to unseal. POSIX: sealing is the identity; the file is created 0600, and a
 * store that is not a regular file owned by this user or that the group or
 * others may read is refused. Files are replaced atomically (plat_fs.h). */
#ifndef CRPKI_BASE_PLATFORM_PLAT_PROTECT_H
#define CRPKI_BASE_PLATFORM_PLAT_PROTECT_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"

/* Reads and unseals path. Absent: CRPKI_OK with *plain NULL. Refused or
 * unsealable: CRPKI_E_TOKEN_STORE with a detail that says why. *plain is
 * malloc'ed, NUL-terminated; wipe it (plat_wipe) before freeing. */
crpki_err plat_protect_read(const char *path, size_t max, uint8_t **plain, size_t *len,
                            crpki_error_info *ei);
/* Seals plain and replaces path with it atomically (POSIX: 0600 from the
 * first byte). */
crpki_err plat_protect_write(const char *path, const uint8_t *plain, size_t len,
                             crpki_error_info *ei);

/* The sealing alone (malloc'ed outputs), for tests. */
crpki_err plat_protect_seal(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen,
                            crpki_error_info *ei);
crpki_err plat_protect_unseal(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen,
                              crpki_error_info *ei);

/* Zeroes n bytes in a way the compiler keeps. p may be NULL. */
void plat_wipe(void *p, size_t n);

#endif
