/* The providers' shared pieces (src/provider/): the typed handle table and
 * the status type, tested on their own; the CSP and KSP core tests cover
 * them again through each provider's codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "provider/prov_capiblob.h"
#include "provider/prov_handle.h"
#include "provider/prov_status.h"

enum { K_PARENT = 1, K_CHILD = 2 };

static int g_destroyed;

static void destroy(prov_obj *o)
{
    g_destroyed++;
    free(o);
}

static prov_obj *obj(unsigned kind, uintptr_t owner)
{
    prov_obj *o = calloc(1, sizeof *o);
    assert_non_null(o);
    o->kind = kind;
    o->owner = owner;
    o->destroy = destroy;
    return o;
}

static void handle_of_one_kind_is_not_found_as_another_or_after_free(void **state)
{
    (void)state;
    prov_table t = PROV_TABLE_INIT(0x1234);
    assert_int_equal(prov_table_init(&t), CRPKI_OK);
    g_destroyed = 0;
    uintptr_t h = 0;
    assert_int_equal(prov_handle_new(&t, obj(K_PARENT, 0), &h), CRPKI_OK);
    prov_obj *o = NULL;
    assert_int_equal(prov_handle_get(&t, h, K_PARENT, &o), 1);
    prov_obj_put(&t, o);
    assert_int_equal(prov_handle_get(&t, h, K_CHILD, &o), 0);
    assert_int_equal(prov_handle_get(&t, h ^ 1, K_PARENT, &o), 0); /* forged slot */
    assert_int_equal(prov_handle_get(&t, 0, K_PARENT, &o), 0);
    assert_int_equal(prov_handle_live(&t, 0), 1);
    assert_int_equal(prov_handle_free(&t, h, K_PARENT), 1);
    assert_int_equal(g_destroyed, 1);
    assert_int_equal(prov_handle_free(&t, h, K_PARENT), 0); /* twice */
    assert_int_equal(prov_handle_get(&t, h, K_PARENT, &o), 0);
    assert_int_equal(prov_handle_live(&t, 0), 0);
    prov_table_fini(&t);
}

static void a_slot_whose_generations_ran_out_is_never_reused(void **state)
{
    (void)state;
    prov_table t = PROV_TABLE_INIT(0x2345);
    assert_int_equal(prov_table_init(&t), CRPKI_OK);
    /* fill the first 64 slots, then free one: it is the only free slot */
    uintptr_t keep[64];
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(prov_handle_new(&t, obj(K_PARENT, 0), &keep[i]), CRPKI_OK);
    uintptr_t first = keep[0];
    assert_int_equal(prov_handle_free(&t, first, K_PARENT), 1);
    /* reuse that slot through all its generations and a little beyond */
    uint32_t n = prov_handle_generations() + 2;
    for (uint32_t i = 0; i < n; i++) {
        uintptr_t h = 0;
        assert_int_equal(prov_handle_new(&t, obj(K_PARENT, 0), &h), CRPKI_OK);
        if (h == first)
            fail_msg("use %u gave out the stale handle 0x%llx again", i, (unsigned long long)first);
        assert_int_equal(prov_handle_free(&t, h, K_PARENT), 1);
    }
    prov_obj *o = NULL;
    assert_int_equal(prov_handle_get(&t, first, K_PARENT, &o), 0);
    for (size_t i = 1; i < 64; i++)
        assert_int_equal(prov_handle_free(&t, keep[i], K_PARENT), 1);
    assert_int_equal(prov_handle_live(&t, 0), 0);
    prov_table_fini(&t);
}

/* A long session must not run out of handles: at least 2^28 in a 32-bit
 * process (this test runs in the win32 build too), about 2^40 in a 64-bit one. */
static void a_process_can_create_at_least_2_to_the_28_handles(void **state)
{
    (void)state;
    uint64_t cap = prov_handle_capacity();
    print_message("handle table capacity: %llu handles (%u per slot), %u-bit build\n",
                  (unsigned long long)cap, prov_handle_generations(),
                  (unsigned)(sizeof(uintptr_t) * 8));
    assert_true(cap >= ((uint64_t)1 << 28));
    if (sizeof(uintptr_t) > 4)
        assert_true(cap >= ((uint64_t)1 << 39));
}

