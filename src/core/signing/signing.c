/* session: configuration, key catalog and - lazily - the client, and the one
 * signing path of the providers and the management tool (signing.h,
 * docs/signing.md). */
#include "core/signing/signing.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crpki/auth.h"
#include "crpki/rssp_client.h"
#include "core/crypto/crypto.h"
#include "base/log/log.h"
#include "base/error/fail.h"
#include "core/crypto/crypto_cert.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_proc.h"
#include "base/platform/plat_publisher.h"
#include "base/platform/plat_str.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"
#include "base/util/text.h"
#include "base/util/text_clean.h"
#include "core/auth/auth_login.h"
#include "core/connect/connect.h"
#include "core/history/history.h"
#include "core/signing/signing_internal.h"
#include "core/ui/ui.h"

#define MOD             "session"
#define SIG_CACHE_SLOTS 64

/* A sign call waiting now, for signing_cancel. */
typedef struct waiter {
    struct waiter *next;
    rssp_cancel *cancel;
} waiter;

struct signing_session {
    crpki_config cfg;
    char *keys_path;
    plat_mutex *mu; /* the catalog, the lazy client, the waiters */
    catalog_keys cat;
    plat_stamp stamp; /* of keys.json when cat was read */
    int have_file;    /* keys.json existed then */
    int cat_loaded;
    rssp_client *client;
    crpki_auth *auth;
    signing_cache *cache;
    waiter *waiters;
};

/* ---- open / close ------------------------------------------------------------ */

crpki_err signing_open(const char *home, signing_session **out, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "signing_open: NULL output");
    *out = NULL;
    signing_session *s = calloc(1, sizeof *s);
    if (!s)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "signing_open");
    crpki_err e = crpki_config_load(home, &s->cfg, ei);
    if (e != CRPKI_OK) {
        free(s);
        return e;
    }
    crpki_config_open_log(&s->cfg);
    s->keys_path = plat_path_join(s->cfg.home, "keys.json");
    s->mu = plat_mutex_new();
    s->cache =
        signing_cache_new(SIG_CACHE_SLOTS, (uint64_t)CRPKI_SIG_CACHE_TTL_S * 1000, NULL, NULL);
    if (!s->keys_path || !s->mu || !s->cache) {
        signing_close(s);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "signing_open");
    }
    log_write(CRPKI_LOG_DEBUG, MOD, "session opened for %s in %s", signing_program(), s->cfg.home);
    *out = s;
    return CRPKI_OK;
}

void signing_close(signing_session *s)
{
    if (!s)
        return;
    connect_close(s->client, s->auth);
    signing_cache_free(s->cache);
    catalog_free(&s->cat);
    if (s->mu)
        plat_mutex_free(s->mu);
    free(s->keys_path);
    crpki_config_free(&s->cfg);
    free(s);
}

const crpki_config *signing_config(const signing_session *s)
{
    return s ? &s->cfg : NULL;
}

/* ---- the catalog ----------------------------------------------------------------- */

/* Re-reads keys.json when it changed since the last read. Under s->mu. */
static crpki_err catalog_fresh(signing_session *s, crpki_error_info *ei)
{
    plat_stamp st;
    memset(&st, 0, sizeof st);
    int exists = plat_file_stamp(s->keys_path, &st);
    if (s->cat_loaded && exists == s->have_file &&
        (!exists || memcmp(&st, &s->stamp, sizeof st) == 0))
        return CRPKI_OK;
    catalog_keys fresh;
    crpki_err e = catalog_load(s->cfg.home, &fresh, ei);
    if (e != CRPKI_OK) {
        log_write(CRPKI_LOG_ERROR, MOD, "keys.json: %s", ei ? ei->detail : crpki_strerror(e));
        return e;
    }
    catalog_free(&s->cat);
    s->cat = fresh;
    s->stamp = st;
    s->have_file = exists;
    s->cat_loaded = 1;
    log_write(CRPKI_LOG_DEBUG, MOD, "key catalog read: %u key(s)", (unsigned)s->cat.n);
    return CRPKI_OK;
}

