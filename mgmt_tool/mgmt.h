/* crpki-mgmt: the management tool (docs/mgmt.md). One file per command
 * group (cmd_*.c), this header for what they share: the run context, the
 * exit codes, the argument helpers and the service / catalog helpers. The
 * output layer is out.h; platform pieces are certstore.h, term.h and
 * cms_sign.h (the login itself is core/auth/auth_login.h). */
#ifndef CRPKI_MGMT_TOOL_MGMT_H
#define CRPKI_MGMT_TOOL_MGMT_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog/catalog.h"
#include "crpki/auth.h"
#include "crpki/config.h"
#include "crpki/error.h"
#include "crpki/rssp_client.h"
#include "core/connect/connect.h"
#include "mgmt_run.h"

/* Exit codes (docs/mgmt.md keeps the same table). */
enum {
    MGMT_EXIT_OK = 0,
    MGMT_EXIT_FAILURE = 1,   /* unexpected: out of memory, internal error, OS call failed */
    MGMT_EXIT_USAGE = 2,     /* bad command line */
    MGMT_EXIT_CONFIG = 3,    /* configuration or local files (config.json, tokens, keys.json) */
    MGMT_EXIT_LOGIN = 4,     /* not logged in, or the login is no longer valid */
    MGMT_EXIT_NETWORK = 5,   /* the service cannot be reached or answered with an error */
    MGMT_EXIT_APPROVAL = 6,  /* signing or login not completed: denied, expired, timed out */
    MGMT_EXIT_CERT = 7,      /* no such certificate / none selected / unusable key */
    MGMT_EXIT_UNHEALTHY = 8, /* status: at least one check failed */
};

typedef struct {
    int json;        /* --json: one JSON object on stdout, nothing else there */
    int ja;          /* messages in Japanese */
    char *home;      /* the per-user state directory (--home, CRPKI_HOME or default) */
    const char *cmd; /* the command being run, for the JSON result */
    void *result;    /* cJSON object: the command's JSON result (out.c) */
    /* lazily made by mgmt_config / mgmt_connect */
    crpki_config cfg;
    int cfg_loaded;
    rssp_client *client;
    crpki_auth *auth;
    /* the front end's hooks (mgmt_run.h; NULL: the console) and where
     * out_finish puts the JSON result instead of stdout */
    const mgmt_io *io;
    char **result_out;
} mgmt_ctx;

/* The command-line arguments after the command name. Helpers take options
 * out (marking them used); what remains are the positionals. */
typedef struct {
    int argc;
    char **argv;
    unsigned char *used;
} mgmt_args;

/* 1 when the flag is present (taken). */
int arg_flag(mgmt_args *a, const char *name);
/* "--name VALUE" or "--name=VALUE": 1 and *val, 0 absent, -1 no value. */
int arg_value(mgmt_args *a, const char *name, const char **val);
/* The positionals left, after checking no unknown option remains. Returns
 * the count, or -1 after printing a usage error. at most max kept in out. */
int arg_rest(mgmt_ctx *c, mgmt_args *a, const char **out, int max);
/* Parses --provider csp|ksp|both into CRPKI_CAT_* bits (dflt when absent).
 * -1 after printing a usage error. */
int arg_provider(mgmt_ctx *c, mgmt_args *a, unsigned dflt, unsigned *out);

/* Prints "usage: ..." for the command (or the general one) and returns
 * MGMT_EXIT_USAGE. */
int mgmt_usage(mgmt_ctx *c, const char *why_ja, const char *why_en);
void mgmt_print_help(mgmt_ctx *c);

/* Loads the configuration once (and opens the log). Exit code or 0. */
int mgmt_config(mgmt_ctx *c);
/* mgmt_config, then the client (service_url required) and the token store
 * bound to it. Exit code or 0. */
int mgmt_connect(mgmt_ctx *c);

