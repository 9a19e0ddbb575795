#include "rc_oauth.h"

#include <stdlib.h>
#include <string.h>

#include "crpki/rssp_client.h"
#include "base/error/fail.h"
#include "base/log/log.h"
#include "rc_client.h"
#include "rc_errmap.h"
#include "rc_parse.h"
#include "rc_url.h"
#include "rc_util.h"
#include "base/util/base64.h"
#include "base/platform/plat_clock.h"
#include "base/platform/plat_random.h"

#define LOG_MODULE "rssp"
#define FORM       "application/x-www-form-urlencoded"

struct rssp_login {
    char *verifier;
    char *state;
    char *redirect_uri;
    char *issuer; /* RFC 9207: the service URL, the only authorization server */
    char *url;
    int used; /* the code was sent, or the login was denied: start again */
};

int rc_pkce_challenge(const char *verifier, char out[44])
{
    uint8_t d[32];
    if (!verifier || plat_sha256(verifier, strlen(verifier), d) < 0)
        return -1;
    size_t n = base64url_encode(d, sizeof d, out, 44);
    return n == 43 ? 0 : -1;
}

char *rc_login_url_build(const char *base, const char *client_id, const char *redirect_uri,
                         const char *challenge, const char *state)
{
    strbuf q = {0}, u = {0};
    rc_put_param(&q, "response_type", "code");
    rc_put_param(&q, "client_id", client_id);
    rc_put_param(&q, "redirect_uri", redirect_uri);
    rc_put_param(&q, "code_challenge", challenge);
    rc_put_param(&q, "code_challenge_method", "S256");
    rc_put_param(&q, "state", state);
    rc_put_param(&q, "scope", "service");
    strbuf_puts(&u, base);
    strbuf_puts(&u, "/oauth2/authorize?");
    if (q.p)
        strbuf_put(&u, q.p, q.len);
    int oom = q.oom || u.oom;
    strbuf_free(&q);
    if (oom) {
        strbuf_free(&u);
        return NULL;
    }
    return u.p;
}

static char *random_b64url(size_t nbytes)
{
    uint8_t raw[64];
    char out[90];
    if (nbytes > sizeof raw || plat_random_bytes(raw, nbytes) < 0)
        return NULL;
    size_t n = base64url_encode(raw, nbytes, out, sizeof out);
    plat_wipe(raw, sizeof raw);
    char *s = n ? rc_strndup(out, n) : NULL;
    plat_wipe(out, sizeof out);
    return s;
}

void rssp_login_free(rssp_login *login)
{
    if (!login)
        return;
    rc_free_secret(login->verifier);
    rc_free_secret(login->state);
    free(login->redirect_uri);
    free(login->issuer);
    free(login->url);
    free(login);
}

crpki_err rssp_login_begin(rssp_client *c, const char *redirect_uri, rssp_login **out,
                           crpki_error_info *ei_out)
{
    if (out)
        *out = NULL;
    if (!c || !out)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_login_begin: NULL client or output");
    if (!rc_redirect_uri_ok(redirect_uri))
        return fail_with(ei_out, CRPKI_E_INVALID_ARG,
                         "redirect_uri: must be a loopback http URI (http://127.0.0.1:PORT/path, "
                         "http://localhost:PORT/path or http://[::1]:PORT/path)");
    rssp_login *l = calloc(1, sizeof *l);
    if (!l)
        return fail_with(ei_out, CRPKI_E_NO_MEMORY, "out of memory");
    char challenge[44];
    l->verifier = random_b64url(RC_VERIFIER_BYTES);
    l->state = random_b64url(RC_STATE_BYTES);
    l->redirect_uri = plat_strdup(redirect_uri);
    l->issuer = plat_strdup(c->base_url);
    if (!l->verifier || !l->state || !l->redirect_uri || !l->issuer ||
        rc_pkce_challenge(l->verifier, challenge) < 0) {
        rssp_login_free(l);
        return fail_with(ei_out, CRPKI_E_INTERNAL,
                         "cannot make the PKCE verifier (random source or SHA-256 failed)");
    }
    l->url = rc_login_url_build(c->base_url, c->client_id, redirect_uri, challenge, l->state);
    if (!l->url) {
        rssp_login_free(l);
        return fail_with(ei_out, CRPKI_E_NO_MEMORY, "out of memory");
    }
    *out = l;
    if (ei_out)
        memset(ei_out, 0, sizeof *ei_out);
    return CRPKI_OK;
}

