/* crpki-rsspd init: creates the test data directory (docs/protocol.md,
 * "Test data directory"): a SoftHSM2 token, the test TLS CA and server
 * certificate, the test registrar CA, and the test users with their keys
 * (generated in the token) and certificates. sim.json is written last and
 * atomically, so a directory without it is never a complete one. */
#define _XOPEN_SOURCE 700

#include "commands.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "p11.h"
#include "pki.h"
#include "simcfg.h"

#define DEFAULT_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define TOKEN_LABEL    "crpki-rsspd"
#define CLIENT_ID      "crpki-driver"

static void usage(FILE *f)
{
    fputs("usage: crpki-rsspd init --dir DIR [--force] [--pkcs11-module PATH]\n"
          "  Creates the reference service's test data in DIR (created if absent):\n"
          "  a SoftHSM2 token with the users' keys, test CAs and certificates, sim.json.\n"
          "  --dir DIR              the data directory (required)\n"
          "  --force                delete DIR's previously generated content first\n"
          "  --pkcs11-module PATH   PKCS#11 module (default " DEFAULT_MODULE ")\n"
          "  --help                 this text\n",
          f);
}

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("crpki-rsspd init: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* malloc'ed "a/b" */
static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + 1 + strlen(b) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", a, b);
    return s;
}

