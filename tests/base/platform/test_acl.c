/* plat_acl: who may change the machine-wide configuration.
 * POSIX: files made here, their owner and mode changed (root can give a file
 * away; another user sees their own files refused). Windows (under Wine):
 * the decision over real security descriptors built from SDDL with the
 * Windows API, the ones the MSI sets, the one a folder inherits from
 * ProgramData, and the ways a non-administrator could hold a write right.
 * What only real Windows shows: that NTFS enforces those descriptors and
 * that Windows Installer applies the MSI's MsiLockPermissionsEx row. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* mkdtemp, chown */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/platform/plat_acl.h"

#ifdef _WIN32
#include <windows.h>
#include <sddl.h>

#include "base/platform/plat_acl_win.h"

static int verdict(const wchar_t *sddl, char *why, size_t whysz)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL))
        fail_msg("SDDL refused: %ls", sddl);
    int r = plat_sd_admin_only(sd, why, whysz);
    LocalFree(sd);
    print_message("      %ls -> %d %s\n", sddl, r, r == 1 ? "" : why);
    return r;
}

#define TI L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"

static void descriptors_that_only_administrators_can_change(void **state)
{
    (void)state;
    char why[200];
    /* what the MSI sets on %ProgramData%\CrpkiRemoteSign (installer/crpki.wxs) */
    assert_int_equal(verdict(L"O:BAG:SYD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)",
                             why, sizeof why),
                     1);
    /* owned by SYSTEM or TrustedInstaller; users denied; inherit-only grants and
       CREATOR OWNER (which names no one until inherited) change nothing here */
    assert_int_equal(verdict(L"O:SYD:P(A;;FA;;;SY)(A;;FA;;;BA)", why, sizeof why), 1);
    assert_int_equal(verdict(L"O:" TI L"D:P(A;;FA;;;" TI L")(A;;FR;;;WD)", why, sizeof why), 1);
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(D;;FA;;;BU)", why, sizeof why), 1);
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(A;OICIIO;FA;;;BU)", why, sizeof why), 1);
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(A;;FA;;;CO)", why, sizeof why), 1);
}

static void descriptors_that_others_can_change(void **state)
{
    (void)state;
    char why[200];
    /* a folder a user made: the user owns it */
    assert_int_equal(verdict(L"O:BUD:PAI(A;;FA;;;BA)", why, sizeof why), 0);
    assert_non_null(strstr(why, "owned by S-1-5-32-545"));
    /* a folder that inherited ProgramData's entries: Users may add files */
    assert_int_equal(verdict(L"O:BAD:AI(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)"
                             L"(A;OICIID;0x1200a9;;;BU)(A;CIID;0x116;;;BU)(A;OICIIOID;GA;;;CO)",
                             why, sizeof why),
                     0);
    assert_non_null(strstr(why, "writable by S-1-5-32-545"));
    /* modify for Authenticated Users, full control or generic write for Everyone,
       the right to change the permissions or the owner, or to delete */
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(A;;0x1301bf;;;AU)", why, sizeof why), 0);
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(A;;GA;;;WD)", why, sizeof why), 0);
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(A;;GW;;;WD)", why, sizeof why), 0);
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(A;;WD;;;BU)", why, sizeof why), 0);
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(A;;WO;;;BU)", why, sizeof why), 0);
    assert_int_equal(verdict(L"O:BAD:(A;;FA;;;BA)(A;;SD;;;BU)", why, sizeof why), 0);
    /* a NULL DACL: everyone has every right (built by hand: Wine's SDDL parser
       makes NO_ACCESS_CONTROL an empty DACL, which grants nothing) */
    SECURITY_DESCRIPTOR raw;
    BYTE ba[SECURITY_MAX_SID_SIZE];
    DWORD bal = sizeof ba;
    assert_true(InitializeSecurityDescriptor(&raw, SECURITY_DESCRIPTOR_REVISION));
    assert_true(CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, ba, &bal));
    assert_true(SetSecurityDescriptorOwner(&raw, ba, FALSE));
    assert_true(SetSecurityDescriptorDacl(&raw, TRUE, NULL, FALSE));
    assert_int_equal(plat_sd_admin_only(&raw, why, sizeof why), 0);
    assert_non_null(strstr(why, "no DACL"));
    assert_int_equal(plat_sd_admin_only(NULL, why, sizeof why), -1);
}

static void a_missing_file_cannot_be_judged(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(plat_admin_only("C:\\no\\such\\crpki-file.json", why, sizeof why), -1);
}

#else
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_dir[64];

static const char *file_with(mode_t mode)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/config.json", g_dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{}", f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static void descriptors_that_only_administrators_can_change(void **state)
{
    (void)state;
    char why[200];
    strcpy(g_dir, "/tmp/crpki-acl-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    const char *p = file_with(0644);
    if (geteuid() != 0) {
        /* a user's own file is never trusted as the machine's */
        assert_int_equal(plat_admin_only(p, why, sizeof why), 0);
        assert_non_null(strstr(why, "not root"));
        return; /* the root-owned cases need root: CI runs them */
    }
    assert_int_equal(plat_admin_only(p, why, sizeof why), 1);
    assert_int_equal(chmod(g_dir, 0755), 0);
    assert_int_equal(plat_admin_only(g_dir, why, sizeof why), 1);
    p = file_with(0600);
    assert_int_equal(plat_admin_only(p, why, sizeof why), 1);
}

static void descriptors_that_others_can_change(void **state)
{
    (void)state;
    char why[200];
    const char *p = file_with(0664);
    if (geteuid() != 0) { /* giving files away needs root: a user's file is refused anyway */
        assert_int_equal(plat_admin_only(p, why, sizeof why), 0);
        return;
    }
    assert_int_equal(plat_admin_only(p, why, sizeof why), 0);
    assert_non_null(strstr(why, "its group"));
    p = file_with(0646);
    assert_int_equal(plat_admin_only(p, why, sizeof why), 0);
    assert_non_null(strstr(why, "everyone"));
    p = file_with(0644);
    assert_int_equal(chown(p, 65534, 65534), 0);
    assert_int_equal(plat_admin_only(p, why, sizeof why), 0);
    assert_non_null(strstr(why, "uid 65534"));
    assert_int_equal(chmod(g_dir, 0777), 0);
    assert_int_equal(plat_admin_only(g_dir, why, sizeof why), 0);
    unlink(p);
    rmdir(g_dir);
}

static void a_missing_file_cannot_be_judged(void **state)
{
    (void)state;
    char why[200];
    assert_int_equal(plat_admin_only("/no/such/crpki-file.json", why, sizeof why), -1);
    assert_int_equal(plat_admin_only(NULL, why, sizeof why), -1);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(descriptors_that_only_administrators_can_change),
        cmocka_unit_test(descriptors_that_others_can_change),
        cmocka_unit_test(a_missing_file_cannot_be_judged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
