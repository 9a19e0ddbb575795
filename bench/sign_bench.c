/* Benchmark (not a test): RSA-2048 signatures per second through the
 * reference service over HTTPS keep-alive with auto-approval, next to
 * `openssl speed rsa2048` measured in the same run, and their ratio.
 *
 * Per signature round: credentials/authorize -> authorizeCheck -> signHash,
 * i.e. three HTTPS requests, SQLite writes and one C_Sign per hash in
 * SoftHSM2. Measured with 1 hash per approval (an application signing one
 * document) from one client and from two concurrent clients (the machine
 * has 2 cores; a service serves many signers), and with a batch of hashes
 * per approval (numSignatures > 1).
 *
 * usage: crpki-sign-bench [SECONDS]   (default 10 per measurement)
 * Needs CRPKI_RSSPD_FIXTURE (a directory made by `crpki-rsspd init`);
 * bench/run-sign-bench sets everything up. */
#include "harness.h"
#include "p11.h"
#include "simcfg.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_OID      "2.16.840.1.101.3.4.2.1"
#define SHA256_WITH_RSA "1.2.840.113549.1.1.11"

static double openssl_rsa2048_sign_rate(int secs)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "openssl speed -seconds %d rsa2048 2>/dev/null", secs);
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    char line[512];
    double rate = 0;
    while (fgets(line, sizeof line, p)) {
        /* "rsa 2048 bits 0.000648s 0.000019s   1543.2  52348.1" */
        double ts, tv, s, v;
        unsigned bits;
        if (sscanf(line, "rsa %u bits %lfs %lfs %lf %lf", &bits, &ts, &tv, &s, &v) == 5 &&
            bits == 2048)
            rate = s;
    }
    pclose(p);
    return rate;
}

/* The token alone: p11_sign (SoftHSM2 C_Sign, CKM_RSA_PKCS over a SHA-256
 * DigestInfo) in a loop for secs, from this process, no HTTP, no state. */