static int mkdir_p(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(buf, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* The names init creates (and --force deletes); nothing else in DIR is touched. */
static const char *const GENERATED_FILES[] = {
    "sim.json", "sim.json.tmp", "softhsm2.conf", "state.db",
    "port",     "state.db-wal", "state.db-shm",  "state.db-journal",
};
static const char *const GENERATED_DIRS[] = {"tokens", "tls", "pki"};

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int r = (type == FTW_DP) ? rmdir(path) : unlink(path);
    if (r != 0 && errno != ENOENT) {
        fail("cannot delete %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int exists(const char *dir, const char *name)
{
    char *p = join(dir, name);
    struct stat st;
    int r = p && lstat(p, &st) == 0;
    free(p);
    return r;
}

static int wipe(const char *dir)
{
    for (size_t i = 0; i < sizeof GENERATED_DIRS / sizeof GENERATED_DIRS[0]; i++) {
        char *p = join(dir, GENERATED_DIRS[i]);
        if (!p)
            return -1;
        struct stat st;
        int r = 0;
        if (lstat(p, &st) == 0)
            r = nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(p);
        if (r != 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof GENERATED_FILES / sizeof GENERATED_FILES[0]; i++) {
        char *p = join(dir, GENERATED_FILES[i]);
        if (!p)
            return -1;
        int r = unlink(p);
        if (r != 0 && errno != ENOENT) {
            fail("cannot delete %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        free(p);
    }
    return 0;
}

static int write_text(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        fail("cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    size_t len = strlen(text);
    ssize_t w = write(fd, text, len);
    if (w < 0 || (size_t)w != len || close(fd) != 0) {
        fail("cannot write %s", path);
        return -1;
    }
    return 0;
}

static int random_hex(char *out, size_t nchars)
{
    unsigned char b[64];
    if (nchars / 2 > sizeof b || RAND_bytes(b, (int)(nchars / 2)) != 1)
        return -1;
    for (size_t i = 0; i < nchars / 2; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    out[nchars] = '\0';
    return 0;
}

/* Random password of n characters from [A-Za-z0-9] (rejection sampling). */
static char *random_password(size_t n)
{
    static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *pw = malloc(n + 1);
    size_t i = 0;
    while (pw && i < n) {
        unsigned char b[32];
        if (RAND_bytes(b, sizeof b) != 1) {
            free(pw);
            return NULL;
        }
        for (size_t k = 0; k < sizeof b && i < n; k++)
            if (b[k] < 248) /* 248 = 4 * 62 */
                pw[i++] = set[b[k] % 62];
    }
    if (pw)
        pw[n] = '\0';
    return pw;
}

typedef struct {
    alg_key_type type;
    unsigned bits;
} cred_spec;

typedef struct {
    const char *id, *name, *company, *title, *state, *locality;
    cred_spec creds[3];
    size_t ncreds;
} user_spec;

static const user_spec USERS[] = {
    {"user1",
     "山田 太郎",
     "株式会社テスト商事",
     "代表取締役",
     "東京都",
     "千代田区",
     {{CRPKI_KEY_RSA, 2048}, {CRPKI_KEY_RSA, 3072}, {CRPKI_KEY_EC, 256}},
     3},
    {"user2",
     "佐藤 花子",
     "合同会社サンプル",
     "代表社員",
     "大阪府",
     "大阪市北区",
     {{CRPKI_KEY_RSA, 2048}},
     1},
};
#define NUSERS (sizeof USERS / sizeof USERS[0])

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Generates one credential's key in the token and issues its certificate. */
static int make_credential(p11_token *tok, const pki_issuer *ca, const user_spec *us,
                           const cred_spec *cs, simcfg_credential *c, const char *pkidir)
{
    char err[512];
    char hex[17];
    if (random_hex(hex, 16) != 0) {
        fail("RAND_bytes failed");
        return -1;
    }
    size_t idlen = sizeof "cred-" + 16;
    c->id = malloc(idlen);
    if (!c->id)
        return -1;
    snprintf(c->id, idlen, "cred-%s", hex);
    c->key_type = cs->type;
    c->key_bits = cs->bits;
    uint8_t *spki = NULL;
    size_t spki_len = 0;
    int r;
    if (cs->type == CRPKI_KEY_RSA) {
        r = p11_generate_rsa(tok, c->id, cs->bits, &spki, &spki_len, err, sizeof err);
    } else {
        c->curve_oid = strdup(cs->bits == 384 ? CRPKI_OID_P384 : CRPKI_OID_P256);
        if (!c->curve_oid)
            return -1;
        r = p11_generate_ec(tok, c->id, c->curve_oid, &spki, &spki_len, err, sizeof err);
    }
    if (r != 0) {
        fail("key for %s: %s", us->id, err);
        return -1;
    }
    pki_user_subject subj = {us->state, us->locality, us->company, us->title, us->name};
    X509 *cert = NULL;
    r = pki_issue_user_cert(ca, &subj, spki, spki_len, 0, &cert, err, sizeof err);
    free(spki);
    if (r != 0) {
        fail("certificate for %s: %s", us->id, err);
        return -1;
    }
    char name[64];
    snprintf(name, sizeof name, "%s.pem", c->id);
    c->cert_pem = join(pkidir, name);
    r = c->cert_pem ? pki_write_cert_pem(c->cert_pem, cert, err, sizeof err) : -1;
    X509_free(cert);
    if (r != 0) {
        fail("%s", c->cert_pem ? err : "out of memory");
        return -1;
    }
    return 0;
}

static int make_tls(simcfg *cfg, const char *tlsdir)
{
    char err[512];
    pki_issuer ca = {0};
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    int ret = -1;
    cfg->tls_ca_pem = join(tlsdir, "ca.pem");
    cfg->tls_cert_pem = join(tlsdir, "server.pem");
    cfg->tls_key_pem = join(tlsdir, "server.key");
    if (!cfg->tls_ca_pem || !cfg->tls_cert_pem || !cfg->tls_key_pem) {
        fail("out of memory");
        return -1;
    }
    if (pki_create_tls_ca(&ca, err, sizeof err) != 0 ||
        pki_issue_server_cert(&ca, &key, &cert, err, sizeof err) != 0 ||
        pki_write_cert_pem(cfg->tls_ca_pem, ca.cert, err, sizeof err) != 0 ||
        pki_write_key_pem(cfg->tls_key_pem, key, err, sizeof err) != 0 ||
        pki_write_cert_pem(cfg->tls_cert_pem, cert, err, sizeof err) != 0)
        fail("TLS: %s", err);
    else
        ret = 0;
    /* the TLS CA's key is not kept: nothing else is ever issued under it */
    pki_issuer_free(&ca);
    EVP_PKEY_free(key);
    X509_free(cert);
    return ret;
}

static int make_registrar(simcfg *cfg, const char *pkidir, pki_issuer *ca)
{
    char err[512];
    cfg->registrar_ca_pem = join(pkidir, "registrar-ca.pem");
    cfg->registrar_ca_key = join(pkidir, "registrar-ca.key");
    char *der = join(pkidir, "registrar-ca.der");
    int ret = -1;
    if (!cfg->registrar_ca_pem || !cfg->registrar_ca_key || !der)
        fail("out of memory");
    else if (pki_create_registrar_ca(ca, err, sizeof err) != 0 ||
             pki_write_key_pem(cfg->registrar_ca_key, ca->key, err, sizeof err) != 0 ||
             pki_write_cert_pem(cfg->registrar_ca_pem, ca->cert, err, sizeof err) != 0 ||
             pki_write_cert_der(der, ca->cert, err, sizeof err) != 0)
        fail("registrar CA: %s", err);
    else
        ret = 0;
    free(der);
    return ret;
}

static const char *rel(const simcfg *cfg, const char *p)
{
    size_t n = strlen(cfg->dir);
    return strncmp(p, cfg->dir, n) == 0 && p[n] == '/' ? p + n + 1 : p;
}

static void summary(const simcfg *cfg, double secs)
{
    printf("crpki-rsspd init: test data in %s\n", cfg->dir);
    printf("  token       '%s' (%s)\n", cfg->token_label, cfg->pkcs11_module);
    printf("  TLS CA      %s  (the client's ca_bundle)\n", rel(cfg, cfg->tls_ca_pem));
    printf("  server      %s, %s  (localhost, 127.0.0.1, ::1)\n", rel(cfg, cfg->tls_cert_pem),
           rel(cfg, cfg->tls_key_pem));
    printf("  registrar   %s  (TEST CA)\n", rel(cfg, cfg->registrar_ca_pem));
    for (size_t i = 0; i < cfg->nusers; i++) {
        const simcfg_user *u = &cfg->users[i];
        printf("  %s  %s  %s %s  password %s\n", u->id, u->name, u->company,
               u->title ? u->title : "", u->password);
        for (size_t k = 0; k < u->ncreds; k++) {
            const simcfg_credential *c = &u->creds[k];
            char kt[16];
            if (c->key_type == CRPKI_KEY_RSA)
                snprintf(kt, sizeof kt, "RSA-%u", c->key_bits);
            else
                snprintf(kt, sizeof kt, "EC P-%u", c->key_bits);
            printf("    %s  %-9s %s\n", c->id, kt, rel(cfg, c->cert_pem));
        }
    }
    printf("  done in %.1f s\n", secs);
}

int rsspd_cmd_init(int argc, char **argv)
{
    const char *dir_arg = NULL, *module = DEFAULT_MODULE;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--force") == 0) {
            force = 1;
        } else if (strcmp(a, "--dir") == 0 || strcmp(a, "--pkcs11-module") == 0) {
            if (i + 1 >= argc) {
                fail("%s needs a value", a);
                usage(stderr);
                return 2;
            }
            if (a[2] == 'd')
                dir_arg = argv[++i];
            else
                module = argv[++i];
        } else if (strncmp(a, "--dir=", 6) == 0) {
            dir_arg = a + 6;
        } else if (strncmp(a, "--pkcs11-module=", 16) == 0) {
            module = a + 16;
        } else {
            fail("unknown option '%s'", a);
            usage(stderr);
            return 2;
        }
    }
    if (!dir_arg || !*dir_arg || !*module) {
        fail(!dir_arg || !*dir_arg ? "--dir DIR is required" : "--pkcs11-module needs a path");
        usage(stderr);
        return 2;
    }

    double t0 = now_s();
    int ret = 1, started = 0;
    simcfg cfg;
    memset(&cfg, 0, sizeof cfg);
    pki_issuer reg = {0};
    p11_token *tok = NULL;
    char *tokdir = NULL, *tlsdir = NULL, *pkidir = NULL, *conf_text = NULL;
    char err[512];

    if (mkdir_p(dir_arg, 0700) != 0) {
        fail("cannot create %s: %s", dir_arg, strerror(errno));
        return 1;
    }
    cfg.dir = realpath(dir_arg, NULL);
    if (!cfg.dir) {
        fail("%s: %s", dir_arg, strerror(errno));
        return 1;
    }
    if (!force) {
        if (exists(cfg.dir, "sim.json")) {
            fail("%s/sim.json exists: %s is already initialized (use --force to start over)",
                 cfg.dir, cfg.dir);
            goto out;
        }
        for (size_t i = 0; i < sizeof GENERATED_DIRS / sizeof GENERATED_DIRS[0]; i++) {
            if (exists(cfg.dir, GENERATED_DIRS[i])) {
                fail("%s/%s exists without sim.json: an unfinished init? (use --force to start "
                     "over)",
                     cfg.dir, GENERATED_DIRS[i]);
                goto out;
            }
        }
    }
    started = 1;
    if (wipe(cfg.dir) != 0)
        goto out;

    tokdir = join(cfg.dir, "tokens");
    tlsdir = join(cfg.dir, "tls");
    pkidir = join(cfg.dir, "pki");
    cfg.softhsm2_conf = join(cfg.dir, "softhsm2.conf");
    cfg.pkcs11_module = strdup(module);
    cfg.token_label = strdup(TOKEN_LABEL);
    cfg.client_id = strdup(CLIENT_ID);
    cfg.user_pin = malloc(17);
    cfg.so_pin = malloc(17);
    if (!tokdir || !tlsdir || !pkidir || !cfg.softhsm2_conf || !cfg.pkcs11_module ||
        !cfg.token_label || !cfg.client_id || !cfg.user_pin || !cfg.so_pin) {
        fail("out of memory");
        goto out;
    }
    if (random_hex(cfg.user_pin, 16) != 0 || random_hex(cfg.so_pin, 16) != 0) {
        fail("RAND_bytes failed");
        goto out;
    }
    if (mkdir(tokdir, 0700) != 0 || mkdir(tlsdir, 0700) != 0 || mkdir(pkidir, 0755) != 0) {
        fail("cannot create the subdirectories of %s: %s", cfg.dir, strerror(errno));
        goto out;
    }

    /* 1. the token */
    size_t n = strlen(tokdir) + 256;
    conf_text = malloc(n);
    if (!conf_text)
        goto out;
    snprintf(conf_text, n,
             "# SoftHSM2 configuration of the crpki-rsspd test token (written by init)\n"
             "directories.tokendir = %s\n"
             "objectstore.backend = file\n"
             "log.level = ERROR\n"
             "slots.removable = false\n",
             tokdir);
    if (write_text(cfg.softhsm2_conf, conf_text, 0644) != 0)
        goto out;
    if (setenv("SOFTHSM2_CONF", cfg.softhsm2_conf, 1) != 0) {
        fail("setenv: %s", strerror(errno));
        goto out;
    }
    if (p11_init_token(module, TOKEN_LABEL, cfg.so_pin, cfg.user_pin, err, sizeof err) != 0 ||
        p11_open(module, TOKEN_LABEL, cfg.user_pin, &tok, err, sizeof err) != 0) {
        fail("token: %s", err);
        goto out;
    }

    /* 2. TLS and the registrar CA */
    if (make_tls(&cfg, tlsdir) != 0 || make_registrar(&cfg, pkidir, &reg) != 0)
        goto out;

    /* 3. users, keys and certificates */
    cfg.users = calloc(NUSERS, sizeof *cfg.users);
    if (!cfg.users)
        goto out;
    for (size_t i = 0; i < NUSERS; i++) {
        const user_spec *us = &USERS[i];
        simcfg_user *u = &cfg.users[cfg.nusers++];
        u->id = strdup(us->id);
        u->name = strdup(us->name);
        u->company = strdup(us->company);
        u->title = strdup(us->title);
        u->password = random_password(16);
        u->creds = calloc(us->ncreds, sizeof *u->creds);
        if (!u->id || !u->name || !u->company || !u->title || !u->password || !u->creds) {
            fail("out of memory");
            goto out;
        }
        for (size_t k = 0; k < us->ncreds; k++) {
            simcfg_credential *c = &u->creds[u->ncreds++];
            if (make_credential(tok, &reg, us, &us->creds[k], c, pkidir) != 0)
                goto out;
        }
    }

    /* 4. sim.json, last */
    if (simcfg_save(&cfg, err, sizeof err) != 0) {
        fail("%s", err);
        goto out;
    }
    summary(&cfg, now_s() - t0);
    ret = 0;
out:
    if (ret != 0 && started)
        fprintf(stderr, "crpki-rsspd init: %s is incomplete (no sim.json); run init --force\n",
                cfg.dir);
    p11_close(tok);
    pki_issuer_free(&reg);
    free(conf_text);
    free(tokdir);
    free(tlsdir);
    free(pkidir);
    simcfg_free(&cfg);
    return ret;
}
