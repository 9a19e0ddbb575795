/* The client through proxies, with a real CONNECT proxy (tests/support/
 * testproxy.h) tunnelling to the harness's crpki-rsspd and recording every
 * request head it read before the tunnel:
 *   - an explicit proxy that asks for authentication: it is reached over
 *     plain http://, so Basic would put the password on the wire readable;
 *     the client offers it only by Negotiate, NTLM or Digest unless
 *     rssp_options.proxy_allow_basic says so;
 *   - the system setting's proxy auto-configuration: the answer Windows
 *     gives for a PAC script that lists several proxies ("a;b"), tried in
 *     order, a dead first proxy falling through to the second. Wine's
 *     WinHTTP keeps only the first entry of a script's answer, so the list
 *     is given here through rc_transport_fake_system_proxy (the platform's
 *     settings replaced; the network, proxy and service stay real). The
 *     Windows resolver itself is tested under Wine (tests/wine_service). */
#include "client_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rc_client.h"
#include "testproxy.h"

typedef testproxy proxy;
#define OFFER_BASIC            TP_BASIC
#define OFFER_DIGEST_AND_BASIC TP_DIGEST_AND_BASIC

static proxy *proxy_start(tp_offer o)
{
    proxy *p = tp_start(o, NULL);
    assert_non_null(p);
    return p;
}

static void proxy_stop(proxy *p)
{
    assert_int_equal(tp_stop(p), 0);
}

static tp_stats stats(proxy *p)
{
    tp_stats s;
    tp_stats_get(p, &s);
    return s;
}

/* The password in clear or as Basic's base64 anywhere the proxy read. */
static int password_crossed(proxy *p)
{
    unsigned char b64[128];
    EVP_EncodeBlock(b64, (const unsigned char *)TP_USER ":" TP_PASSWORD,
                    (int)strlen(TP_USER ":" TP_PASSWORD));
    char *seen = tp_seen(p);
    assert_non_null(seen);
    int crossed = strstr(seen, TP_PASSWORD) || strstr(seen, (const char *)b64);
    free(seen);
    return crossed;
}

static crpki_err info_through(proxy *p, int allow_basic, crpki_error_info *ei)
{
    rssp_options o;
    ci_options(&o);
    o.proxy_mode = RSSP_PROXY_EXPLICIT;
    o.proxy_host = "127.0.0.1";
    o.proxy_port = (unsigned)tp_port(p);
    o.proxy_user = TP_USER;
    o.proxy_password = TP_PASSWORD;
    o.proxy_allow_basic = allow_basic;
    o.max_retries = 1;
    rssp_client *c = ci_client_ok(&o);
    rssp_service_info i;
    memset(&i, 0, sizeof i);
    memset(ei, 0, sizeof *ei);
    crpki_err rc = rssp_info(c, &i, ei);
    rssp_service_info_free(&i);
    rssp_client_free(c);
    return rc;
}

static void a_basic_only_proxy_never_gets_the_password_by_default(void **state)
{
    (void)state;
    proxy *p = proxy_start(OFFER_BASIC);
    crpki_error_info ei;
    crpki_err rc = info_through(p, 0, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_PROXY, &ei);
    print_message("      basic-only proxy -> %s\n", ci_describe(rc, &ei));
    if (!strstr(ei.detail, "only Basic"))
        fail_msg("the reason does not say the proxy offered only Basic: %s", ei.detail);
    assert_int_equal(stats(p).auth_headers, 0);
    assert_int_equal(stats(p).tunnels, 0);
    assert_false(password_crossed(p));
    proxy_stop(p);
}

