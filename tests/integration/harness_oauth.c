/* The harness's OAuth steps (harness.h: PKCE, the login form, tokens). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509_vfy.h>

#include "base/util/base64.h"
#include "harness_internal.h"

/* ------------------------------------------------------------------ */
/* OAuth                                                               */

void h_tokens_free(h_tokens *t)
{
    free(t->access);
    free(t->refresh);
    memset(t, 0, sizeof *t);
}

void h_pkce_new(h_pkce *p)
{
    uint8_t rnd[32], dig[32], st[16];
    memset(p, 0, sizeof *p);
    h_random(rnd, sizeof rnd);
    base64url_encode(rnd, sizeof rnd, p->verifier, sizeof p->verifier);
    EVP_Digest(p->verifier, strlen(p->verifier), dig, NULL, EVP_sha256(), NULL);
    base64url_encode(dig, sizeof dig, p->challenge, sizeof p->challenge);
    h_random(st, sizeof st);
    base64url_encode(st, sizeof st, p->state, sizeof p->state);
    snprintf(p->redirect_uri, sizeof p->redirect_uri, "http://127.0.0.1:%d/callback",
             40000 + (int)(rnd[0] % 200));
}

char *h_authorize_query(const h_pkce *p)
{
    char *ru = h_urlencode(p->redirect_uri), *st = h_urlencode(p->state);
    char *cid = h_urlencode(H.sim.client_id);
    char *q = xasprintf("response_type=code&client_id=%s&redirect_uri=%s&code_challenge=%s"
                        "&code_challenge_method=S256&state=%s&scope=service",
                        cid, ru, p->challenge, st);
    free(ru);
    free(st);
    free(cid);
    return q;
}

void h_login_form(const h_pkce *p, const char *user, const char *password, const char *consent,
                  h_resp *r)
{
    char *q = h_authorize_query(p);
    char *path = xasprintf("/oauth2/authorize?%s", q);
    h_get(path, NULL, r);
    free(path);
    if (r->cc != CURLE_OK || r->status != 200) {
        free(q);
        return; /* the caller sees the GET's failure */
    }
    h_resp_free(r);
    char *u = h_urlencode(user), *pw = h_urlencode(password), *co = h_urlencode(consent);
    char *form = xasprintf("%s&username=%s&password=%s&consent=%s", q, u, pw, co);
    h_post_form("/oauth2/authorize", form, NULL, r);
    free(form);
    free(u);
    free(pw);
    free(co);
    free(q);
}

char *h_login_code_ok(const char *user, h_pkce *p)
{
    const h_user *u = h_user_by_id(user);
    assert_non_null(u);
    h_pkce_new(p);
    h_resp r;
    h_login_form(p, u->id, u->password, "approve", &r);
    H_EXPECT_STATUS(&r, 302);
    assert_non_null(r.location);
    if (strncmp(r.location, p->redirect_uri, strlen(p->redirect_uri)) != 0)
        fail_msg("Location %s does not start with the redirect_uri %s", r.location,
                 p->redirect_uri);
    char *state = h_query_param(r.location, "state");
    char *code = h_query_param(r.location, "code");
    if (!state || strcmp(state, p->state) != 0)
        fail_msg("state not echoed: Location %s", r.location);
    if (!code || !code[0])
        fail_msg("no code in Location %s", r.location);
    free(state);
    h_resp_free(&r);
    return code;
}

void h_token_exchange(const char *code, const char *redirect_uri, const char *verifier, h_resp *r)
{
    char *c = h_urlencode(code), *ru = h_urlencode(redirect_uri), *v = h_urlencode(verifier);
    char *cid = h_urlencode(H.sim.client_id);
    char *form = xasprintf("grant_type=authorization_code&code=%s&redirect_uri=%s&client_id=%s"
                           "&code_verifier=%s",
                           c, ru, cid, v);
    h_post_form("/oauth2/token", form, NULL, r);
    free(form);
    free(c);
    free(ru);
    free(v);
    free(cid);
}

void h_refresh(const char *refresh_token, h_resp *r)
{
    char *t = h_urlencode(refresh_token), *cid = h_urlencode(H.sim.client_id);
    char *form = xasprintf("grant_type=refresh_token&refresh_token=%s&client_id=%s", t, cid);
    h_post_form("/oauth2/token", form, NULL, r);
    free(form);
    free(t);
    free(cid);
}

void h_tokens_from(const h_resp *r, h_tokens *t)
{
    H_EXPECT_STATUS(r, 200);
    assert_non_null(r->json);
    const char *at = h_jstr(r->json, "access_token"), *rt = h_jstr(r->json, "refresh_token");
    const char *tt = h_jstr(r->json, "token_type");
    if (!at || !rt || !tt || strcmp(tt, "Bearer") != 0)
        fail_msg("token response lacks access_token/refresh_token/Bearer: %s", r->body);
    memset(t, 0, sizeof *t);
    t->access = xstrdup(at);
    t->refresh = xstrdup(rt);
    t->expires_in = (long)h_jnum(r->json, "expires_in", -1);
}

void h_login_ok(const char *user, h_tokens *t)
{
    h_pkce p;
    char *code = h_login_code_ok(user, &p);
    h_resp r;
    h_token_exchange(code, p.redirect_uri, p.verifier, &r);
    h_tokens_from(&r, t);
    h_resp_free(&r);
    free(code);
}
