/* log: crpki.log in the per-user state directory (docs/architecture.md), English, one
 * line per event: time, level, pid/thread, module, message. Thread-safe and
 * safe to call before log_open (then nothing is written). Callers never
 * pass secrets (tokens, SADs, passwords, Authorization headers) to it. */
#ifndef CRPKI_BASE_LOG_LOG_H
#define CRPKI_BASE_LOG_LOG_H

#include "crpki/log.h"
#include "base/util/errbuf.h" /* CRPKI_PRINTF */

/* The log's size: crpki.log is moved to crpki.1.log (replacing it) before a
 * line would take it past LOG_MAX_BYTES, so the two never hold more than
 * twice that (plus a line per process writing at that moment), whatever a
 * caller does: an application retrying a failing signature in a loop
 * cannot fill the disk. */
#define LOG_FILE      "crpki.log"
#define LOG_OLD_FILE  "crpki.1.log"
#define LOG_MAX_BYTES (4u << 20)

/* Opens (appends to) home/crpki.log at that level; CRPKI_LOG_LEVEL
 * (error|warn|info|debug), read here once, overrides level. Calling it again
 * switches file and level. Failure to open leaves logging off, silently:
 * logging must never break signing. */
void log_open(const char *home, crpki_log_level level);
void log_close(void);
/* 1 when a message of that level would be written (to skip costly formatting). */
int log_enabled(crpki_log_level level);
void log_write(crpki_log_level level, const char *module, const char *fmt, ...) CRPKI_PRINTF(3, 4);
/* Tests: the size at which the log moves on (0: LOG_MAX_BYTES). */
void log_set_max_bytes(size_t bytes);

#endif
