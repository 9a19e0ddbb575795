/* The HTTPS transport tests' shared part (test_httpd_common.h). */
#define _POSIX_C_SOURCE 200809L

#include "test_httpd_common.h"

/* ---- test PKI ----------------------------------------------------------- */

char *ca_pem, *other_ca_pem, *server_cert_pem, *server_key_pem;

char *bio_text(BIO *b)
{
    char *p;
    long n = BIO_get_mem_data(b, &p);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    memcpy(s, p, (size_t)n);
    s[n] = '\0';
    BIO_free(b);
    return s;
}

void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key)
{
    static long serial = 1;
    X509 *x = X509_new();
    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    add_ext(x, &ctx, NID_subject_key_identifier, "hash");
    if (!issuer) {
        add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(x, &ctx, NID_authority_key_identifier, "keyid");
        add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature");
        add_ext(x, &ctx, NID_ext_key_usage, "serverAuth");
        add_ext(x, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    }
    assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

char *cert_text(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    return bio_text(b);
}

void make_pki(void)
{
    EVP_PKEY *ca_key = EVP_EC_gen("P-256");
    EVP_PKEY *other_key = EVP_EC_gen("P-256");
    EVP_PKEY *srv_key = EVP_EC_gen("P-256");
    assert_non_null(ca_key);
    assert_non_null(other_key);
    assert_non_null(srv_key);
    X509 *ca = make_cert(ca_key, "crpki test TLS CA", NULL, NULL);
    X509 *other = make_cert(other_key, "crpki test TLS CA", NULL, NULL); /* same name, other key */
    X509 *srv = make_cert(srv_key, "localhost", ca, ca_key);
    ca_pem = cert_text(ca);
    other_ca_pem = cert_text(other);
    server_cert_pem = cert_text(srv);
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, srv_key, NULL, NULL, 0, NULL, NULL);
    server_key_pem = bio_text(b);
    X509_free(ca);
    X509_free(other);
    X509_free(srv);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_key);
    EVP_PKEY_free(srv_key);
}

/* ---- server ------------------------------------------------------------- */

pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
char log_buf[64 * 1024];

void capture_log(void *arg, const char *line)
{
    pthread_mutex_lock(&log_mu);
    size_t n = strlen(log_buf);
    snprintf(log_buf + n, sizeof log_buf - n, "%s\n", line);
    pthread_mutex_unlock(&log_mu);
}

int log_contains(const char *s)
{
    pthread_mutex_lock(&log_mu);
    int found = strstr(log_buf, s) != NULL;
    pthread_mutex_unlock(&log_mu);
    return found;
}

int server_try_start(server *s, const rsspd_faults *faults, const char *listen)
{
    rsspd_httpd_config cfg = {
        .listen = listen,
        .tls_cert_pem = server_cert_pem,
        .tls_key_pem = server_key_pem,
        .log = capture_log,
    };
    if (faults)
        cfg.faults = *faults;
    char err[256];
    memset(s, 0, sizeof *s);
    if (rsspd_httpd_create(&cfg, &s->h, err, sizeof err) != 0)
        return -1;
    s->port = rsspd_httpd_port(s->h);
    rsspd_options opt;
    rsspd_options_default(&opt);
    assert_int_equal(rsspd_service_open("/nonexistent", &opt, &s->svc, err, sizeof err), 0);
    if (rsspd_httpd_start(s->h, s->svc, err, sizeof err) != 0) {
        print_error("start: %s\n", err);
        fail();
    }
    fake_service_reset();
    pthread_mutex_lock(&log_mu);
    log_buf[0] = '\0';
    pthread_mutex_unlock(&log_mu);
    return 0;
}

void server_start(server *s, const rsspd_faults *faults)
{
    assert_int_equal(server_try_start(s, faults, NULL), 0);
    assert_true(s->port > 0);
}

void server_stop(server *s)
{
    rsspd_service_shutdown(s->svc);
    rsspd_httpd_stop(s->h);
    rsspd_service_close(s->svc);
    memset(s, 0, sizeof *s);
}

/* ---- client ------------------------------------------------------------- */

size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
    resp *r = arg;
    size_t k = sz * n;
    char *b = realloc(r->body, r->len + k + 1);
    if (!b)
        return 0;
    memcpy(b + r->len, p, k);
    r->body = b;
    r->len += k;
    r->body[r->len] = '\0';
    return k;
}

size_t on_header(char *p, size_t sz, size_t n, void *arg)
{
    resp *r = arg;
    size_t k = sz * n;
    if (r->hlen + k < sizeof r->hdrs) {
        memcpy(r->hdrs + r->hlen, p, k);
        r->hlen += k;
        r->hdrs[r->hlen] = '\0';
    }
    return k;
}

void resp_free(resp *r)
{
    free(r->body);
    memset(r, 0, sizeof *r);
}

/* Value of a response header (case-insensitive name), or NULL. */
const char *header(const resp *r, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name);
    for (const char *p = r->hdrs; p && *p;) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = strcspn(v, "\r\n");
            if (vl >= outsz)
                vl = outsz - 1;
            memcpy(out, v, vl);
            out[vl] = '\0';
            return out;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

CURL *client_with_ca(const char *ca)
{
    CURL *c = curl_easy_init();
    assert_non_null(c);
    if (ca) {
        struct curl_blob blob = {.data = (void *)ca, .len = strlen(ca), .flags = CURL_BLOB_COPY};
        curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    }
    curl_easy_setopt(c, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V4);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 40L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    return c;
}

CURL *client(void)
{
    return client_with_ca(ca_pem);
}

long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* One request: body NULL = GET (unless method says otherwise). */
void request(CURL *c, const server *s, const char *method, const char *path, const void *body,
             size_t len, struct curl_slist *hdrs, resp *r)
{
    memset(r, 0, sizeof *r);
    char url[512];
    snprintf(url, sizeof url, "https://localhost:%u%s", s->port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    long t0 = now_ms();
    r->rc = curl_easy_perform(c);
    r->ms = now_ms() - t0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &r->connects);
}

void get(const server *s, const char *path, resp *r)
{
    CURL *c = client();
    request(c, s, NULL, path, NULL, 0, NULL, r);
    curl_easy_cleanup(c);
}

cJSON *json_of(const resp *r)
{
    assert_non_null(r->body);
    cJSON *j = cJSON_Parse(r->body);
    assert_non_null(j);
    return j;
}

const char *jstr(const cJSON *j, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void assert_error(const resp *r, long status, const char *error)
{
    assert_int_equal(r->rc, CURLE_OK);
    assert_int_equal(r->status, status);
    cJSON *j = json_of(r);
    assert_string_equal(jstr(j, "error"), error);
    assert_non_null(jstr(j, "error_description"));
    cJSON_Delete(j);
}

int httpd_test_run(const struct CMUnitTest *tests, size_t n)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    make_pki();
    int rc = _cmocka_run_group_tests("httpd", tests, n, NULL, NULL);
    free(ca_pem);
    free(other_ca_pem);
    free(server_cert_pem);
    free(server_key_pem);
    curl_global_cleanup();
    return rc;
}
