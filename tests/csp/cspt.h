/* Helpers of the Windows-side CSP tests (under Wine): load and register
 * crpkicsp.dll, the provider name, expectations that name the failing call
 * and both codes. */
#ifndef CRPKI_TESTS_CSPT_H
#define CRPKI_TESTS_CSPT_H

#include <windows.h>
#include <wincrypt.h>

#include <stddef.h>
#include <stdint.h>

#define CSPT_PROV   L"CRPKI Remote Signing Cryptographic Provider"
#define CSPT_PROV_A "CRPKI Remote Signing Cryptographic Provider"

/* Loads the DLL at path (a Unix path is taken as Z:\...), calls its
 * DllRegisterServer and returns the module; exits the process on failure. */
HMODULE cspt_load_and_register(const char *path);
/* Points CRPKI_HOME at a fresh directory under %TEMP% (a catalog-less
 * home) unless it is set; returns it (static storage). */
const char *cspt_fresh_home(void);

/* The function exported by the DLL, or exits. */
FARPROC cspt_proc(HMODULE m, const char *name);

void cspt_hex(const char *hex, uint8_t *out, size_t n);
void cspt_reverse(uint8_t *p, size_t n);

/* Fails the cmocka test unless the call returned FALSE with that code. */
#define CSPT_EXPECT_FAIL(call, code)                                                               \
    do {                                                                                           \
        SetLastError(0xdeadbeefu);                                                                 \
        BOOL ok_ = (call);                                                                         \
        DWORD got_ = GetLastError();                                                               \
        if (ok_ || got_ != (DWORD)(code))                                                          \
            fail_msg("%s: returned %d, error 0x%08lx, expected FALSE with 0x%08lx (%s)", #call,    \
                     (int)ok_, (unsigned long)got_, (unsigned long)(DWORD)(code), #code);          \
    } while (0)
#define CSPT_EXPECT_OK(call)                                                                       \
    do {                                                                                           \
        if (!(call))                                                                               \
            fail_msg("%s failed: 0x%08lx", #call, (unsigned long)GetLastError());                  \
    } while (0)

#endif
