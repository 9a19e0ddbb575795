/* oauth: the gBizID stand-in (docs/protocol.md, "OAuth 2.0"): the login form
 * of /oauth2/authorize, the token endpoint (authorization code + PKCE S256,
 * refresh with rotation and family revocation), revocation, and the bearer
 * token check of the CSC endpoints. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "svc.h"
#include "base/util/base64.h"
#include "base/util/strbuf.h"

#define CODE_TTL_MS 60000
#define FORM_TYPE   "application/x-www-form-urlencoded"

/* ---- a small string builder ------------------------------------------------------ */

static void sb_html(strbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            strbuf_puts(b, "&amp;");
            break;
        case '<':
            strbuf_puts(b, "&lt;");
            break;
        case '>':
            strbuf_puts(b, "&gt;");
            break;
        case '"':
            strbuf_puts(b, "&quot;");
            break;
        case '\'':
            strbuf_puts(b, "&#39;");
            break;
        default:
            strbuf_put(b, s, 1);
        }
    }
}

static void sb_pct(strbuf *b, const char *s)
{
    char *e = req_pct_encode(s);
    if (!e) {
        b->oom = 1;
        return;
    }
    strbuf_puts(b, e);
    free(e);
}

/* the string (caller frees), or NULL when out of memory */
static char *sb_take(strbuf *b)
{
    if (b->oom) {
        strbuf_free(b);
        return NULL;
    }
    if (!b->p)
        return strdup("");
    return b->p;
}

/* ---- /oauth2/authorize -------------------------------------------------------------- */

typedef struct {
    const char *response_type, *client_id, *redirect_uri, *code_challenge, *code_challenge_method,
        *state, *scope;
} authz_params;

static const char PAGE_HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>gBizID ログイン（テスト環境）</title>\n"
    "<style>body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em}"
    "label{display:block;margin:.8em 0}input[type=text],input[type=password]{width:100%}"
    ".error{color:#b00020;font-weight:bold}.note{color:#555;font-size:.9em}</style>\n"
    "</head>\n<body>\n<h1>gBizID ログイン</h1>\n"
    "<p class=\"note\">これはテスト用の模擬サービス（crpki-rsspd）です。"
    "本物の gBizID ではありません。</p>\n";

static void error_page(rsspd_response *rsp, int status, const char *message)
{
    strbuf b = {0};
    strbuf_puts(&b, PAGE_HEAD);
    strbuf_puts(&b, "<h2>エラー</h2>\n<p class=\"error\">");
    sb_html(&b, message);
    strbuf_puts(&b, "</p>\n<p>アプリケーションからやり直してください。</p>\n</body>\n</html>\n");
    svc_html(rsp, status, sb_take(&b));
}

static void hidden(strbuf *b, const char *name, const char *value)
{
    if (!value)
        return;
    strbuf_puts(b, "<input type=\"hidden\" name=\"");
    sb_html(b, name);
    strbuf_puts(b, "\" value=\"");
    sb_html(b, value);
    strbuf_puts(b, "\">\n");
}

static void login_page(rsspd_response *rsp, int status, const authz_params *p, const char *message,
                       const char *username)
{
    strbuf b = {0};
    strbuf_puts(&b, PAGE_HEAD);
    strbuf_puts(&b, "<p>アプリケーション「");
    sb_html(&b, p->client_id);
    strbuf_puts(&b, "」が、商業登記電子証明書による電子署名（リモート署名）のため、"
                    "あなたの gBizID アカウントの利用を求めています。</p>\n");
    if (message) {
        strbuf_puts(&b, "<p class=\"error\">");
        sb_html(&b, message);
        strbuf_puts(&b, "</p>\n");
    }
    strbuf_puts(&b, "<form method=\"post\" action=\"/oauth2/authorize\">\n");
    hidden(&b, "response_type", p->response_type);
    hidden(&b, "client_id", p->client_id);
    hidden(&b, "redirect_uri", p->redirect_uri);
    hidden(&b, "code_challenge", p->code_challenge);
    hidden(&b, "code_challenge_method", p->code_challenge_method);
    hidden(&b, "state", p->state);
    hidden(&b, "scope", p->scope);
    strbuf_puts(&b, "<label>gBizID（アカウント ID）<br><input type=\"text\" name=\"username\" "
                    "autocomplete=\"username\" required value=\"");
    sb_html(&b, username ? username : "");
    strbuf_puts(&b, "\"></label>\n"
                    "<label>パスワード<br><input type=\"password\" name=\"password\" "
                    "autocomplete=\"current-password\" required></label>\n"
                    "<p>ログインすると、このアプリケーションに署名の依頼を許可します。"
                    "署名のたびに gBizID アプリでの承認が必要です。</p>\n"
                    "<button type=\"submit\" name=\"consent\" value=\"approve\">"
                    "ログインして許可する</button>\n"
                    "<button type=\"submit\" name=\"consent\" value=\"deny\" formnovalidate>"
                    "許可しない</button>\n"
                    "</form>\n</body>\n</html>\n");
    svc_html(rsp, status, sb_take(&b));
}

