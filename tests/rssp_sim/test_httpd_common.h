/* What the HTTPS transport tests share (test_httpd_*.c): a test PKI made
 * here, a server with the fake service behind it, a libcurl client that
 * trusts the test CA, and the captured access log. */
#ifndef RSSP_SIM_TEST_HTTPD_COMMON_H
#define RSSP_SIM_TEST_HTTPD_COMMON_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "httpd.h"
#include "serve.h"
#include "service.h"
#include "test_serve_fake_service.h"
#include "base/util/base64.h"

typedef struct {
    rsspd_httpd *h;
    rsspd_service *svc;
    unsigned port;
} server;

typedef struct {
    CURLcode rc;
    long status;
    char *body;
    size_t len;
    char hdrs[8192];
    size_t hlen;
    long connects;
    long ms;
} resp;

extern char *ca_pem, *other_ca_pem, *server_cert_pem, *server_key_pem;
extern pthread_mutex_t log_mu;
extern char log_buf[64 * 1024];

char *bio_text(BIO *b);
void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value);
X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key);
char *cert_text(X509 *x);
void make_pki(void);
void capture_log(void *arg, const char *line);
int log_contains(const char *s);
int server_try_start(server *s, const rsspd_faults *faults, const char *listen);
void server_start(server *s, const rsspd_faults *faults);
void server_stop(server *s);
size_t on_body(char *p, size_t sz, size_t n, void *arg);
size_t on_header(char *p, size_t sz, size_t n, void *arg);
void resp_free(resp *r);
const char *header(const resp *r, const char *name, char *out, size_t outsz);
CURL *client_with_ca(const char *ca);
CURL *client(void);
long now_ms(void);
void request(CURL *c, const server *s, const char *method, const char *path, const void *body,
             size_t len, struct curl_slist *hdrs, resp *r);
void get(const server *s, const char *path, resp *r);
cJSON *json_of(const resp *r);
const char *jstr(const cJSON *j, const char *k);
void assert_error(const resp *r, long status, const char *error);

/* curl_global_init and the test PKI, the tests, then their cleanup. */
int httpd_test_run(const struct CMUnitTest *tests, size_t n);
#define HTTPD_TEST_MAIN(tests)                                                                     \
    int main(void)                                                                                 \
    {                                                                                              \
        return httpd_test_run(tests, sizeof tests / sizeof tests[0]);                              \
    }

#endif
