/* The machine-wide service URL and CA written as an administrator deploys
 * them: where the platform has a machine store (Windows' HKLM key,
 * plat_machine.h) its values, else the machine config.json; the CA copy,
 * the file and their folder get the descriptor only administrators can
 * change (plat_admin_lock), so every user's load honours them. */
#include <cjson/cJSON.h>
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