/* 302 to the (validated) redirect URI with the query parameters given as
 * name/value pairs (NULL value: omitted), ending with a NULL name. */
static void redirect(rsspd_response *rsp, const char *uri, ...)
{
    strbuf b = {0};
    strbuf_puts(&b, uri);
    char sep = strchr(uri, '?') ? '&' : '?';
    va_list ap;
    va_start(ap, uri);
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        if (!value)
            continue;
        strbuf_put(&b, &sep, 1);
        sep = '&';
        strbuf_puts(&b, name);
        strbuf_puts(&b, "=");
        sb_pct(&b, value);
    }
    va_end(ap);
    char *loc = sb_take(&b);
    if (!loc) {
        svc_server_error(rsp);
        return;
    }
    rsspd_response_free(rsp);
    rsp->status = 302;
    rsp->content_type = "text/html; charset=utf-8";
    rsp->location = loc;
    rsp->no_store = 1;
}

static void redirect_error(rsspd_response *rsp, const authz_params *p, const char *error,
                           const char *desc)
{
    const char *state = req_state_ok(p->state) ? p->state : NULL;
    redirect(rsp, p->redirect_uri, "error", error, "error_description", desc, "state", state,
             (const char *)NULL);
}

/* Validates the authorization request. 0, or -1 with rsp filled: a 400 page
 * while client_id or redirect_uri is not trusted, else a redirect. */
static int authz_validate(rsspd_service *svc, const req_form *f, authz_params *p,
                          rsspd_response *rsp)
{
    p->response_type = req_form_get(f, "response_type");
    p->client_id = req_form_get(f, "client_id");
    p->redirect_uri = req_form_get(f, "redirect_uri");
    p->code_challenge = req_form_get(f, "code_challenge");
    p->code_challenge_method = req_form_get(f, "code_challenge_method");
    p->state = req_form_get(f, "state");
    p->scope = req_form_get(f, "scope");
    if (!p->client_id || strcmp(p->client_id, svc->cfg.client_id) != 0) {
        error_page(rsp, 400, "client_id が登録されていません (invalid client_id)。");
        return -1;
    }
    if (!req_redirect_uri_ok(p->redirect_uri)) {
        error_page(rsp, 400,
                   "redirect_uri が不正です。ループバック アドレス (http://127.0.0.1:PORT/...) "
                   "のみ使用できます (invalid redirect_uri)。");
        return -1;
    }
    const char *err = "invalid_request", *desc = NULL;
    if (!p->response_type)
        desc = "response_type: required";
    else if (strcmp(p->response_type, "code") != 0)
        err = "unsupported_response_type", desc = "response_type: must be code";
    else if (!p->code_challenge)
        desc = "code_challenge: required";
    else if (!req_pkce_challenge_ok(p->code_challenge))
        desc = "code_challenge: must be base64url(SHA-256(code_verifier)), 43 characters";
    else if (!p->code_challenge_method)
        desc = "code_challenge_method: required";
    else if (strcmp(p->code_challenge_method, "S256") != 0)
        desc = "code_challenge_method: only S256 is accepted";
    else if (!p->state)
        desc = "state: required";
    else if (!req_state_ok(p->state))
        desc = "state: must be 1-512 printable ASCII characters";
    else if (p->scope && strcmp(p->scope, "service") != 0)
        desc = "scope: must be service";
    if (desc) {
        redirect_error(rsp, p, err, desc);
        return -1;
    }
    return 0;
}

