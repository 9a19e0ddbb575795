#include "base/error/fail.h"

#include <stdarg.h>
#include <stdio.h>

void fail_clear(crpki_error_info *ei)
{
    if (!ei)
        return;
    ei->code = CRPKI_OK;
    ei->http_status = 0;
    ei->service_error[0] = '\0';
    ei->detail[0] = '\0';
}

crpki_err fail_with(crpki_error_info *ei, crpki_err code, const char *fmt, ...)
{
    if (!ei)
        return code;
    fail_clear(ei);
    ei->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ei->detail, sizeof ei->detail, fmt, ap);
    va_end(ap);
    return code;
}
