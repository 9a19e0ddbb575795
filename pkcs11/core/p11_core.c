/* p11_core: the library, slots, tokens, mechanisms and sessions
 * (p11_core.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "base/platform/plat_once.h"
#include "base/platform/plat_thread.h"
#include "base/util/text.h"
#include "p11_internal.h"

#define LIB_DESCRIPTION "CRPKI Remote Signing PKCS#11"
#define MANUFACTURER    "CRPKI Remote Signing"

p11_state g_p11;
static plat_mutex *g_mu;

/* What a forked child leaves behind of its parent: kept reachable, never
 * used (its locks may be held by threads the child does not have). */
static plat_mutex *volatile g_parent_mu; /* volatile: stores never read stay */
static volatile p11_state g_parent;

static void after_fork(void)
{
    /* only this thread lives on: a lock another thread held stays held,
       so a new one; the state waits for the child's own C_Initialize */
    g_parent_mu = g_mu;
    g_mu = plat_mutex_new();
}

static void make_lock(void)
{
    g_mu = plat_mutex_new();
    plat_at_fork_child(after_fork);
}

void p11_lock(void)
{
    plat_once_run(PLAT_ONCE_P11, make_lock);
    plat_mutex_lock(g_mu);
}

void p11_unlock(void)
{
    plat_mutex_unlock(g_mu);
}

static const p11_mech MECHS[] = {
    {CKM_RSA_PKCS, CRPKI_KEY_RSA, CRPKI_PAD_PKCS1, CRPKI_HASH_NONE},
    {CKM_SHA256_RSA_PKCS, CRPKI_KEY_RSA, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256},
    {CKM_SHA384_RSA_PKCS, CRPKI_KEY_RSA, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA384},
    {CKM_SHA512_RSA_PKCS, CRPKI_KEY_RSA, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA512},
    {CKM_RSA_PKCS_PSS, CRPKI_KEY_RSA, CRPKI_PAD_PSS, CRPKI_HASH_NONE},
    {CKM_SHA256_RSA_PKCS_PSS, CRPKI_KEY_RSA, CRPKI_PAD_PSS, CRPKI_HASH_SHA256},
    {CKM_SHA384_RSA_PKCS_PSS, CRPKI_KEY_RSA, CRPKI_PAD_PSS, CRPKI_HASH_SHA384},
    {CKM_SHA512_RSA_PKCS_PSS, CRPKI_KEY_RSA, CRPKI_PAD_PSS, CRPKI_HASH_SHA512},
    {CKM_ECDSA, CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_NONE},
    {CKM_ECDSA_SHA256, CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256},
    {CKM_ECDSA_SHA384, CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA384},
    {CKM_ECDSA_SHA512, CRPKI_KEY_EC, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA512},
};
#define NMECHS (sizeof MECHS / sizeof MECHS[0])

const p11_mech *p11_mech_find(CK_MECHANISM_TYPE type)
{
    for (size_t i = 0; i < NMECHS; i++)
        if (MECHS[i].type == type)
            return &MECHS[i];
    return NULL;
}

void p11_pad(CK_UTF8CHAR *dst, size_t n, const char *src)
{
    memset(dst, ' ', n);
    size_t len = src ? strlen(src) : 0;
    if (len > n) {
        len = n;
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--; /* src[len] continues a character: cut before it starts */
    }
    if (len)
        memcpy(dst, src, len);
}

CK_RV p11_check_init(void)
{
    if (!g_p11.init || g_p11.pid != plat_pid())
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    return CKR_OK;
}

p11_session *p11_session_find(CK_SESSION_HANDLE h)
{
    for (size_t i = 0; i < g_p11.nsess; i++)
        if (g_p11.sess[i]->handle == h)
            return g_p11.sess[i];
    return NULL;
}

CK_RV p11_session_get(CK_SESSION_HANDLE h, p11_session **out)
{
    CK_RV rv = p11_check_init();
    if (rv != CKR_OK)
        return rv;
    *out = p11_session_find(h);
    return *out ? CKR_OK : CKR_SESSION_HANDLE_INVALID;
}

void p11_sign_op_clear(p11_sign_op *op)
{
    crypto_hash_free(op->h);
    catalog_entry_free(&op->key);
    memset(op, 0, sizeof *op);
}

void p11_session_free(p11_session *s)
{
    if (!s)
        return;
    p11_sign_op_clear(&s->sign);
    free(s);
}

/* Takes session i out of the table; frees it unless a signature is on its
 * way (then the signing thread does). */
