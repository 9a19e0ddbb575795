/* plat_acl: whether only administrators can change a file or folder, the
 * rule for what every user of the PC trusts (the machine-wide config.json
 * and its folder). Windows (plat_acl_win.c): the owner is Administrators,
 * SYSTEM or TrustedInstaller, and no allow entry of the DACL (inherit-only
 * entries aside) gives anyone else write, append, delete, delete-child,
 * change-permissions or take-ownership. POSIX (plat_acl_posix.c): owned by
 * root, not writable by group or others. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_ACL_H
#define CRPKI_BASE_PLATFORM_PLAT_ACL_H

#include <stddef.h>

/* 1: only administrators can change path. 0: someone else can (why says
 * who: "owned by S-1-5-21-…", "writable by S-1-5-32-545", "mode 0666").
 * -1: it cannot be read (why). */
int plat_admin_only(const char *path, char *why, size_t whysz);

#endif
