/* test_catalog: keys.json (src/catalog) — round trip, strict loading that
 * names the bad member, default resolution, put/remove, copies. The
 * certificates are those of the crypto vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog/catalog.h"
#include "cred_entry.h"
#include "base/platform/plat_fs.h"
#include "testutil.h"
#include "base/util/base64.h"
#include "vectors.h"

int tu_child_main(const char *role, const char *arg)
{
    (void)role;
    (void)arg;
    return 100; /* no children here */
}

/* A credential as rssp_get_credential returns it, over the vectors' certs.
 * Only borrowed pointers: nothing to free. */
typedef struct {
    rssp_credential cr;
    rssp_blob certs[3];
    char *algos[2];
} fake_cred;

static void make_cred(fake_cred *f, const char *id, int key, int chain_key)
{
    const tv_key *k = &TV_KEYS[key];
    memset(f, 0, sizeof *f);
    f->cr.id = (char *)id;
    f->cr.key_enabled = 1;
    f->cr.key_type = k->type == CRPKI_KEY_RSA ? RSSP_KEY_RSA : RSSP_KEY_EC;
    f->cr.key_bits = k->bits;
    f->cr.curve_oid = k->curve == CRPKI_CURVE_P256   ? (char *)CRPKI_OID_P256
                      : k->curve == CRPKI_CURVE_P384 ? (char *)CRPKI_OID_P384
                                                     : NULL;
    f->algos[0] = k->type == CRPKI_KEY_RSA ? "1.2.840.113549.1.1.11" : "1.2.840.10045.4.3.2";
    f->algos[1] = CRPKI_OID_RSASSA_PSS;
    f->cr.algos = f->algos;
    f->cr.nalgos = k->type == CRPKI_KEY_RSA ? 2 : 1;
    f->certs[0].der = (uint8_t *)k->cert;
    f->certs[0].len = k->cert_len;
    f->cr.ncerts = 1;
    if (chain_key >= 0) {
        f->certs[1].der = (uint8_t *)TV_KEYS[chain_key].cert;
        f->certs[1].len = TV_KEYS[chain_key].cert_len;
        f->cr.ncerts = 2;
    }
    f->cr.certs = f->certs;
    f->cr.subject_dn = "CN=Taro Houmu,O=Example KK";
    f->cr.issuer_dn = "CN=Registrar CA,O=MOJ";
    f->cr.serial_hex = "0a1B2c";
    f->cr.valid_from = "20250101000000Z";
    f->cr.valid_to = "20270101000000Z";
    f->cr.multisign = 5;
}

/* RSA-2048 "rsa-1" (both providers, chain: the 3072 cert) and P-256 "ec-1"
 * (KSP): default_csp rsa-1, default_ksp ec-1. */
static void make_catalog(catalog_keys *cat)
{
    fake_cred a, b;
    crpki_error_info ei;
    memset(cat, 0, sizeof *cat);
    make_cred(&a, "rsa-1", TV_RSA2048, TV_RSA3072);
    make_cred(&b, "ec-1", TV_P256, -1);
    assert_int_equal(cred_entry_put(cat, &a.cr, CRPKI_CAT_CSP | CRPKI_CAT_KSP, 1000, &ei),
                     CRPKI_OK);
    assert_int_equal(cred_entry_put(cat, &b.cr, CRPKI_CAT_KSP, 2000, &ei), CRPKI_OK);
}

