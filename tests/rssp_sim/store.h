/* store: the reference service's state in DIR/state.db (SQLite, WAL mode):
 * authorization codes, token families and tokens, approvals (with their
 * SADs) and the signature audit log. Secrets (codes, tokens, SADs) are stored
 * only as their SHA-256; an approval handle as its SHA-256 and masked with a
 * key derived from its SAD, so that signHash can name it in the audit log
 * while the database alone reveals neither. Times are milliseconds
 * since the Unix epoch, passed in by the caller (the service's clock), so
 * that the store itself has no notion of "now".
 *
 * One store may be used from many threads: each call takes a connection from
 * a small pool (a SQLite connection is never used by two threads at once).
 * Another process (the admin commands) may open the same file concurrently. */
#ifndef RSSP_SIM_STORE_H
#define RSSP_SIM_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

typedef enum {
    STORE_OK = 0,
    STORE_ERROR = -1,    /* database failure: 500 */
    STORE_NOTFOUND = 1,  /* unknown (or another user's) */
    STORE_REUSED = 2,    /* code used twice / rotated refresh token: family revoked */
    STORE_EXPIRED = 3,   /* past its lifetime */
    STORE_MISMATCH = 4,  /* client, redirect_uri or PKCE mismatch */
    STORE_REVOKED = 5,   /* family revoked */
    STORE_CONFLICT = 6,  /* state changed concurrently (e.g. SAD used meanwhile) */
    STORE_EXHAUSTED = 7, /* no free approval code */
    STORE_DUPLICATE = 8, /* authorize: the requestID is known (no new approval) */
} store_rc;

#define STORE_HASH_LEN 32

int store_open(const char *path, store **out, char *err, size_t errsz);
void store_close(store *st);

/* SHA-256 of a secret string. */
void store_hash(const char *secret, size_t len, uint8_t out[STORE_HASH_LEN]);

/* ---- OAuth ------------------------------------------------------------------ */

typedef struct {
    const char *user_id;
    const char *client_id;
    const char *redirect_uri;
    const char *challenge; /* S256 code challenge */
    const char *scope;
} store_code_new;

int store_code_create(store *st, const uint8_t code_hash[STORE_HASH_LEN], const store_code_new *c,
                      int64_t now, int64_t expires_at);

typedef struct {
    const uint8_t *access_hash;
    int64_t access_expires;
    const uint8_t *refresh_hash;
    int64_t refresh_expires;
} store_tokens;

/* Redeems an authorization code for a new token family, in one transaction.
 * The code is consumed by any redemption attempt that finds it. A second
 * redemption revokes the family the first one created (STORE_REUSED).
 * challenge is S256(code_verifier) as the client sent it. On STORE_OK,
 * user_out/scope_out (malloc'ed) name the login. */
store_rc store_code_exchange(store *st, const uint8_t code_hash[STORE_HASH_LEN],
                             const char *client_id, const char *redirect_uri, const char *challenge,
                             int64_t now, const store_tokens *tk, char **user_out,
                             char **scope_out);

/* Rotates a refresh token: the presented one becomes used, new access and
 * refresh tokens join its family. A used (rotated) one: the family is revoked
 * and STORE_REUSED. */
store_rc store_refresh(store *st, const uint8_t refresh_hash[STORE_HASH_LEN], const char *client_id,
                       int64_t now, const store_tokens *tk, char **user_out, char **scope_out);

/* Revokes the family of an access or refresh token (unknown: STORE_NOTFOUND). */
store_rc store_revoke(store *st, const uint8_t token_hash[STORE_HASH_LEN], const char *client_id,
                      int64_t now);

/* A valid access token: STORE_OK and *user_out (malloc'ed). Unknown,
 * expired or revoked: STORE_NOTFOUND / STORE_EXPIRED / STORE_REVOKED. */
store_rc store_access_check(store *st, const uint8_t token_hash[STORE_HASH_LEN], int64_t now,
                            char **user_out);

/* ---- approvals ------------------------------------------------------------- */

typedef enum {
    APPROVAL_PENDING = 0,
    APPROVAL_APPROVED = 1,
    APPROVAL_DENIED = 2,
    APPROVAL_CONSUMED = 3,
    APPROVAL_EXPIRED = 4, /* derived: pending past expires_at */
} approval_state;