static void session_drop(size_t i)
{
    p11_session *s = g_p11.sess[i];
    g_p11.sess[i] = g_p11.sess[--g_p11.nsess];
    if (s->busy)
        s->closed = 1;
    else
        p11_session_free(s);
    if (g_p11.nsess == 0)
        g_p11.logged_in = 0; /* the login state lives as long as a session */
}

static void state_free(void)
{
    while (g_p11.nsess)
        session_drop(g_p11.nsess - 1);
    free(g_p11.sess);
    for (size_t i = 0; i < g_p11.nslots; i++)
        catalog_entry_free(&g_p11.slots[i].key);
    free(g_p11.slots);
    memset(&g_p11, 0, sizeof g_p11);
}

/* The catalog's credentials into slots (no network). An entry whose
 * certificate cannot be read is left out, logged. */
static CK_RV load_slots(void)
{
    const prov_backend *b = g_p11.b;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err e = b->open(b->ctx, &ei);
    char **ids = NULL;
    size_t n = 0;
    if (e == CRPKI_OK)
        e = b->list_keys(b->ctx, &ids, &n, &ei);
    if (e != CRPKI_OK) {
        log_write(CRPKI_LOG_ERROR, "pkcs11", "C_Initialize: %s: %s", crpki_err_name(e), ei.detail);
        return p11_rv_of(e);
    }
    g_p11.slots = n ? calloc(n, sizeof *g_p11.slots) : NULL;
    if (n && !g_p11.slots) {
        b->free_ids(ids, n);
        return CKR_HOST_MEMORY;
    }
    for (size_t i = 0; i < n; i++) {
        p11_slot *sl = &g_p11.slots[g_p11.nslots];
        memset(&ei, 0, sizeof ei);
        if (b->find_key(b->ctx, ids[i], &sl->key, &ei) != CRPKI_OK)
            continue;
        char why[128];
        if (crypto_der_parse_cert(sl->key.cert.der, sl->key.cert.len, &sl->view, why, sizeof why) !=
                0 ||
            crypto_der_parse_spki(sl->view.spki.p, sl->view.spki.len, &sl->spki, why, sizeof why) !=
                0) {
            log_write(CRPKI_LOG_WARN, "pkcs11", "credential %s left out: certificate: %s", ids[i],
                      why);
            catalog_entry_free(&sl->key);
            memset(sl, 0, sizeof *sl);
            continue;
        }
        for (size_t c = 0; c < sl->key.nchain; c++)
            if (crypto_der_parse_cert(sl->key.chain[c].der, sl->key.chain[c].len,
                                      &sl->chain_view[c], why, sizeof why) != 0)
                memset(&sl->chain_view[c], 0, sizeof sl->chain_view[c]); /* its DER still */
        /* the holder's name and the key ("山田 太郎 RSA 2048"): a person
           tells the tokens apart; the name is cut, never the key */
        char kd[24], cn[33], label[64];
        snprintf(kd, sizeof kd, " %s %u", sl->key.key_type == CRPKI_KEY_RSA ? "RSA" : "EC",
                 sl->key.key_bits);
        size_t room = 32 - strlen(kd) + 1; /* text_dn_attr cuts on a character boundary */
        if (!text_dn_attr(sl->key.subject_dn, "CN", cn, room))
            snprintf(cn, room, "%s", sl->key.credential_id);
        snprintf(label, sizeof label, "%s%s", cn, kd);
        p11_pad((CK_UTF8CHAR *)sl->label, 32, label);
        sl->label[32] = 0;
        g_p11.nslots++;
    }
    b->free_ids(ids, n);
    return CKR_OK;
}

