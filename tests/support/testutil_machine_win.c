/* tu_machine_key_sddl (testutil.h): its own file, so that a test using it
 * alone does not pull in the child-process helpers. */
#include <windows.h>
#include <sddl.h>

#include "testutil.h"

int tu_machine_key_sddl(const wchar_t *sddl)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    HKEY k = NULL;
    LSTATUS rc = ERROR_INVALID_PARAMETER;
    if (ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &sd, NULL) &&
        RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\CrpkiRemoteSign", 0,
                      WRITE_DAC | WRITE_OWNER | KEY_WOW64_64KEY, &k) == ERROR_SUCCESS)
        /* the owner too: Wine gives a key whose DACL is set the token's group as owner */
        rc = RegSetKeySecurity(k, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, sd);
    if (k)
        RegCloseKey(k);
    if (sd)
        LocalFree(sd);
    return rc == ERROR_SUCCESS ? 0 : -1;
}
