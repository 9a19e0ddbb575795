#define _POSIX_C_SOURCE 200809L

#include "store.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "base/util/base64.h"

#define POOL_MAX        16
#define BUSY_TIMEOUT_MS 10000

enum { KIND_ACCESS = 1, KIND_REFRESH = 2 };

struct store {
    char *path;
    pthread_mutex_t mu;
    sqlite3 *idle[POOL_MAX];
    int nidle;
};

#define SCHEMA_VERSION "2"

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta(k, v) VALUES('schema_version', '" SCHEMA_VERSION "');"
    "CREATE TABLE IF NOT EXISTS auth_codes("
    " hash BLOB PRIMARY KEY, user_id TEXT NOT NULL, client_id TEXT NOT NULL,"
    " redirect_uri TEXT NOT NULL, challenge TEXT NOT NULL, scope TEXT NOT NULL,"
    " created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER,"
    " family_id INTEGER);"
    "CREATE TABLE IF NOT EXISTS families("
    " id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, client_id TEXT NOT NULL,"
    " scope TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER);"
    "CREATE TABLE IF NOT EXISTS tokens("
    " hash BLOB PRIMARY KEY, family_id INTEGER NOT NULL REFERENCES families(id),"
    " kind INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
    " used_at INTEGER);"
    "CREATE INDEX IF NOT EXISTS tokens_family ON tokens(family_id);"
    "CREATE TABLE IF NOT EXISTS approvals("
    " id INTEGER PRIMARY KEY, handle_hash BLOB NOT NULL UNIQUE, sad_hash BLOB NOT NULL UNIQUE,"
    " handle_enc BLOB NOT NULL,"
    " user_id TEXT NOT NULL, credential_id TEXT NOT NULL, hash_oid TEXT NOT NULL,"
    " hashes BLOB NOT NULL, num INTEGER NOT NULL, description TEXT, code TEXT NOT NULL,"
    " status INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
    " auto_at INTEGER, decided_at INTEGER, last_check_at INTEGER, consumed_at INTEGER);"
    "CREATE INDEX IF NOT EXISTS approvals_code ON approvals(code, status);"
    /* authorize picks a code unused among live approvals: without this index
     * that query scans every approval ever made */
    "CREATE INDEX IF NOT EXISTS approvals_live ON approvals(status, expires_at);"
    /* authorize's idempotency keys (added without a schema version change:
     * an older state.db simply gains the table) */
    "CREATE TABLE IF NOT EXISTS authorize_requests("
    " request_hash BLOB PRIMARY KEY, approval_id INTEGER NOT NULL REFERENCES approvals(id),"
    " handle_enc BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, user_id TEXT NOT NULL,"
    " credential_id TEXT NOT NULL, hash_oid TEXT NOT NULL, hash TEXT NOT NULL,"
    " sign_algo TEXT NOT NULL, approval_id INTEGER NOT NULL, approval_code TEXT NOT NULL,"
    " approval_handle TEXT NOT NULL);";

/* an approval is pending at ?now: undecided, not expired, not auto-approved */
#define PENDING_SQL "status = 0 AND expires_at > ?1 AND (auto_at IS NULL OR auto_at > ?1)"

static sqlite3_stmt *prep(sqlite3 *db, const char *sql);

static void log_db(sqlite3 *db, const char *what)
{
    fprintf(stderr, "crpki-rsspd: state.db: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
}

static sqlite3 *conn_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        log_db(db, "open");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    if (sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", NULL, NULL, NULL) !=
        SQLITE_OK) {
        log_db(db, "pragma");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static sqlite3 *acquire(store *st)
{
    sqlite3 *db = NULL;
    pthread_mutex_lock(&st->mu);
    if (st->nidle > 0)
        db = st->idle[--st->nidle];
    pthread_mutex_unlock(&st->mu);
    return db ? db : conn_open(st->path);
}

static void release(store *st, sqlite3 *db)
{
    if (!db)
        return;
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_lock(&st->mu);
    if (st->nidle < POOL_MAX) {
        st->idle[st->nidle++] = db;
        db = NULL;
    }
    pthread_mutex_unlock(&st->mu);
    if (db)
        sqlite3_close(db);
}

int store_open(const char *path, store **out, char *err, size_t errsz)
{
    *out = NULL;
    /* create the file private before SQLite does (it would use the umask) */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errsz, "cannot open %s", path);
        return -1;
    }
    close(fd);
    store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    pthread_mutex_init(&st->mu, NULL);
    sqlite3 *db = conn_open(path);
    if (!db) {
        snprintf(err, errsz, "cannot open the database %s", path);
        store_close(st);
        return -1;
    }
    char *msg = NULL;
    /* journal_mode needs no transaction and persists in the file */
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errsz, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(db);
        store_close(st);
        return -1;
    }
    sqlite3_stmt *v = prep(db, "SELECT v FROM meta WHERE k = 'schema_version'");
    int ok = v && sqlite3_step(v) == SQLITE_ROW && sqlite3_column_text(v, 0) &&
             strcmp((const char *)sqlite3_column_text(v, 0), SCHEMA_VERSION) == 0;
    sqlite3_finalize(v);
    if (!ok) {
        snprintf(err, errsz, "%s: schema version is not " SCHEMA_VERSION " (delete the file)",
                 path);
        sqlite3_close(db);
        store_close(st);
        return -1;
    }
    release(st, db);
    *out = st;
    return 0;
}