/* constant-time password check; unknown users cost the same */
static const simcfg_user *check_login(rsspd_service *svc, const char *username,
                                      const char *password)
{
    const simcfg_user *u = username ? simcfg_find_user(&svc->cfg, username) : NULL;
    uint8_t a[32], b[32];
    store_hash(password ? password : "", password ? strlen(password) : 0, a);
    const char *want = u && u->password ? u->password : "\x01 no such user";
    store_hash(want, strlen(want), b);
    int ok = CRYPTO_memcmp(a, b, sizeof a) == 0;
    return u && password && ok ? u : NULL;
}

void oauth_authorize(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    int post = strcmp(req->method, "POST") == 0;
    req_form f;
    req_err e;
    if (post) {
        if (!req_content_type_is(req->content_type, FORM_TYPE)) {
            error_page(rsp, 400, "フォームの形式が不正です (Content-Type)。");
            return;
        }
        if (req_form_parse((const char *)req->body, req->body_len, &f, &e) < 0) {
            error_page(rsp, e.status == 500 ? 500 : 400, "フォームの形式が不正です。");
            return;
        }
    } else {
        const char *q = req->query ? req->query : "";
        if (req_form_parse(q, strlen(q), &f, &e) < 0) {
            error_page(rsp, e.status == 500 ? 500 : 400, "リクエストの形式が不正です。");
            return;
        }
    }
    authz_params p;
    if (authz_validate(svc, &f, &p, rsp) < 0)
        goto out;
    if (!post) {
        login_page(rsp, 200, &p, NULL, NULL);
        goto out;
    }
    const char *consent = req_form_get(&f, "consent");
    if (!consent || (strcmp(consent, "approve") != 0 && strcmp(consent, "deny") != 0)) {
        redirect_error(rsp, &p, "invalid_request", "consent: must be approve or deny");
        goto out;
    }
    if (strcmp(consent, "deny") == 0) {
        redirect(rsp, p.redirect_uri, "error", "access_denied", "error_description",
                 "the user denied the request", "state", p.state, (const char *)NULL);
        goto out;
    }
    const char *username = req_form_get(&f, "username");
    const simcfg_user *u = check_login(svc, username, req_form_get(&f, "password"));
    if (!u) {
        login_page(rsp, 401, &p, "gBizID またはパスワードが正しくありません。", username);
        goto out;
    }
    char code[44];
    uint8_t h[STORE_HASH_LEN];
    if (svc_random_token(code) < 0) {
        svc_server_error(rsp);
        goto out;
    }
    store_hash(code, strlen(code), h);
    int64_t now = svc_now(svc);
    store_code_new c = {u->id, p.client_id, p.redirect_uri, p.code_challenge,
                        p.scope ? p.scope : "service"};
    if (store_code_create(svc->st, h, &c, now, now + CODE_TTL_MS) != STORE_OK) {
        svc_server_error(rsp);
        goto out;
    }
    redirect(rsp, p.redirect_uri, "code", code, "state", p.state, (const char *)NULL);
    OPENSSL_cleanse(code, sizeof code);
out:
    req_form_free(&f);
}

/* ---- /oauth2/token, /oauth2/revoke ------------------------------------------------ */

static void oauth_error(rsspd_response *rsp, int status, const char *error, const char *desc)
{
    rsspd_response_error(rsp, status, error, desc);
    rsp->no_store = 1;
}

/* parses the form body; checks client_id. 0, or -1 with rsp filled */
static int token_form(rsspd_service *svc, const rsspd_request *req, req_form *f,
                      rsspd_response *rsp)
{
    req_err e;
    f->pairs = NULL;
    f->n = 0;
    if (!req_content_type_is(req->content_type, FORM_TYPE)) {
        oauth_error(rsp, 400, "invalid_request",
                    "Content-Type must be application/x-www-form-urlencoded");
        return -1;
    }
    if (req_form_parse((const char *)req->body, req->body_len, f, &e) < 0) {
        svc_error(rsp, &e);
        return -1;
    }
    const char *client = req_form_get(f, "client_id");
    if (!client || strcmp(client, svc->cfg.client_id) != 0) {
        oauth_error(rsp, 401, "invalid_client",
                    client ? "client_id: not registered" : "client_id: required");
        req_form_free(f);
        return -1;
    }
    return 0;
}