typedef struct {
    int64_t id;
    char *user_id;
    char *credential_id;
    char *hash_oid;
    uint8_t *hashes; /* num * hash length bytes, concatenated */
    size_t hashes_len;
    long num;
    char *description; /* may be NULL */
    char code[5];
    int status; /* stored: PENDING, APPROVED, DENIED or CONSUMED */
    int64_t created_at, expires_at;
    int64_t auto_at;       /* auto-approval time, or -1 */
    int64_t decided_at;    /* -1 when undecided */
    int64_t last_check_at; /* -1 when never checked */
    uint8_t sad_hash[STORE_HASH_LEN];
    uint8_t handle_hash[STORE_HASH_LEN];
    uint8_t *handle_enc; /* the handle, masked with a key only the SAD gives */
    size_t handle_enc_len;
} store_approval;

void store_approval_free(store_approval *a);

/* The state at `now` (auto-approval and expiry applied) and, when approved,
 * the moment it was approved. */
approval_state store_approval_state(const store_approval *a, int64_t now, int64_t *approved_at);

typedef struct {
    const char *user_id;
    const char *credential_id;
    const char *hash_oid;
    const uint8_t *hashes;
    size_t hashes_len;
    long num;
    const char *description;
    int64_t expires_at;
    int64_t auto_at; /* -1: off */
    const uint8_t *handle_enc;
    size_t handle_enc_len;
} store_approval_new;

/* authorize's requestID (docs/protocol.md): SHA-256 of it, and the handle
 * masked with a key derived from it, so that a repeat can be given the same
 * handle while the database alone does not reveal it. */
typedef struct {
    const uint8_t *hash;
    const uint8_t *handle_enc;
    size_t handle_enc_len;
} store_request_key;

/* Creates a pending approval with a fresh 4-digit code unique among the
 * pending ones (written to code_out). */
store_rc store_approval_create(store *st, const uint8_t handle_hash[STORE_HASH_LEN],
                               const uint8_t sad_hash[STORE_HASH_LEN], const store_approval_new *a,
                               int64_t now, char code_out[5], int64_t *id_out);
/* The same, recording key (may be NULL) with it. A key already recorded
 * (by any user): nothing is created, STORE_DUPLICATE and *id_out names the
 * approval it created (checked in the same transaction, so two concurrent
 * repeats create one approval). */
store_rc store_approval_create_keyed(store *st, const uint8_t handle_hash[STORE_HASH_LEN],
                                     const uint8_t sad_hash[STORE_HASH_LEN],
                                     const store_approval_new *a, const store_request_key *key,
                                     int64_t now, char code_out[5], int64_t *id_out);

/* The approval a requestID created and the handle masked with the
 * requestID's key (*handle_enc malloc'ed). STORE_NOTFOUND when unknown. */
store_rc store_approval_by_request(store *st, const uint8_t request_hash[STORE_HASH_LEN],
                                   store_approval *out, uint8_t **handle_enc,
                                   size_t *handle_enc_len);

store_rc store_approval_by_handle(store *st, const uint8_t handle_hash[STORE_HASH_LEN],
                                  store_approval *out);
store_rc store_approval_by_sad(store *st, const uint8_t sad_hash[STORE_HASH_LEN],
                               store_approval *out);
/* Reads only status/decided_at/expires/auto (cheap, for long polling). */
store_rc store_approval_refresh(store *st, store_approval *a);
store_rc store_approval_touch(store *st, int64_t id, int64_t now);

/* The gBizID app: approves (approve=1) or denies the pending approval with
 * that code. STORE_NOTFOUND when no pending approval has it. */
store_rc store_approval_decide(store *st, const char *code, int approve, int64_t now);

/* Consumes an approved SAD and writes one audit row per hash (naming the
 * approval handle), in one transaction. STORE_CONFLICT if it is no longer
 * approved (used meanwhile). */
store_rc store_approval_consume(store *st, const store_approval *a, const char *handle,
                                const char *sign_algo, size_t hash_len, int64_t now);

typedef void (*store_approval_cb)(void *ctx, const store_approval *a);
/* The approvals pending at `now`, oldest first. */
store_rc store_pending_list(store *st, int64_t now, store_approval_cb cb, void *ctx);

typedef struct {
    int64_t id;
    int64_t ts;
    const char *user_id;
    const char *credential_id;
    const char *hash_oid;
    const char *hash_b64;
    const char *sign_algo;
    int64_t approval_id;
    const char *approval_code;
    const char *approval_handle;
} store_audit_row;

typedef void (*store_audit_cb)(void *ctx, const store_audit_row *r);
store_rc store_audit_list(store *st, store_audit_cb cb, void *ctx);

#endif
