/* signing_cache: the signature cache of the session (signing_internal.h). Why it
 * exists: CryptSignMessage and CryptMsg sign every document twice (a size
 * query, then the real call), and the user must approve one signature per
 * document, not two. Small and linear: a handful of entries live 2 minutes. */
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_str.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"
#include "core/signing/signing_internal.h"

#define MAX_DIGEST 64
#define MAX_SIG    1024

typedef struct {
    int used;
    char *credential_id;
    int scheme, hash;
    unsigned salt_len;
    uint8_t digest[MAX_DIGEST];
    size_t digest_len;
    uint8_t sig[MAX_SIG];
    size_t sig_len;
    uint64_t put_at;
} entry;

struct signing_cache {
    plat_mutex *mu;
    entry *v;
    size_t cap;
    uint64_t ttl_ms;
    signing_cache_clock clock;
    void *clock_ctx;
};

static uint64_t mono(void *ctx)
{
    (void)ctx;
    return (uint64_t)plat_now_ms(); /* monotonic: never negative */
}

signing_cache *signing_cache_new(size_t capacity, uint64_t ttl_ms, signing_cache_clock clock,
                                 void *clock_ctx)
{
    if (capacity == 0)
        return NULL;
    signing_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->v = calloc(capacity, sizeof *c->v);
    c->mu = plat_mutex_new();
    if (!c->v || !c->mu) {
        signing_cache_free(c);
        return NULL;
    }
    c->cap = capacity;
    c->ttl_ms = ttl_ms;
    c->clock = clock ? clock : mono;
    c->clock_ctx = clock ? clock_ctx : NULL;
    return c;
}

static void entry_clear(entry *e)
{
    free(e->credential_id);
    memset(e, 0, sizeof *e);
}

void signing_cache_free(signing_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->v && i < c->cap; i++)
        entry_clear(&c->v[i]);
    free(c->v);
    if (c->mu)
        plat_mutex_free(c->mu);
    free(c);
}

static int same(const entry *e, const signing_cache_key *k)
{
    return e->used && e->scheme == k->scheme && e->hash == k->hash && e->salt_len == k->salt_len &&
           e->digest_len == k->digest_len && memcmp(e->digest, k->digest, k->digest_len) == 0 &&
           strcmp(e->credential_id, k->credential_id) == 0;
}

static int expired(const signing_cache *c, const entry *e, uint64_t now)
{
    return now - e->put_at >= c->ttl_ms;
}

static int key_ok(const signing_cache_key *k)
{
    return k && k->credential_id && k->digest && k->digest_len > 0 && k->digest_len <= MAX_DIGEST;
}

int signing_cache_get(signing_cache *c, const signing_cache_key *k, uint8_t *sig, size_t *sig_len)
{
    if (!c || !key_ok(k) || !sig || !sig_len)
        return 0;
    int hit = 0;
    plat_mutex_lock(c->mu);
    uint64_t now = c->clock(c->clock_ctx);
    for (size_t i = 0; i < c->cap; i++) {
        entry *e = &c->v[i];
        if (!same(e, k))
            continue;
        if (expired(c, e, now)) {
            entry_clear(e);
        } else if (e->sig_len <= *sig_len) {
            memcpy(sig, e->sig, e->sig_len);
            *sig_len = e->sig_len;
            hit = 1;
        }
        break;
    }
    plat_mutex_unlock(c->mu);
    return hit;
}

void signing_cache_put(signing_cache *c, const signing_cache_key *k, const uint8_t *sig,
                       size_t sig_len)
{
    if (!c || !key_ok(k) || !sig || sig_len == 0 || sig_len > MAX_SIG)
        return;
    char *id = plat_strdup(k->credential_id);
    if (!id)
        return; /* a cache miss later costs an approval, nothing worse */
    plat_mutex_lock(c->mu);
    uint64_t now = c->clock(c->clock_ctx);
    entry *slot = NULL;
    /* the same key, else a free or expired slot, else the oldest */
    for (size_t i = 0; i < c->cap && !slot; i++)
        if (same(&c->v[i], k))
            slot = &c->v[i];
    for (size_t i = 0; i < c->cap && !slot; i++)
        if (!c->v[i].used || expired(c, &c->v[i], now))
            slot = &c->v[i];
    if (!slot) {
        slot = &c->v[0];
        for (size_t i = 1; i < c->cap; i++)
            if (c->v[i].put_at < slot->put_at)
                slot = &c->v[i];
    }
    entry_clear(slot);
    slot->used = 1;
    slot->credential_id = id;
    slot->scheme = k->scheme;
    slot->hash = k->hash;
    slot->salt_len = k->salt_len;
    memcpy(slot->digest, k->digest, k->digest_len);
    slot->digest_len = k->digest_len;
    memcpy(slot->sig, sig, sig_len);
    slot->sig_len = sig_len;
    slot->put_at = now;
    plat_mutex_unlock(c->mu);
}

size_t signing_cache_size(signing_cache *c)
{
    if (!c)
        return 0;
    size_t n = 0;
    plat_mutex_lock(c->mu);
    for (size_t i = 0; i < c->cap; i++)
        n += c->v[i].used != 0;
    plat_mutex_unlock(c->mu);
    return n;
}
