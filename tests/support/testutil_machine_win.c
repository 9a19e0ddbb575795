/* tu_machine_key_sddl, tu_policy_* (testutil.h): their own file, so that a
 * test using them alone does not pull in the child-process helpers. */
#include <windows.h>
#include <sddl.h>

#include "testutil.h"

static const wchar_t MACHINE_KEY[] = L"SOFTWARE\\CrpkiRemoteSign";
static const wchar_t POLICY_KEY[] = L"SOFTWARE\\Policies\\CrpkiRemoteSign";

static int key_sddl(const wchar_t *key, const wchar_t *sddl)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    HKEY k = NULL;
    LSTATUS rc = ERROR_INVALID_PARAMETER;
    if (ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL) &&
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, WRITE_DAC | WRITE_OWNER | KEY_WOW64_64KEY, &k) ==
            ERROR_SUCCESS)
        /* the owner too: Wine gives a key whose DACL is set the token's group as owner */
        rc = RegSetKeySecurity(k, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, sd);
    if (k)
        RegCloseKey(k);
    if (sd)
        LocalFree(sd);
    return rc == ERROR_SUCCESS ? 0 : -1;
}

int tu_machine_key_sddl(const wchar_t *sddl)
{
    return key_sddl(MACHINE_KEY, sddl);
}

int tu_policy_key_sddl(const wchar_t *sddl)
{
    return key_sddl(POLICY_KEY, sddl);
}

int tu_policy_set(const wchar_t *name, const wchar_t *text, unsigned long dword)
{
    HKEY k = NULL;
    LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, POLICY_KEY, 0, NULL, 0,
                                 KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &k, NULL);
    DWORD d = (DWORD)dword;
    if (rc == ERROR_SUCCESS)
        rc = text ? RegSetValueExW(k, name, 0, REG_SZ, (const BYTE *)text,
                                   (DWORD)((wcslen(text) + 1) * sizeof *text))
                  : RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&d, sizeof d);
    if (k)
        RegCloseKey(k);
    return rc == ERROR_SUCCESS ? 0 : -1;
}

int tu_policy_clear(void)
{
    LSTATUS rc = RegDeleteKeyExW(HKEY_LOCAL_MACHINE, POLICY_KEY, KEY_WOW64_64KEY, 0);
    return rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND ? 0 : -1;
}