CK_RV p11_initialize(p11_backend_fn backend, CK_VOID_PTR init_args)
{
    if (init_args) {
        CK_C_INITIALIZE_ARGS *a = init_args;
        int fns = (a->CreateMutex != NULL) + (a->DestroyMutex != NULL) + (a->LockMutex != NULL) +
                  (a->UnlockMutex != NULL);
        if (a->pReserved || (fns != 0 && fns != 4))
            return CKR_ARGUMENTS_BAD;
        /* the application's mutexes only: this module locks with the OS */
        if (fns == 4 && !(a->flags & CKF_OS_LOCKING_OK))
            return CKR_CANT_LOCK;
        /* CKF_LIBRARY_CANT_CREATE_OS_THREADS is accepted: GnuTLS (p11tool,
           through p11-kit) passes it, and refusing it (CKR_NEED_TO_CREATE_THREADS,
           as issue 28 N12 proposed) left it unable to load the module. The
           only threads a signature may start here are libcurl's resolver's. */
    }
    p11_lock();
    CK_RV rv = CKR_OK;
    if (g_p11.init && g_p11.pid == plat_pid()) {
        rv = CKR_CRYPTOKI_ALREADY_INITIALIZED;
        goto out;
    }
    if (g_p11.init) { /* the parent's state, in a forked child */
        g_parent = g_p11;
        memset(&g_p11, 0, sizeof g_p11);
    }
    g_p11.b = backend ? backend() : NULL;
    if (!g_p11.b) {
        rv = CKR_HOST_MEMORY;
        goto out;
    }
    g_p11.pid = plat_pid();
    g_p11.next_handle = 1;
    rv = load_slots();
    if (rv != CKR_OK) {
        state_free();
        goto out;
    }
    g_p11.init = 1;
    log_write(CRPKI_LOG_INFO, "pkcs11", "initialized: %lu token(s)", (unsigned long)g_p11.nslots);
out:
    p11_unlock();
    return rv;
}

CK_RV p11_finalize(CK_VOID_PTR reserved)
{
    if (reserved)
        return CKR_ARGUMENTS_BAD;
    p11_lock();
    CK_RV rv = p11_check_init();
    const prov_backend *b = g_p11.b;
    int busy = 0;
    for (size_t i = 0; rv == CKR_OK && i < g_p11.nsess; i++)
        busy |= g_p11.sess[i]->busy;
    if (rv == CKR_OK)
        state_free();
    p11_unlock();
    /* a signature still waiting for its approval ends now
       (CKR_FUNCTION_CANCELED), its session freed by its own thread */
    if (busy && b->cancel)
        b->cancel(b->ctx);
    return rv;
}

static void version(CK_VERSION *v)
{
    v->major = CRPKI_VERSION_MAJOR;
    v->minor = CRPKI_VERSION_MINOR;
}

CK_RV p11_get_info(CK_INFO_PTR info)
{
    p11_lock();
    CK_RV rv = p11_check_init();
    p11_unlock();
    if (rv != CKR_OK)
        return rv;
    if (!info)
        return CKR_ARGUMENTS_BAD;
    memset(info, 0, sizeof *info);
    info->cryptokiVersion.major = 2;
    info->cryptokiVersion.minor = 40;
    p11_pad(info->manufacturerID, sizeof info->manufacturerID, MANUFACTURER);
    p11_pad(info->libraryDescription, sizeof info->libraryDescription, LIB_DESCRIPTION);
    version(&info->libraryVersion);
    return CKR_OK;
}

CK_RV p11_get_slot_list(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
    (void)token_present; /* every slot has its token */
    p11_lock();
    CK_RV rv = p11_check_init();
    if (rv == CKR_OK && !count)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK) {
        if (list && *count < g_p11.nslots)
            rv = CKR_BUFFER_TOO_SMALL;
        else if (list)
            for (size_t i = 0; i < g_p11.nslots; i++)
                list[i] = (CK_SLOT_ID)i;
        *count = (CK_ULONG)g_p11.nslots;
    }
    p11_unlock();
    return rv;
}

/* Lock held. */
static CK_RV slot_check(CK_SLOT_ID slot)
{
    CK_RV rv = p11_check_init();
    if (rv == CKR_OK && slot >= g_p11.nslots)
        rv = CKR_SLOT_ID_INVALID;
    return rv;
}

CK_RV p11_get_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info)
{
    p11_lock();
    CK_RV rv = slot_check(slot);
    if (rv == CKR_OK && !info)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK) {
        memset(info, 0, sizeof *info);
        char desc[96];
        snprintf(desc, sizeof desc, "CRPKI remote key %s", g_p11.slots[slot].key.credential_id);
        p11_pad(info->slotDescription, sizeof info->slotDescription, desc);
        p11_pad(info->manufacturerID, sizeof info->manufacturerID, MANUFACTURER);
        info->flags = CKF_TOKEN_PRESENT | CKF_REMOVABLE_DEVICE;
        version(&info->hardwareVersion);
        version(&info->firmwareVersion);
    }
    p11_unlock();
    return rv;
}

