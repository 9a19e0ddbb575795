/*
 * Link check of the third-party dependencies (crpki_curl, crpki_cjson): on win64
 * this runs under Wine against the static Schannel libcurl and cJSON of
 * scripts/build-win-deps; natively against the system libraries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <cjson/cJSON.h>

static int group_setup(void **state)
{
    (void)state;
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    curl_global_cleanup();
    return 0;
}

static int has_protocol(const curl_version_info_data *info, const char *name)
{
    for (const char *const *p = info->protocols; *p != NULL; p++) {
        if (strcmp(*p, name) == 0)
            return 1;
    }
    return 0;
}

static void curl_version_reports_https(void **state)
{
    (void)state;
    const char *v = curl_version();
    assert_non_null(v);
    assert_non_null(strstr(v, "libcurl/"));

    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    assert_non_null(info);
    assert_true(info->features & CURL_VERSION_SSL);
    assert_true(has_protocol(info, "http"));
    assert_true(has_protocol(info, "https"));
#ifdef _WIN32
    /* The mingw build: Schannel, zlib, HTTP(S) only. */
    assert_non_null(info->ssl_version);
    assert_non_null(strstr(info->ssl_version, "Schannel"));
    assert_true(info->features & CURL_VERSION_LIBZ);
    size_t n = 0;
    for (const char *const *p = info->protocols; *p != NULL; p++)
        n++;
    assert_int_equal(n, 2);
#endif
}

static void curl_easy_handle_works(void **state)
{
    (void)state;
    CURL *h = curl_easy_init();
    assert_non_null(h);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, "https://localhost:1/"), CURLE_OK);
    assert_int_equal(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L), CURLE_OK);
#ifdef _WIN32
    /* ftp is compiled out: refused before any network I/O. */
    assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, "ftp://localhost/x"), CURLE_OK);
    assert_int_equal(curl_easy_perform(h), CURLE_UNSUPPORTED_PROTOCOL);
#endif
    curl_easy_cleanup(h);
}

static void cjson_parses_and_prints(void **state)
{
    (void)state;
    cJSON *root = cJSON_Parse("{\"hashes\":[\"YWJj\"],\"numSignatures\":1,\"x\":true}");
    assert_non_null(root);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(root, "numSignatures");
    assert_true(cJSON_IsNumber(n));
    assert_int_equal(n->valueint, 1);
    const cJSON *hashes = cJSON_GetObjectItemCaseSensitive(root, "hashes");
    assert_true(cJSON_IsArray(hashes));
    assert_int_equal(cJSON_GetArraySize(hashes), 1);
    assert_string_equal(cJSON_GetArrayItem(hashes, 0)->valuestring, "YWJj");

    char *out = cJSON_PrintUnformatted(root);
    assert_non_null(out);
    assert_string_equal(out, "{\"hashes\":[\"YWJj\"],\"numSignatures\":1,\"x\":true}");
    cJSON_free(out);
    cJSON_Delete(root);

    assert_null(cJSON_Parse("{\"unterminated\":"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(curl_version_reports_https),
        cmocka_unit_test(curl_easy_handle_works),
        cmocka_unit_test(cjson_parses_and_prints),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
