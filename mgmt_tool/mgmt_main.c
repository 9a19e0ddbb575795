/* crpki-mgmt's entry: global options, the command table, cleanup. */
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "mgmt.h"
#include "out.h"
#include "base/platform/plat_str.h"
#include "term.h"

static const struct {
    const char *name;
    int (*run)(mgmt_ctx *c, mgmt_args *a);
} COMMANDS[] = {
    {"proxy", cmd_proxy},     {"service", cmd_service},
    {"login", cmd_login},     {"certs", cmd_certs},
    {"use", cmd_use},         {"unset", cmd_unset},
    {"logout", cmd_logout},   {"status", cmd_status},
    {"sign", cmd_sign},       {"export-cert", cmd_export_cert},
    {"history", cmd_history},
};

static void ctx_free(mgmt_ctx *c)
{
    connect_close(c->client, c->auth);
    if (c->cfg_loaded)
        crpki_config_free(&c->cfg);
    free(c->home);
    log_close();
}

/* Global options may stand anywhere; they are taken out here, so commands
 * see only their own. */
static int run(int argc, char **argv, const mgmt_io *io, char **result_json)
{
    mgmt_ctx c;
    memset(&c, 0, sizeof c);
    c.ja = term_lang_ja();
    c.io = io;
    c.result_out = result_json;
    if (result_json) {
        *result_json = NULL;
        c.json = 1;
    }
    mgmt_args a = {0, NULL, NULL};
    a.argv = calloc((size_t)(argc > 0 ? argc : 1), sizeof *a.argv);
    a.used = calloc((size_t)(argc > 0 ? argc : 1), 1);
    if (!a.argv || !a.used) {
        free(a.argv);
        free(a.used);
        return MGMT_EXIT_FAILURE;
    }
    const char *cmd = NULL, *home = NULL;
    int help = 0, rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--json") == 0)
            c.json = 1;
        else if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)
            help = 1;
        else if ((strcmp(s, "--home") == 0 || strcmp(s, "--lang") == 0) && i + 1 < argc) {
            if (s[2] == 'h')
                home = argv[++i];
            else
                c.ja = strcmp(argv[++i], "ja") == 0;
        } else if (strncmp(s, "--home=", 7) == 0)
            home = s + 7;
        else if (strncmp(s, "--lang=", 7) == 0)
            c.ja = strcmp(s + 7, "ja") == 0;
        else if (!cmd && s[0] != '-')
            cmd = s;
        else
            a.argv[a.argc++] = argv[i];
    }
    c.cmd = cmd;
    if (help || !cmd) {
        if (help) {
            mgmt_print_help(&c);
            rc = 0;
        } else
            rc = mgmt_usage(&c, "コマンドを指定してください", "no command given");
        goto done;
    }
    if (home) {
        c.home = plat_strdup(home);
    } else {
        crpki_error_info ei;
        crpki_err r = crpki_home_dir(&c.home, &ei);
        if (r != CRPKI_OK) {
            rc = mgmt_fail(&c, r, &ei, NULL, NULL);
            goto done;
        }
    }
    if (!c.home) {
        rc = MGMT_EXIT_FAILURE;
        goto done;
    }
    rc = -1;
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(cmd, COMMANDS[i].name) == 0)
            rc = COMMANDS[i].run(&c, &a);
    if (rc < 0) {
        out_note(&c, L(&c, "不明なコマンドです: %s\n", "unknown command: %s\n"), cmd);
        rc = mgmt_usage(&c, NULL, NULL);
    }
done:
    out_finish(&c, rc);
    ctx_free(&c);
    free(a.argv);
    free(a.used);
    return rc;
}

int mgmt_main(int argc, char **argv)
{
    return run(argc, argv, NULL, NULL);
}

int mgmt_run(int argc, char **argv, const mgmt_io *io, char **result_json)
{
    char *dummy = NULL;
    int rc = run(argc, argv, io, result_json ? result_json : &dummy);
    free(dummy);
    return rc;
}

int mgmt_read_secret(mgmt_ctx *c, char *buf, size_t n)
{
    if (c->io && c->io->read_secret)
        return c->io->read_secret(c->io->ctx, buf, n);
    return term_read_secret(buf, n);
}

int mgmt_cancelled(mgmt_ctx *c)
{
    return c->io && c->io->cancelled && c->io->cancelled(c->io->ctx);
}
