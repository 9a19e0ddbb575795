/* plat_acl: whether only administrators can change a file or folder, the
 * rule for what every user of the PC trusts (the machine-wide config.json
 * and its folder). Windows (plat_acl_win.c): the owner is Administrators,
 * SYSTEM or TrustedInstaller, and no allow entry of the DACL (inherit-only
 * entries aside) gives anyone else write, append, delete, delete-child,
 * change-permissions or take-ownership. POSIX (plat_acl_posix.c): owned by
 * root, not writable by group or others. plat_admin_lock gives a file or
 * folder that shape, as an administrator deploying the machine file does. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_ACL_H
#define CRPKI_BASE_PLATFORM_PLAT_ACL_H

#include <stddef.h>

/* 1: only administrators can change path. 0: someone else can (why says
 * who: "owned by S-1-5-21-…", "writable by S-1-5-32-545", "mode 0666").
 * -1: it cannot be read (why). */
int plat_admin_only(const char *path, char *why, size_t whysz);

/* Makes path changeable by administrators only. Windows: owner
 * Administrators, a protected DACL of full control for Administrators and
 * SYSTEM and read for Users (what the MSI's MsiLockPermissionsEx row sets on
 * %ProgramData%\CrpkiRemoteSign; a folder's entries inherit). POSIX: owner
 * root:root, mode 0755 (folder) or 0644 (file). 1 when done; 0 when this
 * process may not (why: not elevated / not root); -1 on another failure. */
int plat_admin_lock(const char *path, char *why, size_t whysz);

#endif
