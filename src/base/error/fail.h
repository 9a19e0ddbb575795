/* fail: fills a crpki_error_info the way every function of the core's own
 * modules (platform, config, auth) reports an error, and returns the code, so
 * that a failure reads `return fail_with(ei, CRPKI_E_IO, "...", ...);`. */
#ifndef CRPKI_BASE_ERROR_FAIL_H
#define CRPKI_BASE_ERROR_FAIL_H

#include "crpki/error.h"
#include "base/util/errbuf.h" /* CRPKI_PRINTF */

/* Sets ei (may be NULL): code, detail from fmt, no HTTP status or service
 * error. Returns code. */
crpki_err fail_with(crpki_error_info *ei, crpki_err code, const char *fmt, ...) CRPKI_PRINTF(3, 4);

/* Resets ei (may be NULL) to CRPKI_OK with empty texts. */
void fail_clear(crpki_error_info *ei);

#endif
