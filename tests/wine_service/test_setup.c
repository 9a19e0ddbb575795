/* crpki-test-setup: prepares a fresh CRPKI_HOME for a service test
 * (docs/signing.md, "Service tests"), on linux and under Wine:
 *   crpki-test-setup --home DIR --service URL --ca CAFILE --user USER
 *                    --password PW [--providers csp|ksp|both]
 *                    [--ui none|console|dialog] [--approval-timeout S]
 * 1. DIR/config.json: service_url, ca_bundle, proxy none, approval_ui
 *    (default none), log_level debug;
 * 2. logs USER in with PKCE by driving the reference service's login form
 *    with libcurl (the browser's part), then rssp_login_finish, and stores
 *    the tokens with crpki_auth_save_login (DPAPI on Windows);
 * 3. puts every credential of the user into DIR/keys.json selected for the
 *    providers, the first one listed (user1: the RSA-2048 key) the default.
 * Prints one line per credential ("<id> <RSA|EC> <bits>"); exit 0, or 1
 * with a message on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "core/catalog/catalog.h"
#include "cred_entry.h"
#include "login_form.h"
#include "crpki/auth.h"
#include "crpki/config.h"
#include "crpki/rssp_client.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_str.h"

/* Any loopback URI: the form's 302 is read here, nothing listens on it. */
#define REDIRECT_URI "http://127.0.0.1:53682/callback"

typedef struct {
    const char *home, *service, *ca, *user, *password;
    unsigned providers;
    crpki_approval_ui ui;
    unsigned approval_timeout_s; /* 0: the default */
} setup_args;

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "crpki-test-setup: %s\n", why);
    fputs("usage: crpki-test-setup --home DIR --service URL --ca CAFILE --user USER --password PW\n"
          "                        [--providers csp|ksp|both] [--ui none|console|dialog]\n"
          "                        [--approval-timeout S]\n",
          stderr);
    return 2;
}

static int parse_args(int argc, char **argv, setup_args *a)
{
    memset(a, 0, sizeof *a);
    a->providers = CRPKI_CAT_CSP | CRPKI_CAT_KSP;
    a->ui = CRPKI_UI_NONE;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (i + 1 >= argc)
            return usage("an option lacks its value");
        const char *v = argv[++i];
        if (strcmp(o, "--home") == 0) {
            a->home = v;
        } else if (strcmp(o, "--service") == 0) {
            a->service = v;
        } else if (strcmp(o, "--ca") == 0) {
            a->ca = v;
        } else if (strcmp(o, "--user") == 0) {
            a->user = v;
        } else if (strcmp(o, "--password") == 0) {
            a->password = v;
        } else if (strcmp(o, "--providers") == 0) {
            if (strcmp(v, "csp") == 0)
                a->providers = CRPKI_CAT_CSP;
            else if (strcmp(v, "ksp") == 0)
                a->providers = CRPKI_CAT_KSP;
            else if (strcmp(v, "both") == 0)
                a->providers = CRPKI_CAT_CSP | CRPKI_CAT_KSP;
            else
                return usage("--providers: csp, ksp or both");
        } else if (strcmp(o, "--ui") == 0) {
            if (strcmp(v, "none") == 0)
                a->ui = CRPKI_UI_NONE;
            else if (strcmp(v, "console") == 0)
                a->ui = CRPKI_UI_CONSOLE;
            else if (strcmp(v, "dialog") == 0)
                a->ui = CRPKI_UI_DIALOG;
            else
                return usage("--ui: none, console or dialog");
        } else if (strcmp(o, "--approval-timeout") == 0) {
            char *end;
            unsigned long s = strtoul(v, &end, 10);
            if (*end || s == 0 || s > 86400)
                return usage("--approval-timeout: 1-86400 seconds");
            a->approval_timeout_s = (unsigned)s;
        } else {
            fprintf(stderr, "crpki-test-setup: unknown option %s\n", o);
            return usage(NULL);
        }
    }
    if (!a->home || !a->service || !a->ca || !a->user || !a->password)
        return usage("--home, --service, --ca, --user and --password are required");
    return 0;
}

static int failed(const char *what, crpki_err e, const crpki_error_info *ei)
{
    fprintf(stderr, "crpki-test-setup: %s: %s (%s)%s%s\n", what, crpki_err_name(e),
            crpki_strerror(e), ei && ei->detail[0] ? ": " : "", ei ? ei->detail : "");
    return 1;
}

/* ---- the browser's part of the login --------------------------------------------- */

/* ---- main ------------------------------------------------------------------------ */