crpki_err signing_find_key(signing_session *s, const char *credential_id, unsigned provider,
                           catalog_entry *out, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!s || !out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "signing_find_key: NULL argument");
    memset(out, 0, sizeof *out);
    plat_mutex_lock(s->mu);
    crpki_err e = catalog_fresh(s, ei);
    if (e == CRPKI_OK) {
        const catalog_entry *k = catalog_find(&s->cat, credential_id, provider);
        if (!k)
            e = fail_with(ei, CRPKI_E_NO_KEY, "no key '%s' selected for this provider",
                          credential_id && *credential_id ? credential_id : "(default)");
        else if (catalog_entry_copy(k, out) != CRPKI_OK)
            e = fail_with(ei, CRPKI_E_NO_MEMORY, "signing_find_key");
    }
    plat_mutex_unlock(s->mu);
    return e;
}

void signing_free_ids(char **ids, size_t n)
{
    for (size_t i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
}

crpki_err signing_list_keys(signing_session *s, unsigned provider, char ***ids, size_t *n,
                            crpki_error_info *ei)
{
    fail_clear(ei);
    if (!s || !ids || !n)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "signing_list_keys: NULL argument");
    *ids = NULL;
    *n = 0;
    plat_mutex_lock(s->mu);
    crpki_err e = catalog_fresh(s, ei);
    char **v = NULL;
    size_t k = 0;
    if (e == CRPKI_OK && s->cat.n > 0) {
        v = calloc(s->cat.n, sizeof *v);
        if (!v)
            e = fail_with(ei, CRPKI_E_NO_MEMORY, "signing_list_keys");
        for (size_t i = 0; v && i < s->cat.n; i++) {
            if (!(s->cat.v[i].providers & provider))
                continue;
            if (!(v[k] = plat_strdup(s->cat.v[i].credential_id))) {
                e = fail_with(ei, CRPKI_E_NO_MEMORY, "signing_list_keys");
                break;
            }
            k++;
        }
    }
    plat_mutex_unlock(s->mu);
    if (e != CRPKI_OK) {
        signing_free_ids(v, k);
        return e;
    }
    *ids = v;
    *n = k;
    return CRPKI_OK;
}

/* ---- the client (first signature only) ------------------------------------------------ */

static crpki_err ensure_client(signing_session *s, crpki_error_info *ei)
{
    plat_mutex_lock(s->mu);
    crpki_err e = s->client ? CRPKI_OK : connect_open(&s->cfg, &s->client, &s->auth, ei);
    plat_mutex_unlock(s->mu);
    return e;
}

/* ---- cancel ----------------------------------------------------------------------------- */

void signing_cancel(signing_session *s)
{
    if (!s)
        return;
    plat_mutex_lock(s->mu);
    for (waiter *w = s->waiters; w; w = w->next)
        rssp_cancel_trigger(w->cancel);
    plat_mutex_unlock(s->mu);
}

static void waiter_add(signing_session *s, waiter *w)
{
    plat_mutex_lock(s->mu);
    w->next = s->waiters;
    s->waiters = w;
    plat_mutex_unlock(s->mu);
}

