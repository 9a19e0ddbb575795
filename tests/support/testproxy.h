/* testproxy: a small HTTP proxy for tests (POSIX threads and sockets), the
 * kind a company network puts between a PC and the Internet:
 *   - CONNECT host:port opens a tunnel once the authentication the offer
 *     asks for is passed. A host under ".crpki.test" is reached at
 *     127.0.0.1 (crpki-rsspd's certificate also names rssp.crpki.test), so a
 *     test can name the service by a host that is not loopback: loopback
 *     hosts never go through a proxy;
 *   - GET /NAME answers the file NAME of the proxy's directory (a PAC
 *     script, wpad.dat), so one port serves the script and the proxy;
 *   - every request head is recorded (tp_seen; with a directory also
 *     appended to DIR/seen.log), tunnels and Proxy-Authorization headers are
 *     counted.
 * The offers: TP_NONE, no authentication; TP_BASIC and TP_DIGEST_AND_BASIC
 * with TP_USER / TP_PASSWORD (Digest checked per RFC 7616, MD5, qop=auth);
 * TP_SIGN_ON offers Negotiate, NTLM and Basic, as a proxy joined to a
 * Windows domain does, and completes an NTLM handshake (in either scheme)
 * for any type-3 message that names a user and carries an NT response,
 * recording the user, the domain and the scheme: which account the client
 * signed on with is what a test of the Windows sign-on wants to know. */
/* The constants below are also for Windows test programs; the functions
 * are POSIX only. */
#ifndef CRPKI_TESTS_SUPPORT_TESTPROXY_H
#define CRPKI_TESTS_SUPPORT_TESTPROXY_H

#define TP_USER     "tanaka"
#define TP_PASSWORD "Passw0rd-of-the-domain"
#define TP_REALM    "corp"
/* the same for Windows programs (the Credential Manager entry of a test) */
#define TP_USER_W     L"tanaka"
#define TP_PASSWORD_W L"Passw0rd-of-the-domain"

typedef enum { TP_NONE, TP_BASIC, TP_DIGEST_AND_BASIC, TP_SIGN_ON } tp_offer;

typedef struct testproxy testproxy;

/* Listens on 127.0.0.1:port (0: an ephemeral port). dir (may be NULL) is
 * where GET finds its files and seen.log is written. NULL on failure. */
testproxy *tp_start_on(tp_offer offer, const char *dir, int port);
testproxy *tp_start(tp_offer offer, const char *dir); /* port 0 */
int tp_port(const testproxy *p);
void tp_set_offer(testproxy *p, tp_offer offer);

typedef struct {
    int tunnels;               /* CONNECTs let through */
    int auth_headers;          /* Proxy-Authorization headers received */
    int gets;                  /* files served */
    int active;                /* connections being served */
    char scheme[16];           /* the last authentication scheme used: "NTLM", "Negotiate", ... */
    char user[64], domain[64]; /* of the last NTLM type-3 message */
} tp_stats;
void tp_stats_get(testproxy *p, tp_stats *s);

/* Every request head read so far, concatenated (malloc'ed). */
char *tp_seen(testproxy *p);

/* Stops listening and waits (up to 10 s) for the open connections to end.
 * 0, or -1 when some stayed open. Frees p. */
int tp_stop(testproxy *p);

/* "none" | "basic" | "digest" | "sign-on" -> offer; -1 when unknown. */
int tp_offer_parse(const char *s);

#endif
