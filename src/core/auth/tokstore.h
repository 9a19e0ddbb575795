/* tokstore: home/tokens.dat, the login of the current user as JSON
 *   {"version":1, "access_token", "refresh_token", "access_expires_at",
 *    "saved_at", "proxy_password"}
 * (every member but version optional), sealed by base/platform/plat_protect.h (DPAPI
 * on Windows, a 0600 file on POSIX) and always replaced atomically. Callers
 * that read, modify and write it hold the cross-process lock
 * (base/platform/plat_xlock.h); plain reads need no lock. */
#ifndef CRPKI_CORE_AUTH_TOKSTORE_H
#define CRPKI_CORE_AUTH_TOKSTORE_H

#include <stdint.h>

#include "crpki/error.h"

#define TOK_STORE_VERSION 1
#define TOK_STORE_MAX     (64 * 1024)
#define TOK_STORE_FILE    "tokens.dat"

typedef struct {
    char *access_token; /* NULL: none */
    char *refresh_token;
    int64_t access_expires_at; /* Unix time */
    int64_t saved_at;
    char *proxy_password;
} tokstore;

/* Reads home's store into *ts (zeroed first). Absent: CRPKI_OK, *present 0.
 * Unreadable, refused (POSIX permissions), unsealable or not our JSON:
 * CRPKI_E_TOKEN_STORE. */
crpki_err tokstore_load(const char *home, tokstore *ts, int *present, crpki_error_info *ei);
/* Writes *ts (saved_at as given) atomically; creates home (0700 on POSIX). */
crpki_err tokstore_save(const char *home, const tokstore *ts, crpki_error_info *ei);
/* Deletes the store (absent is fine). */
crpki_err tokstore_remove(const char *home, crpki_error_info *ei);
/* 1 when *ts holds nothing worth a file (no token, no proxy password). */
int tokstore_is_empty(const tokstore *ts);
/* Wipes the secrets and frees; *ts is zeroed. */
void tokstore_clear(tokstore *ts);
/* malloc'ed copy of s wiped-free-able; NULL for NULL s. *ok 0 on ENOMEM. */
char *tokstore_strdup(const char *s, int *ok);
/* Wipes and frees a secret string. */
void tokstore_free_secret(char *s);

#endif