static void waiter_remove(signing_session *s, waiter *w)
{
    plat_mutex_lock(s->mu);
    for (waiter **p = &s->waiters; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    plat_mutex_unlock(s->mu);
}

/* ---- signing ------------------------------------------------------------------------------ */

static const char *scheme_name(alg_sig_scheme sc)
{
    return sc == CRPKI_PAD_PKCS1 ? "PKCS1" : sc == CRPKI_PAD_PSS ? "PSS" : "ECDSA";
}

/* The checks that need no service: what the application may ask of key. */
static crpki_err check_params(const signing_params *p, const alg_hash_info **hi,
                              crpki_error_info *ei)
{
    const catalog_entry *k = p->key;
    if (!k || !k->credential_id || !k->cert.der || !p->digest)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "sign: no key, certificate or digest");
    *hi = alg_hash_by_id(p->hash);
    if (!*hi)
        return fail_with(ei, CRPKI_E_UNSUPPORTED_ALG, "sign: unknown hash %d", (int)p->hash);
    if (!alg_hash_signable(p->hash))
        return fail_with(ei, CRPKI_E_UNSUPPORTED_ALG,
                         "sign: %s is refused for signing (collisions); SHA-256/384/512 only",
                         (*hi)->name);
    if (p->digest_len != (*hi)->len)
        return fail_with(ei, CRPKI_E_BAD_HASH, "sign: a %s digest is %u bytes, not %u", (*hi)->name,
                         (unsigned)(*hi)->len, (unsigned)p->digest_len);
    int rsa = k->key_type == CRPKI_KEY_RSA;
    switch (p->scheme) {
    case CRPKI_PAD_PKCS1:
    case CRPKI_PAD_PSS:
        if (!rsa)
            return fail_with(ei, CRPKI_E_UNSUPPORTED_ALG, "sign: %s needs an RSA key",
                             scheme_name(p->scheme));
        break;
    case CRPKI_PAD_ECDSA:
        if (k->key_type != CRPKI_KEY_EC)
            return fail_with(ei, CRPKI_E_UNSUPPORTED_ALG, "sign: ECDSA needs an EC key");
        break;
    default:
        return fail_with(ei, CRPKI_E_UNSUPPORTED_ALG, "sign: unknown scheme %d", (int)p->scheme);
    }
    if (p->scheme == CRPKI_PAD_PSS) {
        /* RFC 8017 9.1.1: emLen >= hLen + sLen + 2 */
        size_t em = (k->key_bits + 6) / 8;
        if ((size_t)p->salt_len + (*hi)->len + 2 > em)
            return fail_with(ei, CRPKI_E_INVALID_ARG, "sign: PSS salt of %u bytes too long",
                             p->salt_len);
    }
    return CRPKI_OK;
}

typedef struct {
    signing_session *s;
    const signing_params *p;
    rssp_cancel *cancel;
    ui_handle *ui;
    char code[8];
} approval_ctx;

static void on_approval(void *ctx, const rssp_approval *a)
{
    approval_ctx *ac = ctx;
    /* a request tried again (sign_recovering) asks anew: the old code goes */
    ui_close(ac->ui, CRPKI_E_CANCELLED);
    ac->ui = NULL;
    snprintf(ac->code, sizeof ac->code, "%s", a->approval_code ? a->approval_code : "");
    /* whose key signs, from the certificate the chain checks passed (not
       the service's subject_dn text) */
    const catalog_entry *k = ac->p->key;
    char cn[256], org[256], holder[600] = "";
    if (crypto_cert_holder(k->cert.der, k->cert.len, cn, sizeof cn, org, sizeof org) == 0)
        text_holder_display(cn, org, holder, sizeof holder);
    ui_request r = {
        .holder = holder[0] ? holder : NULL,
        .approval_code = a->approval_code,
        .expires_in_s = a->expires_in_s,
        .description = a->description,
        .program = signing_program(),
        .program_path = signing_program_path(),
        .publisher = signing_program_publisher(),
        .subject = ac->p->key->subject_dn,
        .num_hashes = a->num_hashes,
        .parent_window = ac->p->parent_window,
    };
    if (ui_show(ac->s->cfg.approval_ui, &r, ac->cancel, &ac->ui) != CRPKI_OK)
        log_write(CRPKI_LOG_ERROR, MOD,
                  "approval UI failed (the code is logged when the "
                  "signature ends)");
}

static rssp_sig_scheme rssp_scheme(alg_sig_scheme sc)
{
    return sc == CRPKI_PAD_PKCS1 ? RSSP_SIG_RSA_PKCS1
           : sc == CRPKI_PAD_PSS ? RSSP_SIG_RSA_PSS
                                 : RSSP_SIG_ECDSA;
}

/* One line of the signing record for this attempt (history.h); a record
 * that cannot be written is logged, never the signature's failure. */
