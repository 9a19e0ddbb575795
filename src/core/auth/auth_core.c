/* auth: the login state of the current user (tokens.dat) and the token
 * source of rssp_client over it.
 *
 * Refresh is a read-modify-write of the store around one network call, done
 * entirely under the cross-process lock: take the lock, re-read the store,
 * and if another process (or thread) refreshed meanwhile, use its access
 * token; only otherwise present the stored refresh token, save the rotated
 * pair, release. So a refresh token is presented once, ever: the service
 * treats a second presentation as theft and revokes the whole login.
 *
 * invalid_grant (the refresh token is dead: expired, revoked, or rotated by
 * someone we could not see) makes the store "logged out": the tokens are
 * removed from it (nothing secret of a dead login is kept), the proxy
 * password stays, and the caller gets CRPKI_E_NOT_LOGGED_IN (log in again
 * with crpki-mgmt). */
#include "core/auth/auth_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/auth/tokstore.h"
#include "crpki/config.h"
#include "base/log/log.h"
#include "base/error/fail.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_str.h"
#include "base/platform/plat_protect.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_xlock.h"

struct crpki_auth {
    char *home;
    char *store_path;
    auth_ops ops;
    unsigned lock_timeout_ms;
    /* the last store read, by file stamp: get_access reads no file while the
     * store is unchanged (under mu) */
    plat_mutex *mu;
    int cache_valid;
    plat_stamp cache_stamp;
    char *cache_access;
    int64_t cache_expires_at;
    int64_t cache_saved_at;
    int cache_has_refresh;
};

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* An access token is used while it has more than a margin left: a quarter
 * of its lifetime (as saved: expires_at - saved_at), at most
 * CRPKI_AUTH_MARGIN_S. A fixed 30 s would make a service that issues
 * short-lived tokens (seconds, in tests) see a refresh before every request. */
static int access_usable(const char *tok, int64_t expires_at, int64_t saved_at)
{
    if (!tok || !*tok)
        return 0;
    int64_t margin = CRPKI_AUTH_MARGIN_S, lifetime = expires_at - saved_at;
    if (lifetime > 0 && lifetime / 4 < margin)
        margin = lifetime / 4;
    return expires_at - now_s() > margin;
}

static crpki_err copy_token(const char *tok, char *buf, size_t bufsz, crpki_error_info *ei)
{
    size_t n = strlen(tok);
    if (!buf || n >= bufsz)
        return fail_with(ei, CRPKI_E_BUFFER_TOO_SMALL, "access token of %lu bytes, buffer %lu",
                         (unsigned long)n, (unsigned long)bufsz);
    memcpy(buf, tok, n + 1);
    return CRPKI_OK;
}

crpki_err auth_new_with_ops(const char *home, const auth_ops *ops, crpki_auth **out,
                            crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out || !ops || !ops->refresh || !ops->free_tokens)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_auth_new: missing argument");
    *out = NULL;
    crpki_auth *a = calloc(1, sizeof *a);
    if (!a)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "crpki_auth_new");
    crpki_err r = CRPKI_OK;
    if (home && *home)
        a->home = plat_strdup(home);
    else
        r = crpki_home_dir(&a->home, ei);
    if (r == CRPKI_OK && (!a->home || !(a->store_path = plat_path_join(a->home, TOK_STORE_FILE)) ||
                          !(a->mu = plat_mutex_new())))
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "crpki_auth_new");
    if (r != CRPKI_OK) {
        free(a->home);
        free(a->store_path);
        plat_mutex_free(a->mu);
        free(a);
        return r;
    }
    a->ops = *ops;
    a->lock_timeout_ms = CRPKI_AUTH_LOCK_TIMEOUT_MS;
    *out = a;
    return CRPKI_OK;
}

void crpki_auth_free(crpki_auth *a)
{
    if (!a)
        return;
    if (a->ops.detach)
        a->ops.detach(a->ops.ctx);
    tokstore_free_secret(a->cache_access);
    plat_mutex_free(a->mu);
    free(a->home);
    free(a->store_path);
    free(a);
}

