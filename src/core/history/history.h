/* history: the signing record (署名履歴), one line of JSON per signing
 * attempt in the per-user directory's history.jsonl: when, which program,
 * what it said it signs, which credential and certificate, the algorithm,
 * the digests, the approval code and the outcome. Never a token, a SAD or
 * anything secret. Appended with one write per record, so records of
 * concurrent threads and processes never interleave (crpki.log's rule); past
 * HISTORY_MAX_BYTES the file becomes history.1.jsonl (the one before is
 * dropped) and a new one starts, so the newest records are always kept.
 * Reading skips a broken or truncated line and counts it; it never hides the
 * lines after it. */
#ifndef CRPKI_CORE_HISTORY_HISTORY_H
#define CRPKI_CORE_HISTORY_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"

#define HISTORY_FILE        "history.jsonl"
#define HISTORY_OLD_FILE    "history.1.jsonl"
#define HISTORY_MAX_BYTES   (4u * 1024 * 1024) /* per file: two files, about 15 000 records */
#define HISTORY_MAX_DIGESTS 100                /* digests written in one record (count: all) */

typedef struct {
    int64_t time_ms;               /* wall clock, Unix milliseconds (the start) */
    const char *program;           /* the requesting program's full path */
    const char *what;              /* what the application said it signs, or NULL */
    const char *credential;        /* credential ID */
    const char *subject;           /* the certificate's subject, or NULL */
    const char *algorithm;         /* e.g. "RSA-PKCS1-SHA256" */
    const uint8_t *const *digests; /* ndigests digests of digest_len bytes */
    size_t ndigests, digest_len;
    size_t count;              /* signatures under the same approval (a batch); 0: ndigests */
    const char *approval_code; /* NULL when no approval was asked (cache, early failure) */
    crpki_err outcome;
    int64_t duration_ms;
} history_record;

/* Test seam: the size at which the file rotates (0: HISTORY_MAX_BYTES).
 * Tests only; process-wide. */
void history_set_max_bytes(size_t bytes);

/* "signed", "denied", "expired", "cancelled" or "error". */
const char *history_outcome_name(crpki_err outcome);

/* Appends r to home's record (creating home). Failing to write is reported,
 * never fatal to the signature: callers log it. */
crpki_err history_append(const char *home, const history_record *r, crpki_error_info *ei);

/* One record read back: its JSON object as written (cJSON *, owned by the
 * list) and its time. */
typedef struct {
    int64_t time_ms;
    void *json; /* cJSON object */
} history_entry;

typedef struct {
    history_entry *v; /* oldest first */
    size_t n;
    size_t broken; /* lines that were not a record */
} history_list;

/* The records of home (history.1.jsonl then history.jsonl) at or after
 * since_ms (0: all). An absent record is an empty list. */
crpki_err history_read(const char *home, int64_t since_ms, history_list *out, crpki_error_info *ei);
void history_list_free(history_list *l);

#endif