static void record(signing_session *s, const signing_params *p, const uint8_t *hashes, size_t n,
                   size_t count, const char *code, crpki_err e, int64_t start_ms, int64_t mono0)
{
    const catalog_entry *k = p->key;
    const alg_hash_info *hi = alg_hash_by_id(p->hash);
    char alg[48];
    snprintf(alg, sizeof alg, "%s-%s",
             !k || k->key_type != CRPKI_KEY_EC
                 ? (p->scheme == CRPKI_PAD_PSS ? "RSA-PSS" : "RSA-PKCS1")
                 : "ECDSA",
             hi ? hi->name : "?");
    size_t nd = n < HISTORY_MAX_DIGESTS ? n : HISTORY_MAX_DIGESTS;
    const uint8_t *digests[HISTORY_MAX_DIGESTS];
    for (size_t i = 0; hashes && i < nd; i++)
        digests[i] = hashes + i * p->digest_len;
    history_record r = {
        .time_ms = start_ms,
        .program = signing_program_path(),
        .what = p->what,
        .credential = k ? k->credential_id : NULL,
        .subject = k ? k->subject_dn : NULL,
        .algorithm = alg,
        .digests = digests,
        .ndigests = hashes ? n : 0,
        .count = count,
        .digest_len = p->digest_len,
        .approval_code = code && *code ? code : NULL,
        .outcome = e,
        .duration_ms = plat_now_ms() - mono0,
    };
    crpki_error_info hei;
    if (s->cfg.home && history_append(s->cfg.home, &r, &hei) != CRPKI_OK)
        log_write(CRPKI_LOG_WARN, MOD, "signing record not written: %s", hei.detail);
}

/* ---- when a signature cannot go through ---------------------------------------------- */

typedef struct {
    ui_recovery *rec;
    rssp_cancel *cancel;
} login_view;

static void login_url(void *ctx, const char *url, int browser_started)
{
    (void)browser_started; /* the URL is shown either way */
    login_view *v = ctx;
    ui_recovery_login_url(v->rec, url);
}

static int login_cancelled(void *ctx)
{
    login_view *v = ctx;
    return ui_recovery_cancelled(v->rec) || rssp_cancel_is_triggered(v->cancel);
}

/* rssp_sign, and while it fails in a way the person at the PC can fix (the
 * login, the network, the certificate: ui_recovery_applies), says so and
 * lets them: log in in the browser, then the same request again; or try
 * again. A silent caller, approval_ui none, or キャンセル: the error as it
 * came. ui.h, docs/signing.md. */
static crpki_err sign_recovering(signing_session *s, const signing_params *p,
                                 const rssp_sign_request *rq, rssp_signatures *got,
                                 crpki_error_info *ei)
{
    char note[300] = "";
    for (;;) {
        crpki_err e = rssp_sign(s->client, rq, got, ei);
        if (e == CRPKI_OK || p->silent || !ui_recovery_applies(e) ||
            rssp_cancel_is_triggered(rq->cancel))
            return e;
        ui_recovery_request rr = {
            .cause = e,
            .note = note,
            .program = signing_program_path(),
            .parent_window = p->parent_window,
            .cancel = rq->cancel,
        };
        ui_recovery *rec = NULL;
        ui_recovery_open(s->cfg.approval_ui, &rr, &rec);
        ui_choice ch = rec ? ui_recovery_wait(rec) : UI_CHOICE_CANCEL;
        crpki_err le = CRPKI_OK;
        crpki_error_info lei;
        if (ch == UI_CHOICE_LOGIN) {
            login_view v = {rec, rq->cancel};
            auth_login_opts o = {.on_url = login_url, .cancelled = login_cancelled, .ctx = &v};
            le = auth_login_browser(s->client, s->auth, &o, NULL, &lei);
        }
        ui_recovery_close(rec);
        if (ch == UI_CHOICE_CANCEL || le == CRPKI_E_CANCELLED) {
            log_write(CRPKI_LOG_INFO, MOD, "sign: %s, not recovered (the person cancelled)",
                      crpki_err_name(e));
            return e; /* the application gets the error as it came */
        }
        if (le != CRPKI_OK) /* the dialog again, saying why the login failed */
            snprintf(note, sizeof note, "ログインできませんでした: %s", crpki_strerror_ja(le));
        else
            note[0] = '\0';
        log_write(CRPKI_LOG_INFO, MOD, "sign: %s; %s", crpki_err_name(e),
                  ch == UI_CHOICE_LOGIN
                      ? (le == CRPKI_OK ? "logged in again, signing continues" : "the login failed")
                      : "trying again");
        rssp_signatures_free(got);
        memset(got, 0, sizeof *got);
    }
}

