/* svctest: helpers for the test programs that crpki_service_test() runs
 * (cmake/WineService.cmake, tests/wine_service/run-service-test.sh), the same
 * on linux and under Wine. The driver has started crpki-rsspd with
 * --phone, logged the user in into a fresh CRPKI_HOME and put the user's
 * credentials into its keys.json; these read what it passes in the
 * environment (Windows paths Z:\... under Wine):
 *   CRPKI_HOME              the home: config.json, keys.json, tokens
 *   CRPKI_TEST_PHONE        the phone file (the simulated gBizID app)
 *   CRPKI_TEST_SIMDIR       the service dir: sim.json, tls/ca.pem, pki/registrar-ca.pem
 *   CRPKI_TEST_SERVICE_URL  https://localhost:PORT
 *   CRPKI_TEST_OUT          an empty directory for artifacts the driver
 *                           verifies with OpenSSL after the program exits 0
 * Failures that make a test meaningless (a variable missing, a file that
 * cannot be written) abort with a message: a test program never passes by
 * accident. All strings UTF-8. */
#ifndef CRPKI_TESTS_SVCTEST_H
#define CRPKI_TESTS_SVCTEST_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* The variable's value (static storage until the next call with the same
 * name is not guaranteed: copy it if needed; the returned pointer stays
 * valid for the process). Missing or empty: message on stderr, abort(). */
const char *svctest_env(const char *name);

/* Writes the phone file atomically: "approve MS", "deny MS", "ignore", or
 * NULL / "" (do nothing: the request waits). Applies to every authorize
 * from now on. Aborts when it cannot write. */
void svctest_phone(const char *line);

/* The number of authorize requests the service saw (lines of PHONE.log). */
int svctest_phone_log_count(void);
/* The description of the last authorize into desc (NUL-terminated,
 * truncated to n). 0, or -1 when there was none. */
int svctest_phone_log_last(char *desc, size_t n);
/* The whole last line "<code> <credentialID> <numSignatures> <action>
 * <description>". 0, or -1 when there was none. */
int svctest_phone_log_last_line(char *line, size_t n);

/* What the representative does in the gBizID app: `crpki-rsspd approve|deny
 * --code CODE` (verb "approve" or "deny"), run by the driver on this
 * program's behalf (CRPKI_TEST_OPERATOR). The command's exit status (0 done,
 * 3 no pending approval has the code), or -1 when no answer came within
 * timeout_ms. */
int svctest_rsspd_decide(const char *verb, const char *code, unsigned timeout_ms);

/* Starts the service again on its port (after STOP_SERVICE), through the
 * driver's operator: 0 once it listens, else non-zero or -1 (no answer in
 * timeout_ms). */
int svctest_service_start(unsigned timeout_ms);

/* Writes CRPKI_TEST_OUT/<name>.<ext> (ext without the dot). Aborts when it
 * cannot. */
void svctest_write_artifact(const char *name, const char *ext, const void *data, size_t len);

/* One signature for the driver to verify with `openssl pkeyutl -verify`:
 * writes name.sig (RSA big-endian; ECDSA DER), name.digest, name.cert.pem
 * (from the DER certificate) and name.pkeyopt (pkeyopts: lines such as
 * "digest:sha256\nrsa_padding_mode:pss\nrsa_pss_saltlen:32\n"; NULL: none). */
void svctest_write_sig(const char *name, const uint8_t *cert_der, size_t cert_len,
                       const uint8_t *digest, size_t digest_len, const uint8_t *sig, size_t sig_len,
                       const char *pkeyopts);
/* Tells the driver how many signatures + CMS files this program produced:
 * it fails when it verified fewer (a lost artifact is a failure). */
void svctest_expect_artifacts(unsigned n);

/* Reads a whole file (UTF-8 path). 0 with *data malloc'ed (NUL after the
 * content), or -1 (absent or unreadable) with a message on stderr. */
int svctest_read_file(const char *path, uint8_t **data, size_t *len);

/* dir + separator + name, malloc'ed (aborts when out of memory). */
char *svctest_path(const char *dir, const char *name);

/* A check that reports and counts instead of stopping: prints
 * "FAIL file:line: cond: message" on stderr and adds one to counter. Test
 * programs define CHECK(cond, ...) over it with their own counter. */
#define SVCTEST_CHECK(counter, cond, ...)                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            (counter)++;                                                                           \
        }                                                                                          \
    } while (0)

/* Milliseconds of a monotonic clock. */
uint64_t svctest_now_ms(void);

#endif