typedef struct {
    char access[44], refresh[44];
    uint8_t ah[STORE_HASH_LEN], rh[STORE_HASH_LEN];
    store_tokens tk;
} new_tokens;

static int make_tokens(rsspd_service *svc, int64_t now, new_tokens *t)
{
    if (svc_random_token(t->access) < 0 || svc_random_token(t->refresh) < 0)
        return -1;
    store_hash(t->access, strlen(t->access), t->ah);
    store_hash(t->refresh, strlen(t->refresh), t->rh);
    t->tk.access_hash = t->ah;
    t->tk.access_expires = now + (int64_t)svc->opt.access_ttl_s * 1000;
    t->tk.refresh_hash = t->rh;
    t->tk.refresh_expires = now + (int64_t)svc->opt.refresh_ttl_s * 1000;
    return 0;
}

static void token_response(rsspd_service *svc, rsspd_response *rsp, const new_tokens *t,
                           const char *scope)
{
    cJSON *o = cJSON_CreateObject();
    if (o && (!cJSON_AddStringToObject(o, "access_token", t->access) ||
              !cJSON_AddStringToObject(o, "token_type", "Bearer") ||
              !cJSON_AddNumberToObject(o, "expires_in", svc->opt.access_ttl_s) ||
              !cJSON_AddStringToObject(o, "refresh_token", t->refresh) ||
              !cJSON_AddStringToObject(o, "scope", scope ? scope : "service"))) {
        cJSON_Delete(o);
        o = NULL;
    }
    svc_json(rsp, 200, o);
}

static void grant_code(rsspd_service *svc, const req_form *f, rsspd_response *rsp)
{
    const char *code = req_form_get(f, "code");
    const char *redirect_uri = req_form_get(f, "redirect_uri");
    const char *verifier = req_form_get(f, "code_verifier");
    if (!code || !*code) {
        oauth_error(rsp, 400, "invalid_request", "code: required");
        return;
    }
    if (!redirect_uri) {
        oauth_error(rsp, 400, "invalid_request", "redirect_uri: required");
        return;
    }
    if (!verifier) {
        oauth_error(rsp, 400, "invalid_request", "code_verifier: required");
        return;
    }
    if (!req_pkce_verifier_ok(verifier)) {
        oauth_error(rsp, 400, "invalid_request",
                    "code_verifier: must be 43-128 characters of [A-Za-z0-9-._~]");
        return;
    }
    uint8_t digest[32];
    char challenge[44];
    store_hash(verifier, strlen(verifier), digest);
    if (base64url_encode(digest, sizeof digest, challenge, sizeof challenge) != 43) {
        svc_server_error(rsp);
        return;
    }
    uint8_t ch[STORE_HASH_LEN];
    store_hash(code, strlen(code), ch);
    int64_t now = svc_now(svc);
    new_tokens t;
    if (make_tokens(svc, now, &t) < 0) {
        svc_server_error(rsp);
        return;
    }
    char *user = NULL, *scope = NULL;
    store_rc rc = store_code_exchange(svc->st, ch, svc->cfg.client_id, redirect_uri, challenge, now,
                                      &t.tk, &user, &scope);
    switch (rc) {
    case STORE_OK:
        token_response(svc, rsp, &t, scope);
        break;
    case STORE_NOTFOUND:
        oauth_error(rsp, 400, "invalid_grant", "authorization code invalid");
        break;
    case STORE_REUSED:
        oauth_error(rsp, 400, "invalid_grant",
                    "authorization code already used; the tokens issued for it are revoked");
        break;
    case STORE_EXPIRED:
        oauth_error(rsp, 400, "invalid_grant", "authorization code expired");
        break;
    case STORE_MISMATCH:
        oauth_error(rsp, 400, "invalid_grant",
                    "redirect_uri or code_verifier does not match the authorization request");
        break;
    default:
        svc_server_error(rsp);
        break;
    }
    free(user);
    free(scope);
    OPENSSL_cleanse(&t, sizeof t);
}