const char *rssp_login_url(const rssp_login *login)
{
    return login ? login->url : NULL;
}

/* POST /oauth2/token with form; tokens parsed into out. */
static crpki_err token_request(rssp_client *c, const char *op, const strbuf *form, rssp_tokens *out,
                               crpki_error_info *ei)
{
    rc_call_req rq = {0};
    rq.op = op;
    rq.path = "/oauth2/token";
    rq.content_type = FORM;
    rq.body = form->p;
    rq.body_len = form->len;
    rq.retry = rc_request_retry_class(RC_REQ_TOKEN);
    rc_http_resp rs;
    crpki_err e = rc_call(c, &rq, &rs, ei);
    if (e == CRPKI_OK) {
        char err[160];
        if (rc_parse_tokens(rs.body, rs.body_len, plat_unix_time(), out, err, sizeof err) < 0)
            e = fail_with(ei, CRPKI_E_PROTOCOL, "%s: %s", op, err);
        else
            ei->http_status = rs.status;
    }
    rc_http_resp_free(&rs);
    return e;
}

/* The redirect is the authorization server's answer to this login: its state
 * (CSRF, RFC 6749 10.12) and, when the server names itself, its issuer
 * (mix-up attacks, RFC 9207). */
static crpki_err answers_this_login(const rssp_login *login, const rc_authz_response *r,
                                    crpki_error_info *ei)
{
    if (!r->state || !rc_str_equal_ct(r->state, login->state))
        return fail_with(ei, CRPKI_E_INVALID_ARG,
                         "redirect: state %s (not the answer to this login)",
                         r->state ? "does not match" : "missing");
    if (r->iss && strcmp(r->iss, login->issuer) != 0)
        return fail_with(ei, CRPKI_E_INVALID_ARG,
                         "redirect: iss is not the signing service (RFC 9207: another "
                         "authorization server answered)");
    return CRPKI_OK;
}

crpki_err rssp_login_check_redirect(const rssp_login *login, const char *redirect,
                                    crpki_error_info *ei_out)
{
    if (!login || !redirect)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_login_check_redirect: NULL argument");
    rc_authz_response r;
    char err[160];
    if (rc_authz_response_parse(redirect, &r, err, sizeof err) < 0)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "%s", err);
    crpki_error_info ei = {0};
    crpki_err e = answers_this_login(login, &r, &ei);
    rc_authz_response_free(&r);
    return e == CRPKI_OK ? CRPKI_OK : rc_report(&ei, ei_out);
}

