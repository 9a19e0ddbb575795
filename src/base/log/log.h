/* log: crpki.log in the per-user state directory (docs/architecture.md), English, one
 * line per event: time, level, pid/thread, module, message. Thread-safe and
 * safe to call before log_open (then nothing is written). Callers never
 * pass secrets (tokens, SADs, passwords, Authorization headers) to it. */
#ifndef CRPKI_BASE_LOG_LOG_H
#define CRPKI_BASE_LOG_LOG_H

#include "crpki/log.h"
#include "base/util/errbuf.h" /* CRPKI_PRINTF */

/* Opens (appends to) home/crpki.log at that level; CRPKI_LOG_LEVEL
 * (error|warn|info|debug), read here once, overrides level. Calling it again
 * switches file and level. Failure to open leaves logging off, silently:
 * logging must never break signing. */
void log_open(const char *home, crpki_log_level level);
void log_close(void);
/* 1 when a message of that level would be written (to skip costly formatting). */
int log_enabled(crpki_log_level level);
void log_write(crpki_log_level level, const char *module, const char *fmt, ...) CRPKI_PRINTF(3, 4);

#endif
