#include "platform/fail.h"

#include <stdarg.h>
#include <stdio.h>

void crpki_ei_clear(crpki_error_info *ei)
{
    if (!ei)
        return;
    ei->code = CRPKI_OK;
    ei->http_status = 0;
    ei->service_error[0] = '\0';
    ei->detail[0] = '\0';
}

crpki_err crpki_fail(crpki_error_info *ei, crpki_err code, const char *fmt, ...)
{
    if (!ei)
        return code;
    crpki_ei_clear(ei);
    ei->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ei->detail, sizeof ei->detail, fmt, ap);
    va_end(ap);
    return code;
}