static void a_basic_only_proxy_gets_it_when_the_configuration_allows_basic(void **state)
{
    (void)state;
    proxy *p = proxy_start(OFFER_BASIC);
    crpki_error_info ei;
    crpki_err rc = info_through(p, 1, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_true(stats(p).auth_headers >= 1);
    assert_true(stats(p).tunnels >= 1);
    assert_true(password_crossed(p)); /* what allow_basic means: documented */
    proxy_stop(p);
}

static void a_proxy_offering_digest_gets_digest_never_the_password(void **state)
{
    (void)state;
    for (int allow = 0; allow <= 1; allow++) {
        proxy *p = proxy_start(OFFER_DIGEST_AND_BASIC);
        crpki_error_info ei;
        crpki_err rc = info_through(p, allow, &ei);
        CI_EXPECT_RC(rc, CRPKI_OK, &ei);
        assert_true(stats(p).tunnels >= 1);
        if (password_crossed(p))
            fail_msg("allow_basic %d: the password crossed to a proxy offering Digest", allow);
        proxy_stop(p);
    }
}

/* The script runner of the fake system setting: answers the list in ctx. */
typedef struct {
    char list[128];
    int calls;
} script;

static int script_answer(void *ctx, const char *url, const char *pac_url, char **list, char **found,
                         char **why)
{
    *found = NULL;
    script *s = ctx;
    (void)url;
    (void)pac_url;
    s->calls++;
    *why = NULL;
    *list = strdup(s->list);
    return *list ? 0 : -1;
}

/* A port nothing listens on: bound, never listening. */
static int dead_port(int *fd)
{
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_int_equal(bind(*fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(*fd, (struct sockaddr *)&a, &al), 0);
    return ntohs(a.sin_port);
}

static void a_pac_list_is_tried_in_order_past_a_dead_proxy(void **state)
{
    (void)state;
    proxy *p = proxy_start(TP_NONE);
    int dfd;
    int dead = dead_port(&dfd);
    /* the service by a name that is not loopback (loopback never goes
     * through a proxy); the proxy reaches *.crpki.test at 127.0.0.1 */
    char url[128];
    snprintf(url, sizeof url, "https://rssp.crpki.test:%d", h_port());
    rssp_options o;
    ci_options(&o);
    o.service_url = url;
    o.proxy_mode = RSSP_PROXY_SYSTEM;
    o.max_retries = 1;
    rssp_client *c = ci_client_ok(&o);
    plat_proxy_settings set = {0};
    set.pac_url = "http://pac.crpki.test/proxy.pac";
    script sc = {{0}, 0};
    snprintf(sc.list, sizeof sc.list, "127.0.0.1:%d;127.0.0.1:%d", dead, tp_port(p));
    rc_transport_fake_system_proxy(c->tr, &set, script_answer, &sc);

    rssp_route r;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    CI_EXPECT_RC(rssp_client_route(c, &r, &ei), CRPKI_OK, &ei);
    assert_int_equal(r.from, RSSP_ROUTE_PAC);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.script, "http://pac.crpki.test/proxy.pac");
    char want[64];
    snprintf(want, sizeof want, "127.0.0.1:%d", dead);
    assert_string_equal(r.proxy, want);
    rssp_route_free(&r);

    rssp_service_info i;
    memset(&i, 0, sizeof i);
    CI_EXPECT_RC(rssp_info(c, &i, &ei), CRPKI_OK, &ei);
    rssp_service_info_free(&i);
    assert_int_equal(stats(p).tunnels, 1);
    char *seen = tp_seen(p);
    snprintf(want, sizeof want, "CONNECT rssp.crpki.test:%d HTTP/1.1", h_port());
    if (!strstr(seen, want))
        fail_msg("the proxy did not see '%s': %s", want, seen);
    free(seen);
    /* the second proxy stays in use; the script was asked once */
    CI_EXPECT_RC(rssp_client_route(c, &r, &ei), CRPKI_OK, &ei);
    snprintf(want, sizeof want, "127.0.0.1:%d", tp_port(p));
    assert_string_equal(r.proxy, want);
    rssp_route_free(&r);
    CI_EXPECT_RC(rssp_info(c, &i, &ei), CRPKI_OK, &ei);
    rssp_service_info_free(&i);
    assert_int_equal(sc.calls, 1);

    /* every proxy dead: CRPKI_E_PROXY, and the next request asks the script again */
    snprintf(sc.list, sizeof sc.list, "127.0.0.1:%d", dead);
    rc_transport_fake_system_proxy(c->tr, &set, script_answer, &sc);
    CI_EXPECT_RC(rssp_info(c, &i, &ei), CRPKI_E_PROXY, &ei);
    rssp_service_info_free(&i);
    int asked = sc.calls;
    snprintf(sc.list, sizeof sc.list, "PROXY 127.0.0.1:%d; DIRECT", tp_port(p));
    CI_EXPECT_RC(rssp_info(c, &i, &ei), CRPKI_OK, &ei);
    rssp_service_info_free(&i);
    assert_int_equal(sc.calls, asked + 1);
    rssp_client_free(c);
    close(dfd);
    proxy_stop(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_pac_list_is_tried_in_order_past_a_dead_proxy),
        cmocka_unit_test(a_basic_only_proxy_never_gets_the_password_by_default),
        cmocka_unit_test(a_basic_only_proxy_gets_it_when_the_configuration_allows_basic),
        cmocka_unit_test(a_proxy_offering_digest_gets_digest_never_the_password),
    };
    return cmocka_run_group_tests_name("client_proxy", tests, h_group_setup, h_group_teardown);
}