CK_RV p11_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
    p11_lock();
    CK_RV rv = slot_check(slot);
    if (rv == CKR_OK && !info)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK) {
        const p11_slot *sl = &g_p11.slots[slot];
        memset(info, 0, sizeof *info);
        memcpy(info->label, sl->label, 32);
        p11_pad(info->manufacturerID, sizeof info->manufacturerID, MANUFACTURER);
        p11_pad(info->model, sizeof info->model, "remote HSM");
        /* the credential ID's last 16 characters: unique per token */
        const char *id = sl->key.credential_id;
        size_t il = strlen(id);
        p11_pad(info->serialNumber, sizeof info->serialNumber, il > 16 ? id + il - 16 : id);
        info->flags = CKF_TOKEN_INITIALIZED | CKF_WRITE_PROTECTED | CKF_USER_PIN_INITIALIZED;
        info->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
        info->ulMaxRwSessionCount = 0;
        size_t open = 0;
        for (size_t i = 0; i < g_p11.nsess; i++)
            open += g_p11.sess[i]->slot == slot;
        info->ulSessionCount = (CK_ULONG)open;
        info->ulRwSessionCount = 0;
        info->ulMaxPinLen = 0;
        info->ulMinPinLen = 0;
        info->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
        info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
        info->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
        info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
        version(&info->hardwareVersion);
        version(&info->firmwareVersion);
    }
    p11_unlock();
    return rv;
}

CK_RV p11_get_mechanism_list(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count)
{
    p11_lock();
    CK_RV rv = slot_check(slot);
    if (rv == CKR_OK && !count)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK) {
        alg_key_type kt = g_p11.slots[slot].key.key_type;
        CK_ULONG n = 0;
        for (size_t i = 0; i < NMECHS; i++)
            n += MECHS[i].key == kt;
        if (list && *count < n) {
            rv = CKR_BUFFER_TOO_SMALL;
        } else if (list) {
            CK_ULONG k = 0;
            for (size_t i = 0; i < NMECHS; i++)
                if (MECHS[i].key == kt)
                    list[k++] = MECHS[i].type;
        }
        *count = n;
    }
    p11_unlock();
    return rv;
}

CK_RV p11_get_mechanism_info(CK_SLOT_ID slot, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info)
{
    p11_lock();
    CK_RV rv = slot_check(slot);
    const p11_mech *m = p11_mech_find(type);
    if (rv == CKR_OK && (!m || m->key != g_p11.slots[slot].key.key_type))
        rv = CKR_MECHANISM_INVALID;
    if (rv == CKR_OK && !info)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK) {
        memset(info, 0, sizeof *info);
        info->flags = CKF_SIGN;
        if (m->key == CRPKI_KEY_RSA) {
            info->ulMinKeySize = 2048;
            info->ulMaxKeySize = 4096;
        } else {
            info->ulMinKeySize = 256;
            info->ulMaxKeySize = 384;
            info->flags |= CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;
        }
    }
    p11_unlock();
    return rv;
}

CK_RV p11_open_session(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR app, CK_NOTIFY notify,
                       CK_SESSION_HANDLE_PTR out)
{
    (void)app; /* no callbacks: nothing here is surrendered */
    (void)notify;
    p11_lock();
    CK_RV rv = slot_check(slot);
    if (rv == CKR_OK && !out)
        rv = CKR_ARGUMENTS_BAD;
    else if (rv == CKR_OK && !(flags & CKF_SERIAL_SESSION))
        rv = CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    else if (rv == CKR_OK && (flags & CKF_RW_SESSION))
        rv = CKR_TOKEN_WRITE_PROTECTED;
    else if (rv == CKR_OK && g_p11.nsess >= P11_MAX_SESSIONS)
        rv = CKR_SESSION_COUNT;
    p11_session *s = NULL;
    if (rv == CKR_OK && g_p11.nsess == g_p11.cap) {
        size_t cap = g_p11.cap ? g_p11.cap * 2 : 8;
        p11_session **v = realloc(g_p11.sess, cap * sizeof *v);
        if (!v)
            rv = CKR_HOST_MEMORY;
        else {
            g_p11.sess = v;
            g_p11.cap = cap;
        }
    }
    if (rv == CKR_OK && !(s = calloc(1, sizeof *s)))
        rv = CKR_HOST_MEMORY;
    if (rv == CKR_OK) {
        s->handle = g_p11.next_handle++;
        s->slot = slot;
        s->flags = flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION);
        g_p11.sess[g_p11.nsess++] = s;
        *out = s->handle;
    }
    p11_unlock();
    return rv;
}

CK_RV p11_close_session(CK_SESSION_HANDLE h)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    if (rv == CKR_OK)
        for (size_t i = 0; i < g_p11.nsess; i++)
            if (g_p11.sess[i] == s) {
                session_drop(i);
                break;
            }
    p11_unlock();
    return rv;
}

