#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wincrypt.h>

#include "base/platform/plat_protect.h"

#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_fs.h"

/* Binds the blobs to this use: another program's DPAPI blob of the same user
 * does not unseal as a token store, nor ours as theirs. */
static const char ENTROPY[] = "CrpkiRemoteSign token store v1";

void plat_wipe(void *p, size_t n)
{
    if (p && n)
        SecureZeroMemory(p, n);
}

static crpki_err take_blob(DATA_BLOB *b, uint8_t **out, size_t *outlen, crpki_error_info *ei)
{
    *out = malloc((size_t)b->cbData + 1);
    crpki_err r = CRPKI_OK;
    if (*out) {
        memcpy(*out, b->pbData, b->cbData);
        (*out)[b->cbData] = 0;
        *outlen = b->cbData;
    } else {
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "DPAPI output");
    }
    SecureZeroMemory(b->pbData, b->cbData);
    LocalFree(b->pbData);
    return r;
}

crpki_err plat_protect_seal(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen,
                            crpki_error_info *ei)
{
    *out = NULL;
    *outlen = 0;
    if (n > 0x7fffffff)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "token store too large");
    DATA_BLOB din = {(DWORD)n, (BYTE *)in}, dout = {0, NULL};
    DATA_BLOB ent = {(DWORD)(sizeof ENTROPY - 1), (BYTE *)ENTROPY};
    if (!CryptProtectData(&din, L"CRPKI Remote Signing tokens", &ent, NULL, NULL,
                          CRYPTPROTECT_UI_FORBIDDEN, &dout))
        return fail_with(ei, CRPKI_E_TOKEN_STORE, "CryptProtectData failed (error %lu)",
                         (unsigned long)GetLastError());
    return take_blob(&dout, out, outlen, ei);
}

crpki_err plat_protect_unseal(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen,
                              crpki_error_info *ei)
{
    *out = NULL;
    *outlen = 0;
    if (n == 0 || n > 0x7fffffff)
        return fail_with(ei, CRPKI_E_TOKEN_STORE, "tokens.dat: empty or oversized DPAPI blob");
    DATA_BLOB din = {(DWORD)n, (BYTE *)in}, dout = {0, NULL};
    DATA_BLOB ent = {(DWORD)(sizeof ENTROPY - 1), (BYTE *)ENTROPY};
    if (!CryptUnprotectData(&din, NULL, &ent, NULL, NULL, CRYPTPROTECT_UI_FORBIDDEN, &dout))
        return fail_with(ei, CRPKI_E_TOKEN_STORE,
                         "tokens.dat: CryptUnprotectData failed (error %lu): damaged, or "
                         "written by another Windows user; log in again",
                         (unsigned long)GetLastError());
    return take_blob(&dout, out, outlen, ei);
}

crpki_err plat_protect_read(const char *path, size_t max, uint8_t **plain, size_t *len,
                            crpki_error_info *ei)
{
    *plain = NULL;
    *len = 0;
    uint8_t *blob = NULL;
    size_t blen = 0;
    crpki_err r = plat_read_file(path, max, &blob, &blen, NULL, ei);
    if (r == CRPKI_E_IO) {
        /* an unreadable (or oversized) store is the store's problem */
        if (ei)
            ei->code = CRPKI_E_TOKEN_STORE;
        return CRPKI_E_TOKEN_STORE;
    }
    if (r != CRPKI_OK)
        return r;
    if (!blob)
        return CRPKI_OK;
    r = plat_protect_unseal(blob, blen, plain, len, ei);
    free(blob);
    return r;
}

crpki_err plat_protect_write(const char *path, const uint8_t *plain, size_t len,
                             crpki_error_info *ei)
{
    uint8_t *blob = NULL;
    size_t blen = 0;
    crpki_err r = plat_protect_seal(plain, len, &blob, &blen, ei);
    if (r != CRPKI_OK)
        return r;
    r = plat_write_file_atomic(path, blob, blen, PLAT_FILE_PRIVATE, ei);
    free(blob);
    return r;
}
