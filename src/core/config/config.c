/* config: the layers over the defaults (the user's config.json, then the
 * administrator's: config_machine.c), loading files, saving the user's
 * settings, the client options. Each text is parsed strictly by
 * config_parse.c. */
#include "crpki/config.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "base/platform/plat_acl.h"
#include "base/platform/plat_env.h"
#include "base/error/fail.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_machine.h"
#include "base/platform/plat_str.h"
#include "base/util/text.h"
#include "base/util/utf8.h"
#include "core/config/config_internal.h"

#define CONFIG_MAX_BYTES (64 * 1024)

/* A dialog where there is a desktop (Windows), the console elsewhere. */
crpki_approval_ui config_default_approval_ui(void)
{
    return plat_has_desktop() ? CRPKI_UI_DIALOG : CRPKI_UI_CONSOLE;
}

void config_defaults(crpki_config *c)
{
    memset(c, 0, sizeof *c);
    c->proxy_mode = RSSP_PROXY_SYSTEM;
    c->proxy_sign_on = 1;
    c->connect_timeout_s = 10;
    c->request_timeout_s = 30;
    c->approval_timeout_s = 180;
    c->approval_ui = config_default_approval_ui();
    c->log_level = CRPKI_LOG_WARN;
}

void crpki_config_free(crpki_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->home);
    free(cfg->service_url);
    free(cfg->machine_service_url);
    free(cfg->ca_bundle);
    free(cfg->proxy_host);
    free(cfg->proxy_user);
    free(cfg->warnings);
    free(cfg->machine_ignored);
    for (size_t i = 0; i < cfg->ntrusted_roots; i++)
        free(cfg->trusted_roots[i]);
    free(cfg->trusted_roots);
    memset(cfg, 0, sizeof *cfg);
}

static crpki_err apply_file(const char *label, const char *path, crpki_config *cfg, int admin,
                            crpki_error_info *ei)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int too_big = 0;
    crpki_error_info local;
    /* the user's own file: another user must not be able to put it there;
       the administrator's is judged by its ACL (config_load_at) */
    crpki_err r = admin ? plat_read_file(path, CONFIG_MAX_BYTES, &data, &len, &too_big, &local)
                        : plat_read_own_file(path, CONFIG_MAX_BYTES, &data, &len, &too_big, &local);
    if (too_big)
        return fail_with(ei, CRPKI_E_CONFIG, "%s: larger than %d bytes", label, CONFIG_MAX_BYTES);
    if (r != CRPKI_OK) {
        if (ei)
            *ei = local;
        return r;
    }
    if (!data)
        return CRPKI_OK; /* absent: the defaults */
    r = config_apply_text(label, cfg, admin, (const char *)data, len, ei);
    free(data);
    return r;
}

/* The layers, lowest first: the defaults, the user's file, then the
 * administrator's: the machine file, the values of HKLM\SOFTWARE\
 * CrpkiRemoteSign (machine_text, a config.json object, or NULL), Group
 * Policy's (policy_text). What an administrator's layer sets is fixed
 * (crpki_config_fixed): the user's own value does not count. */
crpki_err config_load_layers(const char *machine_file, const char *machine_text,
                             const char *policy_text, const char *user_file, const char *home,
                             crpki_config *out, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_config_load_files: out is NULL");
    config_defaults(out);
    crpki_err r = CRPKI_OK;
    if (home && !(out->home = plat_strdup(home)))
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "config: out of memory");
    if (r == CRPKI_OK && user_file)
        r = apply_file("config.json", user_file, out, 0, ei);
    if (r == CRPKI_OK && machine_file)
        r = apply_file("machine config.json", machine_file, out, 1, ei);
    if (r == CRPKI_OK && machine_text)
        r = config_apply_text("machine settings (" PLAT_MACHINE_STORE ")", out, 1, machine_text,
                              strlen(machine_text), ei);
    if (r == CRPKI_OK && policy_text)
        r = config_apply_text("Group Policy (" PLAT_POLICY_STORE ")", out, 1, policy_text,
                              strlen(policy_text), ei);
    if (r == CRPKI_OK && out->service_url && crpki_config_fixed(out, "service_url") &&
        !(out->machine_service_url = plat_strdup(out->service_url)))
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "config: out of memory");
    if (r != CRPKI_OK)
        crpki_config_free(out);
    return r;
}

crpki_err crpki_config_load_files(const char *machine_file, const char *user_file, const char *home,
                                  crpki_config *out, crpki_error_info *ei)
{
    return config_load_layers(machine_file, NULL, NULL, user_file, home, out, ei);
}

crpki_err crpki_config_load(const char *home, crpki_config *out, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_config_load: out is NULL");
    memset(out, 0, sizeof *out);
    char *h = NULL, *machine = NULL, *user = NULL;
    crpki_err r =
        home ? ((h = plat_strdup(home)) ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "config"))
             : crpki_home_dir(&h, ei);
    if (r == CRPKI_OK)
        r = plat_machine_config_path(&machine, ei);
    if (r == CRPKI_OK && !(user = plat_path_join(h, "config.json")))
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "config");
    if (r == CRPKI_OK)
        r = config_load_at(machine, user, h, out, ei);
    free(h);
    free(machine);
    free(user);
    return r;
}

/* ---- saving -------------------------------------------------------------- */