CK_RV p11_close_all_sessions(CK_SLOT_ID slot)
{
    p11_lock();
    CK_RV rv = slot_check(slot);
    if (rv == CKR_OK)
        for (size_t i = g_p11.nsess; i-- > 0;)
            if (g_p11.sess[i]->slot == slot)
                session_drop(i);
    p11_unlock();
    return rv;
}

CK_RV p11_get_session_info(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    if (rv == CKR_OK && !info)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK) {
        memset(info, 0, sizeof *info);
        info->slotID = s->slot;
        info->state = g_p11.logged_in ? CKS_RO_USER_FUNCTIONS : CKS_RO_PUBLIC_SESSION;
        info->flags = s->flags;
    }
    p11_unlock();
    return rv;
}

/* No PIN: the token needs no login (CKF_LOGIN_REQUIRED is clear) and each
 * signature is approved on the phone. A user login is accepted, whatever
 * the PIN, for applications that log in anyway; the SO has nothing to do
 * on a read-only token. */
CK_RV p11_login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    if (rv == CKR_OK && !pin && pin_len)
        rv = CKR_ARGUMENTS_BAD;
    else if (rv == CKR_OK && user == CKU_SO)
        rv = CKR_SESSION_READ_ONLY_EXISTS;
    else if (rv == CKR_OK && user != CKU_USER && user != CKU_CONTEXT_SPECIFIC)
        rv = CKR_USER_TYPE_INVALID;
    else if (rv == CKR_OK && user == CKU_CONTEXT_SPECIFIC)
        rv = s->sign.active ? CKR_OK : CKR_OPERATION_NOT_INITIALIZED;
    else if (rv == CKR_OK && g_p11.logged_in)
        rv = CKR_USER_ALREADY_LOGGED_IN;
    else if (rv == CKR_OK)
        g_p11.logged_in = 1;
    p11_unlock();
    return rv;
}

CK_RV p11_logout(CK_SESSION_HANDLE h)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    if (rv == CKR_OK && !g_p11.logged_in)
        rv = CKR_USER_NOT_LOGGED_IN;
    else if (rv == CKR_OK)
        g_p11.logged_in = 0;
    p11_unlock();
    return rv;
}

CK_RV p11_unsupported(CK_SESSION_HANDLE h, int writes)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    p11_unlock();
    if (rv != CKR_OK)
        return rv;
    return writes ? CKR_TOKEN_WRITE_PROTECTED : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11_unsupported_slot(CK_SLOT_ID slot, int writes)
{
    p11_lock();
    CK_RV rv = slot_check(slot);
    p11_unlock();
    if (rv != CKR_OK)
        return rv;
    return writes ? CKR_TOKEN_WRITE_PROTECTED : CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11_rv_of(crpki_err e)
{
    /* the service out of reach, or a signature it returned that does not verify */
    if (crpki_err_is_network(e) || e == CRPKI_E_BAD_SIGNATURE)
        return CKR_DEVICE_ERROR;
    switch (e) {
    case CRPKI_OK:
        return CKR_OK;
    case CRPKI_E_INVALID_ARG:
        return CKR_ARGUMENTS_BAD;
    case CRPKI_E_BUFFER_TOO_SMALL:
        return CKR_BUFFER_TOO_SMALL;
    case CRPKI_E_NO_MEMORY:
        return CKR_HOST_MEMORY;
    case CRPKI_E_NOT_SUPPORTED:
    case CRPKI_E_UNSUPPORTED_ALG:
        return CKR_MECHANISM_INVALID;
    case CRPKI_E_BAD_HASH:
        return CKR_DATA_LEN_RANGE;
    case CRPKI_E_DENIED:
    case CRPKI_E_SAD_REJECTED:
        return CKR_FUNCTION_REJECTED;
    case CRPKI_E_CANCELLED:
    case CRPKI_E_DEADLINE:
    case CRPKI_E_APPROVAL_EXPIRED:
        return CKR_FUNCTION_CANCELED;
    case CRPKI_E_NOT_LOGGED_IN:
    case CRPKI_E_UNAUTHORIZED:
        return CKR_USER_NOT_LOGGED_IN;
    case CRPKI_E_NO_KEY:
    case CRPKI_E_UNKNOWN_CREDENTIAL:
        return CKR_KEY_HANDLE_INVALID;
    default:
        return CKR_GENERAL_ERROR;
    }
}
