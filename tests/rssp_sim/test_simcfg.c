/* simcfg: sim.json round trip, and strict loading whose errors name the key. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "simcfg.h"
#include "test_util.h"

/* The documented shape (docs/protocol.md), with test values. */
static const char VALID[] =
    "{\"version\": 1,\n"
    " \"pkcs11\": {\"module\": \"/usr/lib/softhsm/libsofthsm2.so\","
    "  \"softhsm2_conf\": \"softhsm2.conf\", \"token_label\": \"crpki-rsspd\","
    "  \"user_pin\": \"0123456789abcdef\", \"so_pin\": \"fedcba9876543210\"},\n"
    " \"tls\": {\"ca\": \"tls/ca.pem\", \"cert\": \"tls/server.pem\", \"key\": "
    "\"tls/server.key\"},\n"
    " \"registrar_ca\": \"pki/registrar-ca.pem\",\n"
    " \"registrar_ca_key\": \"pki/registrar-ca.key\",\n"
    " \"client_id\": \"crpki-driver\",\n"
    " \"users\": [\n"
    "  {\"id\": \"user1\", \"password\": \"pw1-abcdefgh\", \"name\": \"山田 太郎\","
    "   \"company\": \"株式会社テスト商事\", \"title\": \"代表取締役\", \"credentials\": [\n"
    "    {\"id\": \"cred-a\", \"key_type\": \"RSA\", \"key_bits\": 2048, \"cert\": "
    "\"pki/cred-a.pem\"},\n"
    "    {\"id\": \"cred-b\", \"key_type\": \"RSA\", \"key_bits\": 3072, \"cert\": "
    "\"pki/cred-b.pem\"},\n"
    "    {\"id\": \"cred-c\", \"key_type\": \"EC\", \"key_bits\": 256,"
    "     \"curve\": \"1.2.840.10045.3.1.7\", \"cert\": \"pki/cred-c.pem\"}]},\n"
    "  {\"id\": \"user2\", \"password\": \"pw2-abcdefgh\", \"name\": \"佐藤 花子\","
    "   \"company\": \"合同会社サンプル\","
    "   \"credentials\": [{\"id\": \"cred-d\", \"key_type\": \"RSA\", \"key_bits\": 2048,"
    "    \"cert\": \"/elsewhere/cred-d.pem\"}]}]}\n";

static int setup(void **state)
{
    char *dir = tu_mkdtemp("test_simcfg");
    if (!dir)
        return -1;
    *state = dir;
    return 0;
}

static int teardown(void **state)
{
    tu_rm_rf(*state);
    free(*state);
    return 0;
}

/* Loads `text` as DIR/sim.json; returns simcfg_load's result. */
static int load_text(const char *dir, const char *text, simcfg *cfg, char *err, size_t errsz)
{
    assert_int_equal(tu_write(dir, "sim.json", text), 0);
    return simcfg_load(dir, cfg, err, errsz);
}

/* VALID with one edit applied through cJSON, then loaded; expects failure
 * with an error message equal to `want`. */
typedef void (*edit_fn)(cJSON *root);

static void expect_error(const char *dir, edit_fn edit, const char *want)
{
    cJSON *root = cJSON_Parse(VALID);
    assert_non_null(root);
    edit(root);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    simcfg cfg;
    char err[256] = "";
    int r = load_text(dir, text, &cfg, err, sizeof err);
    cJSON_free(text);
    assert_int_equal(r, -1);
    assert_string_equal(err, want);
}

static cJSON *user(cJSON *root, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(root, "users"), i);
}

static cJSON *cred(cJSON *root, int u, int c)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(user(root, u), "credentials"), c);
}

static void test_load_of_documented_format_gives_absolute_paths(void **state)
{
    const char *dir = *state;
    simcfg cfg;
    char err[256] = "";
    assert_int_equal(load_text(dir, VALID, &cfg, err, sizeof err), 0);
    char *real = realpath(dir, NULL);
    char want[4096];
    assert_string_equal(cfg.dir, real);
    assert_string_equal(cfg.pkcs11_module, "/usr/lib/softhsm/libsofthsm2.so");
    snprintf(want, sizeof want, "%s/softhsm2.conf", real);
    assert_string_equal(cfg.softhsm2_conf, want);
    snprintf(want, sizeof want, "%s/tls/server.key", real);
    assert_string_equal(cfg.tls_key_pem, want);
    snprintf(want, sizeof want, "%s/pki/registrar-ca.pem", real);
    assert_string_equal(cfg.registrar_ca_pem, want);
    assert_string_equal(cfg.so_pin, "fedcba9876543210");
    assert_string_equal(cfg.client_id, "crpki-driver");
    assert_int_equal(cfg.nusers, 2);
    assert_int_equal(cfg.users[0].ncreds, 3);
    assert_string_equal(cfg.users[0].name, "山田 太郎");
    assert_string_equal(cfg.users[0].title, "代表取締役");
    assert_null(cfg.users[1].title); /* optional */
    assert_int_equal(cfg.users[0].creds[2].key_type, CRPKI_KEY_EC);
    assert_int_equal(cfg.users[0].creds[2].key_bits, 256);
    assert_string_equal(cfg.users[0].creds[2].curve_oid, "1.2.840.10045.3.1.7");
    assert_null(cfg.users[0].creds[0].curve_oid);
    assert_int_equal(cfg.users[0].creds[1].key_bits, 3072);
    snprintf(want, sizeof want, "%s/pki/cred-b.pem", real);
    assert_string_equal(cfg.users[0].creds[1].cert_pem, want);
    /* an absolute path stays as it is */
    assert_string_equal(cfg.users[1].creds[0].cert_pem, "/elsewhere/cred-d.pem");
    free(real);
    simcfg_free(&cfg);
}