static void grant_refresh(rsspd_service *svc, const req_form *f, rsspd_response *rsp)
{
    const char *rt = req_form_get(f, "refresh_token");
    if (!rt || !*rt) {
        oauth_error(rsp, 400, "invalid_request", "refresh_token: required");
        return;
    }
    uint8_t h[STORE_HASH_LEN];
    store_hash(rt, strlen(rt), h);
    int64_t now = svc_now(svc);
    new_tokens t;
    if (make_tokens(svc, now, &t) < 0) {
        svc_server_error(rsp);
        return;
    }
    char *user = NULL, *scope = NULL;
    store_rc rc = store_refresh(svc->st, h, svc->cfg.client_id, now, &t.tk, &user, &scope);
    switch (rc) {
    case STORE_OK:
        token_response(svc, rsp, &t, scope);
        break;
    case STORE_NOTFOUND:
        oauth_error(rsp, 400, "invalid_grant", "refresh token invalid");
        break;
    case STORE_REUSED:
        oauth_error(rsp, 400, "invalid_grant",
                    "refresh token already used; every token of this login is revoked");
        break;
    case STORE_REVOKED:
        oauth_error(rsp, 400, "invalid_grant", "refresh token revoked");
        break;
    case STORE_EXPIRED:
        oauth_error(rsp, 400, "invalid_grant", "refresh token expired");
        break;
    case STORE_MISMATCH:
        oauth_error(rsp, 400, "invalid_grant", "refresh token issued to another client");
        break;
    default:
        svc_server_error(rsp);
        break;
    }
    free(user);
    free(scope);
    OPENSSL_cleanse(&t, sizeof t);
}

void oauth_token(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    req_form f;
    if (token_form(svc, req, &f, rsp) < 0)
        return;
    const char *gt = req_form_get(&f, "grant_type");
    if (!gt)
        oauth_error(rsp, 400, "invalid_request", "grant_type: required");
    else if (strcmp(gt, "authorization_code") == 0)
        grant_code(svc, &f, rsp);
    else if (strcmp(gt, "refresh_token") == 0)
        grant_refresh(svc, &f, rsp);
    else
        oauth_error(rsp, 400, "unsupported_grant_type",
                    "grant_type: must be authorization_code or refresh_token");
    req_form_free(&f);
}

void oauth_revoke(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    req_form f;
    if (token_form(svc, req, &f, rsp) < 0)
        return;
    const char *tok = req_form_get(&f, "token");
    if (!tok || !*tok) {
        oauth_error(rsp, 400, "invalid_request", "token: required");
    } else {
        uint8_t h[STORE_HASH_LEN];
        store_hash(tok, strlen(tok), h);
        store_rc rc = store_revoke(svc->st, h, svc->cfg.client_id, svc_now(svc));
        if (rc == STORE_OK || rc == STORE_NOTFOUND)
            svc_json(rsp, 200, cJSON_CreateObject());
        else
            svc_server_error(rsp);
    }
    req_form_free(&f);
}

/* ---- bearer tokens ------------------------------------------------------------------- */

static void unauthorized(rsspd_response *rsp, const char *desc)
{
    rsspd_response_error(rsp, 401, "invalid_token", desc);
    rsp->www_authenticate = strdup("Bearer error=\"invalid_token\"");
    if (!rsp->www_authenticate)
        svc_server_error(rsp);
}

char *oauth_bearer_user(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    const char *tok;
    size_t len;
    if (!req_bearer(req->authorization, &tok, &len)) {
        unauthorized(rsp, req->authorization ? "malformed Authorization header"
                                             : "Authorization: Bearer token required");
        return NULL;
    }
    uint8_t h[STORE_HASH_LEN];
    store_hash(tok, len, h);
    char *user = NULL;
    switch (store_access_check(svc->st, h, svc_now(svc), &user)) {
    case STORE_OK:
        return user;
    case STORE_EXPIRED:
        unauthorized(rsp, "access token expired");
        return NULL;
    case STORE_REVOKED:
        unauthorized(rsp, "access token revoked");
        return NULL;
    case STORE_NOTFOUND:
        unauthorized(rsp, "access token invalid");
        return NULL;
    default:
        svc_server_error(rsp);
        return NULL;
    }
}