/* The signer's certificate is within its validity period now: a signature
 * outside it verifies nowhere. note (for the person) says which way and
 * when. A certificate that does not parse here was checked when it was
 * selected (catalog_check) and is left to the service. */
static crpki_err check_validity(const catalog_entry *k, char *note, size_t n, crpki_error_info *ei)
{
    int64_t nb, na, now = plat_unix_time_ms() / 1000;
    if (crypto_cert_validity(k->cert.der, k->cert.len, &nb, &na) != 0 || (now >= nb && now <= na))
        return CRPKI_OK;
    int64_t when = now > na ? na : nb, y;
    unsigned m, d;
    text_civil_from_days((when >= 0 ? when : when - 86399) / 86400, &y, &m, &d);
    if (now > na) {
        snprintf(note, n, "有効期限は %lld年%u月%u日 で切れています。", (long long)y, m, d);
        return fail_with(ei, CRPKI_E_BAD_CERT, "the certificate of %s expired on %04lld-%02u-%02u",
                         k->credential_id, (long long)y, m, d);
    }
    snprintf(note, n, "この証明書は %lld年%u月%u日 から有効です。", (long long)y, m, d);
    return fail_with(ei, CRPKI_E_BAD_CERT, "the certificate of %s is valid from %04lld-%02u-%02u",
                     k->credential_id, (long long)y, m, d);
}

/* Says what stops the signature where nothing can be done from here (the
 * person closes the dialog; console: the line). Not for a silent caller. */
static void tell(signing_session *s, const signing_params *p, crpki_err cause, const char *note)
{
    ui_recovery_request rr = {
        .cause = cause,
        .note = note,
        .program = signing_program_path(),
        .parent_window = p->parent_window,
    };
    ui_recovery *rec = NULL;
    ui_recovery_open(s->cfg.approval_ui, &rr, &rec);
    if (rec)
        ui_recovery_wait(rec);
    ui_recovery_close(rec);
}

/* Steps 2 to 4 for n hashes of p's kind, back to back in hashes, under one
 * approval: the silent check, the service with the approval shown, and each
 * signature verified into sigs + i * stride (lens[i] its length). code
 * receives the approval code when one was asked. */