void store_close(store *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->nidle; i++)
        sqlite3_close(st->idle[i]);
    pthread_mutex_destroy(&st->mu);
    free(st->path);
    free(st);
}

void store_hash(const char *secret, size_t len, uint8_t out[STORE_HASH_LEN])
{
    unsigned int n = 0;
    if (!EVP_Digest(secret, len, out, &n, EVP_sha256(), NULL) || n != STORE_HASH_LEN)
        memset(out, 0, STORE_HASH_LEN); /* cannot happen with the default provider */
}

/* ---- small helpers ------------------------------------------------------------- */

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        log_db(db, "prepare");
        return NULL;
    }
    return s;
}

static int begin(sqlite3 *db)
{
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        log_db(db, "begin");
        return -1;
    }
    return 0;
}

static int commit(sqlite3 *db)
{
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        log_db(db, "commit");
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

static void rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static int bind_hash(sqlite3_stmt *s, int i, const uint8_t *h)
{
    return sqlite3_bind_blob(s, i, h, STORE_HASH_LEN, SQLITE_TRANSIENT);
}

static int bind_text(sqlite3_stmt *s, int i, const char *t)
{
    return t ? sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

/* runs a statement that returns no row; returns 0 or -1 */
static int step_done(sqlite3 *db, sqlite3_stmt *s)
{
    int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
    if (rc != SQLITE_DONE && s)
        log_db(db, "step");
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

static int64_t col_i64_or(sqlite3_stmt *s, int i, int64_t dflt)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? dflt : sqlite3_column_int64(s, i);
}

static int insert_token(sqlite3 *db, const uint8_t *hash, int64_t family, int kind, int64_t now,
                        int64_t expires)
{
    sqlite3_stmt *s = prep(db, "INSERT INTO tokens(hash, family_id, kind, created_at, expires_at)"
                               " VALUES(?, ?, ?, ?, ?)");
    if (!s)
        return -1;
    bind_hash(s, 1, hash);
    sqlite3_bind_int64(s, 2, family);
    sqlite3_bind_int(s, 3, kind);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, expires);
    return step_done(db, s);
}

static int revoke_family(sqlite3 *db, int64_t family, int64_t now)
{
    sqlite3_stmt *s =
        prep(db, "UPDATE families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, family);
    return step_done(db, s);
}

static int ct_streq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

/* ---- OAuth --------------------------------------------------------------------- */

int store_code_create(store *st, const uint8_t code_hash[STORE_HASH_LEN], const store_code_new *c,
                      int64_t now, int64_t expires_at)
{
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    sqlite3_stmt *s = prep(db, "INSERT INTO auth_codes(hash, user_id, client_id, redirect_uri,"
                               " challenge, scope, created_at, expires_at)"
                               " VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    int rc = STORE_ERROR;
    if (s) {
        bind_hash(s, 1, code_hash);
        bind_text(s, 2, c->user_id);
        bind_text(s, 3, c->client_id);
        bind_text(s, 4, c->redirect_uri);
        bind_text(s, 5, c->challenge);
        bind_text(s, 6, c->scope ? c->scope : "service");
        sqlite3_bind_int64(s, 7, now);
        sqlite3_bind_int64(s, 8, expires_at);
        rc = step_done(db, s) == 0 ? STORE_OK : STORE_ERROR;
    }
    release(st, db);
    return rc;
}

static int new_family(sqlite3 *db, const char *user, const char *client, const char *scope,
                      int64_t now, const store_tokens *tk, int64_t *fid)
{
    sqlite3_stmt *s =
        prep(db, "INSERT INTO families(user_id, client_id, scope, created_at) VALUES(?, ?, ?, ?)");
    if (!s)
        return -1;
    bind_text(s, 1, user);
    bind_text(s, 2, client);
    bind_text(s, 3, scope);
    sqlite3_bind_int64(s, 4, now);
    if (step_done(db, s) < 0)
        return -1;
    *fid = sqlite3_last_insert_rowid(db);
    if (insert_token(db, tk->access_hash, *fid, KIND_ACCESS, now, tk->access_expires) < 0 ||
        insert_token(db, tk->refresh_hash, *fid, KIND_REFRESH, now, tk->refresh_expires) < 0)
        return -1;
    return 0;
}

store_rc store_code_exchange(store *st, const uint8_t code_hash[STORE_HASH_LEN],
                             const char *client_id, const char *redirect_uri, const char *challenge,
                             int64_t now, const store_tokens *tk, char **user_out, char **scope_out)
{
    *user_out = *scope_out = NULL;
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    char *user = NULL, *client = NULL, *redirect = NULL, *chal = NULL, *scope = NULL;
    if (begin(db) < 0)
        goto out;
    sqlite3_stmt *s = prep(db, "SELECT user_id, client_id, redirect_uri, challenge, scope,"
                               " expires_at, used_at, family_id FROM auth_codes WHERE hash = ?");
    if (!s)
        goto out;
    bind_hash(s, 1, code_hash);
    int r = sqlite3_step(s);
    if (r == SQLITE_DONE) {
        sqlite3_finalize(s);
        rc = STORE_NOTFOUND;
        goto out;
    }
    if (r != SQLITE_ROW) {
        log_db(db, "select code");
        sqlite3_finalize(s);
        goto out;
    }
    user = col_dup(s, 0);
    client = col_dup(s, 1);
    redirect = col_dup(s, 2);
    chal = col_dup(s, 3);
    scope = col_dup(s, 4);
    int64_t expires = sqlite3_column_int64(s, 5);
    int used = sqlite3_column_type(s, 6) != SQLITE_NULL;
    int64_t family = col_i64_or(s, 7, -1);
    sqlite3_finalize(s);
    if (!user || !client || !redirect || !chal || !scope)
        goto out;
    if (used) {
        if (family >= 0 && revoke_family(db, family, now) < 0)
            goto out;
        rc = commit(db) == 0 ? STORE_REUSED : STORE_ERROR;
        goto out;
    }
    s = prep(db, "UPDATE auth_codes SET used_at = ? WHERE hash = ?");
    if (!s)
        goto out;
    sqlite3_bind_int64(s, 1, now);
    bind_hash(s, 2, code_hash);
    if (step_done(db, s) < 0)
        goto out;
    store_rc verdict = STORE_OK;
    if (now >= expires)
        verdict = STORE_EXPIRED;
    else if (strcmp(client, client_id) != 0 || strcmp(redirect, redirect_uri) != 0 ||
             !ct_streq(chal, challenge))
        verdict = STORE_MISMATCH;
    if (verdict == STORE_OK) {
        int64_t fid;
        if (new_family(db, user, client, scope, now, tk, &fid) < 0)
            goto out;
        s = prep(db, "UPDATE auth_codes SET family_id = ? WHERE hash = ?");
        if (!s)
            goto out;
        sqlite3_bind_int64(s, 1, fid);
        bind_hash(s, 2, code_hash);
        if (step_done(db, s) < 0)
            goto out;
    }
    if (commit(db) < 0)
        goto out;
    rc = verdict;
    if (rc == STORE_OK) {
        *user_out = user;
        *scope_out = scope;
        user = scope = NULL;
    }
out:
    rollback(db);
    release(st, db);
    free(user);
    free(client);
    free(redirect);
    free(chal);
    free(scope);
    return rc;
}

store_rc store_refresh(store *st, const uint8_t refresh_hash[STORE_HASH_LEN], const char *client_id,
                       int64_t now, const store_tokens *tk, char **user_out, char **scope_out)
{
    *user_out = *scope_out = NULL;
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    char *user = NULL, *client = NULL, *scope = NULL;
    if (begin(db) < 0)
        goto out;
    sqlite3_stmt *s = prep(db, "SELECT t.family_id, t.kind, t.expires_at, t.used_at, f.user_id,"
                               " f.client_id, f.scope, f.revoked_at FROM tokens t"
                               " JOIN families f ON f.id = t.family_id WHERE t.hash = ?");
    if (!s)
        goto out;
    bind_hash(s, 1, refresh_hash);
    int r = sqlite3_step(s);
    if (r == SQLITE_DONE || (r == SQLITE_ROW && sqlite3_column_int(s, 1) != KIND_REFRESH)) {
        sqlite3_finalize(s);
        rc = STORE_NOTFOUND;
        goto out;
    }
    if (r != SQLITE_ROW) {
        log_db(db, "select token");
        sqlite3_finalize(s);
        goto out;
    }
    int64_t family = sqlite3_column_int64(s, 0);
    int64_t expires = sqlite3_column_int64(s, 2);
    int used = sqlite3_column_type(s, 3) != SQLITE_NULL;
    user = col_dup(s, 4);
    client = col_dup(s, 5);
    scope = col_dup(s, 6);
    int revoked = sqlite3_column_type(s, 7) != SQLITE_NULL;
    sqlite3_finalize(s);
    if (!user || !client || !scope)
        goto out;
    if (revoked) {
        rc = STORE_REVOKED;
        goto out;
    }
    if (used) {
        if (revoke_family(db, family, now) < 0 || commit(db) < 0)
            goto out;
        rc = STORE_REUSED;
        goto out;
    }
    if (now >= expires) {
        rc = STORE_EXPIRED;
        goto out;
    }
    if (strcmp(client, client_id) != 0) {
        rc = STORE_MISMATCH;
        goto out;
    }
    s = prep(db, "UPDATE tokens SET used_at = ? WHERE hash = ?");
    if (!s)
        goto out;
    sqlite3_bind_int64(s, 1, now);
    bind_hash(s, 2, refresh_hash);
    if (step_done(db, s) < 0 ||
        insert_token(db, tk->access_hash, family, KIND_ACCESS, now, tk->access_expires) < 0 ||
        insert_token(db, tk->refresh_hash, family, KIND_REFRESH, now, tk->refresh_expires) < 0 ||
        commit(db) < 0)
        goto out;
    rc = STORE_OK;
    *user_out = user;
    *scope_out = scope;
    user = scope = NULL;
out:
    rollback(db);
    release(st, db);
    free(user);
    free(client);
    free(scope);
    return rc;
}

store_rc store_revoke(store *st, const uint8_t token_hash[STORE_HASH_LEN], const char *client_id,
                      int64_t now)
{
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    sqlite3_stmt *s = prep(db, "UPDATE families SET revoked_at = ?1 WHERE revoked_at IS NULL"
                               " AND client_id = ?3 AND id ="
                               " (SELECT family_id FROM tokens WHERE hash = ?2)");
    if (s) {
        sqlite3_bind_int64(s, 1, now);
        bind_hash(s, 2, token_hash);
        bind_text(s, 3, client_id);
        if (step_done(db, s) == 0)
            rc = sqlite3_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
    }
    release(st, db);
    return rc;
}

store_rc store_access_check(store *st, const uint8_t token_hash[STORE_HASH_LEN], int64_t now,
                            char **user_out)
{
    *user_out = NULL;
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    sqlite3_stmt *s = prep(db, "SELECT t.kind, t.expires_at, f.revoked_at, f.user_id FROM tokens t"
                               " JOIN families f ON f.id = t.family_id WHERE t.hash = ?");
    if (s) {
        bind_hash(s, 1, token_hash);
        int r = sqlite3_step(s);
        if (r == SQLITE_DONE || (r == SQLITE_ROW && sqlite3_column_int(s, 0) != KIND_ACCESS)) {
            rc = STORE_NOTFOUND;
        } else if (r == SQLITE_ROW) {
            if (sqlite3_column_type(s, 2) != SQLITE_NULL)
                rc = STORE_REVOKED;
            else if (now >= sqlite3_column_int64(s, 1))
                rc = STORE_EXPIRED;
            else if ((*user_out = col_dup(s, 3)) != NULL)
                rc = STORE_OK;
        } else {
            log_db(db, "select access token");
        }
        sqlite3_finalize(s);
    }
    release(st, db);
    return rc;
}

/* ---- approvals ----------------------------------------------------------------- */

void store_approval_free(store_approval *a)
{
    if (!a)
        return;
    free(a->user_id);
    free(a->credential_id);
    free(a->hash_oid);
    free(a->hashes);
    free(a->description);
    free(a->handle_enc);
    memset(a, 0, sizeof *a);
}

approval_state store_approval_state(const store_approval *a, int64_t now, int64_t *approved_at)
{
    switch (a->status) {
    case APPROVAL_CONSUMED:
        return APPROVAL_CONSUMED;
    case APPROVAL_DENIED:
        return APPROVAL_DENIED;
    case APPROVAL_APPROVED:
        if (approved_at)
            *approved_at = a->decided_at;
        return APPROVAL_APPROVED;
    default:
        break;
    }
    if (a->auto_at >= 0 && a->auto_at < a->expires_at && now >= a->auto_at) {
        if (approved_at)
            *approved_at = a->auto_at;
        return APPROVAL_APPROVED;
    }
    return now >= a->expires_at ? APPROVAL_EXPIRED : APPROVAL_PENDING;
}

/* uniform in [0, n) */
static int rand_below(uint32_t n, uint32_t *out)
{
    uint32_t limit = UINT32_MAX - UINT32_MAX % n;
    for (int tries = 0; tries < 64; tries++) {
        uint32_t v;
        if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
            return -1;
        if (v < limit) {
            *out = v % n;
            return 0;
        }
    }
    return -1;
}

store_rc store_approval_create(store *st, const uint8_t handle_hash[STORE_HASH_LEN],
                               const uint8_t sad_hash[STORE_HASH_LEN], const store_approval_new *a,
                               int64_t now, char code_out[5], int64_t *id_out)
{
    return store_approval_create_keyed(st, handle_hash, sad_hash, a, NULL, now, code_out, id_out);
}

store_rc store_approval_create_keyed(store *st, const uint8_t handle_hash[STORE_HASH_LEN],
                                     const uint8_t sad_hash[STORE_HASH_LEN],
                                     const store_approval_new *a, const store_request_key *key,
                                     int64_t now, char code_out[5], int64_t *id_out)
{
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    uint8_t *taken = calloc(10000, 1);
    if (!taken || begin(db) < 0)
        goto out;
    sqlite3_stmt *s;
    int r;
    if (key) {
        s = prep(db, "SELECT approval_id FROM authorize_requests WHERE request_hash = ?");
        if (!s)
            goto out;
        bind_hash(s, 1, key->hash);
        r = sqlite3_step(s);
        if (r == SQLITE_ROW && id_out)
            *id_out = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        if (r == SQLITE_ROW) {
            rc = STORE_DUPLICATE;
            goto out;
        }
        if (r != SQLITE_DONE) {
            log_db(db, "select authorize request");
            goto out;
        }
    }
    s = prep(db, "SELECT code FROM approvals WHERE " PENDING_SQL);
    if (!s)
        goto out;
    sqlite3_bind_int64(s, 1, now);
    uint32_t nfree = 10000;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *c = sqlite3_column_text(s, 0);
        if (c && strlen((const char *)c) == 4) {
            int v = atoi((const char *)c);
            if (v >= 0 && v < 10000 && !taken[v]) {
                taken[v] = 1;
                nfree--;
            }
        }
    }
    sqlite3_finalize(s);
    if (r != SQLITE_DONE)
        goto out;
    if (nfree == 0) {
        rc = STORE_EXHAUSTED;
        goto out;
    }
    uint32_t pick;
    if (rand_below(nfree, &pick) < 0)
        goto out;
    int code = 0;
    for (;; code++) {
        if (!taken[code]) {
            if (pick == 0)
                break;
            pick--;
        }
    }
    snprintf(code_out, 5, "%04d", code % 10000);
    s = prep(db, "INSERT INTO approvals(handle_hash, sad_hash, user_id, credential_id, hash_oid,"
                 " hashes, num, description, code, status, created_at, expires_at, auto_at,"
                 " handle_enc) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)");
    if (!s)
        goto out;
    bind_hash(s, 1, handle_hash);
    bind_hash(s, 2, sad_hash);
    bind_text(s, 3, a->user_id);
    bind_text(s, 4, a->credential_id);
    bind_text(s, 5, a->hash_oid);
    sqlite3_bind_blob(s, 6, a->hashes, (int)a->hashes_len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 7, a->num);
    bind_text(s, 8, a->description);
    bind_text(s, 9, code_out);
    sqlite3_bind_int64(s, 10, now);
    sqlite3_bind_int64(s, 11, a->expires_at);
    if (a->auto_at >= 0)
        sqlite3_bind_int64(s, 12, a->auto_at);
    else
        sqlite3_bind_null(s, 12);
    sqlite3_bind_blob(s, 13, a->handle_enc, (int)a->handle_enc_len, SQLITE_TRANSIENT);
    if (step_done(db, s) < 0)
        goto out;
    int64_t id = sqlite3_last_insert_rowid(db);
    if (key) {
        s = prep(db, "INSERT INTO authorize_requests(request_hash, approval_id, handle_enc)"
                     " VALUES(?, ?, ?)");
        if (!s)
            goto out;
        bind_hash(s, 1, key->hash);
        sqlite3_bind_int64(s, 2, id);
        sqlite3_bind_blob(s, 3, key->handle_enc, (int)key->handle_enc_len, SQLITE_TRANSIENT);
        if (step_done(db, s) < 0)
            goto out;
    }
    if (id_out)
        *id_out = id;
    if (commit(db) < 0)
        goto out;
    rc = STORE_OK;
out:
    rollback(db);
    release(st, db);
    free(taken);
    return rc;
}

#define APPROVAL_COLS                                                                              \
    "id, user_id, credential_id, hash_oid, hashes, num, description, code, status, created_at,"    \
    " expires_at, auto_at, decided_at, last_check_at, sad_hash, handle_hash, handle_enc"

/* The APPROVAL_COLS of a row, starting at column o. */
static int read_approval_at(sqlite3_stmt *s, int o, store_approval *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(s, o + 0);
    a->user_id = col_dup(s, o + 1);
    a->credential_id = col_dup(s, o + 2);
    a->hash_oid = col_dup(s, o + 3);
    int hl = sqlite3_column_bytes(s, o + 4);
    const void *hb = sqlite3_column_blob(s, o + 4);
    a->hashes = malloc(hl > 0 ? (size_t)hl : 1);
    if (a->hashes && hl > 0 && hb)
        memcpy(a->hashes, hb, (size_t)hl);
    a->hashes_len = hl > 0 ? (size_t)hl : 0;
    a->num = (long)sqlite3_column_int64(s, o + 5);
    a->description = col_dup(s, o + 6);
    const unsigned char *c = sqlite3_column_text(s, o + 7);
    snprintf(a->code, sizeof a->code, "%s", c ? (const char *)c : "");
    a->status = sqlite3_column_int(s, o + 8);
    a->created_at = sqlite3_column_int64(s, o + 9);
    a->expires_at = sqlite3_column_int64(s, o + 10);
    a->auto_at = col_i64_or(s, o + 11, -1);
    a->decided_at = col_i64_or(s, o + 12, -1);
    a->last_check_at = col_i64_or(s, o + 13, -1);
    if (sqlite3_column_bytes(s, o + 14) == STORE_HASH_LEN)
        memcpy(a->sad_hash, sqlite3_column_blob(s, o + 14), STORE_HASH_LEN);
    if (sqlite3_column_bytes(s, o + 15) == STORE_HASH_LEN)
        memcpy(a->handle_hash, sqlite3_column_blob(s, o + 15), STORE_HASH_LEN);
    int el = sqlite3_column_bytes(s, o + 16);
    const void *eb = sqlite3_column_blob(s, o + 16);
    a->handle_enc = malloc(el > 0 ? (size_t)el : 1);
    if (a->handle_enc && el > 0 && eb)
        memcpy(a->handle_enc, eb, (size_t)el);
    a->handle_enc_len = el > 0 ? (size_t)el : 0;
    if (!a->user_id || !a->credential_id || !a->hash_oid || !a->hashes || !a->handle_enc) {
        store_approval_free(a);
        return -1;
    }
    return 0;
}

static int read_approval(sqlite3_stmt *s, store_approval *a)
{
    return read_approval_at(s, 0, a);
}

static store_rc approval_by(store *st, const char *col, const uint8_t *hash, store_approval *out)
{
    memset(out, 0, sizeof *out);
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT " APPROVAL_COLS " FROM approvals WHERE %s = ?", col);
    store_rc rc = STORE_ERROR;
    sqlite3_stmt *s = prep(db, sql);
    if (s) {
        bind_hash(s, 1, hash);
        int r = sqlite3_step(s);
        if (r == SQLITE_DONE)
            rc = STORE_NOTFOUND;
        else if (r == SQLITE_ROW)
            rc = read_approval(s, out) == 0 ? STORE_OK : STORE_ERROR;
        else
            log_db(db, "select approval");
        sqlite3_finalize(s);
    }
    release(st, db);
    return rc;
}

store_rc store_approval_by_request(store *st, const uint8_t request_hash[STORE_HASH_LEN],
                                   store_approval *out, uint8_t **handle_enc,
                                   size_t *handle_enc_len)
{
    memset(out, 0, sizeof *out);
    *handle_enc = NULL;
    *handle_enc_len = 0;
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    sqlite3_stmt *s = prep(db, "SELECT r.handle_enc, a.id, a.user_id, a.credential_id,"
                               " a.hash_oid, a.hashes, a.num, a.description, a.code, a.status,"
                               " a.created_at, a.expires_at, a.auto_at, a.decided_at,"
                               " a.last_check_at, a.sad_hash, a.handle_hash, a.handle_enc"
                               " FROM authorize_requests r JOIN approvals a ON a.id = r.approval_id"
                               " WHERE r.request_hash = ?");
    if (s) {
        bind_hash(s, 1, request_hash);
        int r = sqlite3_step(s);
        if (r == SQLITE_DONE) {
            rc = STORE_NOTFOUND;
        } else if (r == SQLITE_ROW) {
            int n = sqlite3_column_bytes(s, 0);
            const void *b = sqlite3_column_blob(s, 0);
            uint8_t *enc = malloc(n > 0 ? (size_t)n : 1);
            if (enc && n > 0 && b)
                memcpy(enc, b, (size_t)n);
            if (enc && read_approval_at(s, 1, out) == 0) {
                *handle_enc = enc;
                *handle_enc_len = n > 0 ? (size_t)n : 0;
                rc = STORE_OK;
            } else {
                free(enc);
            }
        } else {
            log_db(db, "select authorize request");
        }
        sqlite3_finalize(s);
    }
    release(st, db);
    return rc;
}

store_rc store_approval_by_handle(store *st, const uint8_t handle_hash[STORE_HASH_LEN],
                                  store_approval *out)
{
    return approval_by(st, "handle_hash", handle_hash, out);
}

store_rc store_approval_by_sad(store *st, const uint8_t sad_hash[STORE_HASH_LEN],
                               store_approval *out)
{
    return approval_by(st, "sad_hash", sad_hash, out);
}

store_rc store_approval_refresh(store *st, store_approval *a)
{
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    sqlite3_stmt *s = prep(db, "SELECT status, expires_at, auto_at, decided_at FROM approvals"
                               " WHERE id = ?");
    if (s) {
        sqlite3_bind_int64(s, 1, a->id);
        int r = sqlite3_step(s);
        if (r == SQLITE_ROW) {
            a->status = sqlite3_column_int(s, 0);
            a->expires_at = sqlite3_column_int64(s, 1);
            a->auto_at = col_i64_or(s, 2, -1);
            a->decided_at = col_i64_or(s, 3, -1);
            rc = STORE_OK;
        } else if (r == SQLITE_DONE) {
            rc = STORE_NOTFOUND;
        } else {
            log_db(db, "poll approval");
        }
        sqlite3_finalize(s);
    }
    release(st, db);
    return rc;
}

store_rc store_approval_touch(store *st, int64_t id, int64_t now)
{
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    sqlite3_stmt *s = prep(db, "UPDATE approvals SET last_check_at = ? WHERE id = ?");
    store_rc rc = STORE_ERROR;
    if (s) {
        sqlite3_bind_int64(s, 1, now);
        sqlite3_bind_int64(s, 2, id);
        rc = step_done(db, s) == 0 ? STORE_OK : STORE_ERROR;
    }
    release(st, db);
    return rc;
}

store_rc store_approval_decide(store *st, const char *code, int approve, int64_t now)
{
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    sqlite3_stmt *s = prep(db, "UPDATE approvals SET status = ?2, decided_at = ?1 WHERE id ="
                               " (SELECT id FROM approvals WHERE code = ?3 AND " PENDING_SQL
                               " ORDER BY id LIMIT 1)");
    if (s) {
        sqlite3_bind_int64(s, 1, now);
        sqlite3_bind_int(s, 2, approve ? APPROVAL_APPROVED : APPROVAL_DENIED);
        bind_text(s, 3, code);
        if (step_done(db, s) == 0)
            rc = sqlite3_changes(db) > 0 ? STORE_OK : STORE_NOTFOUND;
    }
    release(st, db);
    return rc;
}

store_rc store_approval_consume(store *st, const store_approval *a, const char *handle,
                                const char *sign_algo, size_t hash_len, int64_t now)
{
    if (!handle || hash_len == 0 || a->hashes_len != hash_len * (size_t)a->num)
        return STORE_ERROR;
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    if (begin(db) < 0)
        goto out;
    sqlite3_stmt *s = prep(db, "UPDATE approvals SET status = 3, consumed_at = ?1 WHERE id = ?2"
                               " AND (status = 1 OR (status = 0 AND auto_at IS NOT NULL"
                               " AND auto_at <= ?1 AND auto_at < expires_at))");
    if (!s)
        goto out;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, a->id);
    if (step_done(db, s) < 0)
        goto out;
    if (sqlite3_changes(db) != 1) {
        rc = STORE_CONFLICT;
        goto out;
    }
    for (long i = 0; i < a->num; i++) {
        char *b64 = base64_encode_alloc(a->hashes + (size_t)i * hash_len, hash_len);
        s = b64 ? prep(db, "INSERT INTO audit(ts, user_id, credential_id, hash_oid, hash,"
                           " sign_algo, approval_id, approval_code, approval_handle)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)")
                : NULL;
        if (!s) {
            free(b64);
            goto out;
        }
        sqlite3_bind_int64(s, 1, now);
        bind_text(s, 2, a->user_id);
        bind_text(s, 3, a->credential_id);
        bind_text(s, 4, a->hash_oid);
        bind_text(s, 5, b64);
        bind_text(s, 6, sign_algo);
        sqlite3_bind_int64(s, 7, a->id);
        bind_text(s, 8, a->code);
        bind_text(s, 9, handle);
        free(b64);
        if (step_done(db, s) < 0)
            goto out;
    }
    if (commit(db) < 0)
        goto out;
    rc = STORE_OK;
out:
    rollback(db);
    release(st, db);
    return rc;
}

store_rc store_pending_list(store *st, int64_t now, store_approval_cb cb, void *ctx)
{
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    sqlite3_stmt *s =
        prep(db, "SELECT " APPROVAL_COLS " FROM approvals WHERE " PENDING_SQL " ORDER BY id");
    if (s) {
        sqlite3_bind_int64(s, 1, now);
        int r;
        while ((r = sqlite3_step(s)) == SQLITE_ROW) {
            store_approval a;
            if (read_approval(s, &a) < 0)
                break;
            cb(ctx, &a);
            store_approval_free(&a);
        }
        if (r == SQLITE_DONE)
            rc = STORE_OK;
        else
            log_db(db, "list pending");
        sqlite3_finalize(s);
    }
    release(st, db);
    return rc;
}

store_rc store_audit_list(store *st, store_audit_cb cb, void *ctx)
{
    sqlite3 *db = acquire(st);
    if (!db)
        return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    sqlite3_stmt *s = prep(db, "SELECT id, ts, user_id, credential_id, hash_oid, hash, sign_algo,"
                               " approval_id, approval_code, approval_handle FROM audit"
                               " ORDER BY id");
    if (s) {
        int r;
        while ((r = sqlite3_step(s)) == SQLITE_ROW) {
            store_audit_row row = {
                .id = sqlite3_column_int64(s, 0),
                .ts = sqlite3_column_int64(s, 1),
                .user_id = (const char *)sqlite3_column_text(s, 2),
                .credential_id = (const char *)sqlite3_column_text(s, 3),
                .hash_oid = (const char *)sqlite3_column_text(s, 4),
                .hash_b64 = (const char *)sqlite3_column_text(s, 5),
                .sign_algo = (const char *)sqlite3_column_text(s, 6),
                .approval_id = sqlite3_column_int64(s, 7),
                .approval_code = (const char *)sqlite3_column_text(s, 8),
                .approval_handle = (const char *)sqlite3_column_text(s, 9),
            };
            if (!row.user_id || !row.credential_id || !row.hash_oid || !row.hash_b64 ||
                !row.sign_algo || !row.approval_code || !row.approval_handle)
                break;
            cb(ctx, &row);
        }
        if (r == SQLITE_DONE)
            rc = STORE_OK;
        else
            log_db(db, "list audit");
        sqlite3_finalize(s);
    }
    release(st, db);
    return rc;
}
