/* ksp_router: what ncrypt's router does with a third-party KSP, for tests
 * under Wine (whose ncrypt does not load third-party providers): load
 * crpkiksp.dll from the program's directory, look up GetKeyStorageInterface,
 * take the table for the provider's name, and call its members with the
 * router's arguments. rt_expect records a mismatch naming the call, the code
 * it returned and the code expected. */
#ifndef CRPKI_TESTS_KSP_ROUTER_H
#define CRPKI_TESTS_KSP_ROUTER_H

#include <windows.h>

#include "provider/winabi/ncrypt_provider.h"

#define RT_PROVIDER L"CRPKI Remote Signing Key Storage Provider"

typedef struct {
    HMODULE dll;
    GetKeyStorageInterfaceFn get;
    NCRYPT_KEY_STORAGE_FUNCTION_TABLE *t;
} rt_router;

/* Loads the DLL and takes the table; 0, or -1 with a message. */
int rt_load(rt_router *r);

/* Failures so far (each printed on stderr when it happened). */
extern int rt_failures;

void rt_expect_at(const char *file, int line, const char *call, SECURITY_STATUS got,
                  SECURITY_STATUS want);
#define RT_EXPECT(call, want) rt_expect_at(__FILE__, __LINE__, #call, (call), (want))
#define RT_OK(call)           RT_EXPECT(call, ERROR_SUCCESS)
/* A condition that must hold. */
void rt_check_at(const char *file, int line, const char *what, int ok);
#define RT_CHECK(cond) rt_check_at(__FILE__, __LINE__, #cond, (cond))

#endif