crpki_err rssp_login_finish(rssp_client *c, rssp_login *login, const char *redirect,
                            rssp_tokens *out, crpki_error_info *ei_out)
{
    crpki_error_info ei = {0};
    if (out)
        memset(out, 0, sizeof *out);
    if (!c || !login || !redirect || !out)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_login_finish: NULL argument");
    if (login->used)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG,
                         "rssp_login_finish: this login is over; begin a new one");
    rc_authz_response r;
    char err[160];
    if (rc_authz_response_parse(redirect, &r, err, sizeof err) < 0)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "%s", err);
    crpki_err e = answers_this_login(login, &r, &ei);
    if (e != CRPKI_OK)
        goto out;
    if (r.error) {
        login->used = 1;
        int known = rc_printable_token(r.error) && strlen(r.error) < sizeof ei.service_error;
        if (known && strcmp(r.error, "access_denied") == 0)
            e = fail_with(&ei, CRPKI_E_DENIED, "login: the user declined (access_denied)");
        else
            e = fail_with(&ei, CRPKI_E_SERVICE, "login: the authorization server answered %s",
                          known ? r.error : "an unreadable error");
        if (known)
            memcpy(ei.service_error, r.error, strlen(r.error) + 1);
        goto out;
    }
    if (!r.code || !rc_printable_token(r.code) || strlen(r.code) > RC_MAX_OPAQUE_LEN) {
        e = fail_with(&ei, CRPKI_E_PROTOCOL, "redirect: %s",
                      r.code ? "malformed code" : "neither code nor error");
        goto out;
    }
    strbuf form = {0};
    rc_put_param(&form, "grant_type", "authorization_code");
    rc_put_param(&form, "code", r.code);
    rc_put_param(&form, "redirect_uri", login->redirect_uri);
    rc_put_param(&form, "client_id", c->client_id);
    rc_put_param(&form, "code_verifier", login->verifier);
    if (form.oom) {
        strbuf_free(&form);
        e = fail_with(&ei, CRPKI_E_NO_MEMORY, "out of memory");
        goto out;
    }
    /* any redemption spends the code: this login is over, whatever happens */
    login->used = 1;
    e = token_request(c, "oauth2/token (authorization_code)", &form, out, &ei);
    strbuf_free(&form);
    if (e == CRPKI_OK)
        log_write(CRPKI_LOG_INFO, LOG_MODULE, "login completed");
    else
        log_write(CRPKI_LOG_WARN, LOG_MODULE, "login failed: %s", ei.detail);
out:
    rc_authz_response_free(&r);
    return rc_report(&ei, ei_out);
}

crpki_err rssp_refresh(rssp_client *c, const char *refresh_token, rssp_tokens *out,
                       crpki_error_info *ei_out)
{
    crpki_error_info ei = {0};
    if (out)
        memset(out, 0, sizeof *out);
    if (!c || !out)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_refresh: NULL argument");
    if (!refresh_token || !*refresh_token)
        return fail_with(ei_out, CRPKI_E_NOT_LOGGED_IN, "rssp_refresh: no refresh token");
    if (!rc_printable_token(refresh_token) || strlen(refresh_token) > RC_MAX_OPAQUE_LEN)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_refresh: malformed refresh token");
    strbuf form = {0};
    rc_put_param(&form, "grant_type", "refresh_token");
    rc_put_param(&form, "refresh_token", refresh_token);
    rc_put_param(&form, "client_id", c->client_id);
    crpki_err e;
    if (form.oom)
        e = fail_with(&ei, CRPKI_E_NO_MEMORY, "out of memory");
    else
        e = token_request(c, "oauth2/token (refresh_token)", &form, out, &ei);
    strbuf_free(&form);
    if (e != CRPKI_OK)
        log_write(CRPKI_LOG_WARN, LOG_MODULE, "refresh failed: %s", ei.detail);
    return rc_report(&ei, ei_out);
}

crpki_err rssp_revoke(rssp_client *c, const char *token, crpki_error_info *ei_out)
{
    crpki_error_info ei = {0};
    if (!c || !token || !*token)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_revoke: NULL or empty argument");
    if (!rc_printable_token(token) || strlen(token) > RC_MAX_OPAQUE_LEN)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_revoke: malformed token");
    strbuf form = {0};
    rc_put_param(&form, "token", token);
    rc_put_param(&form, "client_id", c->client_id);
    if (form.oom) {
        fail_with(&ei, CRPKI_E_NO_MEMORY, "out of memory");
    } else {
        rc_call_req rq = {0};
        rq.op = "oauth2/revoke";
        rq.path = "/oauth2/revoke";
        rq.content_type = FORM;
        rq.body = form.p;
        rq.body_len = form.len;
        rq.retry = rc_request_retry_class(RC_REQ_REVOKE);
        rc_http_resp rs;
        /* RFC 7009 2.2: the body of the 200 is ignored */
        rc_call(c, &rq, &rs, &ei);
        rc_http_resp_free(&rs);
    }
    strbuf_free(&form);
    return rc_report(&ei, ei_out);
}