static crpki_err sign_remote(signing_session *s, const signing_params *p, const alg_hash_info *hi,
                             const uint8_t *hashes, size_t n, uint8_t *sigs, size_t stride,
                             size_t *lens, char code[8], crpki_error_info *ei)
{
    const catalog_entry *k = p->key;
    const char *sn = scheme_name(p->scheme);
    code[0] = '\0';
    if (p->silent) {
        log_write(CRPKI_LOG_INFO, MOD, "sign %s %s %s: silent caller, approval needed",
                  k->credential_id, sn, hi->name);
        return fail_with(ei, CRPKI_E_SILENT, "an approval is needed but the caller is silent");
    }
    char note[200];
    crpki_err e = check_validity(k, note, sizeof note, ei);
    if (e != CRPKI_OK) {
        log_write(CRPKI_LOG_ERROR, MOD, "sign %s: %s", k->credential_id, ei ? ei->detail : "");
        tell(s, p, e, note);
        return e;
    }
    e = ensure_client(s, ei);
    if (e != CRPKI_OK) {
        log_write(CRPKI_LOG_ERROR, MOD, "sign %s: %s", k->credential_id,
                  ei ? ei->detail : crpki_strerror(e));
        return e;
    }
    char desc[CRPKI_DESC_MAX + 1];
    signing_description(signing_program_label(), p->what, desc);
    approval_ctx ac;
    memset(&ac, 0, sizeof ac);
    ac.s = s;
    ac.p = p;
    ac.cancel = rssp_cancel_new();
    if (!ac.cancel)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "signing_sign");
    waiter w = {NULL, ac.cancel};
    waiter_add(s, &w);
    unsigned timeout_ms = p->timeout_ms ? p->timeout_ms : s->cfg.approval_timeout_s * 1000u;
    rssp_sign_request rq = {
        .credential_id = k->credential_id,
        .key_type = k->key_type == CRPKI_KEY_EC ? RSSP_KEY_EC : RSSP_KEY_RSA,
        .key_bits = k->key_bits,
        .scheme = rssp_scheme(p->scheme),
        .hash_oid = hi->oid,
        .pss_salt_len = p->salt_len,
        .hashes = hashes,
        .num_hashes = n,
        .description = desc,
        .timeout_ms = timeout_ms,
        .on_approval = on_approval,
        .cb_ctx = &ac,
        .cancel = ac.cancel,
    };
    log_write(CRPKI_LOG_INFO, MOD, "sign %s %s %s x%u for \"%s\": asking the service",
              k->credential_id, sn, hi->name, (unsigned)n, desc);
    int64_t t0 = plat_now_ms();
    rssp_signatures got;
    memset(&got, 0, sizeof got);
    e = sign_recovering(s, p, &rq, &got, ei);
    waiter_remove(s, &w);
    /* verified before anyone sees them */
    if (e == CRPKI_OK && got.n != n)
        e = fail_with(ei, CRPKI_E_PROTOCOL, "%u signatures for %u hashes", (unsigned)got.n,
                      (unsigned)n);
    for (size_t i = 0; e == CRPKI_OK && i < n; i++) {
        signing_params one = *p;
        one.digest = hashes + i * p->digest_len;
        lens[i] = stride;
        e = signing_verify_returned(&one, &got.sigs[i], sigs + i * stride, &lens[i], ei);
    }
    rssp_signatures_free(&got);
    ui_close(ac.ui, e);
    rssp_cancel_free(ac.cancel);
    memcpy(code, ac.code, sizeof ac.code < 8 ? sizeof ac.code : 8);
    code[7] = '\0';
    unsigned ms = (unsigned)(plat_now_ms() - t0);
    if (e == CRPKI_OK)
        log_write(CRPKI_LOG_INFO, MOD, "sign %s %s %s x%u: signed and verified in %u ms (code %s)",
                  k->credential_id, sn, hi->name, (unsigned)n, ms, code[0] ? code : "-");
    else
        log_write(e == CRPKI_E_DENIED || e == CRPKI_E_CANCELLED ? CRPKI_LOG_INFO : CRPKI_LOG_WARN,
                  MOD, "sign %s %s %s x%u: %s after %u ms (code %s): %s", k->credential_id, sn,
                  hi->name, (unsigned)n, crpki_err_name(e), ms, code[0] ? code : "-",
                  ei && ei->detail[0] ? ei->detail : crpki_strerror(e));
    return e;
}

/* The key's chain ends at a registrar root the administrator pinned
 * (trusted_roots), checked at every signature: a catalog written before the
 * pin, or by hand, signs nothing with another root. */
static crpki_err check_pinned(const signing_session *s, const catalog_entry *k,
                              crpki_error_info *ei)
{
    if (s->cfg.ntrusted_roots == 0)
        return CRPKI_OK;
    const catalog_blob *root = k->nchain ? &k->chain[k->nchain - 1] : NULL;
    crypto_cert_der der = {root ? root->der : NULL, root ? root->len : 0};
    return crypto_cert_root_pinned(root ? &der : NULL, s->cfg.trusted_roots, s->cfg.ntrusted_roots,
                                   ei);
}