static void reused_slot_gives_a_new_handle_and_another_table_refuses_it(void **state)
{
    (void)state;
    prov_table a = PROV_TABLE_INIT(0x1111), b = PROV_TABLE_INIT(0x2222);
    assert_int_equal(prov_table_init(&a), CRPKI_OK);
    assert_int_equal(prov_table_init(&b), CRPKI_OK);
    uintptr_t h1 = 0, h2 = 0;
    assert_int_equal(prov_handle_new(&a, obj(K_PARENT, 0), &h1), CRPKI_OK);
    assert_int_equal(prov_handle_free(&a, h1, K_PARENT), 1);
    assert_int_equal(prov_handle_new(&a, obj(K_PARENT, 0), &h2), CRPKI_OK);
    assert_true(h1 != h2); /* the stale handle stays dead */
    prov_obj *o = NULL;
    assert_int_equal(prov_handle_get(&a, h1, K_PARENT, &o), 0);
    assert_int_equal(prov_handle_get(&b, h2, K_PARENT, &o), 0); /* foreign */
    assert_int_equal(prov_handle_free(&a, h2, K_PARENT), 1);
    prov_table_fini(&a);
    prov_table_fini(&b);
}

static void object_survives_free_while_referenced(void **state)
{
    (void)state;
    prov_table t = PROV_TABLE_INIT(0x3333);
    assert_int_equal(prov_table_init(&t), CRPKI_OK);
    g_destroyed = 0;
    uintptr_t h = 0;
    assert_int_equal(prov_handle_new(&t, obj(K_PARENT, 0), &h), CRPKI_OK);
    prov_obj *o = NULL;
    assert_int_equal(prov_handle_get(&t, h, K_PARENT, &o), 1);
    assert_int_equal(prov_handle_free(&t, h, K_PARENT), 1);
    assert_int_equal(g_destroyed, 0); /* another thread still signs with it */
    prov_obj_put(&t, o);
    assert_int_equal(g_destroyed, 1);
    prov_table_fini(&t);
}

static void owned_objects_need_their_owner_and_go_with_it(void **state)
{
    (void)state;
    prov_table t = PROV_TABLE_INIT(0x4444);
    assert_int_equal(prov_table_init(&t), CRPKI_OK);
    g_destroyed = 0;
    uintptr_t p1 = 0, p2 = 0, c1 = 0, c2 = 0;
    assert_int_equal(prov_handle_new(&t, obj(K_PARENT, 0), &p1), CRPKI_OK);
    assert_int_equal(prov_handle_new(&t, obj(K_PARENT, 0), &p2), CRPKI_OK);
    assert_int_equal(prov_handle_new(&t, obj(K_CHILD, p1), &c1), CRPKI_OK);
    assert_int_equal(prov_handle_new(&t, obj(K_CHILD, p1), &c2), CRPKI_OK);
    prov_obj *o = NULL;
    int owner_ok = -1;
    assert_int_equal(prov_handle_get_owned(&t, p1, K_PARENT, c1, K_CHILD, &o, &owner_ok), 1);
    assert_int_equal(owner_ok, 1);
    prov_obj_put(&t, o);
    /* another owner's object, and an owner that is not live */
    assert_int_equal(prov_handle_get_owned(&t, p2, K_PARENT, c1, K_CHILD, &o, &owner_ok), 0);
    assert_int_equal(owner_ok, 1);
    assert_int_equal(prov_handle_get_owned(&t, c1, K_PARENT, c2, K_CHILD, &o, &owner_ok), 0);
    assert_int_equal(owner_ok, 0);
    assert_int_equal(prov_handle_live(&t, K_CHILD), 2);
    prov_handle_free_owned(&t, p1);
    assert_int_equal(prov_handle_live(&t, K_CHILD), 0);
    assert_int_equal(g_destroyed, 2);
    assert_int_equal(prov_handle_get(&t, c2, K_CHILD, &o), 0);
    assert_int_equal(prov_handle_free(&t, p1, K_PARENT), 1);
    assert_int_equal(prov_handle_free(&t, p2, K_PARENT), 1);
    assert_int_equal(prov_handle_live(&t, 0), 0);
    prov_table_fini(&t);
}

static void table_grows_past_its_first_block(void **state)
{
    (void)state;
    prov_table t = PROV_TABLE_INIT(0x5555);
    assert_int_equal(prov_table_init(&t), CRPKI_OK);
    enum { N = 300 };
    uintptr_t h[N];
    for (size_t i = 0; i < N; i++)
        assert_int_equal(prov_handle_new(&t, obj(K_PARENT, 0), &h[i]), CRPKI_OK);
    assert_int_equal(prov_handle_live(&t, 0), N);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(prov_handle_free(&t, h[i], K_PARENT), 1);
    assert_int_equal(prov_handle_live(&t, 0), 0);
    prov_table_fini(&t);
}

static void table_refuses_before_init(void **state)
{
    (void)state;
    prov_table t = PROV_TABLE_INIT(0x6666);
    prov_obj o = {K_PARENT, 0, 0, NULL};
    uintptr_t h = 0;
    assert_int_equal(prov_handle_new(&t, &o, &h), CRPKI_E_INTERNAL);
    prov_obj *got = NULL;
    assert_int_equal(prov_handle_get(&t, 1, K_PARENT, &got), 0);
    assert_int_equal(prov_handle_live(&t, 0), 0);
}

