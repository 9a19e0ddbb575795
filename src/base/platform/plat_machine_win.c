/* plat_machine over HKLM\SOFTWARE\CrpkiRemoteSign (64-bit view). */
#include "base/platform/plat_machine.h"

#include <windows.h>
#include <aclapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_acl_win.h"
#include "base/platform/plat_str.h"
#include "base/platform/plat_utf16_win.h"
#include "base/util/errbuf.h"

static const wchar_t KEY[] = L"SOFTWARE\\CrpkiRemoteSign";
static const wchar_t POLICY_KEY[] = L"SOFTWARE\\Policies\\CrpkiRemoteSign";
#define VALUE_MAX 4096 /* characters */

/* The value as UTF-8 text (a REG_DWORD in decimal), or why not. */
static int read_value(HKEY k, const char *label, const char *name, char **out, char *why,
                      size_t whysz)
{
    wchar_t *wname = plat_utf8_to_wide(name);
    wchar_t *buf = malloc((VALUE_MAX + 1) * sizeof *buf);
    DWORD type = 0, size = VALUE_MAX * sizeof *buf;
    LSTATUS rc;
    int r = -1;
    if (!wname || !buf) {
        errbuf_set(why, whysz, "out of memory");
    } else if ((rc = RegQueryValueExW(k, wname, NULL, &type, (BYTE *)buf, &size)) ==
               ERROR_FILE_NOT_FOUND) {
        r = 0;
    } else if (rc != ERROR_SUCCESS || (type != REG_SZ && !(type == REG_DWORD && size == 4))) {
        errbuf_set(why, whysz, "%s\\%s: %s (error %ld)", label, name,
                   rc == ERROR_SUCCESS ? "neither REG_SZ nor REG_DWORD" : "cannot read", rc);
    } else if (type == REG_DWORD) {
        char num[16];
        DWORD v;
        memcpy(&v, buf, sizeof v);
        snprintf(num, sizeof num, "%lu", (unsigned long)v);
        *out = plat_strdup(num);
        r = *out ? 1 : -1;
        if (!*out)
            errbuf_set(why, whysz, "out of memory");
    } else {
        buf[size / sizeof *buf] = L'\0';
        if (buf[0] && !(*out = plat_wide_to_utf8(buf)))
            errbuf_set(why, whysz, "out of memory");
        else /* an empty value is not set: what an MSI property left empty writes */
            r = buf[0] ? 1 : 0;
    }
    free(buf);
    free(wname);
    return r;
}

int plat_store_get(plat_store store, const char *name, char **out, char *why, size_t whysz)
{
    *out = NULL;
    const char *label = store == PLAT_STORE_POLICY ? PLAT_POLICY_STORE : PLAT_MACHINE_STORE;
    HKEY k = NULL;
    LSTATUS rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, store == PLAT_STORE_POLICY ? POLICY_KEY : KEY, 0,
                               KEY_READ | KEY_WOW64_64KEY, &k);
    if (rc == ERROR_FILE_NOT_FOUND)
        return 0;
    if (rc != ERROR_SUCCESS) {
        errbuf_set(why, whysz, "%s: cannot open (error %ld)", label, rc);
        return -1;
    }
    int r = read_value(k, label, name, out, why, whysz);
    if (r == 1) {
        PSECURITY_DESCRIPTOR sd = NULL;
        char verdict[200];
        rc = GetSecurityInfo(k, SE_REGISTRY_KEY,
                             OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, NULL, NULL,
                             NULL, NULL, &sd);
        int trusted = rc == ERROR_SUCCESS ? plat_sd_admin_only(sd, verdict, sizeof verdict) : -1;
        if (rc != ERROR_SUCCESS)
            errbuf_set(verdict, sizeof verdict, "no readable security descriptor (error %ld)", rc);
        if (sd)
            LocalFree(sd);
        if (trusted != 1) {
            errbuf_set(why, whysz, "%s: %s", label, verdict);
            free(*out);
            *out = NULL;
            r = -1;
        }
    }
    RegCloseKey(k);
    return r;
}

int plat_machine_get(const char *name, char **out, char *why, size_t whysz)
{
    return plat_store_get(PLAT_STORE_MACHINE, name, out, why, whysz);
}

crpki_err plat_machine_set(const char *name, const char *value, crpki_error_info *ei)
{
    HKEY k = NULL;
    LSTATUS rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, KEY, 0, NULL, 0,
                                 KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &k, NULL);
    wchar_t *wname = rc == ERROR_SUCCESS ? plat_utf8_to_wide(name) : NULL;
    wchar_t *wvalue = value && wname ? plat_utf8_to_wide(value) : NULL;
    if (rc == ERROR_SUCCESS && (!wname || (value && !wvalue)))
        rc = ERROR_NOT_ENOUGH_MEMORY;
    else if (rc == ERROR_SUCCESS && value)
        rc = RegSetValueExW(k, wname, 0, REG_SZ, (const BYTE *)wvalue,
                            (DWORD)((wcslen(wvalue) + 1) * sizeof *wvalue));
    else if (rc == ERROR_SUCCESS && (rc = RegDeleteValueW(k, wname)) == ERROR_FILE_NOT_FOUND)
        rc = ERROR_SUCCESS;
    free(wname);
    free(wvalue);
    if (k)
        RegCloseKey(k);
    if (rc == ERROR_SUCCESS)
        return CRPKI_OK;
    return fail_with(ei, CRPKI_E_IO,
                     "HKLM\\SOFTWARE\\CrpkiRemoteSign\\%s: cannot write (error %ld)%s", name, rc,
                     rc == ERROR_ACCESS_DENIED ? ": run as administrator" : "");
}