static double token_rate(const char *dir, const char *label, double secs)
{
    simcfg c;
    char err[512];
    if (simcfg_load(dir, &c, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        exit(1);
    }
    if (c.softhsm2_conf)
        setenv("SOFTHSM2_CONF", c.softhsm2_conf, 1);
    p11_token *tok;
    if (p11_open(c.pkcs11_module, c.token_label, c.user_pin, &tok, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        exit(1);
    }
    uint8_t hash[32], di[64], sig[512];
    h_random(hash, sizeof hash);
    size_t dlen = alg_digestinfo(CRPKI_HASH_SHA256, hash, sizeof hash, di, sizeof di);
    p11_mech mech = {.scheme = CRPKI_PAD_PKCS1};
    unsigned n = 0;
    double start = h_now();
    while (h_now() - start < secs) {
        size_t slen = sizeof sig;
        if (p11_sign(tok, label, &mech, di, dlen, sig, &slen, err, sizeof err) != 0) {
            fprintf(stderr, "bench: %s\n", err);
            exit(1);
        }
        n++;
    }
    double rate = n / (h_now() - start);
    p11_close(tok);
    simcfg_free(&c);
    return rate;
}

/* Signs rounds of `batch` hashes for `secs` seconds; returns signatures/s.
 * The first round's signatures are verified against the certificate. */
typedef struct {
    unsigned rounds;
    double authorize_s, check_s, sign_s; /* summed client-side latencies */
} round_stats;

static double service_rate(const char *bearer, const h_cred *cred, X509 *cert, size_t batch,
                           double secs, round_stats *st)
{
    memset(st, 0, sizeof *st);
    uint8_t *hashes = malloc(batch * 32);
    if (!hashes)
        abort();
    double start = h_now();
    unsigned rounds = 0;
    size_t sigs = 0;
    while (h_now() - start < secs) {
        h_random(hashes, batch * 32);
        h_approval a;
        double t0 = h_now();
        h_authorize_ok(bearer, cred->id, SHA256_OID, hashes, batch, 32, &a);
        double t1 = h_now();
        h_resp r;
        h_check(bearer, a.handle, 0, &r);
        st->authorize_s += t1 - t0;
        st->check_s += r.elapsed_s;
        const char *sad = r.json ? h_jstr(r.json, "SAD") : NULL;
        if (r.status != 200 || !sad) {
            fprintf(stderr, "bench: authorizeCheck answered %ld: %s\n", r.status,
                    r.body ? r.body : "");
            exit(1);
        }
        h_resp s;
        h_sign_hash(bearer, cred->id, sad, SHA256_OID, hashes, batch, 32, SHA256_WITH_RSA, NULL,
                    &s);
        st->sign_s += s.elapsed_s;
        if (s.status != 200) {
            fprintf(stderr, "bench: signHash answered %ld: %s\n", s.status, s.body ? s.body : "");
            exit(1);
        }
        if (rounds == 0) {
            uint8_t *sv[64];
            size_t lens[64];
            h_resp_signatures_ok(&s, batch, sv, lens);
            for (size_t i = 0; i < batch; i++) {
                if (!h_verify_sig(cert, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, hashes + i * 32, 32,
                                  sv[i], lens[i])) {
                    fprintf(stderr, "bench: signature %zu does not verify\n", i);
                    exit(1);
                }
                free(sv[i]);
            }
        }
        h_resp_free(&s);
        h_resp_free(&r);
        h_approval_free(&a);
        rounds++;
        sigs += batch;
    }
    double rate = (double)sigs / (h_now() - start);
    free(hashes);
    st->rounds = rounds;
    return rate;
}

typedef struct {
    const char *bearer;
    const h_cred *cred;
    X509 *cert;
    size_t batch;
    double secs;
    round_stats st;
    double rate;
} client_run;

static void *client_thread(void *arg)
{
    client_run *c = arg;
    h_thread_begin(); /* a keep-alive connection of this thread's own */
    c->rate = service_rate(c->bearer, c->cred, c->cert, c->batch, c->secs, &c->st);
    h_thread_done();
    return NULL;
}

/* `clients` concurrent signers, each on its own connection; returns the
 * summed signatures/s and the first client's latencies in *st. */
static double clients_rate(unsigned clients, const char *bearer, const h_cred *cred, X509 *cert,
                           size_t batch, double secs, round_stats *st)
{
    client_run runs[8];
    pthread_t th[8];
    double total = 0;
    for (unsigned i = 0; i < clients; i++) {
        runs[i] = (client_run){bearer, cred, cert, batch, secs, {0}, 0};
        if (pthread_create(&th[i], NULL, client_thread, &runs[i]) != 0)
            abort();
    }
    for (unsigned i = 0; i < clients; i++) {
        pthread_join(th[i], NULL);
        total += runs[i].rate;
    }
    *st = runs[0].st;
    return total;
}

static void print_stats(const round_stats *st)
{
    double n = st->rounds ? st->rounds : 1;
    printf("      %u rounds; mean ms: authorize %.2f, authorizeCheck %.2f, signHash %.2f\n",
           st->rounds, 1e3 * st->authorize_s / n, 1e3 * st->check_s / n, 1e3 * st->sign_s / n);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 10;
    if (secs <= 0 || secs > 600) {
        fprintf(stderr, "usage: crpki-sign-bench [SECONDS 1-600]\n");
        return 2;
    }
    if (h_env_init() != 0)
        return 1;
    const char *const extra[] = {"--auto-approve", "0", NULL};
    if (h_server_start(extra) != 0)
        return 1;

    const h_user *u = h_user_by_id("user1");
    const h_cred *cred = NULL;
    for (size_t i = 0; u && i < u->ncreds; i++)
        if (u->creds[i].key_type == CRPKI_KEY_RSA && u->creds[i].key_bits == 2048)
            cred = &u->creds[i];
    if (!cred) {
        fprintf(stderr, "bench: user1 has no RSA-2048 credential\n");
        return 1;
    }
    h_tokens t;
    h_login_ok("user1", &t);
    X509 *cert = h_cred_cert_ok(t.access, cred);

    round_stats warm, s1, s2, s16;
    service_rate(t.access, cred, cert, 1, 1.0, &warm);
    double single = service_rate(t.access, cred, cert, 1, secs, &s1);
    double two = clients_rate(2, t.access, cred, cert, 1, secs, &s2);
    double batch = service_rate(t.access, cred, cert, 16, secs, &s16);
    double ossl = openssl_rsa2048_sign_rate((int)secs);
    double token = token_rate(h_dir(), cred->id, secs);

    printf("RSA-2048, SHA-256, PKCS#1 v1.5, auto-approval, HTTPS keep-alive, %.0f s each\n", secs);
    printf("  openssl speed rsa2048 (1 core)         : %8.1f sign/s\n", ossl);
    printf("  SoftHSM2 C_Sign alone (no HTTP)        : %8.1f sign/s  ratio %.2f\n", token,
           ossl > 0 ? token / ossl : 0);
    printf("  crpki-rsspd, 1 hash per approval       : %8.1f sig/s  ratio %.2f\n", single,
           ossl > 0 ? single / ossl : 0);
    print_stats(&s1);
    printf("  crpki-rsspd, 1 hash per approval, 2 clients: %8.1f sig/s  ratio %.2f\n", two,
           ossl > 0 ? two / ossl : 0);
    print_stats(&s2);
    printf("  crpki-rsspd, 16 hashes per approval    : %8.1f sig/s  ratio %.2f\n", batch,
           ossl > 0 ? batch / ossl : 0);
    print_stats(&s16);
    X509_free(cert);
    h_tokens_free(&t);
    h_server_stop();
    return ossl > 0 ? 0 : 1;
}