void auth_set_lock_timeout(crpki_auth *a, unsigned ms)
{
    a->lock_timeout_ms = ms;
}

/* ---- cache ---------------------------------------------------------------- */

static void cache_put(crpki_auth *a, const plat_stamp *st, const tokstore *ts)
{
    int ok = 1;
    char *copy = tokstore_strdup(ts->access_token, &ok);
    plat_mutex_lock(a->mu);
    tokstore_free_secret(a->cache_access);
    a->cache_access = copy;
    a->cache_expires_at = ts->access_expires_at;
    a->cache_saved_at = ts->saved_at;
    a->cache_has_refresh = ts->refresh_token != NULL;
    a->cache_stamp = *st;
    a->cache_valid = ok && st != NULL;
    plat_mutex_unlock(a->mu);
}

static void cache_drop(crpki_auth *a)
{
    plat_mutex_lock(a->mu);
    a->cache_valid = 0;
    plat_mutex_unlock(a->mu);
}

/* ---- locked updates -------------------------------------------------------- */

static crpki_err lock_store(crpki_auth *a, plat_xlock **l, crpki_error_info *ei)
{
    crpki_err r = plat_xlock_acquire(a->home, a->lock_timeout_ms, l, ei);
    if (r != CRPKI_OK)
        log_write(CRPKI_LOG_ERROR, "auth", "token store lock: %s", ei ? ei->detail : "");
    return r;
}

/* Writes ts, or deletes the file when nothing is left in it; then the cache
 * follows the file. Under the lock. */
static crpki_err store_write(crpki_auth *a, const tokstore *ts, crpki_error_info *ei)
{
    crpki_err r =
        tokstore_is_empty(ts) ? tokstore_remove(a->home, ei) : tokstore_save(a->home, ts, ei);
    plat_stamp st;
    if (r == CRPKI_OK && !tokstore_is_empty(ts) && plat_file_stamp(a->store_path, &st))
        cache_put(a, &st, ts);
    else
        cache_drop(a);
    return r;
}

