/* The machine-wide service URL and CA written as an administrator deploys
 * them: where the platform has a machine store (Windows' HKLM key,
 * plat_machine.h) its values, else the machine config.json; the CA copy,
 * the file and their folder get the descriptor only administrators can
 * change (plat_admin_lock), so every user's load honours them. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_acl.h"
#include "base/platform/plat_env.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_machine.h"
#include "base/platform/plat_str.h"
#include "core/config/config_internal.h"
#include "crpki/config.h"

#define CA_NAME      "ca-bundle.pem"
#define CA_MAX_BYTES (1024 * 1024)
#define FILE_MAX     (64 * 1024)

static crpki_err lock(const char *path, crpki_error_info *ei)
{
    char why[200];
    if (plat_admin_lock(path, why, sizeof why) == 1)
        return CRPKI_OK;
    return fail_with(ei, CRPKI_E_IO, "%s: %s", path, why);
}

/* The CA file's text: certificates in PEM, and nothing secret (it is
 * readable by every user). *out malloc'ed. */
static crpki_err read_ca(const char *file, char **out, size_t *len, crpki_error_info *ei)
{
    uint8_t *data = NULL;
    int too_big = 0;
    crpki_err r = plat_read_file(file, CA_MAX_BYTES, &data, len, &too_big, ei);
    if (too_big)
        return fail_with(ei, CRPKI_E_CONFIG, "%s: larger than %d bytes", file, CA_MAX_BYTES);
    if (r != CRPKI_OK)
        return r;
    if (!data)
        return fail_with(ei, CRPKI_E_CONFIG, "%s: no such file", file);
    const char *t = (const char *)data;
    if (memchr(t, 0, *len) || !strstr(t, "-----BEGIN CERTIFICATE-----")) {
        free(data);
        return fail_with(ei, CRPKI_E_CONFIG, "%s: not a PEM certificate file", file);
    }
    if (strstr(t, "PRIVATE KEY-----")) {
        free(data);
        return fail_with(ei, CRPKI_E_CONFIG,
                         "%s: holds a private key; give the CA certificate only", file);
    }
    *out = (char *)data;
    return CRPKI_OK;
}

/* The existing machine file as a JSON object (an empty one when absent);
 * one that does not load is refused, so nothing the administrator wrote is
 * silently dropped. */
static crpki_err read_existing(const char *file, cJSON **out, crpki_error_info *ei)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int too_big = 0;
    crpki_err r = plat_read_file(file, FILE_MAX, &data, &len, &too_big, ei);
    if (too_big)
        return fail_with(ei, CRPKI_E_CONFIG, "%s: larger than %d bytes", file, FILE_MAX);
    if (r != CRPKI_OK)
        return r;
    if (!data) {
        *out = cJSON_CreateObject();
        return *out ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "machine config");
    }
    const char *t = (const char *)data;
    size_t skip = len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    r = config_check_text("machine config.json", t, len, ei);
    if (r == CRPKI_OK && !(*out = cJSON_ParseWithLength(t + skip, len - skip)))
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "machine config");
    free(data);
    return r;
}

static crpki_err set_str(cJSON *o, const char *key, const char *value, crpki_error_info *ei)
{
    cJSON *v = cJSON_CreateString(value);
    if (!v)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "machine config");
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
    return CRPKI_OK;
}

/* The new file's text: the existing keys with service_url (and ca_bundle)
 * replaced, checked as a load checks it. *out malloc'ed. */
static crpki_err compose(const char *file, const char *service_url, const char *ca_path, char **out,
                         crpki_error_info *ei)
{
    cJSON *o = NULL;
    crpki_err r = read_existing(file, &o, ei);
    if (r == CRPKI_OK)
        r = set_str(o, "service_url", service_url, ei);
    if (r == CRPKI_OK && ca_path)
        r = set_str(o, "ca_bundle", ca_path, ei);
    char *text = r == CRPKI_OK ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    if (r != CRPKI_OK)
        return r;
    if (!text)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "machine config");
    r = config_check_text("machine config.json (to save)", text, strlen(text), ei);
    if (r != CRPKI_OK) {
        free(text);
        return r;
    }
    *out = text;
    return CRPKI_OK;
}

/* Creates and locks the machine folder, once (*ready). */
static crpki_err prepare_dir(const char *dir, int *ready, crpki_error_info *ei)
{
    if (*ready)
        return CRPKI_OK;
    crpki_err r = plat_mkdir_p(dir, PLAT_FILE_PUBLIC, ei);
    if (r == CRPKI_OK)
        r = lock(dir, ei);
    *ready = r == CRPKI_OK;
    return r;
}

/* Writes path (atomically) and locks it. */
static crpki_err put(const char *path, const char *text, size_t len, crpki_error_info *ei)
{
    crpki_err r = plat_write_file_atomic(path, text, len, PLAT_FILE_PUBLIC, ei);
    return r == CRPKI_OK ? lock(path, ei) : r;
}

/* The values in the platform's machine store, read back as a load reads
 * them. CRPKI_E_NOT_SUPPORTED: there is none (use the file). */