static int write_config(const setup_args *a)
{
    crpki_error_info ei;
    crpki_config cfg;
    crpki_err e = crpki_config_load_files(NULL, NULL, a->home, &cfg, &ei);
    if (e != CRPKI_OK)
        return failed("default configuration", e, &ei);
    free(cfg.service_url);
    free(cfg.ca_bundle);
    cfg.service_url = plat_strdup(a->service);
    cfg.ca_bundle = plat_strdup(a->ca);
    cfg.proxy_mode = RSSP_PROXY_NONE;
    cfg.approval_ui = a->ui;
    cfg.log_level = CRPKI_LOG_DEBUG;
    if (a->approval_timeout_s)
        cfg.approval_timeout_s = a->approval_timeout_s;
    e = cfg.service_url && cfg.ca_bundle ? crpki_config_save(&cfg, &ei) : CRPKI_E_NO_MEMORY;
    crpki_config_free(&cfg);
    return e == CRPKI_OK ? 0 : failed("write config.json", e, &ei);
}

static int set_default(char **slot, const char *id)
{
    free(*slot);
    *slot = plat_strdup(id);
    return *slot ? 0 : -1;
}

int main(int argc, char **argv)
{
    setup_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc != 0)
        return rc;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("crpki-test-setup: curl_global_init failed\n", stderr);
        return 1;
    }
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err e = plat_mkdir_p(a.home, PLAT_FILE_PRIVATE, &ei);
    if (e != CRPKI_OK)
        return failed("create the home directory", e, &ei);
    if (write_config(&a) != 0)
        return 1;

    rc = 1;
    rssp_client *client = NULL;
    crpki_auth *auth = NULL;
    rssp_login *login = NULL;
    rssp_tokens tok;
    memset(&tok, 0, sizeof tok);
    char *redirect = NULL, **ids = NULL;
    size_t nids = 0;
    catalog_keys cat;
    memset(&cat, 0, sizeof cat);

    rssp_options opt;
    memset(&opt, 0, sizeof opt);
    opt.service_url = a.service;
    opt.ca_bundle = a.ca;
    opt.proxy_mode = RSSP_PROXY_NONE;
    if ((e = rssp_client_new(&opt, &client, &ei)) != CRPKI_OK) {
        failed("rssp_client_new", e, &ei);
        goto out;
    }
    if ((e = crpki_auth_new(a.home, client, &auth, &ei)) != CRPKI_OK) {
        failed("crpki_auth_new", e, &ei);
        goto out;
    }
    if ((e = rssp_login_begin(client, REDIRECT_URI, &login, &ei)) != CRPKI_OK) {
        failed("rssp_login_begin", e, &ei);
        goto out;
    }
    redirect = login_form_drive(rssp_login_url(login), a.ca, a.user, a.password);
    if (!redirect)
        goto out;
    if ((e = rssp_login_finish(client, login, redirect, &tok, &ei)) != CRPKI_OK) {
        failed("rssp_login_finish", e, &ei);
        goto out;
    }
    if ((e = crpki_auth_save_login(auth, &tok, &ei)) != CRPKI_OK) {
        failed("crpki_auth_save_login", e, &ei);
        goto out;
    }
    if ((e = rssp_list_credentials(client, &ids, &nids, &ei)) != CRPKI_OK) {
        failed("rssp_list_credentials", e, &ei);
        goto out;
    }
    if (nids == 0) {
        fprintf(stderr, "crpki-test-setup: %s has no credentials\n", a.user);
        goto out;
    }
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < nids; i++) {
        rssp_credential cr;
        memset(&cr, 0, sizeof cr);
        if ((e = rssp_get_credential(client, ids[i], &cr, &ei)) != CRPKI_OK) {
            failed(ids[i], e, &ei);
            goto out;
        }
        e = cred_entry_put(&cat, &cr, a.providers, now, &ei);
        if (e == CRPKI_OK)
            printf("%s %s %u\n", cr.id, cr.key_type == RSSP_KEY_EC ? "EC" : "RSA", cr.key_bits);
        rssp_credential_free(&cr);
        if (e != CRPKI_OK) {
            failed("catalog_put", e, &ei);
            goto out;
        }
    }
    /* put made the last one the default: the first listed is wanted. */
    if (((a.providers & CRPKI_CAT_CSP) && set_default(&cat.default_csp, ids[0]) != 0) ||
        ((a.providers & CRPKI_CAT_KSP) && set_default(&cat.default_ksp, ids[0]) != 0)) {
        fputs("crpki-test-setup: out of memory\n", stderr);
        goto out;
    }
    if ((e = catalog_save(a.home, &cat, &ei)) != CRPKI_OK) {
        failed("catalog_save", e, &ei);
        goto out;
    }
    rc = 0;
out:
    catalog_free(&cat);
    rssp_free_strings(ids, nids);
    free(redirect);
    rssp_tokens_free(&tok);
    rssp_login_free(login);
    crpki_auth_free(auth);
    rssp_client_free(client);
    curl_global_cleanup();
    fflush(stdout);
    return rc;
}