/* The refresh, under the lock; see the top of the file. */
static crpki_err refresh_locked(crpki_auth *a, const char *refused, char *buf, size_t bufsz,
                                crpki_error_info *ei)
{
    tokstore ts;
    crpki_err r = tokstore_load(a->home, &ts, NULL, ei);
    if (r != CRPKI_OK)
        return r;
    if (access_usable(ts.access_token, ts.access_expires_at, ts.saved_at) &&
        (!refused || strcmp(ts.access_token, refused) != 0)) {
        log_write(CRPKI_LOG_INFO, "auth",
                  "using the access token refreshed by another process "
                  "or thread");
        r = copy_token(ts.access_token, buf, bufsz, ei);
        tokstore_clear(&ts);
        return r;
    }
    if (!ts.refresh_token) {
        tokstore_clear(&ts);
        return fail_with(ei, CRPKI_E_NOT_LOGGED_IN, "no login stored in %s: log in with crpki-mgmt",
                         TOK_STORE_FILE);
    }

    rssp_tokens nt;
    memset(&nt, 0, sizeof nt);
    crpki_error_info rei;
    fail_clear(&rei);
    r = a->ops.refresh(a->ops.ctx, ts.refresh_token, &nt, &rei);
    if (r == CRPKI_E_NOT_LOGGED_IN) {
        /* the refresh token is dead: keep nothing of this login */
        a->ops.free_tokens(&nt);
        tokstore_free_secret(ts.access_token);
        tokstore_free_secret(ts.refresh_token);
        ts.access_token = ts.refresh_token = NULL;
        ts.access_expires_at = 0;
        ts.saved_at = now_s();
        crpki_error_info wei;
        if (store_write(a, &ts, &wei) != CRPKI_OK)
            log_write(CRPKI_LOG_ERROR, "auth", "marking the store logged out: %s", wei.detail);
        tokstore_clear(&ts);
        log_write(CRPKI_LOG_WARN, "auth", "the service refused the refresh token (%s): logged out",
                  rei.detail);
        return fail_with(ei, CRPKI_E_NOT_LOGGED_IN,
                         "the login expired or was revoked (refresh refused: %.120s): log in "
                         "again with crpki-mgmt",
                         rei.detail[0] ? rei.detail : rei.service_error);
    }
    if (r != CRPKI_OK) {
        a->ops.free_tokens(&nt);
        tokstore_clear(&ts);
        if (ei)
            *ei = rei;
        log_write(CRPKI_LOG_WARN, "auth", "refresh failed: %s: %s", crpki_err_name(r), rei.detail);
        return r;
    }
    if (!nt.access_token || !*nt.access_token) {
        a->ops.free_tokens(&nt);
        tokstore_clear(&ts);
        return fail_with(ei, CRPKI_E_PROTOCOL, "the refresh gave no access token");
    }

    /* the new pair replaces the old; no rotation (no new refresh token) keeps the old one */
    int ok = 1;
    char *access = tokstore_strdup(nt.access_token, &ok);
    char *refresh =
        nt.refresh_token && *nt.refresh_token ? tokstore_strdup(nt.refresh_token, &ok) : NULL;
    int64_t exp = nt.access_expires_at;
    a->ops.free_tokens(&nt);
    if (!ok) {
        tokstore_free_secret(access);
        tokstore_free_secret(refresh);
        tokstore_clear(&ts);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "refresh");
    }
    tokstore_free_secret(ts.access_token);
    ts.access_token = access;
    if (refresh) {
        tokstore_free_secret(ts.refresh_token);
        ts.refresh_token = refresh;
    }
    ts.saved_at = now_s();
    /* no lifetime given: assume a short one rather than refreshing at every call */
    ts.access_expires_at = exp > ts.saved_at ? exp : ts.saved_at + 2 * CRPKI_AUTH_MARGIN_S;
    r = store_write(a, &ts, ei);
    if (r != CRPKI_OK) {
        /* the old refresh token is spent: the next refresh will fail and
         * need a new login. Say so loudly. */
        log_write(CRPKI_LOG_ERROR, "auth",
                  "refreshed tokens could NOT be saved (%s): a new login will be needed",
                  ei ? ei->detail : "");
    } else {
        log_write(CRPKI_LOG_INFO, "auth", "access token refreshed (valid for %ld s)",
                  (long)(ts.access_expires_at - ts.saved_at));
        r = copy_token(ts.access_token, buf, bufsz, ei);
    }
    tokstore_clear(&ts);
    return r;
}

crpki_err auth_refresh(crpki_auth *a, const char *refused, char *buf, size_t bufsz,
                       crpki_error_info *ei)
{
    fail_clear(ei);
    if (!a || !buf || bufsz == 0)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "auth_refresh: missing argument");
    buf[0] = 0;
    plat_xlock *l;
    crpki_err r = lock_store(a, &l, ei);
    if (r != CRPKI_OK)
        return r;
    r = refresh_locked(a, refused, buf, bufsz, ei);
    plat_xlock_release(l);
    return r;
}

