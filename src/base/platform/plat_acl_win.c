/* plat_acl over the file's security descriptor (GetNamedSecurityInfoW). */
#include "base/platform/plat_acl.h"

#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#include <stdlib.h>

#include "base/platform/plat_acl_win.h"
#include "base/platform/plat_utf16_win.h"
#include "base/util/errbuf.h"

/* What lets a principal change the object or what it holds. */
#define CHANGE_RIGHTS                                                                              \
    (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER |   \
     GENERIC_WRITE | GENERIC_ALL | MAXIMUM_ALLOWED)

/* NT SERVICE\TrustedInstaller, which owns what Windows itself installs. */
static const wchar_t TRUSTED_INSTALLER[] =
    L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";

static int is_admin(PSID sid)
{
    if (IsWellKnownSid(sid, WinBuiltinAdministratorsSid) || IsWellKnownSid(sid, WinLocalSystemSid))
        return 1;
    PSID ti = NULL;
    int same = ConvertStringSidToSidW(TRUSTED_INSTALLER, &ti) && EqualSid(sid, ti);
    if (ti)
        LocalFree(ti);
    return same;
}

static void name_sid(PSID sid, const char *what, char *why, size_t whysz)
{
    wchar_t *w = NULL;
    char *u = ConvertSidToStringSidW(sid, &w) ? plat_wide_to_utf8(w) : NULL;
    errbuf_set(why, whysz, "%s %s", what, u ? u : "an unreadable SID");
    free(u);
    if (w)
        LocalFree(w);
}

int plat_sd_admin_only(const void *sd_in, char *why, size_t whysz)
{
    PSECURITY_DESCRIPTOR sd = (PSECURITY_DESCRIPTOR)sd_in;
    PSID owner = NULL;
    BOOL defaulted = FALSE, present = FALSE;
    PACL dacl = NULL;
    if (!sd || !IsValidSecurityDescriptor(sd) ||
        !GetSecurityDescriptorOwner(sd, &owner, &defaulted)) {
        errbuf_set(why, whysz, "no readable security descriptor");
        return -1;
    }
    if (!owner) {
        errbuf_set(why, whysz, "no owner");
        return 0;
    }
    if (!is_admin(owner)) {
        name_sid(owner, "owned by", why, whysz); /* an owner may always rewrite the DACL */
        return 0;
    }
    if (!GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
        errbuf_set(why, whysz, "no readable DACL");
        return -1;
    }
    if (!present || !dacl) {
        errbuf_set(why, whysz, "no DACL: everyone may change it");
        return 0;
    }
    for (DWORD i = 0; i < dacl->AceCount; i++) {
        ACE_HEADER *h = NULL;
        if (!GetAce(dacl, i, (void **)&h))
            continue;
        if (h->AceFlags & INHERIT_ONLY_ACE)
            continue; /* applies to children only, which are checked themselves */
        if (h->AceType != ACCESS_ALLOWED_ACE_TYPE)
            continue; /* denials take nothing away from the verdict */
        ACCESS_ALLOWED_ACE *a = (ACCESS_ALLOWED_ACE *)h;
        PSID sid = (PSID)&a->SidStart;
        if ((a->Mask & CHANGE_RIGHTS) && !is_admin(sid) &&
            !IsWellKnownSid(sid, WinCreatorOwnerSid)) {
            name_sid(sid, "writable by", why, whysz);
            return 0;
        }
    }
    return 1;
}

int plat_admin_only(const char *path, char *why, size_t whysz)
{
    wchar_t *w = path ? plat_utf8_to_wide(path) : NULL;
    if (!w) {
        errbuf_set(why, whysz, "no path");
        return -1;
    }
    PSECURITY_DESCRIPTOR sd = NULL;
    DWORD rc = GetNamedSecurityInfoW(w, SE_FILE_OBJECT,
                                     OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, NULL,
                                     NULL, NULL, NULL, &sd);
    free(w);
    if (rc != ERROR_SUCCESS) {
        errbuf_set(why, whysz, "cannot read its security descriptor (error %lu)",
                   (unsigned long)rc);
        return -1;
    }
    int r = plat_sd_admin_only(sd, why, whysz);
    LocalFree(sd);
    return r;
}

/* What the MSI's MsiLockPermissionsEx row sets (installer/machine-acl.idt);
 * a file gets the same entries without the inheritance flags. */
static const wchar_t LOCK_DIR[] =
    L"O:BAG:SYD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)";
static const wchar_t LOCK_FILE[] = L"O:BAG:SYD:PAI(A;;FA;;;BA)(A;;FA;;;SY)(A;;0x1200a9;;;BU)";

int plat_admin_lock(const char *path, char *why, size_t whysz)
{
    wchar_t *w = path ? plat_utf8_to_wide(path) : NULL;
    if (!w) {
        errbuf_set(why, whysz, "no path");
        return -1;
    }
    DWORD attr = GetFileAttributesW(w);
    PSECURITY_DESCRIPTOR sd = NULL;
    PSID owner = NULL;
    PACL dacl = NULL;
    BOOL present = FALSE, defaulted = FALSE;
    int r = -1;
    if (attr == INVALID_FILE_ATTRIBUTES) {
        errbuf_set(why, whysz, "cannot read it (error %lu)", (unsigned long)GetLastError());
    } else if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
                   (attr & FILE_ATTRIBUTE_DIRECTORY) ? LOCK_DIR : LOCK_FILE, SDDL_REVISION_1, &sd,
                   NULL) ||
               !GetSecurityDescriptorOwner(sd, &owner, &defaulted) ||
               !GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted)) {
        errbuf_set(why, whysz, "cannot build the descriptor (error %lu)",
                   (unsigned long)GetLastError());
    } else {
        /* Administrators as owner needs an elevated administrator's token */
        DWORD rc = SetNamedSecurityInfoW(w, SE_FILE_OBJECT,
                                         OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                                             PROTECTED_DACL_SECURITY_INFORMATION,
                                         owner, NULL, dacl, NULL);
        if (rc == ERROR_SUCCESS) {
            r = 1;
        } else {
            r = (rc == ERROR_ACCESS_DENIED || rc == ERROR_INVALID_OWNER ||
                 rc == ERROR_PRIVILEGE_NOT_HELD)
                    ? 0
                    : -1;
            errbuf_set(why, whysz, "cannot set its owner and permissions (error %lu)%s",
                       (unsigned long)rc, r == 0 ? ": run as administrator" : "");
        }
    }
    if (sd)
        LocalFree(sd);
    free(w);
    return r;
}
