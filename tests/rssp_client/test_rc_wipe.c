/* Secrets do not linger in freed memory: every block cJSON frees while the
 * client parses a token or SAD response, or builds and prints a request
 * that carries one, must no longer hold the secret. cJSON's allocator is
 * replaced (before any cJSON allocation) by one that inspects each block as
 * it is freed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "rc_json.h"
#include "rc_parse.h"
#include "rc_util.h"

#define ACCESS  "AT-secret-access-7f3a9c"
#define REFRESH "RT-secret-refresh-51be02"
#define SAD     "SAD-secret-activation-d81f"

typedef struct {
    size_t size;
    size_t pad; /* keeps the block aligned */
} hdr;

static size_t g_freed, g_leaked;
static char g_leak[64];

static int holds(const unsigned char *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, s, k) == 0)
            return 1;
    return 0;
}

static void *track_malloc(size_t n)
{
    hdr *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    return h + 1;
}

static void track_free(void *p)
{
    if (!p)
        return;
    hdr *h = (hdr *)p - 1;
    const unsigned char *b = p;
    static const char *const SECRETS[] = {ACCESS, REFRESH, SAD};
    for (size_t i = 0; i < sizeof SECRETS / sizeof SECRETS[0]; i++)
        if (holds(b, h->size, SECRETS[i])) {
            g_leaked++;
            strncpy(g_leak, SECRETS[i], sizeof g_leak - 1);
        }
    g_freed++;
    free(h);
}

static int reset(void **state)
{
    (void)state;
    g_freed = g_leaked = 0;
    g_leak[0] = '\0';
    return 0;
}

static void expect_nothing_left(void)
{
    assert_true(g_freed > 0); /* the hooks saw the frees */
    if (g_leaked)
        fail_msg("%zu freed block(s) still held %s", g_leaked, g_leak);
}

static void token_response_leaves_no_token_behind(void **state)
{
    (void)state;
    static const char BODY[] = "{\"access_token\":\"" ACCESS "\",\"token_type\":\"bearer\","
                               "\"expires_in\":300,\"refresh_token\":\"" REFRESH "\"}";
    rssp_tokens t;
    char err[128];
    assert_int_equal(rc_parse_tokens(BODY, sizeof BODY - 1, 1000, &t, err, sizeof err), 0);
    assert_string_equal(t.access_token, ACCESS);
    rssp_tokens_free(&t);
    expect_nothing_left();
}

static void approved_check_leaves_no_sad_behind(void **state)
{
    (void)state;
    static const char BODY[] = "{\"status\":\"approved\",\"SAD\":\"" SAD "\",\"expiresIn\":60}";
    rc_check c;
    char err[128];
    assert_int_equal(rc_parse_check(200, BODY, sizeof BODY - 1, &c, err, sizeof err), 0);
    assert_string_equal(c.sad, SAD);
    rc_check_free(&c);
    expect_nothing_left();
}

static void request_with_a_sad_leaves_nothing_when_printed_and_freed(void **state)
{
    (void)state;
    cJSON *b = cJSON_CreateObject();
    assert_non_null(b);
    assert_non_null(cJSON_AddStringToObject(b, "credentialID", "cred-1"));
    assert_non_null(cJSON_AddStringToObject(b, "SAD", SAD));
    /* enough members that printing outgrows any first buffer */
    cJSON *hashes = cJSON_AddArrayToObject(b, "hashes");
    for (int i = 0; i < 200; i++)
        cJSON_AddItemToArray(hashes,
                             cJSON_CreateString("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    char *text = rc_json_print(b);
    assert_non_null(text);
    assert_non_null(strstr(text, SAD));
    rc_json_free(b);
    plat_wipe(text, strlen(text));
    free(text);
    expect_nothing_left();
}

int main(void)
{
    cJSON_Hooks hooks = {track_malloc, track_free};
    cJSON_InitHooks(&hooks); /* before the first cJSON allocation */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(token_response_leaves_no_token_behind, reset),
        cmocka_unit_test_setup(approved_check_leaves_no_sad_behind, reset),
        cmocka_unit_test_setup(request_with_a_sad_leaves_nothing_when_printed_and_freed, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