static const char *const NAMES[] = {"T_OK", "T_E_CORE", "T_E_FIRST"};
#define NNAMES (sizeof NAMES / sizeof NAMES[0])

static void status_carries_code_core_error_and_reason(void **state)
{
    (void)state;
    prov_status st;
    prov_status_clear(&st);
    assert_string_equal(prov_status_name(&st, NAMES, NNAMES, "?"), "T_OK");
    assert_int_equal(prov_fail(&st, 2, "bad %s", "flags"), 2);
    assert_int_equal(st.code, 2);
    assert_int_equal(st.core, CRPKI_OK);
    assert_string_equal(st.why, "bad flags");
    assert_string_equal(prov_status_name(&st, NAMES, NNAMES, "?"), "T_E_FIRST");
    assert_int_equal(prov_fail_core(&st, CRPKI_E_DENIED, "user said no"), PROV_E_CORE);
    assert_int_equal(st.core, CRPKI_E_DENIED);
    assert_string_equal(prov_status_name(&st, NAMES, NNAMES, "?"), crpki_err_name(CRPKI_E_DENIED));
    /* a bare "core" failure names an internal error, never success */
    assert_int_equal(prov_fail(&st, PROV_E_CORE, "no backend"), PROV_E_CORE);
    assert_int_equal(st.core, CRPKI_E_INTERNAL);
    st.code = 99;
    assert_string_equal(prov_status_name(&st, NAMES, NNAMES, "?"), "?");
    assert_int_equal(prov_fail(NULL, 2, "no status"), 2); /* NULL st is allowed */
    char longer[400];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    prov_fail(&st, 2, "%s", longer);
    assert_int_equal(strlen(st.why), sizeof st.why - 1); /* cut, terminated */
}

static uint32_t rd32le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void capi_blob_is_little_endian_with_bitlen_of_whole_bytes(void **state)
{
    (void)state;
    /* a 2047-bit modulus (top bit clear): CryptoAPI reads bitlen/8 bytes, so
       the blob says 2048 and carries all 256 bytes */
    uint8_t n[256], e[3] = {0x01, 0x00, 0x01};
    for (size_t i = 0; i < sizeof n; i++)
        n[i] = (uint8_t)(i + 1);
    n[0] = 0x7f;
    crypto_pubkey_info k = {
        .type = CRPKI_KEY_RSA, .bits = 2047, .n = n, .nlen = 256, .e = e, .elen = 3};
    uint8_t *b = NULL;
    size_t len = 0;
    assert_int_equal(prov_capi_blob_build(&k, 0x2400, &b, &len), CRPKI_OK);
    assert_int_equal(len, 20 + 256);
    assert_int_equal(b[0], 6);
    assert_int_equal(b[1], 2);
    assert_int_equal(rd32le(b + 4), 0x2400);
    assert_int_equal(rd32le(b + 8), 0x31415352);
    assert_int_equal(rd32le(b + 12), 2048);
    assert_int_equal(rd32le(b + 16), 65537);
    assert_int_equal(b[20], n[255]); /* least significant byte first */
    assert_int_equal(b[20 + 255], 0x7f);
    free(b);
    /* an exponent RSAPUBKEY cannot hold, and a key that is not RSA */
    uint8_t big_e[5] = {1, 0, 0, 0, 1};
    k.e = big_e;
    k.elen = 5;
    assert_int_equal(prov_capi_blob_build(&k, 0x2400, &b, &len), CRPKI_E_NOT_SUPPORTED);
    assert_null(b);
    crypto_pubkey_info ec = {.type = CRPKI_KEY_EC, .bits = 256};
    assert_int_equal(prov_capi_blob_build(&ec, 0x2400, &b, &len), CRPKI_E_NOT_SUPPORTED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handle_of_one_kind_is_not_found_as_another_or_after_free),
        cmocka_unit_test(reused_slot_gives_a_new_handle_and_another_table_refuses_it),
        cmocka_unit_test(a_slot_whose_generations_ran_out_is_never_reused),
        cmocka_unit_test(a_process_can_create_at_least_2_to_the_28_handles),
        cmocka_unit_test(object_survives_free_while_referenced),
        cmocka_unit_test(owned_objects_need_their_owner_and_go_with_it),
        cmocka_unit_test(table_grows_past_its_first_block),
        cmocka_unit_test(table_refuses_before_init),
        cmocka_unit_test(status_carries_code_core_error_and_reason),
        cmocka_unit_test(capi_blob_is_little_endian_with_bitlen_of_whole_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