/* cfg as a JSON object of the keys that differ from the defaults. */
static cJSON *config_to_json(const crpki_config *cfg)
{
    crpki_config d;
    config_defaults(&d);
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    int ok = 1;
    if (cfg->service_url)
        ok &= cJSON_AddStringToObject(o, "service_url", cfg->service_url) != NULL;
    if (cfg->ca_bundle)
        ok &= cJSON_AddStringToObject(o, "ca_bundle", cfg->ca_bundle) != NULL;
    if (cfg->proxy_mode == RSSP_PROXY_NONE) {
        ok &= cJSON_AddStringToObject(o, "proxy", "none") != NULL;
    } else if (cfg->proxy_mode == RSSP_PROXY_EXPLICIT) {
        cJSON *px = cJSON_AddObjectToObject(o, "proxy");
        ok &= px && cJSON_AddStringToObject(px, "host", cfg->proxy_host ? cfg->proxy_host : "");
        ok &= px && cJSON_AddNumberToObject(px, "port", cfg->proxy_port);
        if (cfg->proxy_user)
            ok &= px && cJSON_AddStringToObject(px, "user", cfg->proxy_user);
        if (cfg->proxy_allow_basic)
            ok &= px && cJSON_AddBoolToObject(px, "allow_basic", 1);
    }
    if (!cfg->proxy_sign_on)
        ok &= cJSON_AddBoolToObject(o, "proxy_sign_on", 0) != NULL;
    if (cfg->connect_timeout_s != d.connect_timeout_s)
        ok &= cJSON_AddNumberToObject(o, "connect_timeout_s", cfg->connect_timeout_s) != NULL;
    if (cfg->request_timeout_s != d.request_timeout_s)
        ok &= cJSON_AddNumberToObject(o, "request_timeout_s", cfg->request_timeout_s) != NULL;
    if (cfg->approval_timeout_s != d.approval_timeout_s)
        ok &= cJSON_AddNumberToObject(o, "approval_timeout_s", cfg->approval_timeout_s) != NULL;
    if (cfg->approval_ui != d.approval_ui)
        ok &= (unsigned)cfg->approval_ui < 3 &&
              cJSON_AddStringToObject(o, "approval_ui", config_ui_name(cfg->approval_ui)) != NULL;
    if (cfg->log_level != d.log_level)
        ok &= (unsigned)cfg->log_level < 4 &&
              cJSON_AddStringToObject(o, "log_level", config_level_name(cfg->log_level)) != NULL;
    if (cfg->ntrusted_roots) {
        cJSON *a = cJSON_AddArrayToObject(o, "trusted_roots");
        for (size_t i = 0; ok && i < cfg->ntrusted_roots; i++) {
            cJSON *e = cJSON_CreateString(cfg->trusted_roots[i]);
            ok &= a && e && cJSON_AddItemToArray(a, e);
        }
        ok &= a != NULL;
    }
    /* what an administrator fixed stays in the administrator's place */
    for (size_t i = 0; ok && config_key_name(i); i++)
        if ((cfg->fixed >> i) & 1u)
            cJSON_DeleteItemFromObjectCaseSensitive(o, config_key_name(i));
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

crpki_err crpki_config_save(const crpki_config *cfg, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!cfg || !cfg->home || !*cfg->home)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_config_save: no home directory");
    cJSON *o = config_to_json(cfg);
    if (!o)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_config_save: a value is out of range");
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "crpki_config_save");
    /* what is saved must load: the same checks as a load */
    crpki_err r = config_check_text("config.json (to save)", text, strlen(text), ei);
    if (r != CRPKI_OK) {
        free(text);
        if (ei)
            ei->code = CRPKI_E_INVALID_ARG;
        return CRPKI_E_INVALID_ARG;
    }
    size_t n = strlen(text);
    char *file = NULL;
    r = plat_mkdir_p(cfg->home, PLAT_FILE_PRIVATE, ei);
    if (r == CRPKI_OK && !(file = plat_path_join(cfg->home, "config.json")))
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "crpki_config_save");
    if (r == CRPKI_OK) {
        text[n] = '\n'; /* cJSON_Print leaves no final newline; its NUL goes */
        r = plat_write_file_atomic(file, text, n + 1, PLAT_FILE_PUBLIC, ei);
    }
    free(file);
    free(text);
    return r;
}

crpki_err config_check_text(const char *label, const char *text, size_t len, crpki_error_info *ei)
{
    crpki_config check;
    config_defaults(&check);
    crpki_err r = config_apply_text(label, &check, 0, text, len, ei);
    crpki_config_free(&check);
    return r;
}

/* ---- use ----------------------------------------------------------------- */

void crpki_config_client_options(const crpki_config *cfg, rssp_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->service_url = cfg->service_url;
    opt->ca_bundle = cfg->ca_bundle;
    opt->proxy_mode = cfg->proxy_mode;
    opt->proxy_host = cfg->proxy_host;
    opt->proxy_port = cfg->proxy_port;
    opt->proxy_user = cfg->proxy_user;
    opt->proxy_allow_basic = cfg->proxy_allow_basic;
    opt->proxy_no_sign_on = !cfg->proxy_sign_on;
    opt->connect_timeout_ms = cfg->connect_timeout_s * 1000u;
    opt->request_timeout_ms = cfg->request_timeout_s * 1000u;
}

void crpki_config_open_log(const crpki_config *cfg)
{
    if (!cfg)
        return;
    log_open(cfg->home, cfg->log_level);
    if (!cfg->warnings)
        return;
    const char *s = cfg->warnings;
    while (*s) {
        size_t n = strcspn(s, "\n");
        log_write(CRPKI_LOG_WARN, "config", "%.*s", (int)n, s);
        s += n + (s[n] == '\n');
    }
}

/* ---- where ---------------------------------------------------------------- */

crpki_err crpki_home_dir(char **out, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_home_dir: out is NULL");
    *out = plat_getenv("CRPKI_HOME");
    if (*out)
        return CRPKI_OK;
    return plat_default_home(out, ei);
}
