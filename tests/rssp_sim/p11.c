/* p11: PKCS#11 access for the reference service (see p11.h).
 *
 * Module: dlopen'ed once per path and shared by every p11_token of the
 * process (PKCS#11 allows one C_Initialize per process), reference counted;
 * initialized with CKF_OS_LOCKING_OK so the module may be called from any
 * thread.
 *
 * Token: one session is held open for the token's lifetime to keep the user
 * login (PKCS#11 login state is per application and token, and ends with the
 * last session). p11_sign takes a session from a small idle pool, or opens a
 * new one, so concurrent callers never share a session; a session that saw an
 * error is closed rather than returned to the pool. Private key handles are
 * cached by label under the token mutex. */
#define _POSIX_C_SOURCE 200809L

#include "p11.h"
#include "base/util/errbuf.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#define POOL_MAX    16   /* idle sessions kept for reuse */
#define SIG_MAX     1024 /* raw signature buffer: RSA up to 8192 bits */
#define LABEL_MAX   255  /* credential IDs are short; refuse absurd labels */
#define TOKEN_LABEL 32   /* CK_TOKEN_INFO.label, blank padded */

static const char *ckr_name(CK_RV rv)
{
    static const struct {
        CK_RV rv;
        const char *name;
    } names[] = {
        {CKR_OK, "CKR_OK"},
        {CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
        {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
        {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
        {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
        {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
        {CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"},
        {CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"},
        {CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"},
        {CKR_DATA_INVALID, "CKR_DATA_INVALID"},
        {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE"},
        {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
        {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
        {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
        {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"},
        {CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE"},
        {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
        {CKR_KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"},
        {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
        {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"},
        {CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"},
        {CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"},
        {CKR_OPERATION_NOT_INITIALIZED, "CKR_OPERATION_NOT_INITIALIZED"},
        {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
        {CKR_PIN_INVALID, "CKR_PIN_INVALID"},
        {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"},
        {CKR_PIN_LOCKED, "CKR_PIN_LOCKED"},
        {CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED"},
        {CKR_SESSION_COUNT, "CKR_SESSION_COUNT"},
        {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
        {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"},
        {CKR_SIGNATURE_INVALID, "CKR_SIGNATURE_INVALID"},
        {CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"},
        {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
        {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
        {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
        {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"},
        {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"},
        {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
        {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
        {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"},
        {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
        {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
        {CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].rv == rv)
            return names[i].name;
    return "CKR_(unknown)";
}

#define CKERR(err, errsz, what, rv)                                                                \
    errbuf_set(err, errsz, "pkcs11: %s failed: %s (0x%lx)", what, ckr_name(rv), (unsigned long)(rv))

/* ---- module registry ------------------------------------------------------ */

typedef struct p11_module {
    struct p11_module *next;
    void *dl;
    CK_FUNCTION_LIST_PTR f;
    int refs;
    int owns_init; /* we called C_Initialize, so we call C_Finalize */
} p11_module;

static pthread_mutex_t g_mod_mu = PTHREAD_MUTEX_INITIALIZER;
static p11_module *g_mods;

static int module_init_locked(p11_module *m, char *err, size_t errsz)
{
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = m->f->C_Initialize(&args);
    if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        m->owns_init = 0; /* someone else in this process initialized it */
        return 0;
    }
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_Initialize", rv);
        return -1;
    }
    m->owns_init = 1;
    return 0;
}

static p11_module *module_acquire(const char *path, char *err, size_t errsz)
{
    if (!path || !*path) {
        errbuf_set(err, errsz, "pkcs11: no module path");
        return NULL;
    }
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *why = dlerror();
        errbuf_set(err, errsz, "pkcs11: cannot load module %s: %s", path, why ? why : "?");
        return NULL;
    }
    CK_C_GetFunctionList gfl;
    *(void **)&gfl = dlsym(dl, "C_GetFunctionList");
    CK_FUNCTION_LIST_PTR f = NULL;
    if (!gfl || gfl(&f) != CKR_OK || !f) {
        errbuf_set(err, errsz, "pkcs11: %s has no usable C_GetFunctionList", path);
        dlclose(dl);
        return NULL;
    }
    pthread_mutex_lock(&g_mod_mu);
    for (p11_module *m = g_mods; m; m = m->next) {
        if (m->f == f) {
            m->refs++;
            pthread_mutex_unlock(&g_mod_mu);
            dlclose(dl); /* m->dl holds the library */
            return m;
        }
    }
    p11_module *m = calloc(1, sizeof *m);
    if (!m) {
        pthread_mutex_unlock(&g_mod_mu);
        dlclose(dl);
        errbuf_set(err, errsz, "pkcs11: out of memory");
        return NULL;
    }
    m->dl = dl;
    m->f = f;
    m->refs = 1;
    if (module_init_locked(m, err, errsz) != 0) {
        pthread_mutex_unlock(&g_mod_mu);
        free(m);
        dlclose(dl);
        return NULL;
    }
    m->next = g_mods;
    g_mods = m;
    pthread_mutex_unlock(&g_mod_mu);
    return m;
}

static void module_release(p11_module *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&g_mod_mu);
    if (--m->refs > 0) {
        pthread_mutex_unlock(&g_mod_mu);
        return;
    }
    for (p11_module **pp = &g_mods; *pp; pp = &(*pp)->next) {
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    }
    pthread_mutex_unlock(&g_mod_mu);
    if (m->owns_init)
        m->f->C_Finalize(NULL);
    dlclose(m->dl);
    free(m);
}

/* Re-initializes a module only this caller uses (SoftHSM2 shows a token
 * initialized by C_InitToken under its new slot ID only after a restart). */
static int module_restart(p11_module *m, char *err, size_t errsz)
{
    pthread_mutex_lock(&g_mod_mu);
    int rc = 1; /* 1: not restarted (shared) */
    if (m->refs == 1 && m->owns_init) {
        m->f->C_Finalize(NULL);
        rc = module_init_locked(m, err, errsz);
    }
    pthread_mutex_unlock(&g_mod_mu);
    return rc;
}

/* ---- slots ---------------------------------------------------------------- */

static int label_matches(const CK_UTF8CHAR padded[TOKEN_LABEL], const char *label)
{
    size_t n = strlen(label);
    if (n > TOKEN_LABEL || memcmp(padded, label, n) != 0)
        return 0;
    for (size_t i = n; i < TOKEN_LABEL; i++)
        if (padded[i] != ' ' && padded[i] != '\0')
            return 0;
    return 1;
}

static int get_slots(CK_FUNCTION_LIST_PTR f, CK_BBOOL present, CK_SLOT_ID **slots, CK_ULONG *n,
                     char *err, size_t errsz)
{
    *slots = NULL;
    *n = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
        CK_ULONG cnt = 0;
        CK_RV rv = f->C_GetSlotList(present, NULL, &cnt);
        if (rv != CKR_OK) {
            CKERR(err, errsz, "C_GetSlotList", rv);
            return -1;
        }
        CK_SLOT_ID *s = calloc(cnt ? cnt : 1, sizeof *s);
        if (!s) {
            errbuf_set(err, errsz, "pkcs11: out of memory");
            return -1;
        }
        rv = f->C_GetSlotList(present, s, &cnt);
        if (rv == CKR_BUFFER_TOO_SMALL) {
            free(s);
            continue;
        }
        if (rv != CKR_OK) {
            free(s);
            CKERR(err, errsz, "C_GetSlotList", rv);
            return -1;
        }
        *slots = s;
        *n = cnt;
        return 0;
    }
    errbuf_set(err, errsz, "pkcs11: C_GetSlotList keeps changing");
    return -1;
}

/* Finds the slot of the initialized token labelled `label`. Returns 0 found,
 * 1 not found, -1 error. Two tokens with one label are an error. */
static int find_token_slot(CK_FUNCTION_LIST_PTR f, const char *label, CK_SLOT_ID *slot, char *err,
                           size_t errsz)
{
    CK_SLOT_ID *slots;
    CK_ULONG n;
    if (get_slots(f, CK_TRUE, &slots, &n, err, errsz) != 0)
        return -1;
    int found = 0;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO ti;
        if (f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
            continue;
        if (!(ti.flags & CKF_TOKEN_INITIALIZED) || !label_matches(ti.label, label))
            continue;
        if (found) {
            free(slots);
            errbuf_set(err, errsz, "pkcs11: more than one token is labelled '%s'", label);
            return -1;
        }
        found = 1;
        *slot = slots[i];
    }
    free(slots);
    return found ? 0 : 1;
}

/* ---- token ---------------------------------------------------------------- */

typedef struct {
    char *label;
    CK_OBJECT_HANDLE h;
    CK_KEY_TYPE type; /* CKK_RSA, CKK_EC */
} key_ent;

struct p11_token {
    p11_module *mod;
    CK_FUNCTION_LIST_PTR f;
    CK_SLOT_ID slot;
    CK_SESSION_HANDLE login_session;
    pthread_mutex_t mu;
    CK_SESSION_HANDLE idle[POOL_MAX];
    size_t nidle;
    key_ent *keys;
    size_t nkeys, keys_cap;
};

int p11_open(const char *module_path, const char *token_label, const char *user_pin,
             p11_token **out, char *err, size_t errsz)
{
    *out = NULL;
    if (!token_label || !user_pin) {
        errbuf_set(err, errsz, "pkcs11: token label and user PIN are required");
        return -1;
    }
    p11_module *m = module_acquire(module_path, err, errsz);
    if (!m)
        return -1;
    CK_FUNCTION_LIST_PTR f = m->f;
    CK_SLOT_ID slot = 0;
    int r = find_token_slot(f, token_label, &slot, err, errsz);
    if (r != 0) {
        if (r > 0)
            errbuf_set(err, errsz, "pkcs11: no token labelled '%s' in %s", token_label,
                       module_path);
        module_release(m);
        return -1;
    }
    CK_SESSION_HANDLE s;
    CK_RV rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_OpenSession", rv);
        module_release(m);
        return -1;
    }
    rv = f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)user_pin, strlen(user_pin));
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
        CKERR(err, errsz, "C_Login (user)", rv);
        f->C_CloseSession(s);
        module_release(m);
        return -1;
    }
    p11_token *t = calloc(1, sizeof *t);
    if (!t) {
        errbuf_set(err, errsz, "pkcs11: out of memory");
        f->C_CloseSession(s);
        module_release(m);
        return -1;
    }
    t->mod = m;
    t->f = f;
    t->slot = slot;
    t->login_session = s;
    pthread_mutex_init(&t->mu, NULL);
    *out = t;
    return 0;
}

void p11_close(p11_token *tok)
{
    if (!tok)
        return;
    for (size_t i = 0; i < tok->nidle; i++)
        tok->f->C_CloseSession(tok->idle[i]);
    /* Closing the last session ends the login; no C_Logout, which would also
     * log out another p11_token of this process on the same token. */
    tok->f->C_CloseSession(tok->login_session);
    for (size_t i = 0; i < tok->nkeys; i++)
        free(tok->keys[i].label);
    free(tok->keys);
    pthread_mutex_destroy(&tok->mu);
    module_release(tok->mod);
    free(tok);
}

static int session_get(p11_token *tok, CK_SESSION_HANDLE *s, char *err, size_t errsz)
{
    pthread_mutex_lock(&tok->mu);
    if (tok->nidle > 0) {
        *s = tok->idle[--tok->nidle];
        pthread_mutex_unlock(&tok->mu);
        return 0;
    }
    pthread_mutex_unlock(&tok->mu);
    CK_RV rv = tok->f->C_OpenSession(tok->slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, s);
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_OpenSession", rv);
        return -1;
    }
    return 0;
}

/* Returns a session to the pool, or closes it when it may be in a bad state
 * (an operation left active after an error) or the pool is full. */
static void session_put(p11_token *tok, CK_SESSION_HANDLE s, int healthy)
{
    if (healthy) {
        pthread_mutex_lock(&tok->mu);
        if (tok->nidle < POOL_MAX) {
            tok->idle[tok->nidle++] = s;
            s = CK_INVALID_HANDLE;
        }
        pthread_mutex_unlock(&tok->mu);
    }
    if (s != CK_INVALID_HANDLE)
        tok->f->C_CloseSession(s);
}

static int cache_get(p11_token *tok, const char *label, CK_OBJECT_HANDLE *h, CK_KEY_TYPE *type)
{
    int hit = 0;
    pthread_mutex_lock(&tok->mu);
    for (size_t i = 0; i < tok->nkeys; i++) {
        if (strcmp(tok->keys[i].label, label) == 0) {
            *h = tok->keys[i].h;
            *type = tok->keys[i].type;
            hit = 1;
            break;
        }
    }
    pthread_mutex_unlock(&tok->mu);
    return hit;
}

static void cache_put(p11_token *tok, const char *label, CK_OBJECT_HANDLE h, CK_KEY_TYPE type)
{
    pthread_mutex_lock(&tok->mu);
    for (size_t i = 0; i < tok->nkeys; i++) {
        if (strcmp(tok->keys[i].label, label) == 0) {
            tok->keys[i].h = h;
            tok->keys[i].type = type;
            pthread_mutex_unlock(&tok->mu);
            return;
        }
    }
    if (tok->nkeys == tok->keys_cap) {
        size_t cap = tok->keys_cap ? tok->keys_cap * 2 : 16;
        key_ent *k = realloc(tok->keys, cap * sizeof *k);
        if (!k)
            goto out; /* a cache miss later costs a lookup, nothing more */
        tok->keys = k;
        tok->keys_cap = cap;
    }
    char *copy = strdup(label);
    if (copy) {
        tok->keys[tok->nkeys].label = copy;
        tok->keys[tok->nkeys].h = h;
        tok->keys[tok->nkeys].type = type;
        tok->nkeys++;
    }
out:
    pthread_mutex_unlock(&tok->mu);
}

static void cache_drop(p11_token *tok, const char *label)
{
    pthread_mutex_lock(&tok->mu);
    for (size_t i = 0; i < tok->nkeys; i++) {
        if (strcmp(tok->keys[i].label, label) == 0) {
            free(tok->keys[i].label);
            tok->keys[i] = tok->keys[--tok->nkeys];
            break;
        }
    }
    pthread_mutex_unlock(&tok->mu);
}

/* Looks up the private key labelled `label` in the token (not the cache),
 * and its CKA_KEY_TYPE when type is not NULL. Returns 0 found, 1 not found,
 * -1 error. */
static int find_private_key(p11_token *tok, CK_SESSION_HANDLE s, const char *label,
                            CK_OBJECT_HANDLE *h, CK_KEY_TYPE *type, char *err, size_t errsz)
{
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_LABEL, (void *)label, strlen(label)},
    };
    CK_RV rv = tok->f->C_FindObjectsInit(s, tmpl, 2);
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_FindObjectsInit", rv);
        return -1;
    }
    CK_OBJECT_HANDLE found[2];
    CK_ULONG n = 0;
    rv = tok->f->C_FindObjects(s, found, 2, &n);
    CK_RV rv2 = tok->f->C_FindObjectsFinal(s);
    if (rv != CKR_OK || rv2 != CKR_OK) {
        CKERR(err, errsz, "C_FindObjects", rv != CKR_OK ? rv : rv2);
        return -1;
    }
    if (n == 0)
        return 1;
    if (n > 1) {
        errbuf_set(err, errsz, "pkcs11: more than one private key is labelled '%s'", label);
        return -1;
    }
    *h = found[0];
    if (type) {
        CK_ATTRIBUTE a = {CKA_KEY_TYPE, type, sizeof *type};
        rv = tok->f->C_GetAttributeValue(s, found[0], &a, 1);
        if (rv != CKR_OK) {
            CKERR(err, errsz, "C_GetAttributeValue(CKA_KEY_TYPE)", rv);
            return -1;
        }
    }
    return 0;
}

static int check_label(const char *label, char *err, size_t errsz)
{
    if (!label || !*label || strlen(label) > LABEL_MAX) {
        errbuf_set(err, errsz, "pkcs11: key label must be 1-%d characters", LABEL_MAX);
        return -1;
    }
    return 0;
}

/* ---- key generation ------------------------------------------------------- */

/* Reads one attribute of variable length (malloc'ed). */
static int get_attr(p11_token *tok, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
                    const char *name, uint8_t **val, size_t *len, char *err, size_t errsz)
{
    CK_ATTRIBUTE a = {type, NULL, 0};
    CK_RV rv = tok->f->C_GetAttributeValue(s, h, &a, 1);
    if (rv != CKR_OK || a.ulValueLen == (CK_ULONG)-1 || a.ulValueLen == 0) {
        errbuf_set(err, errsz, "pkcs11: cannot read %s: %s", name, ckr_name(rv));
        return -1;
    }
    a.pValue = malloc(a.ulValueLen);
    if (!a.pValue) {
        errbuf_set(err, errsz, "pkcs11: out of memory");
        return -1;
    }
    rv = tok->f->C_GetAttributeValue(s, h, &a, 1);
    if (rv != CKR_OK) {
        free(a.pValue);
        errbuf_set(err, errsz, "pkcs11: cannot read %s: %s", name, ckr_name(rv));
        return -1;
    }
    *val = a.pValue;
    *len = a.ulValueLen;
    return 0;
}

/* DER SubjectPublicKeyInfo of pkey, malloc'ed. */
static int spki_der(EVP_PKEY *pkey, uint8_t **spki, size_t *spki_len, char *err, size_t errsz)
{
    int n = i2d_PUBKEY(pkey, NULL);
    if (n <= 0) {
        errbuf_set(err, errsz, "openssl: cannot encode the public key");
        return -1;
    }
    uint8_t *buf = malloc((size_t)n), *p = buf;
    if (!buf) {
        errbuf_set(err, errsz, "out of memory");
        return -1;
    }
    if (i2d_PUBKEY(pkey, &p) != n) {
        free(buf);
        errbuf_set(err, errsz, "openssl: cannot encode the public key");
        return -1;
    }
    *spki = buf;
    *spki_len = (size_t)n;
    return 0;
}

static EVP_PKEY *pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static int rsa_spki(p11_token *tok, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE pub, uint8_t **spki,
                    size_t *spki_len, char *err, size_t errsz)
{
    uint8_t *mod = NULL, *exp = NULL;
    size_t modlen, explen;
    int ret = -1;
    BIGNUM *n = NULL, *e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;
    if (get_attr(tok, s, pub, CKA_MODULUS, "CKA_MODULUS", &mod, &modlen, err, errsz) != 0 ||
        get_attr(tok, s, pub, CKA_PUBLIC_EXPONENT, "CKA_PUBLIC_EXPONENT", &exp, &explen, err,
                 errsz) != 0)
        goto out;
    n = BN_bin2bn(mod, (int)modlen, NULL);
    e = BN_bin2bn(exp, (int)explen, NULL);
    bld = OSSL_PARAM_BLD_new();
    if (!n || !e || !bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
        !(pkey = pkey_fromdata("RSA", bld))) {
        errbuf_set(err, errsz, "openssl: cannot build the RSA public key");
        goto out;
    }
    ret = spki_der(pkey, spki, spki_len, err, errsz);
out:
    EVP_PKEY_free(pkey);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    free(mod);
    free(exp);
    return ret;
}

/* Curves the service accepts: OID -> OpenSSL group name and field bytes. */
static const char *ec_group_for_oid(const char *oid, size_t *field_bytes)
{
    if (oid && strcmp(oid, CRPKI_OID_P256) == 0) {
        *field_bytes = 32;
        return "prime256v1";
    }
    if (oid && strcmp(oid, CRPKI_OID_P384) == 0) {
        *field_bytes = 48;
        return "secp384r1";
    }
    return NULL;
}

static int ec_spki(p11_token *tok, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE pub, const char *group,
                   size_t field_bytes, uint8_t **spki, size_t *spki_len, char *err, size_t errsz)
{
    uint8_t *val = NULL;
    size_t len;
    int ret = -1;
    ASN1_OCTET_STRING *os = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;
    if (get_attr(tok, s, pub, CKA_EC_POINT, "CKA_EC_POINT", &val, &len, err, errsz) != 0)
        goto out;
    /* PKCS#11 says CKA_EC_POINT is DER(OCTET STRING(point)), and SoftHSM2 does
     * so; some modules return the bare point. The lengths tell them apart. */
    const size_t point_len = 2 * field_bytes + 1;
    const uint8_t *point = NULL;
    const unsigned char *p = val;
    os = d2i_ASN1_OCTET_STRING(NULL, &p, (long)len);
    if (os && p == val + len && (size_t)ASN1_STRING_length(os) == point_len)
        point = ASN1_STRING_get0_data(os);
    else if (len == point_len)
        point = val;
    if (!point || point[0] != 0x04) {
        errbuf_set(err, errsz, "pkcs11: CKA_EC_POINT is not an uncompressed point of %s", group);
        goto out;
    }
    bld = OSSL_PARAM_BLD_new();
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, point_len) ||
        !(pkey = pkey_fromdata("EC", bld))) {
        errbuf_set(err, errsz, "openssl: cannot build the EC public key");
        goto out;
    }
    ret = spki_der(pkey, spki, spki_len, err, errsz);
out:
    EVP_PKEY_free(pkey);
    OSSL_PARAM_BLD_free(bld);
    ASN1_OCTET_STRING_free(os);
    free(val);
    return ret;
}

typedef enum { GEN_RSA, GEN_EC } gen_kind;

static int generate(p11_token *tok, const char *label, gen_kind kind, unsigned bits,
                    const char *curve_oid, uint8_t **spki, size_t *spki_len, char *err,
                    size_t errsz)
{
    *spki = NULL;
    *spki_len = 0;
    if (check_label(label, err, errsz) != 0)
        return -1;
    size_t field_bytes = 0;
    const char *group = NULL;
    uint8_t *ec_params = NULL;
    int ec_params_len = 0;
    if (kind == GEN_RSA && bits != 2048 && bits != 3072 && bits != 4096) {
        errbuf_set(err, errsz, "pkcs11: RSA key size %u not supported (2048, 3072, 4096)", bits);
        return -1;
    }
    if (kind == GEN_EC) {
        group = ec_group_for_oid(curve_oid, &field_bytes);
        ASN1_OBJECT *obj = group ? OBJ_txt2obj(curve_oid, 1) : NULL;
        if (obj)
            ec_params_len = i2d_ASN1_OBJECT(obj, &ec_params);
        ASN1_OBJECT_free(obj);
        if (!group || ec_params_len <= 0) {
            errbuf_set(err, errsz, "pkcs11: EC curve %s not supported (P-256 %s, P-384 %s)",
                       curve_oid ? curve_oid : "(none)", CRPKI_OID_P256, CRPKI_OID_P384);
            OPENSSL_free(ec_params);
            return -1;
        }
    }

    CK_SESSION_HANDLE s;
    if (session_get(tok, &s, err, errsz) != 0) {
        OPENSSL_free(ec_params);
        return -1;
    }
    int healthy = 1, ret = -1;
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
    int r = find_private_key(tok, s, label, &priv, NULL, err, errsz);
    if (r <= 0) {
        if (r == 0)
            errbuf_set(err, errsz, "pkcs11: a key labelled '%s' already exists", label);
        priv = CK_INVALID_HANDLE; /* not ours to destroy */
        healthy = r == 0;
        goto out;
    }

    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ULONG modbits = bits;
    CK_BYTE pubexp[] = {0x01, 0x00, 0x01};
    CK_ULONG lablen = strlen(label);
    CK_ATTRIBUTE pub_rsa[] = {
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &no, sizeof no},
        {CKA_VERIFY, &yes, sizeof yes},
        {CKA_ENCRYPT, &no, sizeof no},
        {CKA_WRAP, &no, sizeof no},
        {CKA_LABEL, (void *)label, lablen},
        {CKA_ID, (void *)label, lablen},
        {CKA_MODULUS_BITS, &modbits, sizeof modbits},
        {CKA_PUBLIC_EXPONENT, pubexp, sizeof pubexp},
    };
    CK_ATTRIBUTE pub_ec[] = {
        {CKA_TOKEN, &yes, sizeof yes},   {CKA_PRIVATE, &no, sizeof no},
        {CKA_VERIFY, &yes, sizeof yes},  {CKA_LABEL, (void *)label, lablen},
        {CKA_ID, (void *)label, lablen}, {CKA_EC_PARAMS, ec_params, (CK_ULONG)ec_params_len},
    };
    /* a signing key only: no decrypt, unwrap or derive (SoftHSM2 would
     * default CKA_DECRYPT and CKA_UNWRAP to true, even for EC keys) */
    CK_ATTRIBUTE priv_tmpl[] = {
        {CKA_TOKEN, &yes, sizeof yes},      {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},  {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_SIGN, &yes, sizeof yes},       {CKA_DECRYPT, &no, sizeof no},
        {CKA_UNWRAP, &no, sizeof no},       {CKA_DERIVE, &no, sizeof no},
        {CKA_LABEL, (void *)label, lablen}, {CKA_ID, (void *)label, lablen},
    };
    CK_ULONG npriv = sizeof priv_tmpl / sizeof priv_tmpl[0];
    CK_MECHANISM mech = {kind == GEN_RSA ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, NULL,
                         0};
    CK_RV rv;
    if (kind == GEN_RSA)
        rv = tok->f->C_GenerateKeyPair(s, &mech, pub_rsa, sizeof pub_rsa / sizeof pub_rsa[0],
                                       priv_tmpl, npriv, &pub, &priv);
    else
        rv = tok->f->C_GenerateKeyPair(s, &mech, pub_ec, sizeof pub_ec / sizeof pub_ec[0],
                                       priv_tmpl, npriv, &pub, &priv);
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_GenerateKeyPair", rv);
        pub = priv = CK_INVALID_HANDLE;
        goto out;
    }
    if (kind == GEN_RSA)
        ret = rsa_spki(tok, s, pub, spki, spki_len, err, errsz);
    else
        ret = ec_spki(tok, s, pub, group, field_bytes, spki, spki_len, err, errsz);
    if (ret == 0)
        cache_put(tok, label, priv, kind == GEN_RSA ? CKK_RSA : CKK_EC);
out:
    if (ret != 0) {
        /* leave no half-made credential behind */
        if (priv != CK_INVALID_HANDLE)
            tok->f->C_DestroyObject(s, priv);
        if (pub != CK_INVALID_HANDLE)
            tok->f->C_DestroyObject(s, pub);
    }
    session_put(tok, s, healthy);
    OPENSSL_free(ec_params);
    return ret;
}

int p11_generate_rsa(p11_token *tok, const char *label, unsigned bits, uint8_t **spki,
                     size_t *spki_len, char *err, size_t errsz)
{
    return generate(tok, label, GEN_RSA, bits, NULL, spki, spki_len, err, errsz);
}

int p11_generate_ec(p11_token *tok, const char *label, const char *curve_oid, uint8_t **spki,
                    size_t *spki_len, char *err, size_t errsz)
{
    return generate(tok, label, GEN_EC, 0, curve_oid, spki, spki_len, err, errsz);
}

/* ---- signing -------------------------------------------------------------- */

static int pss_params(alg_hash_id h, CK_RSA_PKCS_PSS_PARAMS *p, size_t *hash_len)
{
    switch (h) {
    case CRPKI_HASH_SHA1:
        p->hashAlg = CKM_SHA_1;
        p->mgf = CKG_MGF1_SHA1;
        *hash_len = 20;
        return 0;
    case CRPKI_HASH_SHA256:
        p->hashAlg = CKM_SHA256;
        p->mgf = CKG_MGF1_SHA256;
        *hash_len = 32;
        return 0;
    case CRPKI_HASH_SHA384:
        p->hashAlg = CKM_SHA384;
        p->mgf = CKG_MGF1_SHA384;
        *hash_len = 48;
        return 0;
    case CRPKI_HASH_SHA512:
        p->hashAlg = CKM_SHA512;
        p->mgf = CKG_MGF1_SHA512;
        *hash_len = 64;
        return 0;
    default:
        return -1;
    }
}

/* r||s (two equal halves) -> DER ECDSA-Sig-Value, malloc'ed by OpenSSL. */
static int ecdsa_to_der(const uint8_t *raw, size_t len, uint8_t **der, size_t *der_len)
{
    if (len == 0 || len % 2 != 0)
        return -1;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)(len / 2), NULL);
    BIGNUM *s = BN_bin2bn(raw + len / 2, (int)(len / 2), NULL);
    if (!sig || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return -1;
    }
    unsigned char *out = NULL;
    int n = i2d_ECDSA_SIG(sig, &out);
    ECDSA_SIG_free(sig);
    if (n <= 0)
        return -1;
    *der = out;
    *der_len = (size_t)n;
    return 0;
}

int p11_sign(p11_token *tok, const char *label, const p11_mech *mech, const uint8_t *data,
             size_t data_len, uint8_t *sig, size_t *sig_len, char *err, size_t errsz)
{
    if (!tok || !mech || !sig_len || (!data && data_len) || data_len == 0) {
        errbuf_set(err, errsz, "pkcs11: sign: bad arguments");
        return -1;
    }
    if (check_label(label, err, errsz) != 0)
        return -1;
    CK_RSA_PKCS_PSS_PARAMS pss;
    CK_MECHANISM m = {0, NULL, 0};
    switch (mech->scheme) {
    case CRPKI_PAD_PKCS1:
        m.mechanism = CKM_RSA_PKCS;
        break;
    case CRPKI_PAD_PSS: {
        size_t hlen;
        if (pss_params(mech->pss_hash, &pss, &hlen) != 0) {
            errbuf_set(err, errsz, "pkcs11: sign: PSS needs SHA-1, SHA-256, SHA-384 or SHA-512");
            return -1;
        }
        if (data_len != hlen) {
            errbuf_set(err, errsz, "pkcs11: sign: PSS hash is %zu bytes, expected %zu", data_len,
                       hlen);
            return -1;
        }
        pss.sLen = mech->pss_salt_len;
        m.mechanism = CKM_RSA_PKCS_PSS;
        m.pParameter = &pss;
        m.ulParameterLen = sizeof pss;
        break;
    }
    case CRPKI_PAD_ECDSA:
        m.mechanism = CKM_ECDSA;
        break;
    default:
        errbuf_set(err, errsz, "pkcs11: sign: unknown signature scheme %d", (int)mech->scheme);
        return -1;
    }

    CK_SESSION_HANDLE s;
    if (session_get(tok, &s, err, errsz) != 0)
        return -1;
    int healthy = 1, ret = -1;
    uint8_t raw[SIG_MAX];
    CK_ULONG rawlen = sizeof raw;
    uint8_t *der = NULL;
    CK_RV rv = CKR_OK;
    /* SoftHSM2 2.6 accepts C_SignInit(CKM_RSA_PKCS_PSS) with an EC key and
     * then crashes in C_Sign: check the key type ourselves first. */
    const CK_KEY_TYPE want = mech->scheme == CRPKI_PAD_ECDSA ? CKK_EC : CKK_RSA;
    for (int attempt = 0; attempt < 2; attempt++) {
        CK_OBJECT_HANDLE key;
        CK_KEY_TYPE type;
        int cached = cache_get(tok, label, &key, &type);
        if (!cached) {
            int r = find_private_key(tok, s, label, &key, &type, err, errsz);
            if (r != 0) {
                if (r > 0)
                    errbuf_set(err, errsz, "pkcs11: no private key labelled '%s'", label);
                healthy = r > 0;
                goto out;
            }
        }
        if (type != want) {
            if (!cached)
                cache_put(tok, label, key, type);
            errbuf_set(err, errsz, "pkcs11: key '%s' is not an %s key: cannot sign with %s", label,
                       want == CKK_EC ? "EC" : "RSA",
                       mech->scheme == CRPKI_PAD_ECDSA ? "ECDSA"
                       : mech->scheme == CRPKI_PAD_PSS ? "RSASSA-PSS"
                                                       : "RSASSA-PKCS1-v1_5");
            goto out;
        }
        rv = tok->f->C_SignInit(s, &m, key);
        if (cached && (rv == CKR_KEY_HANDLE_INVALID || rv == CKR_OBJECT_HANDLE_INVALID)) {
            cache_drop(tok, label); /* stale handle: look the label up again */
            continue;
        }
        if (rv == CKR_OK && !cached)
            cache_put(tok, label, key, type);
        break;
    }
    if (rv != CKR_OK) {
        errbuf_set(err, errsz, "pkcs11: C_SignInit with key '%s' refused: %s (0x%lx)", label,
                   ckr_name(rv), (unsigned long)rv);
        goto out;
    }
    rv = tok->f->C_Sign(s, (CK_BYTE_PTR)data, data_len, raw, &rawlen);
    if (rv != CKR_OK) {
        errbuf_set(err, errsz, "pkcs11: C_Sign with key '%s' failed: %s (0x%lx)", label,
                   ckr_name(rv), (unsigned long)rv);
        healthy = 0; /* CKR_BUFFER_TOO_SMALL leaves the operation active */
        goto out;
    }
    const uint8_t *outp = raw;
    size_t outlen = rawlen;
    if (mech->scheme == CRPKI_PAD_ECDSA) {
        if (ecdsa_to_der(raw, rawlen, &der, &outlen) != 0) {
            errbuf_set(err, errsz, "pkcs11: ECDSA signature of %lu bytes cannot be encoded",
                       (unsigned long)rawlen);
            goto out;
        }
        outp = der;
    }
    if (!sig || *sig_len < outlen) {
        errbuf_set(err, errsz, "pkcs11: signature buffer too small: %zu bytes needed, %zu given",
                   outlen, *sig_len);
        *sig_len = outlen;
        goto out;
    }
    memcpy(sig, outp, outlen);
    *sig_len = outlen;
    ret = 0;
out:
    OPENSSL_cleanse(raw, sizeof raw);
    OPENSSL_free(der);
    session_put(tok, s, healthy);
    return ret;
}

/* ---- token initialization -------------------------------------------------- */

int p11_init_token(const char *module_path, const char *token_label, const char *so_pin,
                   const char *user_pin, char *err, size_t errsz)
{
    if (!token_label || !*token_label || strlen(token_label) > TOKEN_LABEL || !so_pin ||
        !user_pin) {
        errbuf_set(err, errsz,
                   "pkcs11: init: token label (1-32 bytes), SO PIN and user PIN required");
        return -1;
    }
    p11_module *m = module_acquire(module_path, err, errsz);
    if (!m)
        return -1;
    CK_FUNCTION_LIST_PTR f = m->f;
    int ret = -1;
    CK_SLOT_ID *slots = NULL;
    CK_ULONG n = 0;
    CK_SLOT_ID slot = 0;
    CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
    CK_RV rv;

    int r = find_token_slot(f, token_label, &slot, err, errsz);
    if (r <= 0) {
        if (r == 0)
            errbuf_set(err, errsz, "pkcs11: a token labelled '%s' already exists", token_label);
        goto out;
    }
    if (get_slots(f, CK_TRUE, &slots, &n, err, errsz) != 0)
        goto out;
    int have = 0;
    for (CK_ULONG i = 0; i < n && !have; i++) {
        CK_TOKEN_INFO ti;
        if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK && !(ti.flags & CKF_TOKEN_INITIALIZED)) {
            slot = slots[i];
            have = 1;
        }
    }
    if (!have) {
        errbuf_set(err, errsz, "pkcs11: no slot with an uninitialized token in %s", module_path);
        goto out;
    }
    CK_UTF8CHAR label32[TOKEN_LABEL];
    memset(label32, ' ', sizeof label32);
    memcpy(label32, token_label, strlen(token_label));
    rv = f->C_InitToken(slot, (CK_UTF8CHAR_PTR)so_pin, strlen(so_pin), label32);
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_InitToken", rv);
        goto out;
    }
    /* SoftHSM2 gives an initialized token a new slot ID (derived from its
     * serial): find it again by label, restarting the module if needed. */
    r = find_token_slot(f, token_label, &slot, err, errsz);
    if (r > 0 && module_restart(m, err, errsz) == 0)
        r = find_token_slot(f, token_label, &slot, err, errsz);
    if (r != 0) {
        if (r > 0)
            errbuf_set(err, errsz, "pkcs11: token '%s' not found after C_InitToken", token_label);
        goto out;
    }
    rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s);
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_OpenSession", rv);
        s = CK_INVALID_HANDLE;
        goto out;
    }
    rv = f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)so_pin, strlen(so_pin));
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_Login (SO)", rv);
        goto out;
    }
    rv = f->C_InitPIN(s, (CK_UTF8CHAR_PTR)user_pin, strlen(user_pin));
    f->C_Logout(s);
    if (rv != CKR_OK) {
        CKERR(err, errsz, "C_InitPIN", rv);
        goto out;
    }
    ret = 0;
out:
    if (s != CK_INVALID_HANDLE)
        f->C_CloseSession(s);
    free(slots);
    module_release(m);
    return ret;
}