/* Maps an error to its exit code. */
int mgmt_exit_for(crpki_err e);
/* Reports an error (out_error) with the standard fix for its class unless
 * a fix is given; returns the exit code. */
/* Refuses to change a setting an administrator fixed (crpki_config_fixed):
 * "<what>は組織の管理者によって設定されています", exit MGMT_EXIT_CONFIG,
 * error code FIXED_BY_ADMINISTRATOR. what_ja e.g. "接続先". */
int mgmt_refuse_fixed(mgmt_ctx *c, const char *what_ja, const char *what_en);
int mgmt_fail(mgmt_ctx *c, crpki_err e, const crpki_error_info *ei, const char *fix_ja,
              const char *fix_en);

/* mgmt_connect, then the user's credentials from the service, in list order
 * (caller frees with mgmt_free_creds). Exit code (the error reported) or 0. */
int mgmt_fetch_creds(mgmt_ctx *c, rssp_credential **out, size_t *n);
void mgmt_free_creds(rssp_credential *v, size_t n);
/* ID or 1-based index among creds: the index, or -1. */
long mgmt_pick_cred(const rssp_credential *v, size_t n, const char *id_or_index);

/* A copy of the catalog entry id (NULL: the provider's default); reports
 * the error itself. Exit code or 0. Free with catalog_entry_free. */
int mgmt_find_key(mgmt_ctx *c, const char *id, unsigned provider, catalog_entry *out);

/* "YYYYMMDDHHMMSSZ" -> "YYYY-MM-DD HH:MM:SS UTC" into buf; the input when
 * not of that form. */
const char *mgmt_fmt_gtime(const char *g, char *buf, size_t n);
/* 1 when the GeneralizedTime is in the past. */
int mgmt_gtime_past(const char *g);
/* Whole days until the GeneralizedTime (negative once past); 0 when not of
 * that form. */
long mgmt_gtime_days_left(const char *g);
/* Within this many days of its end a certificate is "expiring soon". */
#define MGMT_EXPIRY_WARN_DAYS 30
/* Unix time -> "YYYY-MM-DD HH:MM:SS UTC". */
const char *mgmt_fmt_unix(int64_t t, char *buf, size_t n);
/* "RSA 2048", "EC P-256" */
const char *mgmt_key_desc(int ec, unsigned bits, char *buf, size_t n);
/* "CSP", "KSP", "CSP+KSP" or "-" */
const char *mgmt_providers_desc(unsigned providers);

/* Commands: each returns the exit code. */
int cmd_proxy(mgmt_ctx *c, mgmt_args *a);
int cmd_service(mgmt_ctx *c, mgmt_args *a);
int cmd_login(mgmt_ctx *c, mgmt_args *a);
int cmd_certs(mgmt_ctx *c, mgmt_args *a);
int cmd_use(mgmt_ctx *c, mgmt_args *a);
int cmd_unset(mgmt_ctx *c, mgmt_args *a);
int cmd_logout(mgmt_ctx *c, mgmt_args *a);
int cmd_status(mgmt_ctx *c, mgmt_args *a);
int cmd_sign(mgmt_ctx *c, mgmt_args *a);
int cmd_export_cert(mgmt_ctx *c, mgmt_args *a);
int cmd_history(mgmt_ctx *c, mgmt_args *a);

/* Removes credential id (NULL: every entry) from the catalog and the
 * certificates installed for it; *removed counts catalog entries. Used by
 * unset and logout --remove-certs. */
int mgmt_unset_ids(mgmt_ctx *c, const char *id, size_t *removed);

/* The whole tool: main() calls it; tests may call it in-process. */
int mgmt_main(int argc, char **argv);

/* The front end's secret for --password-stdin (io->read_secret, else the
 * terminal). 0, or -1. */
int mgmt_read_secret(mgmt_ctx *c, char *buf, size_t n);
/* Non-zero once the front end asked to stop (io->cancelled). */
int mgmt_cancelled(mgmt_ctx *c);

#endif
