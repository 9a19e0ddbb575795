#include "ksp_out.h"

#include <stdlib.h>
#include <string.h>

#include "ksp_u16.h"

ksp_code ksp_out_bytes(const void *data, size_t len, uint8_t *out, size_t outsz, size_t *res,
                       ksp_status *st)
{
    if (!res)
        return ksp_fail(st, KSP_E_INVALID_ARG, "pcbResult is NULL");
    *res = len;
    if (!out)
        return KSP_OK;
    if (outsz < len)
        return ksp_fail(st, KSP_E_MORE_DATA, "buffer of %u bytes, %u needed", (unsigned)outsz,
                        (unsigned)len);
    if (len)
        memcpy(out, data, len);
    return KSP_OK;
}

ksp_code ksp_out_dword(uint32_t v, uint8_t *out, size_t outsz, size_t *res, ksp_status *st)
{
    return ksp_out_bytes(&v, sizeof v, out, outsz, res, st);
}

ksp_code ksp_out_u16(const uint16_t *s, uint8_t *out, size_t outsz, size_t *res, ksp_status *st)
{
    if (!s)
        return ksp_fail_core(st, CRPKI_E_INTERNAL, "NULL string property");
    size_t n = ksp_u16_len(s, SIZE_MAX / 2 - 2);
    return ksp_out_bytes(s, (n + 1) * sizeof *s, out, outsz, res, st);
}

ksp_code ksp_out_str(const char *utf8, uint8_t *out, size_t outsz, size_t *res, ksp_status *st)
{
    uint16_t *w = NULL;
    crpki_err e = ksp_utf8_to_u16(utf8, &w, NULL);
    if (e != CRPKI_OK)
        return ksp_fail_core(st, e == CRPKI_E_NO_MEMORY ? e : CRPKI_E_INTERNAL,
                             "string property is not valid UTF-8");
    ksp_code c = ksp_out_u16(w, out, outsz, res, st);
    free(w);
    return c;
}

ksp_code ksp_in_dword(const uint8_t *in, size_t len, uint32_t *v, ksp_status *st)
{
    if (!in || len != sizeof *v)
        return ksp_fail(st, KSP_E_INVALID_ARG, "a DWORD property takes 4 bytes, got %u",
                        (unsigned)(in ? len : 0));
    memcpy(v, in, sizeof *v);
    return KSP_OK;
}

ksp_code ksp_in_str(const uint8_t *in, size_t len, size_t max_units, char **utf8, ksp_status *st)
{
    *utf8 = NULL;
    if (!in || len == 0 || len % 2)
        return ksp_fail(st, KSP_E_INVALID_ARG,
                        "a string property takes UTF-16 (even, non-zero size), got %u",
                        (unsigned)len);
    size_t units = len / 2;
    /* copy: the caller's buffer need not be 2-byte aligned */
    uint16_t *w = malloc(units * sizeof *w);
    if (!w)
        return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    memcpy(w, in, len);
    size_t n = 0;
    while (n < units && w[n])
        n++;
    if (n < units && n + 1 != units) {
        free(w);
        return ksp_fail(st, KSP_E_INVALID_ARG, "string property has data after its end");
    }
    if (n > max_units) {
        free(w);
        return ksp_fail(st, KSP_E_INVALID_ARG, "string property longer than %u characters",
                        (unsigned)max_units);
    }
    crpki_err e = ksp_u16_to_utf8(w, n, utf8);
    free(w);
    if (e != CRPKI_OK)
        return ksp_fail_core(st, e, "string property is not valid UTF-16");
    return KSP_OK;
}
