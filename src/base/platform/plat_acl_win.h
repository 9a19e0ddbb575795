/* plat_acl's decision over a security descriptor already in memory (Windows
 * only): what plat_admin_only applies to the descriptor it reads, exposed so
 * tests can feed it descriptors built from SDDL. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_ACL_WIN_H
#define CRPKI_BASE_PLATFORM_PLAT_ACL_WIN_H

#include <stddef.h>

/* sd: a SECURITY_DESCRIPTOR with owner and DACL. As plat_admin_only. */
int plat_sd_admin_only(const void *sd, char *why, size_t whysz);

#endif