crpki_err signing_sign(signing_session *s, const signing_params *p, uint8_t *sig, size_t *sig_len,
                       crpki_error_info *ei)
{
    fail_clear(ei);
    if (!s || !p || !sig || !sig_len)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "signing_sign: NULL argument");
    const int64_t start_ms = plat_unix_time_ms(), mono0 = plat_now_ms();
    const alg_hash_info *hi = NULL;
    crpki_err e = check_params(p, &hi, ei);
    if (e == CRPKI_OK)
        e = check_pinned(s, p->key, ei);
    if (e != CRPKI_OK) {
        log_write(CRPKI_LOG_WARN, MOD, "sign refused: %s", ei ? ei->detail : crpki_strerror(e));
        if (p->key && p->digest)
            record(s, p, p->digest, 1, 1, NULL, e, start_ms, mono0);
        return e;
    }
    const catalog_entry *k = p->key;
    size_t need = catalog_entry_sig_len(k);
    if (*sig_len < need) {
        *sig_len = need;
        return fail_with(ei, CRPKI_E_BUFFER_TOO_SMALL, "sign: the signature is %u bytes",
                         (unsigned)need);
    }
    /* 1. the same signature asked again (size query, then the real call) */
    signing_cache_key ck = {k->credential_id, (int)p->scheme, (int)p->hash,
                            p->salt_len,      p->digest,      p->digest_len};
    if (signing_cache_get(s->cache, &ck, sig, sig_len)) {
        log_write(CRPKI_LOG_INFO, MOD, "sign %s %s %s: from the cache (no second approval)",
                  k->credential_id, scheme_name(p->scheme), hi->name);
        return CRPKI_OK;
    }
    /* 2-4. the service, with the approval shown; 5. the outcome */
    char code[8];
    size_t len = *sig_len;
    e = sign_remote(s, p, hi, p->digest, 1, sig, *sig_len, &len, code, ei);
    if (e == CRPKI_OK) {
        *sig_len = len;
        signing_cache_put(s->cache, &ck, sig, *sig_len);
    }
    record(s, p, p->digest, 1, 1, code, e, start_ms, mono0);
    return e;
}

/* One record per document of a batch: its own digest and name. */
static void record_each(signing_session *s, const signing_params *p, const uint8_t *hashes,
                        size_t n, const char *const *names, const char *code, crpki_err e,
                        int64_t start_ms, int64_t mono0)
{
    for (size_t i = 0; i < n; i++) {
        signing_params one = *p;
        if (names && names[i])
            one.what = names[i];
        record(s, &one, hashes + i * p->digest_len, 1, n, code, e, start_ms, mono0);
    }
}

crpki_err signing_sign_many(signing_session *s, const signing_params *p, const uint8_t *hashes,
                            size_t n, const char *const *names, uint8_t *sigs, size_t stride,
                            size_t *lens, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!s || !p || !hashes || !sigs || !lens || n == 0)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "signing_sign_many: NULL argument or no hash");
    const int64_t start_ms = plat_unix_time_ms(), mono0 = plat_now_ms();
    signing_params one = *p;
    one.digest = hashes; /* the checks of the first stand for all: same kind and length */
    const alg_hash_info *hi = NULL;
    crpki_err e = check_params(&one, &hi, ei);
    if (e == CRPKI_OK)
        e = check_pinned(s, p->key, ei);
    if (e == CRPKI_OK && n > (p->key->multisign ? p->key->multisign : 1))
        e = fail_with(ei, CRPKI_E_INVALID_ARG,
                      "sign: %u hashes, the credential signs at most %u under one approval",
                      (unsigned)n, p->key->multisign ? p->key->multisign : 1);
    if (e == CRPKI_OK && stride < catalog_entry_sig_len(p->key))
        e = fail_with(ei, CRPKI_E_BUFFER_TOO_SMALL, "sign: each signature is %u bytes",
                      (unsigned)catalog_entry_sig_len(p->key));
    if (e != CRPKI_OK) {
        log_write(CRPKI_LOG_WARN, MOD, "sign refused: %s", ei ? ei->detail : crpki_strerror(e));
        if (p->key && e != CRPKI_E_BUFFER_TOO_SMALL)
            record_each(s, &one, hashes, n, names, NULL, e, start_ms, mono0);
        return e;
    }
    char code[8];
    e = sign_remote(s, &one, hi, hashes, n, sigs, stride, lens, code, ei);
    record_each(s, &one, hashes, n, names, code, e, start_ms, mono0);
    return e;
}