static crpki_err store_values(const char *service_url, const char *ca_path, crpki_error_info *ei)
{
    crpki_err r = plat_machine_set(PLAT_MACHINE_SERVICE_URL, service_url, ei);
    if (r == CRPKI_OK && ca_path)
        r = plat_machine_set(PLAT_MACHINE_CA_BUNDLE, ca_path, ei);
    if (r != CRPKI_OK)
        return r;
    char why[300], *v = NULL;
    int got = plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why);
    int same = got == 1 && strcmp(v, service_url) == 0;
    free(v);
    if (got < 0)
        return fail_with(ei, CRPKI_E_IO, "written but not trusted: %s", why);
    return same ? CRPKI_OK : fail_with(ei, CRPKI_E_IO, "written but not read back");
}

crpki_err config_save_machine_at(const char *machine_file, const char *service_url,
                                 const char *ca_pem_file, char **where, crpki_error_info *ei)
{
    fail_clear(ei);
    if (where)
        *where = NULL;
    if (!machine_file || !service_url || !*service_url)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_config_save_machine: no service URL");
    char *sep = NULL, *dir = plat_strdup(machine_file);
    if (!dir)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "machine config");
    config_cut_dir(dir, &sep);
    char *ca_text = NULL, *ca_path = NULL, *text = NULL;
    size_t ca_len = 0;
    int dir_ready = 0;
    crpki_err r =
        sep ? CRPKI_OK : fail_with(ei, CRPKI_E_INVALID_ARG, "%s: no folder", machine_file);
    if (r == CRPKI_OK && ca_pem_file) {
        r = read_ca(ca_pem_file, &ca_text, &ca_len, ei);
        if (r == CRPKI_OK && !(ca_path = plat_path_join(dir, CA_NAME)))
            r = fail_with(ei, CRPKI_E_NO_MEMORY, "machine config");
    }
    /* everything checked before anything is written (the file's keys too:
       a machine file that does not load is refused on every platform) */
    if (r == CRPKI_OK)
        r = compose(machine_file, service_url, ca_path, &text, ei);
    if (r == CRPKI_OK && ca_text) {
        r = prepare_dir(dir, &dir_ready, ei);
        if (r == CRPKI_OK)
            r = put(ca_path, ca_text, ca_len, ei);
    }
    crpki_err s = r == CRPKI_OK ? store_values(service_url, ca_path, ei) : r;
    if (s == CRPKI_E_NOT_SUPPORTED) {
        fail_clear(ei);
        r = prepare_dir(dir, &dir_ready, ei);
        if (r == CRPKI_OK) {
            size_t n = strlen(text);
            text[n] = '\n'; /* cJSON_Print leaves no final newline; its NUL goes */
            r = put(machine_file, text, n + 1, ei);
        }
        if (r == CRPKI_OK) {
            /* what every user's load will decide */
            char *distrust = config_machine_distrust(machine_file);
            if (!distrust)
                r = fail_with(ei, CRPKI_E_NO_MEMORY, "machine config");
            else if (distrust[0])
                r = fail_with(ei, CRPKI_E_IO, "written but not trusted: %s", distrust);
            free(distrust);
        }
    } else {
        r = s;
    }
    if (r == CRPKI_OK && where &&
        !(*where = plat_strdup(s == CRPKI_OK ? PLAT_MACHINE_STORE : machine_file)))
        r = fail_with(ei, CRPKI_E_NO_MEMORY, "machine config");
    free(text);
    free(ca_path);
    free(ca_text);
    free(dir);
    return r;
}

crpki_err crpki_config_save_machine(const char *service_url, const char *ca_pem_file, char **where,
                                    crpki_error_info *ei)
{
    char *file = NULL;
    crpki_err r = plat_machine_config_path(&file, ei);
    if (r == CRPKI_OK)
        r = config_save_machine_at(file, service_url, ca_pem_file, where, ei);
    free(file);
    return r;
}

/* ---- reading the administrator's layers ------------------------------------ */

/* A store's value as the config.json member it stands for, added to o. */
static int add_store_value(cJSON *o, const char *key, const char *v)
{
    if (strcmp(key, "proxy_sign_on") == 0)
        return cJSON_AddBoolToObject(o, key, strcmp(v, "0") != 0) != NULL;
    if (strcmp(key, "trusted_roots") == 0) {
        cJSON *a = cJSON_AddArrayToObject(o, key);
        const char *p = v;
        size_t n;
        while (a && *(p += strspn(p, "; ,\t\r\n"))) {
            n = strcspn(p, "; ,\t\r\n");
            char buf[200];
            snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), p);
            cJSON *e = cJSON_CreateString(buf);
            if (!e || !cJSON_AddItemToArray(a, e))
                return 0;
            p += n;
        }
        return a != NULL;
    }
    if (strcmp(key, "proxy") == 0 && strcmp(v, "system") != 0 && strcmp(v, "none") != 0) {
        /* host:port, as the MSI's PROXY= and the ADMX take it */
        const char *colon = strrchr(v, ':');
        cJSON *px = cJSON_AddObjectToObject(o, key);
        char host[300];
        snprintf(host, sizeof host, "%.*s", colon ? (int)(colon - v) : (int)strlen(v), v);
        char *end = NULL;
        long port = colon ? strtol(colon + 1, &end, 10) : 0;
        return px && cJSON_AddStringToObject(px, "host", host) &&
               cJSON_AddNumberToObject(px, "port", end && !*end ? (double)port : -1.0);
    }
    return cJSON_AddStringToObject(o, key, v) != NULL;
}

