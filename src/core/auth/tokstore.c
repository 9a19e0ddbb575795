#include "core/auth/tokstore.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_protect.h"
#include "base/platform/plat_str.h"

void tokstore_free_secret(char *s)
{
    if (!s)
        return;
    plat_wipe(s, strlen(s));
    free(s);
}

char *tokstore_strdup(const char *s, int *ok)
{
    if (!s)
        return NULL;
    char *d = plat_strdup(s);
    if (!d)
        *ok = 0;
    return d;
}

void tokstore_clear(tokstore *ts)
{
    if (!ts)
        return;
    tokstore_free_secret(ts->access_token);
    tokstore_free_secret(ts->refresh_token);
    tokstore_free_secret(ts->proxy_password);
    memset(ts, 0, sizeof *ts);
}

int tokstore_is_empty(const tokstore *ts)
{
    return !ts->access_token && !ts->refresh_token && !ts->proxy_password;
}

static char *store_path(const char *home)
{
    return plat_path_join(home, TOK_STORE_FILE);
}

static crpki_err damaged(crpki_error_info *ei, const char *what)
{
    return fail_with(ei, CRPKI_E_TOKEN_STORE, "%s: damaged (%s): log in again", TOK_STORE_FILE,
                     what);
}

/* An optional string member: absent or null -> NULL. -1 on a wrong type. */
static int opt_string(const cJSON *root, const char *name, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring)
        return -1;
    if (!v->valuestring[0])
        return 0;
    *out = plat_strdup(v->valuestring);
    return *out ? 0 : -2;
}

static int opt_time(const cJSON *root, const char *name, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    *out = 0;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble < 1e15))
        return -1;
    *out = (int64_t)v->valuedouble;
    return 0;
}

/* Wipes what cJSON holds of the secrets before it frees them. */
static void wipe_json(cJSON *n)
{
    for (; n; n = n->next) {
        if (n->valuestring)
            plat_wipe(n->valuestring, strlen(n->valuestring));
        wipe_json(n->child);
    }
}

static crpki_err parse_store(const char *text, size_t len, tokstore *ts, crpki_error_info *ei)
{
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, NULL, 1);
    if (!root)
        return damaged(ei, "not JSON");
    crpki_err r = CRPKI_OK;
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsObject(root) || !cJSON_IsNumber(ver)) {
        r = damaged(ei, "no version");
    } else if (ver->valuedouble != TOK_STORE_VERSION) {
        r = fail_with(ei, CRPKI_E_TOKEN_STORE,
                      "%s: format version %g, this driver reads version %d (written by "
                      "another version of the driver?): log in again",
                      TOK_STORE_FILE, ver->valuedouble, TOK_STORE_VERSION);
    } else {
        int a = opt_string(root, "access_token", &ts->access_token);
        int b = opt_string(root, "refresh_token", &ts->refresh_token);
        int c = opt_string(root, "proxy_password", &ts->proxy_password);
        int d = opt_time(root, "access_expires_at", &ts->access_expires_at);
        int e = opt_time(root, "saved_at", &ts->saved_at);
        if (a == -2 || b == -2 || c == -2)
            r = fail_with(ei, CRPKI_E_NO_MEMORY, "%s: reading", TOK_STORE_FILE);
        else if (a || b || c || d || e)
            r = damaged(ei, "a member of the wrong type");
    }
    wipe_json(root);
    cJSON_Delete(root);
    if (r != CRPKI_OK)
        tokstore_clear(ts);
    return r;
}

crpki_err tokstore_load(const char *home, tokstore *ts, int *present, crpki_error_info *ei)
{
    memset(ts, 0, sizeof *ts);
    if (present)
        *present = 0;
    char *path = store_path(home);
    if (!path)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "token store path");
    uint8_t *plain = NULL;
    size_t len = 0;
    crpki_err r = plat_protect_read(path, TOK_STORE_MAX, &plain, &len, ei);
    free(path);
    if (r != CRPKI_OK || !plain)
        return r;
    if (present)
        *present = 1;
    r = parse_store((const char *)plain, len, ts, ei);
    plat_wipe(plain, len);
    free(plain);
    return r;
}

static int add_secret(cJSON *o, const char *name, const char *v)
{
    return !v || cJSON_AddStringToObject(o, name, v) != NULL;
}

crpki_err tokstore_save(const char *home, const tokstore *ts, crpki_error_info *ei)
{
    crpki_err r = plat_mkdir_p(home, PLAT_FILE_PRIVATE, ei);
    if (r != CRPKI_OK)
        return r;
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddNumberToObject(o, "version", TOK_STORE_VERSION) &&
             add_secret(o, "access_token", ts->access_token) &&
             add_secret(o, "refresh_token", ts->refresh_token) &&
             cJSON_AddNumberToObject(o, "access_expires_at", (double)ts->access_expires_at) &&
             cJSON_AddNumberToObject(o, "saved_at", (double)ts->saved_at) &&
             add_secret(o, "proxy_password", ts->proxy_password);
    /* printed into one buffer of ours, wiped below: cJSON's own printing
       grows its buffer and frees the outgrown copies unwiped, leaving the
       refresh token in freed heap, where the crash dump of the application
       this DLL lives in would carry it (issue 28 N8). Each byte of a string
       prints as at most 6 ("\u00XX"). */
    size_t cap = 256;
    const char *const secrets[] = {ts->access_token, ts->refresh_token, ts->proxy_password};
    for (size_t i = 0; i < 3; i++)
        cap += secrets[i] ? 6 * strlen(secrets[i]) : 0;
    char *text = ok && cap <= INT_MAX ? calloc(1, cap) : NULL;
    if (text && !cJSON_PrintPreallocated(o, text, (int)cap, 0)) {
        plat_wipe(text, cap);
        free(text);
        text = NULL;
    }
    if (o) {
        wipe_json(o);
        cJSON_Delete(o);
    }
    if (!text)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: writing", TOK_STORE_FILE);
    char *path = store_path(home);
    size_t n = strlen(text);
    r = path ? plat_protect_write(path, (const uint8_t *)text, n, ei)
             : fail_with(ei, CRPKI_E_NO_MEMORY, "token store path");
    plat_wipe(text, cap);
    free(text);
    free(path);
    return r;
}

crpki_err tokstore_remove(const char *home, crpki_error_info *ei)
{
    char *path = store_path(home);
    if (!path)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "token store path");
    crpki_err r = plat_remove(path, ei);
    free(path);
    return r;
}