/* ---- the program: its name, its path, its publisher --------------------------------- */

/* The states of what is made once per process: 0 not yet, 1 being made, 2
 * ready. */
static atomic_int name_state, path_state, pub_state, fork_rule;

/* In a forked child the thread that was making one is gone: what it had not
 * finished is made again, not waited for forever. */
static void program_after_fork(void)
{
    atomic_int *const states[] = {&name_state, &path_state, &pub_state};
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        int busy = 1;
        atomic_compare_exchange_strong(states[i], &busy, 0);
    }
}

/* Made once per process, on first use; other threads wait for it. */
static void once(atomic_int *state, void (*make)(void))
{
    int expect = 0;
    if (atomic_compare_exchange_strong(&fork_rule, &expect, 1))
        plat_at_fork_child(program_after_fork);
    expect = 0;
    if (atomic_compare_exchange_strong(state, &expect, 1)) {
        make();
        atomic_store(state, 2);
    } else {
        while (atomic_load(state) != 2)
            plat_sleep_ms(1);
    }
}

static char prog_name[128];
static void make_name(void)
{
    char *exe = plat_exe_name();
    char out[CRPKI_DESC_MAX + 1];
    /* sanitized like the description; cut to name on a character */
    signing_description(exe, NULL, out);
    size_t n = strlen(out);
    if (n >= sizeof prog_name) {
        n = sizeof prog_name - 1; /* out[n], the first byte left out, must start a character */
        while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(prog_name, out, n);
    prog_name[n] = '\0';
    free(exe);
}

const char *signing_program(void)
{
    once(&name_state, make_name);
    return prog_name;
}

static char prog_path[401];
static void make_path(void)
{
    char *exe = plat_exe_path();
    signing_program_path_text(exe, prog_path, sizeof prog_path);
    free(exe);
}

const char *signing_program_path(void)
{
    once(&path_state, make_path);
    return prog_path;
}

#define PUB_UNSIGNED   "発行元を確認できません（署名なし）"
#define PUB_UNVERIFIED "発行元を確認できません（署名を検証できません）"

static char pub_line[200];         /* the dialog's */
static char prog_label[128 + 200]; /* the phone's */
static void make_publisher(void)
{
    char name[256];
    plat_pub_state st = plat_program_publisher(name, sizeof name);
    char clean[100]; /* a name, not a paragraph */
    text_clean(name, clean, sizeof clean);
    const char *prog = signing_program();
    switch (st) {
    case PLAT_PUB_VERIFIED:
        snprintf(pub_line, sizeof pub_line, "発行元: %s", clean);
        snprintf(prog_label, sizeof prog_label, "%s（発行元: %s）", prog, clean);
        break;
    case PLAT_PUB_UNSIGNED:
    case PLAT_PUB_UNTRUSTED:
        snprintf(pub_line, sizeof pub_line, "%s",
                 st == PLAT_PUB_UNSIGNED ? PUB_UNSIGNED : PUB_UNVERIFIED);
        snprintf(prog_label, sizeof prog_label, "%s（発行元を確認できません）", prog);
        break;
    default: /* no such signature on this platform: the name alone */
        pub_line[0] = '\0';
        snprintf(prog_label, sizeof prog_label, "%s", prog);
        break;
    }
    log_write(CRPKI_LOG_INFO, MOD, "the program's publisher: %s",
              st == PLAT_PUB_VERIFIED    ? clean
              : st == PLAT_PUB_UNSIGNED  ? "none (not signed)"
              : st == PLAT_PUB_UNTRUSTED ? "not verified (the signature or its chain failed)"
                                         : "not applicable");
}

const char *signing_program_publisher(void)
{
    once(&pub_state, make_publisher);
    return pub_line;
}

const char *signing_program_label(void)
{
    signing_program_publisher();
    return prog_label;
}