static void assert_entries_equal(const catalog_entry *x, const catalog_entry *y)
{
    assert_string_equal(x->credential_id, y->credential_id);
    assert_int_equal(x->providers, y->providers);
    assert_int_equal(x->key_type, y->key_type);
    assert_int_equal(x->key_bits, y->key_bits);
    assert_int_equal(x->curve, y->curve);
    assert_int_equal(x->nalgos, y->nalgos);
    for (size_t i = 0; i < x->nalgos; i++)
        assert_string_equal(x->algos[i], y->algos[i]);
    assert_int_equal(x->cert.len, y->cert.len);
    assert_memory_equal(x->cert.der, y->cert.der, x->cert.len);
    assert_int_equal(x->nchain, y->nchain);
    for (size_t i = 0; i < x->nchain; i++) {
        assert_int_equal(x->chain[i].len, y->chain[i].len);
        assert_memory_equal(x->chain[i].der, y->chain[i].der, x->chain[i].len);
    }
    assert_string_equal(x->subject_dn, y->subject_dn);
    assert_string_equal(x->issuer_dn, y->issuer_dn);
    assert_string_equal(x->serial_hex, y->serial_hex);
    assert_string_equal(x->valid_from, y->valid_from);
    assert_string_equal(x->valid_to, y->valid_to);
    assert_int_equal(x->multisign, y->multisign);
    assert_int_equal(x->selected_at, y->selected_at);
}

static void save_then_load_gives_the_same_catalog(void **state)
{
    (void)state;
    catalog_keys cat, back;
    crpki_error_info ei;
    make_catalog(&cat);
    char *tmp = tu_tempdir("cat"), *home = plat_path_join(tmp, "sub");
    char *home2 = plat_path_join(home, "home"); /* two missing levels */
    assert_int_equal(catalog_save(home2, &cat, &ei), CRPKI_OK);
    assert_int_equal(catalog_load(home2, &back, &ei), CRPKI_OK);
    assert_int_equal(back.n, 2);
    for (size_t i = 0; i < 2; i++)
        assert_entries_equal(&cat.v[i], &back.v[i]);
    assert_string_equal(back.default_csp, "rsa-1");
    assert_string_equal(back.default_ksp, "ec-1");
    assert_int_equal(back.v[0].nchain, 1);
    assert_int_equal(back.v[0].chain[0].len, TV_KEYS[TV_RSA3072].cert_len);
    assert_int_equal(back.v[1].curve, CRPKI_CURVE_P256);
    assert_int_equal(back.v[0].selected_at, 1000);
#ifndef _WIN32
    assert_int_equal(tu_file_mode(home2), 0700);
#endif
    /* saving again over the file replaces it */
    assert_int_equal(catalog_remove(&cat, "ec-1"), CRPKI_OK);
    assert_int_equal(catalog_save(home2, &cat, &ei), CRPKI_OK);
    catalog_free(&back);
    assert_int_equal(catalog_load(home2, &back, &ei), CRPKI_OK);
    assert_int_equal(back.n, 1);
    assert_null(back.default_ksp);
    catalog_free(&back);
    catalog_free(&cat);
    catalog_free(&cat); /* zeroed: a second free is harmless */
    tu_rmtree(tmp);
    free(home2);
    free(home);
    free(tmp);
}

static void missing_file_is_an_empty_catalog(void **state)
{
    (void)state;
    char *tmp = tu_tempdir("cat"), *nowhere = plat_path_join(tmp, "absent");
    catalog_keys cat;
    crpki_error_info ei;
    memset(&cat, 0xff, sizeof cat); /* zeroed by load */
    assert_int_equal(catalog_load(tmp, &cat, &ei), CRPKI_OK);
    assert_int_equal(cat.n, 0);
    assert_null(cat.v);
    assert_null(cat.default_csp);
    assert_null(catalog_find(&cat, NULL, CRPKI_CAT_CSP));
    assert_int_equal(catalog_load(nowhere, &cat, &ei), CRPKI_OK);
    assert_int_equal(cat.n, 0);
    catalog_free(&cat);
    tu_rmtree(tmp);
    free(nowhere);
    free(tmp);
}

/* ---- malformed files ------------------------------------------------------------ */

static char *good_text(void)
{
    catalog_keys cat;
    char *json = NULL;
    size_t len;
    crpki_error_info ei;
    make_catalog(&cat);
    assert_int_equal(catalog_format(&cat, &json, &len, &ei), CRPKI_OK);
    catalog_free(&cat);
    return json;
}