static void test_find_user_and_credential_return_owner_or_null(void **state)
{
    const char *dir = *state;
    simcfg cfg;
    char err[256] = "";
    assert_int_equal(load_text(dir, VALID, &cfg, err, sizeof err), 0);
    const simcfg_user *owner = NULL;
    const simcfg_credential *c = simcfg_find_credential(&cfg, "cred-d", &owner);
    assert_non_null(c);
    assert_ptr_equal(owner, &cfg.users[1]);
    assert_ptr_equal(simcfg_find_user(&cfg, "user2"), &cfg.users[1]);
    assert_null(simcfg_find_user(&cfg, "user3"));
    assert_null(simcfg_find_credential(&cfg, "cred-zzz", &owner));
    assert_null(owner);
    simcfg_free(&cfg);
}

static void test_save_then_load_round_trips_and_stores_relative_paths(void **state)
{
    const char *dir = *state;
    simcfg a, b;
    char err[256] = "";
    assert_int_equal(load_text(dir, VALID, &a, err, sizeof err), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/sim.json", dir);
    assert_int_equal(remove(path), 0);
    assert_int_equal(simcfg_save(&a, err, sizeof err), 0);
    assert_int_equal(simcfg_load(dir, &b, err, sizeof err), 0);

    assert_string_equal(a.dir, b.dir);
    assert_string_equal(a.pkcs11_module, b.pkcs11_module);
    assert_string_equal(a.softhsm2_conf, b.softhsm2_conf);
    assert_string_equal(a.token_label, b.token_label);
    assert_string_equal(a.user_pin, b.user_pin);
    assert_string_equal(a.so_pin, b.so_pin);
    assert_string_equal(a.tls_ca_pem, b.tls_ca_pem);
    assert_string_equal(a.tls_cert_pem, b.tls_cert_pem);
    assert_string_equal(a.tls_key_pem, b.tls_key_pem);
    assert_string_equal(a.registrar_ca_pem, b.registrar_ca_pem);
    assert_string_equal(a.registrar_ca_key, b.registrar_ca_key);
    assert_string_equal(a.client_id, b.client_id);
    assert_int_equal(a.nusers, b.nusers);
    for (size_t i = 0; i < a.nusers; i++) {
        simcfg_user *ua = &a.users[i], *ub = &b.users[i];
        assert_string_equal(ua->id, ub->id);
        assert_string_equal(ua->password, ub->password);
        assert_string_equal(ua->name, ub->name);
        assert_string_equal(ua->company, ub->company);
        if (ua->title)
            assert_string_equal(ua->title, ub->title);
        else
            assert_null(ub->title);
        assert_int_equal(ua->ncreds, ub->ncreds);
        for (size_t k = 0; k < ua->ncreds; k++) {
            assert_string_equal(ua->creds[k].id, ub->creds[k].id);
            assert_int_equal(ua->creds[k].key_type, ub->creds[k].key_type);
            assert_int_equal(ua->creds[k].key_bits, ub->creds[k].key_bits);
            assert_string_equal(ua->creds[k].cert_pem, ub->creds[k].cert_pem);
            if (ua->creds[k].curve_oid)
                assert_string_equal(ua->creds[k].curve_oid, ub->creds[k].curve_oid);
            else
                assert_null(ub->creds[k].curve_oid);
        }
    }

    /* the file: relative paths, 0600 (PINs, passwords), no temporary left */
    snprintf(path, sizeof path, "%s/sim.json", b.dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_non_null(strstr(text, "\"pki/cred-b.pem\""));
    assert_non_null(strstr(text, "\"tls/ca.pem\""));
    assert_null(strstr(text, b.dir));
    snprintf(path, sizeof path, "%s/sim.json.tmp", b.dir);
    assert_int_not_equal(stat(path, &st), 0);
    simcfg_free(&a);
    simcfg_free(&b);
}

static void test_save_without_absolute_dir_fails(void **state)
{
    (void)state;
    simcfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.dir = "relative/dir";
    char err[256] = "";
    assert_int_equal(simcfg_save(&cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "absolute"));
}

static void del_user1_password(cJSON *root)
{
    cJSON_DeleteItemFromObject(user(root, 1), "password");
}

static void test_load_with_missing_password_fails_naming_it(void **state)
{
    expect_error(*state, del_user1_password, "sim.json: users[1].password: missing");
}

static void key_bits_as_string(cJSON *root)
{
    cJSON_ReplaceItemInObject(cred(root, 1, 0), "key_bits", cJSON_CreateString("2048"));
}

static void test_load_with_key_bits_string_fails_naming_it(void **state)
{
    expect_error(*state, key_bits_as_string,
                 "sim.json: users[1].credentials[0].key_bits: expected a number");
}

static void bad_key_type(cJSON *root)
{
    cJSON_ReplaceItemInObject(cred(root, 0, 1), "key_type", cJSON_CreateString("DSA"));
}

static void test_load_with_unknown_key_type_fails_naming_it(void **state)
{
    expect_error(*state, bad_key_type,
                 "sim.json: users[0].credentials[1].key_type: expected \"RSA\" or \"EC\"");
}

static void ec_without_curve(cJSON *root)
{
    cJSON_DeleteItemFromObject(cred(root, 0, 2), "curve");
}

static void test_load_of_ec_credential_without_curve_fails(void **state)
{
    expect_error(*state, ec_without_curve, "sim.json: users[0].credentials[2].curve: missing");
}

static void pin_as_number(cJSON *root)
{
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(root, "pkcs11"), "user_pin",
                              cJSON_CreateNumber(1234));
}

static void test_load_with_numeric_pin_fails_naming_it(void **state)
{
    expect_error(*state, pin_as_number, "sim.json: pkcs11.user_pin: expected a string");
}

static void tls_missing(cJSON *root)
{
    cJSON_DeleteItemFromObject(root, "tls");
}

static void test_load_without_tls_section_fails(void **state)
{
    expect_error(*state, tls_missing, "sim.json: tls: missing");
}

static void users_not_array(cJSON *root)
{
    cJSON_ReplaceItemInObject(root, "users", cJSON_CreateObject());
}

static void test_load_with_users_not_an_array_fails(void **state)
{
    expect_error(*state, users_not_array, "sim.json: users: expected an array");
}

static void negative_bits(cJSON *root)
{
    cJSON_ReplaceItemInObject(cred(root, 0, 0), "key_bits", cJSON_CreateNumber(-5));
}

static void test_load_with_negative_key_bits_fails(void **state)
{
    expect_error(*state, negative_bits,
                 "sim.json: users[0].credentials[0].key_bits: expected a positive integer");
}

static void dup_cred(cJSON *root)
{
    cJSON_ReplaceItemInObject(cred(root, 1, 0), "id", cJSON_CreateString("cred-b"));
}

static void test_load_with_duplicate_credential_id_fails(void **state)
{
    expect_error(*state, dup_cred,
                 "sim.json: users[1].credentials[0].id: duplicate credential ID 'cred-b'");
}

static void wrong_version(cJSON *root)
{
    cJSON_ReplaceItemInObject(root, "version", cJSON_CreateNumber(2));
}

static void test_load_of_other_version_fails(void **state)
{
    expect_error(*state, wrong_version, "sim.json: version: unsupported version (expected 1)");
}

static void test_load_of_invalid_json_or_missing_file_fails(void **state)
{
    const char *dir = *state;
    simcfg cfg;
    char err[256] = "";
    assert_int_equal(simcfg_load(dir, &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "sim.json"));
    assert_int_equal(load_text(dir, "{\"version\": 1,", &cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "not valid JSON"));
    assert_int_equal(load_text(dir, "[]", &cfg, err, sizeof err), -1);
    assert_string_equal(err, "sim.json: expected a JSON object");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_of_documented_format_gives_absolute_paths, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_find_user_and_credential_return_owner_or_null, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_save_then_load_round_trips_and_stores_relative_paths,
                                        setup, teardown),
        cmocka_unit_test(test_save_without_absolute_dir_fails),
        cmocka_unit_test_setup_teardown(test_load_with_missing_password_fails_naming_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_with_key_bits_string_fails_naming_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_with_unknown_key_type_fails_naming_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_of_ec_credential_without_curve_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_with_numeric_pin_fails_naming_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_without_tls_section_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_with_users_not_an_array_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_with_negative_key_bits_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_with_duplicate_credential_id_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_load_of_other_version_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_of_invalid_json_or_missing_file_fails, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
