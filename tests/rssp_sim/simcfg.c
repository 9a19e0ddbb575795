/* simcfg: DIR/sim.json (see simcfg.h and docs/protocol.md, "Test data
 * directory"). Loading is strict: every required key must be present with
 * the right type, and the error names the key by its JSON path. Unknown keys
 * are ignored, so the format can grow. */
#define _XOPEN_SOURCE 700

#include "simcfg.h"
#include "base/util/errbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define SIMCFG_FILE    "sim.json"
#define SIMCFG_VERSION 1
#define SIMCFG_MAXSIZE (16 * 1024 * 1024)

/* ---- load ----------------------------------------------------------------- */

typedef struct {
    const char *dir; /* absolute */
    char *err;
    size_t errsz;
} ld;

/* Object member `key` of `obj` at JSON path `path` (for messages). */
static const cJSON *member(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int bad(ld *l, const char *path, const char *key, const char *what)
{
    errbuf_set(l->err, l->errsz, SIMCFG_FILE ": %s%s%s: %s", path, *path ? "." : "", key, what);
    return -1;
}

static int dupstr(ld *l, const char *s, char **out)
{
    *out = strdup(s);
    if (!*out) {
        errbuf_set(l->err, l->errsz, SIMCFG_FILE ": out of memory");
        return -1;
    }
    return 0;
}

/* Required (or, with optional, absent/null allowed -> NULL) non-empty string. */
static int get_str(ld *l, const cJSON *obj, const char *path, const char *key, int optional,
                   char **out)
{
    *out = NULL;
    const cJSON *v = member(obj, key);
    if (!v || cJSON_IsNull(v)) {
        if (optional)
            return 0;
        return bad(l, path, key, "missing");
    }
    if (!cJSON_IsString(v) || !v->valuestring)
        return bad(l, path, key, "expected a string");
    if (!*v->valuestring)
        return bad(l, path, key, "must not be empty");
    return dupstr(l, v->valuestring, out);
}

/* A path: absolute as is, else relative to DIR. */
static int get_path(ld *l, const cJSON *obj, const char *path, const char *key, int optional,
                    char **out)
{
    char *rel;
    if (get_str(l, obj, path, key, optional, &rel) != 0)
        return -1;
    *out = rel;
    if (!rel || rel[0] == '/')
        return 0;
    size_t n = strlen(l->dir) + 1 + strlen(rel) + 1;
    char *abs = malloc(n);
    if (!abs) {
        free(rel);
        *out = NULL;
        errbuf_set(l->err, l->errsz, SIMCFG_FILE ": out of memory");
        return -1;
    }
    snprintf(abs, n, "%s/%s", l->dir, rel);
    free(rel);
    *out = abs;
    return 0;
}

static int get_uint(ld *l, const cJSON *obj, const char *path, const char *key, unsigned *out)
{
    const cJSON *v = member(obj, key);
    if (!v)
        return bad(l, path, key, "missing");
    if (!cJSON_IsNumber(v))
        return bad(l, path, key, "expected a number");
    double d = v->valuedouble;
    if (!(d >= 1 && d <= 65536) || floor(d) != d)
        return bad(l, path, key, "expected a positive integer");
    *out = (unsigned)d;
    return 0;
}

static const cJSON *get_obj(ld *l, const cJSON *obj, const char *path, const char *key)
{
    const cJSON *v = member(obj, key);
    if (!v) {
        bad(l, path, key, "missing");
        return NULL;
    }
    if (!cJSON_IsObject(v)) {
        bad(l, path, key, "expected an object");
        return NULL;
    }
    return v;
}

static const cJSON *get_arr(ld *l, const cJSON *obj, const char *path, const char *key)
{
    const cJSON *v = member(obj, key);
    if (!v) {
        bad(l, path, key, "missing");
        return NULL;
    }
    if (!cJSON_IsArray(v)) {
        bad(l, path, key, "expected an array");
        return NULL;
    }
    return v;
}

static int load_cred(ld *l, const cJSON *o, const char *path, simcfg_credential *c)
{
    if (!cJSON_IsObject(o)) {
        errbuf_set(l->err, l->errsz, SIMCFG_FILE ": %s: expected an object", path);
        return -1;
    }
    char *kt = NULL;
    if (get_str(l, o, path, "id", 0, &c->id) != 0 || get_str(l, o, path, "key_type", 0, &kt) != 0)
        return -1;
    if (strcmp(kt, "RSA") == 0) {
        c->key_type = CRPKI_KEY_RSA;
    } else if (strcmp(kt, "EC") == 0) {
        c->key_type = CRPKI_KEY_EC;
    } else {
        free(kt);
        return bad(l, path, "key_type", "expected \"RSA\" or \"EC\"");
    }
    free(kt);
    if (get_uint(l, o, path, "key_bits", &c->key_bits) != 0)
        return -1;
    if (c->key_type == CRPKI_KEY_EC && get_str(l, o, path, "curve", 0, &c->curve_oid) != 0)
        return -1;
    return get_path(l, o, path, "cert", 0, &c->cert_pem);
}

static int load_user(ld *l, const cJSON *o, const char *path, simcfg_user *u)
{
    if (!cJSON_IsObject(o)) {
        errbuf_set(l->err, l->errsz, SIMCFG_FILE ": %s: expected an object", path);
        return -1;
    }
    if (get_str(l, o, path, "id", 0, &u->id) != 0 ||
        get_str(l, o, path, "password", 0, &u->password) != 0 ||
        get_str(l, o, path, "name", 0, &u->name) != 0 ||
        get_str(l, o, path, "company", 0, &u->company) != 0 ||
        get_str(l, o, path, "title", 1, &u->title) != 0)
        return -1;
    const cJSON *creds = get_arr(l, o, path, "credentials");
    if (!creds)
        return -1;
    size_t n = (size_t)cJSON_GetArraySize(creds);
    u->creds = calloc(n ? n : 1, sizeof *u->creds);
    if (!u->creds) {
        errbuf_set(l->err, l->errsz, SIMCFG_FILE ": out of memory");
        return -1;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, creds)
    {
        char p[128];
        snprintf(p, sizeof p, "%s.credentials[%zu]", path, u->ncreds);
        int r = load_cred(l, c, p, &u->creds[u->ncreds]);
        u->ncreds++; /* counted even when partly filled, so that free sees it */
        if (r != 0)
            return -1;
    }
    return 0;
}

static int check_unique(ld *l, const simcfg *cfg)
{
    for (size_t i = 0; i < cfg->nusers; i++) {
        const simcfg_user *u = &cfg->users[i];
        for (size_t j = 0; j < i; j++) {
            if (strcmp(cfg->users[j].id, u->id) == 0) {
                errbuf_set(l->err, l->errsz, SIMCFG_FILE ": users[%zu].id: duplicate user ID '%s'",
                           i, u->id);
                return -1;
            }
        }
        for (size_t k = 0; k < u->ncreds; k++) {
            const char *cid = u->creds[k].id;
            for (size_t i2 = 0; i2 <= i; i2++) {
                const simcfg_user *u2 = &cfg->users[i2];
                size_t lim = i2 == i ? k : u2->ncreds;
                for (size_t k2 = 0; k2 < lim; k2++) {
                    if (strcmp(u2->creds[k2].id, cid) == 0) {
                        errbuf_set(l->err, l->errsz,
                                   SIMCFG_FILE ": users[%zu].credentials[%zu].id: duplicate "
                                               "credential ID '%s'",
                                   i, k, cid);
                        return -1;
                    }
                }
            }
        }
    }
    return 0;
}

static int load_root(ld *l, const cJSON *root, simcfg *cfg)
{
    if (!cJSON_IsObject(root)) {
        errbuf_set(l->err, l->errsz, SIMCFG_FILE ": expected a JSON object");
        return -1;
    }
    const cJSON *ver = member(root, "version");
    if (!ver)
        return bad(l, "", "version", "missing");
    if (!cJSON_IsNumber(ver))
        return bad(l, "", "version", "expected a number");
    if (ver->valuedouble != SIMCFG_VERSION)
        return bad(l, "", "version", "unsupported version (expected 1)");

    const cJSON *p11 = get_obj(l, root, "", "pkcs11");
    if (!p11 || get_str(l, p11, "pkcs11", "module", 0, &cfg->pkcs11_module) != 0 ||
        get_path(l, p11, "pkcs11", "softhsm2_conf", 1, &cfg->softhsm2_conf) != 0 ||
        get_str(l, p11, "pkcs11", "token_label", 0, &cfg->token_label) != 0 ||
        get_str(l, p11, "pkcs11", "user_pin", 0, &cfg->user_pin) != 0 ||
        get_str(l, p11, "pkcs11", "so_pin", 1, &cfg->so_pin) != 0)
        return -1;
    const cJSON *tls = get_obj(l, root, "", "tls");
    if (!tls || get_path(l, tls, "tls", "ca", 0, &cfg->tls_ca_pem) != 0 ||
        get_path(l, tls, "tls", "cert", 0, &cfg->tls_cert_pem) != 0 ||
        get_path(l, tls, "tls", "key", 0, &cfg->tls_key_pem) != 0)
        return -1;
    if (get_path(l, root, "", "registrar_ca", 0, &cfg->registrar_ca_pem) != 0 ||
        get_path(l, root, "", "registrar_ca_key", 1, &cfg->registrar_ca_key) != 0 ||
        get_str(l, root, "", "client_id", 0, &cfg->client_id) != 0)
        return -1;
    const cJSON *users = get_arr(l, root, "", "users");
    if (!users)
        return -1;
    size_t n = (size_t)cJSON_GetArraySize(users);
    cfg->users = calloc(n ? n : 1, sizeof *cfg->users);
    if (!cfg->users) {
        errbuf_set(l->err, l->errsz, SIMCFG_FILE ": out of memory");
        return -1;
    }
    const cJSON *u;
    cJSON_ArrayForEach(u, users)
    {
        char p[64];
        snprintf(p, sizeof p, "users[%zu]", cfg->nusers);
        int r = load_user(l, u, p, &cfg->users[cfg->nusers]);
        cfg->nusers++;
        if (r != 0)
            return -1;
    }
    return check_unique(l, cfg);
}

static char *read_file(const char *path, size_t *len, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        errbuf_set(err, errsz, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
        if (n == cap) {
            if (cap >= SIMCFG_MAXSIZE) {
                free(buf);
                buf = NULL;
                fclose(f);
                errbuf_set(err, errsz, "%s: larger than %d bytes", path, SIMCFG_MAXSIZE);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int rerr = ferror(f);
    fclose(f);
    if (!buf || rerr) {
        free(buf);
        errbuf_set(err, errsz, "cannot read %s", path);
        return NULL;
    }
    *len = n;
    return buf;
}

int simcfg_load(const char *dir, simcfg *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    if (!dir || !*dir) {
        errbuf_set(err, errsz, "no data directory given");
        return -1;
    }
    char *absdir = realpath(dir, NULL);
    if (!absdir) {
        errbuf_set(err, errsz, "data directory %s: %s", dir, strerror(errno));
        return -1;
    }
    out->dir = absdir;
    size_t n = strlen(absdir) + sizeof "/" SIMCFG_FILE;
    char *path = malloc(n);
    if (!path) {
        simcfg_free(out);
        errbuf_set(err, errsz, "out of memory");
        return -1;
    }
    snprintf(path, n, "%s/" SIMCFG_FILE, absdir);
    size_t len = 0;
    char *text = read_file(path, &len, err, errsz);
    free(path);
    if (!text) {
        simcfg_free(out);
        return -1;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        errbuf_set(err, errsz, SIMCFG_FILE ": not valid JSON (near byte %zu)",
                   end && end >= text ? (size_t)(end - text) : (size_t)0);
        free(text);
        simcfg_free(out);
        return -1;
    }
    free(text);
    ld l = {absdir, err, errsz};
    int r = load_root(&l, root, out);
    cJSON_Delete(root);
    if (r != 0) {
        simcfg_free(out);
        return -1;
    }
    return 0;
}

/* ---- save ----------------------------------------------------------------- */

/* Path as stored: relative to dir when under it. */
static const char *rel_path(const char *dir, const char *p)
{
    size_t n = strlen(dir);
    if (strncmp(p, dir, n) == 0 && p[n] == '/' && p[n + 1])
        return p + n + 1;
    return p;
}

/* Adds key: value when value is set; a required one missing fails. */
static int put_str(cJSON *o, const char *key, const char *value, int required, int *ok)
{
    if (!value) {
        if (required)
            *ok = 0;
        return 0;
    }
    if (!cJSON_AddStringToObject(o, key, value))
        *ok = 0;
    return 0;
}

static int put_path(cJSON *o, const char *dir, const char *key, const char *value, int required,
                    int *ok)
{
    return put_str(o, key, value ? rel_path(dir, value) : NULL, required, ok);
}

static cJSON *build_json(const simcfg *cfg, char *err, size_t errsz)
{
    int ok = 1;
    const char *d = cfg->dir;
    cJSON *root = cJSON_CreateObject();
    if (!root || !cJSON_AddNumberToObject(root, "version", SIMCFG_VERSION))
        ok = 0;
    cJSON *p11 = cJSON_AddObjectToObject(root, "pkcs11");
    if (!p11)
        ok = 0;
    put_str(p11, "module", cfg->pkcs11_module, 1, &ok);
    put_path(p11, d, "softhsm2_conf", cfg->softhsm2_conf, 0, &ok);
    put_str(p11, "token_label", cfg->token_label, 1, &ok);
    put_str(p11, "user_pin", cfg->user_pin, 1, &ok);
    put_str(p11, "so_pin", cfg->so_pin, 0, &ok);
    cJSON *tls = cJSON_AddObjectToObject(root, "tls");
    if (!tls)
        ok = 0;
    put_path(tls, d, "ca", cfg->tls_ca_pem, 1, &ok);
    put_path(tls, d, "cert", cfg->tls_cert_pem, 1, &ok);
    put_path(tls, d, "key", cfg->tls_key_pem, 1, &ok);
    put_path(root, d, "registrar_ca", cfg->registrar_ca_pem, 1, &ok);
    put_path(root, d, "registrar_ca_key", cfg->registrar_ca_key, 0, &ok);
    put_str(root, "client_id", cfg->client_id, 1, &ok);
    cJSON *users = cJSON_AddArrayToObject(root, "users");
    if (!users)
        ok = 0;
    for (size_t i = 0; ok && i < cfg->nusers; i++) {
        const simcfg_user *u = &cfg->users[i];
        cJSON *uo = cJSON_CreateObject();
        if (!uo || !cJSON_AddItemToArray(users, uo)) {
            cJSON_Delete(uo);
            ok = 0;
            break;
        }
        put_str(uo, "id", u->id, 1, &ok);
        put_str(uo, "password", u->password, 1, &ok);
        put_str(uo, "name", u->name, 1, &ok);
        put_str(uo, "company", u->company, 1, &ok);
        put_str(uo, "title", u->title, 0, &ok);
        cJSON *creds = cJSON_AddArrayToObject(uo, "credentials");
        if (!creds)
            ok = 0;
        for (size_t k = 0; ok && k < u->ncreds; k++) {
            const simcfg_credential *c = &u->creds[k];
            cJSON *co = cJSON_CreateObject();
            if (!co || !cJSON_AddItemToArray(creds, co)) {
                cJSON_Delete(co);
                ok = 0;
                break;
            }
            put_str(co, "id", c->id, 1, &ok);
            if (c->key_type == CRPKI_KEY_RSA)
                put_str(co, "key_type", "RSA", 1, &ok);
            else if (c->key_type == CRPKI_KEY_EC)
                put_str(co, "key_type", "EC", 1, &ok);
            else
                ok = 0;
            if (!cJSON_AddNumberToObject(co, "key_bits", c->key_bits))
                ok = 0;
            if (c->key_type == CRPKI_KEY_EC)
                put_str(co, "curve", c->curve_oid, 1, &ok);
            put_path(co, d, "cert", c->cert_pem, 1, &ok);
        }
    }
    if (!ok) {
        cJSON_Delete(root);
        errbuf_set(err, errsz,
                   SIMCFG_FILE ": cannot save: a required value is missing, or out of "
                               "memory");
        return NULL;
    }
    return root;
}

int simcfg_save(const simcfg *cfg, char *err, size_t errsz)
{
    if (!cfg || !cfg->dir || cfg->dir[0] != '/') {
        errbuf_set(err, errsz, SIMCFG_FILE ": cannot save: the data directory must be absolute");
        return -1;
    }
    cJSON *root = build_json(cfg, err, errsz);
    if (!root)
        return -1;
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        errbuf_set(err, errsz, SIMCFG_FILE ": cannot save: out of memory");
        return -1;
    }
    size_t n = strlen(cfg->dir) + sizeof "/" SIMCFG_FILE ".tmp";
    char *path = malloc(n), *tmp = malloc(n);
    int ret = -1, fd = -1;
    if (!path || !tmp) {
        errbuf_set(err, errsz, SIMCFG_FILE ": cannot save: out of memory");
        goto out;
    }
    snprintf(path, n, "%s/" SIMCFG_FILE, cfg->dir);
    snprintf(tmp, n, "%s/" SIMCFG_FILE ".tmp", cfg->dir);
    /* 0600: the file holds the token PINs and the test passwords */
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        errbuf_set(err, errsz, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    size_t len = strlen(text), off = 0;
    text[len] = '\n'; /* cJSON_Print leaves no final newline: write len + 1 bytes */
    while (off < len + 1) {
        ssize_t w = write(fd, text + off, len + 1 - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            errbuf_set(err, errsz, "cannot write %s: %s", tmp, strerror(errno));
            goto out;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        errbuf_set(err, errsz, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        errbuf_set(err, errsz, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        errbuf_set(err, errsz, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto out;
    }
    int dfd = open(cfg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd); /* make the rename durable */
        close(dfd);
    }
    ret = 0;
out:
    if (fd >= 0)
        close(fd);
    if (ret != 0 && tmp)
        unlink(tmp);
    free(path);
    free(tmp);
    cJSON_free(text);
    return ret;
}

/* ---- free / find ---------------------------------------------------------- */

void simcfg_free(simcfg *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->nusers; i++) {
        simcfg_user *u = &cfg->users[i];
        for (size_t k = 0; k < u->ncreds; k++) {
            free(u->creds[k].id);
            free(u->creds[k].curve_oid);
            free(u->creds[k].cert_pem);
        }
        free(u->creds);
        free(u->id);
        free(u->password);
        free(u->name);
        free(u->company);
        free(u->title);
    }
    free(cfg->users);
    free(cfg->dir);
    free(cfg->pkcs11_module);
    free(cfg->softhsm2_conf);
    free(cfg->token_label);
    free(cfg->user_pin);
    free(cfg->so_pin);
    free(cfg->tls_ca_pem);
    free(cfg->tls_cert_pem);
    free(cfg->tls_key_pem);
    free(cfg->registrar_ca_pem);
    free(cfg->registrar_ca_key);
    free(cfg->client_id);
    memset(cfg, 0, sizeof *cfg);
}

const simcfg_user *simcfg_find_user(const simcfg *cfg, const char *user_id)
{
    if (!cfg || !user_id)
        return NULL;
    for (size_t i = 0; i < cfg->nusers; i++)
        if (strcmp(cfg->users[i].id, user_id) == 0)
            return &cfg->users[i];
    return NULL;
}

const simcfg_credential *simcfg_find_credential(const simcfg *cfg, const char *cred_id,
                                                const simcfg_user **owner)
{
    if (owner)
        *owner = NULL;
    if (!cfg || !cred_id)
        return NULL;
    for (size_t i = 0; i < cfg->nusers; i++) {
        for (size_t k = 0; k < cfg->users[i].ncreds; k++) {
            if (strcmp(cfg->users[i].creds[k].id, cred_id) == 0) {
                if (owner)
                    *owner = &cfg->users[i];
                return &cfg->users[i].creds[k];
            }
        }
    }
    return NULL;
}