crpki_err auth_get_access(crpki_auth *a, char *buf, size_t bufsz, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!a || !buf || bufsz == 0)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "auth_get_access: missing argument");
    buf[0] = 0;
    plat_stamp st;
    if (!plat_file_stamp(a->store_path, &st)) {
        cache_drop(a);
        return fail_with(ei, CRPKI_E_NOT_LOGGED_IN, "no login stored in %s: log in with crpki-mgmt",
                         TOK_STORE_FILE);
    }
    crpki_err r = CRPKI_E__COUNT; /* "not answered from the cache" */
    int has_refresh = 0;
    plat_mutex_lock(a->mu);
    if (a->cache_valid && memcmp(&st, &a->cache_stamp, sizeof st) == 0) {
        has_refresh = a->cache_has_refresh;
        if (access_usable(a->cache_access, a->cache_expires_at, a->cache_saved_at))
            r = copy_token(a->cache_access, buf, bufsz, ei);
        else
            r = CRPKI_E_DEADLINE; /* expired: refresh below */
    }
    plat_mutex_unlock(a->mu);
    if (r == CRPKI_E__COUNT) {
        /* the stamp is taken before the read: if the file changes in
         * between, the next call sees a different stamp and reads again */
        tokstore ts;
        r = tokstore_load(a->home, &ts, NULL, ei);
        if (r != CRPKI_OK)
            return r;
        cache_put(a, &st, &ts);
        has_refresh = ts.refresh_token != NULL;
        if (access_usable(ts.access_token, ts.access_expires_at, ts.saved_at))
            r = copy_token(ts.access_token, buf, bufsz, ei);
        else
            r = CRPKI_E_DEADLINE;
        tokstore_clear(&ts);
    }
    if (r != CRPKI_E_DEADLINE)
        return r;
    if (!has_refresh)
        return fail_with(ei, CRPKI_E_NOT_LOGGED_IN, "no login stored in %s: log in with crpki-mgmt",
                         TOK_STORE_FILE);
    log_write(CRPKI_LOG_DEBUG, "auth", "access token expired or about to: refreshing");
    return auth_refresh(a, NULL, buf, bufsz, ei);
}

/* ---- the token source ------------------------------------------------------ */

static crpki_err src_get_access(void *ctx, char *buf, size_t bufsz)
{
    crpki_error_info ei;
    crpki_err r = auth_get_access(ctx, buf, bufsz, &ei);
    if (r != CRPKI_OK)
        log_write(CRPKI_LOG_WARN, "auth", "no access token: %s: %s", crpki_err_name(r), ei.detail);
    return r;
}

static crpki_err src_refresh(void *ctx, const char *refused, char *buf, size_t bufsz)
{
    crpki_error_info ei;
    crpki_err r = auth_refresh(ctx, refused, buf, bufsz, &ei);
    if (r != CRPKI_OK)
        log_write(CRPKI_LOG_WARN, "auth", "refresh after a refused token: %s: %s",
                  crpki_err_name(r), ei.detail);
    return r;
}

void auth_token_source(crpki_auth *a, rssp_token_source *src)
{
    src->ctx = a;
    src->get_access = src_get_access;
    src->refresh = src_refresh;
}

/* ---- login state ----------------------------------------------------------- */

crpki_err crpki_auth_save_login(crpki_auth *a, const rssp_tokens *t, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!a || !t || !t->access_token || !*t->access_token)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_auth_save_login: no access token");
    plat_xlock *l;
    crpki_err r = lock_store(a, &l, ei);
    if (r != CRPKI_OK)
        return r;
    /* keep the proxy password; a damaged old store is what a login repairs */
    tokstore old, ts;
    crpki_error_info ignored;
    if (tokstore_load(a->home, &old, NULL, &ignored) != CRPKI_OK)
        memset(&old, 0, sizeof old);
    memset(&ts, 0, sizeof ts);
    int ok = 1;
    ts.access_token = tokstore_strdup(t->access_token, &ok);
    ts.refresh_token =
        t->refresh_token && *t->refresh_token ? tokstore_strdup(t->refresh_token, &ok) : NULL;
    ts.access_expires_at = t->access_expires_at;
    ts.saved_at = now_s();
    ts.proxy_password = old.proxy_password;
    old.proxy_password = NULL;
    tokstore_clear(&old);
    r = ok ? store_write(a, &ts, ei) : fail_with(ei, CRPKI_E_NO_MEMORY, "save_login");
    tokstore_clear(&ts);
    plat_xlock_release(l);
    if (r == CRPKI_OK)
        log_write(CRPKI_LOG_INFO, "auth", "login saved");
    return r;
}