/* "keys[1].cert" -> the item's parent and the member name / index. */
static cJSON *item_at(cJSON *root, const char *path)
{
    cJSON *cur = root;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, ".")) {
        char *br = strchr(tok, '[');
        if (br) {
            *br = '\0';
            cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
            cur = cJSON_GetArrayItem(cur, atoi(br + 1));
        } else {
            cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
        }
    }
    return cur;
}

/* Sets (value_json != NULL) or deletes member path ("keys[0].cert",
 * "version") and returns the printed text. */
static char *mutate(const char *path, const char *value_json)
{
    char *text = good_text();
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    char parent_path[64], name[64];
    const char *dot = strrchr(path, '.');
    if (dot) {
        snprintf(parent_path, sizeof parent_path, "%.*s", (int)(dot - path), path);
        snprintf(name, sizeof name, "%s", dot + 1);
    } else {
        parent_path[0] = '\0';
        snprintf(name, sizeof name, "%s", path);
    }
    cJSON *parent = parent_path[0] ? item_at(root, parent_path) : root;
    assert_non_null(parent);
    char *br = strchr(name, '[');
    if (br) { /* an array element: "chain[1]", "keys[0]" */
        *br = '\0';
        cJSON *arr = cJSON_GetObjectItemCaseSensitive(parent, name);
        assert_non_null(arr);
        int idx = atoi(br + 1);
        cJSON *v = cJSON_Parse(value_json);
        assert_non_null(v);
        if (idx < cJSON_GetArraySize(arr))
            cJSON_ReplaceItemInArray(arr, idx, v);
        else
            cJSON_AddItemToArray(arr, v);
    } else if (value_json) {
        cJSON *v = cJSON_Parse(value_json);
        assert_non_null(v);
        if (cJSON_GetObjectItemCaseSensitive(parent, name))
            cJSON_ReplaceItemInObjectCaseSensitive(parent, name, v);
        else
            cJSON_AddItemToObject(parent, name, v);
    } else {
        cJSON_DeleteItemFromObjectCaseSensitive(parent, name);
    }
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

typedef struct {
    const char *path;
    const char *value; /* JSON; NULL deletes the member */
    const char *detail;
} bad_case;

static void each_malformed_member_is_named(void **state)
{
    (void)state;
    static char rsa3072_b64[4096], quoted[4200];
    base64_encode(TV_KEYS[TV_RSA3072].cert, TV_KEYS[TV_RSA3072].cert_len, rsa3072_b64,
                  sizeof rsa3072_b64);
    snprintf(quoted, sizeof quoted, "\"%s\"", rsa3072_b64);
    const bad_case cases[] = {
        {"version", "2", "keys.json: version: unsupported"},
        {"version", NULL, "keys.json: version: missing"},
        {"keys", "{}", "keys.json: keys: not an array"},
        {"keys[0]", "\"x\"", "keys.json: keys[0]: not an object"},
        {"default_csp", "\"nope\"", "keys.json: default_csp: names no key"},
        {"default_csp", "\"ec-1\"", "keys.json: default_csp: names no key"}, /* KSP only */
        {"default_ksp", "7", "keys.json: default_ksp: not a string"},
        {"keys[0].credential_id", NULL, "keys.json: keys[0].credential_id: missing"},
        {"keys[0].credential_id", "\"\"", "keys.json: keys[0].credential_id: empty"},
        {"keys[0].credential_id", "\"a\\u0001b\"", "keys[0].credential_id: holds control"},
        {"keys[1].credential_id", "\"rsa-1\"", "keys.json: keys[1].credential_id: duplicate"},
        {"keys[0].providers", "[\"csp\",\"tpm\"]", "keys.json: keys[0].providers: not \"csp\""},
        {"keys[0].providers", "\"csp\"", "keys.json: keys[0].providers: not an array"},
        {"keys[0].key_type", "\"DSA\"", "keys.json: keys[0].key_type: not \"RSA\" or \"EC\""},
        {"keys[0].key_bits", "\"2048\"", "keys.json: keys[0].key_bits: not a number"},
        {"keys[0].key_bits", "2048.5", "keys.json: keys[0].key_bits: not a whole number"},
        {"keys[0].key_bits", "3072", "keys.json: keys[0].cert: the certificate's key has 2048"},
        {"keys[0].curve", "\"P-256\"", "keys.json: keys[0].curve: present for an RSA key"},
        {"keys[1].curve", "\"P-521\"", "keys.json: keys[1].curve: not \"P-256\""},
        {"keys[1].curve", "\"P-384\"", "keys.json: keys[1].key_bits: does not match the curve"},
        {"keys[1].key_type", "\"RSA\"", "keys.json: keys[1].curve: present for an RSA key"},
        {"keys[0].algos", "[1]", "keys.json: keys[0].algos: not an array of dotted OIDs"},
        {"keys[0].algos", "[\"1..2\"]", "keys.json: keys[0].algos: not an array of dotted"},
        {"keys[0].algos", NULL, "keys.json: keys[0].algos: missing"},
        {"keys[0].cert", "\"!!!!\"", "keys.json: keys[0].cert: not base64"},
        {"keys[0].cert", "\"AAAA\"", "keys.json: keys[0].cert: certificate: not a DER"},
        {"keys[0].cert", "\"\"", "keys.json: keys[0].cert: empty"},
        {"keys[0].cert", NULL, "keys.json: keys[0].cert: missing"},
        {"keys[1].cert", quoted, "keys.json: keys[1].cert: the certificate holds an RSA key"},
        {"keys[0].chain[1]", "5", "keys.json: keys[0].chain[1]: not a string"},
        {"keys[0].chain[0]", "\"A===\"", "keys.json: keys[0].chain[0]: not base64"},
        {"keys[0].chain", "{}", "keys.json: keys[0].chain: not an array"},
        {"keys[0].subject", "[]", "keys.json: keys[0].subject: not a string"},
        {"keys[0].serial", "\"xyz\"", "keys.json: keys[0].serial: not hexadecimal"},
        {"keys[0].valid_to", "\"2030-01-01\"", "keys.json: keys[0].valid_to: not YYYYMMDD"},
        {"keys[0].valid_from", "\"2030010100000Z\"", "keys.json: keys[0].valid_from: not"},
        {"keys[0].multisign", "0", "keys.json: keys[0].multisign: not a whole number"},
        {"keys[0].selected_at", "-1", "keys.json: keys[0].selected_at: not a whole number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = mutate(cases[i].path, cases[i].value);
        catalog_keys cat;
        crpki_error_info ei;
        crpki_err r = catalog_parse(text, strlen(text), &cat, &ei);
        if (r != CRPKI_E_CONFIG || !strstr(ei.detail, cases[i].detail))
            fail_msg("%s = %s: %s \"%s\", wanted \"%s\"", cases[i].path,
                     cases[i].value ? cases[i].value : "(deleted)", crpki_err_name(r), ei.detail,
                     cases[i].detail);
        assert_int_equal(ei.code, CRPKI_E_CONFIG);
        assert_int_equal(cat.n, 0); /* nothing half-loaded is returned */
        assert_null(cat.v);
        free(text);
    }
}

static void unknown_members_are_ignored(void **state)
{
    (void)state;
    const char *paths[] = {"comment", "keys[0].future_field", "keys[1].x"};
    for (size_t i = 0; i < 3; i++) {
        char *text = mutate(paths[i], "{\"any\":[1,2]}");
        catalog_keys cat;
        crpki_error_info ei;
        assert_int_equal(catalog_parse(text, strlen(text), &cat, &ei), CRPKI_OK);
        assert_int_equal(cat.n, 2);
        catalog_free(&cat);
        free(text);
    }
    /* null optional members and "" defaults mean none */
    char *text = mutate("default_csp", "\"\"");
    catalog_keys cat;
    crpki_error_info ei;
    assert_int_equal(catalog_parse(text, strlen(text), &cat, &ei), CRPKI_OK);
    assert_null(cat.default_csp);
    catalog_free(&cat);
    free(text);
    text = mutate("keys[0].subject", "null");
    assert_int_equal(catalog_parse(text, strlen(text), &cat, &ei), CRPKI_OK);
    assert_null(cat.v[0].subject_dn);
    catalog_free(&cat);
    free(text);
}

static void malformed_text_is_a_config_error(void **state)
{
    (void)state;
    struct {
        const char *text;
        size_t len;
        const char *detail;
    } cases[] = {
        {"{\"version\":1,", 13, "keys.json: invalid JSON"},
        {"[]", 2, "keys.json: not a JSON object"},
        {"{\"version\":1,\"keys\":[]}\0x", 25, "keys.json: holds a NUL byte"},
        {"{\"version\":1,\"keys\":[],\"a\":\"\xff\"}", 31, "keys.json: not valid UTF-8"},
        {"", 0, "keys.json: invalid JSON"},
        {"{\"version\":1,\"keys\":[]} x", 25, "keys.json: invalid JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        catalog_keys cat;
        crpki_error_info ei;
        assert_int_equal(catalog_parse(cases[i].text, cases[i].len, &cat, &ei), CRPKI_E_CONFIG);
        if (!strstr(ei.detail, cases[i].detail))
            fail_msg("case %zu: \"%s\"", i, ei.detail);
    }
    catalog_keys cat;
    crpki_error_info ei;
    assert_int_equal(catalog_parse("{\"version\":1,\"keys\":[]}", 23, &cat, &ei), CRPKI_OK);
    assert_int_equal(cat.n, 0);
    /* too large a file: refused before parsing */
    char *tmp = tu_tempdir("cat"), *path = plat_path_join(tmp, "keys.json");
    size_t big = (4u << 20) + 1;
    char *blob = malloc(big);
    assert_non_null(blob);
    memset(blob, ' ', big);
    assert_int_equal(tu_write(path, blob, big), 0);
    assert_int_equal(catalog_load(tmp, &cat, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "larger than"));
    assert_int_equal(catalog_parse(blob, big, &cat, &ei), CRPKI_E_CONFIG);
    /* a malformed file through load */
    assert_int_equal(tu_write_str(path, "{\"version\":1,\"keys\":[{}]}"), 0);
    assert_int_equal(catalog_load(tmp, &cat, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "keys[0].credential_id: missing"));
    free(blob);
    tu_rmtree(tmp);
    free(path);
    free(tmp);
}

/* ---- lookups and changes ---------------------------------------------------------- */

static void null_and_empty_names_resolve_to_the_provider_default(void **state)
{
    (void)state;
    catalog_keys cat;
    make_catalog(&cat);
    const catalog_entry *e;
    e = catalog_find(&cat, NULL, CRPKI_CAT_CSP);
    assert_non_null(e);
    assert_string_equal(e->credential_id, "rsa-1");
    e = catalog_find(&cat, "", CRPKI_CAT_CSP);
    assert_non_null(e);
    assert_string_equal(e->credential_id, "rsa-1");
    e = catalog_find(&cat, NULL, CRPKI_CAT_KSP);
    assert_non_null(e);
    assert_string_equal(e->credential_id, "ec-1");
    e = catalog_find(&cat, "", CRPKI_CAT_KSP);
    assert_string_equal(e->credential_id, "ec-1");
    /* by name, only where selected */
    assert_non_null(catalog_find(&cat, "rsa-1", CRPKI_CAT_KSP));
    assert_non_null(catalog_find(&cat, "ec-1", CRPKI_CAT_KSP));
    assert_null(catalog_find(&cat, "ec-1", CRPKI_CAT_CSP));
    assert_null(catalog_find(&cat, "nope", CRPKI_CAT_KSP));
    /* either provider (the PKCS#11 module): by name only */
    assert_non_null(catalog_find(&cat, "rsa-1", CRPKI_CAT_ANY));
    assert_non_null(catalog_find(&cat, "ec-1", CRPKI_CAT_ANY));
    assert_null(catalog_find(&cat, "nope", CRPKI_CAT_ANY));
    assert_null(catalog_find(&cat, NULL, CRPKI_CAT_ANY));
    assert_null(catalog_find(&cat, "", CRPKI_CAT_ANY));
    assert_null(catalog_find(&cat, "rsa-1", 4u));
    assert_null(catalog_find(NULL, "rsa-1", CRPKI_CAT_CSP));
    /* no default: NULL */
    free(cat.default_ksp);
    cat.default_ksp = NULL;
    assert_null(catalog_find(&cat, NULL, CRPKI_CAT_KSP));
    catalog_free(&cat);
}

static void put_replaces_the_entry_and_takes_the_default(void **state)
{
    (void)state;
    catalog_keys cat;
    crpki_error_info ei;
    make_catalog(&cat);
    fake_cred a;
    make_cred(&a, "rsa-1", TV_RSA2048, -1);
    a.cr.multisign = 9;
    /* now selected for the KSP only */
    assert_int_equal(cred_entry_put(&cat, &a.cr, CRPKI_CAT_KSP, 3000, &ei), CRPKI_OK);
    assert_int_equal(cat.n, 2);
    const catalog_entry *e = catalog_find(&cat, "rsa-1", CRPKI_CAT_KSP);
    assert_non_null(e);
    assert_int_equal(e->multisign, 9);
    assert_int_equal(e->nchain, 0);
    assert_int_equal(e->selected_at, 3000);
    assert_int_equal(e->providers, CRPKI_CAT_KSP);
    assert_null(cat.default_csp); /* it named rsa-1, no longer a CSP key */
    assert_string_equal(cat.default_ksp, "rsa-1");
    /* a third key is appended and becomes both defaults */
    fake_cred c;
    make_cred(&c, "ec-384", TV_P384, TV_RSA2048);
    assert_int_equal(cred_entry_put(&cat, &c.cr, CRPKI_CAT_CSP | CRPKI_CAT_KSP, 4000, &ei),
                     CRPKI_OK);
    assert_int_equal(cat.n, 3);
    assert_string_equal(cat.default_csp, "ec-384");
    assert_string_equal(cat.default_ksp, "ec-384");
    catalog_free(&cat);
}

static void put_refuses_credentials_unusable_offline(void **state)
{
    (void)state;
    catalog_keys cat;
    crpki_error_info ei;
    memset(&cat, 0, sizeof cat);
    fake_cred f;
    make_cred(&f, "x", TV_RSA2048, -1);
    f.cr.ncerts = 0;
    assert_int_equal(cred_entry_put(&cat, &f.cr, CRPKI_CAT_CSP, 0, &ei), CRPKI_E_PROTOCOL);
    assert_non_null(strstr(ei.detail, "no certificate"));
    make_cred(&f, "x", TV_RSA2048, -1);
    f.cr.key_bits = 3072;
    assert_int_equal(cred_entry_put(&cat, &f.cr, CRPKI_CAT_CSP, 0, &ei), CRPKI_E_PROTOCOL);
    make_cred(&f, "x", TV_RSA2048, -1);
    f.cr.key_type = RSSP_KEY_EC;
    assert_int_equal(cred_entry_put(&cat, &f.cr, CRPKI_CAT_CSP, 0, &ei), CRPKI_E_PROTOCOL);
    make_cred(&f, "x", TV_P256, -1);
    f.cr.curve_oid = CRPKI_OID_P384;
    assert_int_equal(cred_entry_put(&cat, &f.cr, CRPKI_CAT_CSP, 0, &ei), CRPKI_E_PROTOCOL);
    make_cred(&f, "x", TV_P256, -1);
    f.certs[0].len -= 1; /* a truncated certificate */
    assert_int_equal(cred_entry_put(&cat, &f.cr, CRPKI_CAT_CSP, 0, &ei), CRPKI_E_PROTOCOL);
    make_cred(&f, "", TV_P256, -1);
    assert_int_equal(cred_entry_put(&cat, &f.cr, CRPKI_CAT_CSP, 0, &ei), CRPKI_E_PROTOCOL);
    make_cred(&f, "x", TV_P256, -1);
    assert_int_equal(cred_entry_put(&cat, &f.cr, 0, 0, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(cred_entry_put(&cat, &f.cr, 4, 0, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(cat.n, 0);
    assert_null(cat.default_csp);
    /* display fields keys.json would refuse are dropped, not fatal */
    f.cr.serial_hex = "not hex";
    f.cr.valid_to = "tomorrow";
    f.cr.multisign = 0;
    assert_int_equal(cred_entry_put(&cat, &f.cr, CRPKI_CAT_CSP, 0, &ei), CRPKI_OK);
    assert_null(cat.v[0].serial_hex);
    assert_null(cat.v[0].valid_to);
    assert_int_equal(cat.v[0].multisign, 1);
    catalog_free(&cat);
}

static void remove_clears_the_defaults_naming_it(void **state)
{
    (void)state;
    catalog_keys cat;
    make_catalog(&cat);
    assert_int_equal(catalog_remove(&cat, "ec-1"), CRPKI_OK);
    assert_int_equal(cat.n, 1);
    assert_null(cat.default_ksp);
    assert_string_equal(cat.default_csp, "rsa-1");
    assert_int_equal(catalog_remove(&cat, "ec-1"), CRPKI_E_NO_KEY);
    assert_int_equal(catalog_remove(&cat, NULL), CRPKI_E_INVALID_ARG);
    /* the default's own string as the argument */
    assert_int_equal(catalog_remove(&cat, cat.default_csp), CRPKI_OK);
    assert_int_equal(cat.n, 0);
    assert_null(cat.default_csp);
    assert_null(cat.v);
    catalog_free(&cat);
}

static void unselect_drops_one_provider_then_the_entry(void **state)
{
    (void)state;
    catalog_keys cat;
    make_catalog(&cat); /* rsa-1: CSP+KSP, default_csp; ec-1: KSP, default_ksp */
    assert_int_equal(catalog_unselect(&cat, "rsa-1", CRPKI_CAT_CSP), CRPKI_OK);
    assert_int_equal(cat.n, 2);
    assert_null(cat.default_csp);
    assert_string_equal(cat.default_ksp, "ec-1"); /* another entry's default stays */
    const catalog_entry *e = catalog_find(&cat, "rsa-1", CRPKI_CAT_KSP);
    assert_non_null(e);
    assert_int_equal(e->providers, CRPKI_CAT_KSP);
    assert_null(catalog_find(&cat, "rsa-1", CRPKI_CAT_CSP));
    /* not selected for that provider (any more) */
    assert_int_equal(catalog_unselect(&cat, "rsa-1", CRPKI_CAT_CSP), CRPKI_E_NO_KEY);
    assert_int_equal(catalog_unselect(&cat, "nope", CRPKI_CAT_KSP), CRPKI_E_NO_KEY);
    assert_int_equal(catalog_unselect(&cat, "rsa-1", 3), CRPKI_E_INVALID_ARG);
    /* its last provider gone, the entry goes */
    assert_int_equal(catalog_unselect(&cat, "ec-1", CRPKI_CAT_KSP), CRPKI_OK);
    assert_int_equal(cat.n, 1);
    assert_null(cat.default_ksp);
    assert_string_equal(cat.v[0].credential_id, "rsa-1");
    catalog_free(&cat);
}

static void entry_copy_outlives_the_catalog(void **state)
{
    (void)state;
    catalog_keys cat;
    make_catalog(&cat);
    catalog_entry copy, copy2;
    assert_int_equal(catalog_entry_copy(&cat.v[0], &copy), CRPKI_OK);
    assert_int_equal(catalog_entry_copy(&cat.v[1], &copy2), CRPKI_OK);
    assert_entries_equal(&copy, &cat.v[0]);
    assert_ptr_not_equal(copy.cert.der, cat.v[0].cert.der);
    catalog_free(&cat);
    assert_string_equal(copy.credential_id, "rsa-1");
    assert_int_equal(copy.nchain, 1);
    assert_memory_equal(copy.chain[0].der, TV_KEYS[TV_RSA3072].cert, TV_KEYS[TV_RSA3072].cert_len);
    assert_memory_equal(copy2.cert.der, TV_KEYS[TV_P256].cert, TV_KEYS[TV_P256].cert_len);
    catalog_entry_free(&copy);
    catalog_entry_free(&copy); /* zeroed by the first */
    catalog_entry_free(&copy2);
    catalog_entry_free(NULL);
    assert_int_equal(catalog_entry_copy(NULL, &copy), CRPKI_E_INVALID_ARG);
}

static void sig_len_is_modulus_or_twice_the_field(void **state)
{
    (void)state;
    catalog_entry e;
    memset(&e, 0, sizeof e);
    e.key_type = CRPKI_KEY_RSA;
    e.key_bits = 2048;
    assert_int_equal(catalog_entry_sig_len(&e), 256);
    e.key_bits = 3072;
    assert_int_equal(catalog_entry_sig_len(&e), 384);
    e.key_type = CRPKI_KEY_EC;
    e.key_bits = 256;
    assert_int_equal(catalog_entry_sig_len(&e), 64);
    e.key_bits = 384;
    assert_int_equal(catalog_entry_sig_len(&e), 96);
    assert_int_equal(catalog_entry_sig_len(NULL), 0);
}

static void failed_save_keeps_the_old_file(void **state)
{
    (void)state;
    catalog_keys cat, back;
    crpki_error_info ei;
    make_catalog(&cat);
    char *tmp = tu_tempdir("cat");
    assert_int_equal(catalog_save(tmp, &cat, &ei), CRPKI_OK);
    assert_int_equal(catalog_remove(&cat, "rsa-1"), CRPKI_OK);
    plat_fs_set_fault(PLAT_FAULT_RENAME);
    assert_int_not_equal(catalog_save(tmp, &cat, &ei), CRPKI_OK);
    plat_fs_set_fault(PLAT_FAULT_NONE);
    assert_int_equal(catalog_load(tmp, &back, &ei), CRPKI_OK);
    assert_int_equal(back.n, 2);
    assert_int_equal(tu_count_entries(tmp, "keys.json"), 1); /* no temporary left */
    catalog_free(&back);
    /* a catalog that would not load back is not written */
    free(cat.v[0].valid_to);
    cat.v[0].valid_to = plat_path_join("x", "y");
    assert_int_equal(catalog_save(tmp, &cat, &ei), CRPKI_E_INVALID_ARG);
    assert_non_null(strstr(ei.detail, "keys[0].valid_to"));
    catalog_free(&cat);
    tu_rmtree(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(save_then_load_gives_the_same_catalog),
        cmocka_unit_test(missing_file_is_an_empty_catalog),
        cmocka_unit_test(each_malformed_member_is_named),
        cmocka_unit_test(unknown_members_are_ignored),
        cmocka_unit_test(malformed_text_is_a_config_error),
        cmocka_unit_test(null_and_empty_names_resolve_to_the_provider_default),
        cmocka_unit_test(put_replaces_the_entry_and_takes_the_default),
        cmocka_unit_test(put_refuses_credentials_unusable_offline),
        cmocka_unit_test(remove_clears_the_defaults_naming_it),
        cmocka_unit_test(unselect_drops_one_provider_then_the_entry),
        cmocka_unit_test(entry_copy_outlives_the_catalog),
        cmocka_unit_test(sig_len_is_modulus_or_twice_the_field),
        cmocka_unit_test(failed_save_keeps_the_old_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