/* A store's values as a config.json object's text (NULL: none); *why set
 * (malloc'ed) when the store is there but not trusted. */
static crpki_err read_store(plat_store store, char **text, char **why, crpki_error_info *ei)
{
    static const struct {
        const char *value, *key;
    } MAP[] = {{PLAT_MACHINE_SERVICE_URL, "service_url"},
               {PLAT_MACHINE_CA_BUNDLE, "ca_bundle"},
               {PLAT_MACHINE_PROXY, "proxy"},
               {PLAT_MACHINE_PROXY_SIGN_ON, "proxy_sign_on"},
               {PLAT_MACHINE_TRUSTED_ROOTS, "trusted_roots"}};
    *text = NULL;
    *why = NULL;
    cJSON *o = NULL;
    char buf[300];
    for (size_t i = 0; i < sizeof MAP / sizeof *MAP; i++) {
        char *v = NULL;
        int got = plat_store_get(store, MAP[i].value, &v, buf, sizeof buf);
        if (got < 0) {
            cJSON_Delete(o);
            *why = plat_strdup(buf);
            return *why ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "config: out of memory");
        }
        if (got == 1 &&
            ((!o && !(o = cJSON_CreateObject())) || !add_store_value(o, MAP[i].key, v))) {
            free(v);
            cJSON_Delete(o);
            return fail_with(ei, CRPKI_E_NO_MEMORY, "config: out of memory");
        }
        free(v);
    }
    if (o && !(*text = cJSON_PrintUnformatted(o))) {
        cJSON_Delete(o);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "config: out of memory");
    }
    cJSON_Delete(o);
    return CRPKI_OK;
}

char *config_cut_dir(char *path, char **sep_out)
{
    char *sep = strrchr(path, '/'), *bs = strrchr(path, '\\');
    if (bs && (!sep || bs > sep))
        sep = bs;
    if (sep)
        *sep = '\0';
    *sep_out = sep;
    return path;
}

char *config_machine_distrust(const char *path)
{
    plat_stamp st;
    if (plat_file_stamp(path, &st) != 1)
        return plat_strdup(""); /* absent: nothing to trust */
    char *sep = NULL;
    char *dir = plat_strdup(path);
    if (!dir)
        return NULL;
    config_cut_dir(dir, &sep);
    char why[200];
    const char *what = path;
    if (plat_admin_only(path, why, sizeof why) != 1 ||
        (sep && (what = dir, plat_admin_only(dir, why, sizeof why) != 1))) {
        size_t n = strlen(what) + strlen(why) + 4;
        char *out = malloc(n);
        if (out)
            snprintf(out, n, "%s: %s", what, why);
        free(dir);
        return out;
    }
    free(dir);
    return plat_strdup("");
}

/* A line for the warnings about an administrator's source set aside. */
static void distrust_warning(crpki_config *out, const char *what, const char *why)
{
    char line[700];
    snprintf(line, sizeof line,
             "%s ignored: %.500s (it applies to every user, so only administrators may be able "
             "to change it)",
             what, why);
    config_add_warning(out, line);
}

crpki_err config_load_at(const char *machine_file, const char *user_file, const char *home,
                         crpki_config *out, crpki_error_info *ei)
{
    char *distrust = machine_file ? config_machine_distrust(machine_file) : plat_strdup("");
    if (!distrust)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "config: out of memory");
    char *values = NULL, *values_why = NULL, *policy = NULL, *policy_why = NULL;
    crpki_err r = read_store(PLAT_STORE_MACHINE, &values, &values_why, ei);
    if (r == CRPKI_OK)
        r = read_store(PLAT_STORE_POLICY, &policy, &policy_why, ei);
    if (r == CRPKI_OK)
        r = config_load_layers(distrust[0] ? NULL : machine_file, values, policy, user_file, home,
                               out, ei);
    free(values);
    free(policy);
    /* status shows one reason: the first */
    char **reasons[] = {&distrust, &values_why, &policy_why};
    const char *what[] = {"machine config.json", "machine settings", "Group Policy"};
    for (size_t i = 0; r == CRPKI_OK && i < 3; i++) {
        if (!*reasons[i] || !**reasons[i])
            continue;
        distrust_warning(out, what[i], *reasons[i]);
        if (!out->machine_ignored) {
            out->machine_ignored = *reasons[i];
            *reasons[i] = NULL;
        }
    }
    free(values_why);
    free(policy_why);
    free(distrust);
    return r;
}