crpki_err crpki_auth_get_status(crpki_auth *a, crpki_auth_status *st, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!a || !st)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_auth_get_status: missing argument");
    memset(st, 0, sizeof *st);
    tokstore ts;
    crpki_err r = tokstore_load(a->home, &ts, NULL, ei);
    if (r != CRPKI_OK)
        return r;
    st->logged_in = ts.refresh_token != NULL;
    st->access_expires_at = ts.access_token ? ts.access_expires_at : 0;
    st->saved_at = ts.saved_at;
    tokstore_clear(&ts);
    return CRPKI_OK;
}

crpki_err crpki_auth_logout(crpki_auth *a, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!a)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_auth_logout: no auth");
    plat_xlock *l;
    crpki_err r = lock_store(a, &l, ei);
    if (r != CRPKI_OK)
        return r;
    tokstore ts;
    crpki_error_info lei;
    if (tokstore_load(a->home, &ts, NULL, &lei) != CRPKI_OK) {
        /* unreadable: nothing to revoke, but it goes all the same */
        log_write(CRPKI_LOG_WARN, "auth", "logout: %s", lei.detail);
        memset(&ts, 0, sizeof ts);
    }
    crpki_err revoke_r = CRPKI_OK;
    crpki_error_info rei;
    fail_clear(&rei);
    const char *tok = ts.refresh_token ? ts.refresh_token : ts.access_token;
    if (tok && a->ops.revoke) {
        /* revoking either token ends the whole login at the service */
        revoke_r = a->ops.revoke(a->ops.ctx, tok, &rei);
        if (revoke_r != CRPKI_OK)
            log_write(CRPKI_LOG_WARN, "auth", "logout: revoke failed: %s: %s",
                      crpki_err_name(revoke_r), rei.detail);
    }
    /* the tokens go; the proxy password (network setting, not login) stays */
    tokstore_free_secret(ts.access_token);
    tokstore_free_secret(ts.refresh_token);
    ts.access_token = ts.refresh_token = NULL;
    ts.access_expires_at = 0;
    ts.saved_at = now_s();
    r = store_write(a, &ts, ei);
    tokstore_clear(&ts);
    plat_xlock_release(l);
    if (r != CRPKI_OK)
        return r;
    log_write(CRPKI_LOG_INFO, "auth", "logged out");
    if (revoke_r != CRPKI_OK) {
        fail_with(ei, revoke_r,
                  "local tokens deleted; revoking the login at the service "
                  "failed: %s",
                  rei.detail);
        if (ei) {
            ei->http_status = rei.http_status;
            memcpy(ei->service_error, rei.service_error, sizeof ei->service_error);
        }
        return revoke_r;
    }
    return CRPKI_OK;
}

crpki_err crpki_auth_set_proxy_password(crpki_auth *a, const char *password, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!a)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_auth_set_proxy_password: no auth");
    plat_xlock *l;
    crpki_err r = lock_store(a, &l, ei);
    if (r != CRPKI_OK)
        return r;
    tokstore ts;
    r = tokstore_load(a->home, &ts, NULL, ei);
    if (r == CRPKI_OK) {
        int ok = 1;
        char *pw = password && *password ? tokstore_strdup(password, &ok) : NULL;
        tokstore_free_secret(ts.proxy_password);
        ts.proxy_password = pw;
        if (!ts.saved_at)
            ts.saved_at = now_s();
        r = ok ? store_write(a, &ts, ei) : fail_with(ei, CRPKI_E_NO_MEMORY, "proxy password");
    }
    tokstore_clear(&ts);
    plat_xlock_release(l);
    return r;
}

crpki_err crpki_auth_get_proxy_password(const char *home, char **out, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_auth_get_proxy_password: out is NULL");
    *out = NULL;
    char *h = NULL;
    crpki_err r =
        home && *home
            ? ((h = plat_strdup(home)) ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "home"))
            : crpki_home_dir(&h, ei);
    if (r != CRPKI_OK)
        return r;
    tokstore ts;
    r = tokstore_load(h, &ts, NULL, ei);
    free(h);
    if (r != CRPKI_OK)
        return r;
    *out = ts.proxy_password;
    ts.proxy_password = NULL;
    tokstore_clear(&ts);
    return CRPKI_OK;
}
