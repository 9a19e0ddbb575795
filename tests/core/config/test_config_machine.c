/* config's administrator layers: the machine file over the user's, fixing
 * what it sets; the machine's registry values and Group Policy (Windows);
 * who may change them; writing them as an administrator does; paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/stat.h>
#endif

#include "crpki/config.h"
#include "base/platform/plat_str.h"
#include "base/log/log.h"
#include "base/platform/plat_acl.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_machine.h"
#include "core/config/config_internal.h"
#include "config_fixture.h"
#include "testutil.h"

/* ---- machine + user ------------------------------------------------------------------ */

/* The administrator's file fixes what it sets, key by key; the user's file
 * has the rest (a machine file is a policy, not a default). */
static void machine_file_fixes_what_it_sets_key_by_key(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->machine,
                                  "{\"service_url\": \"https://rssp.example.jp\",\n"
                                  " \"ca_bundle\": \"/etc/corp.pem\", \"proxy\": \"none\",\n"
                                  " \"connect_timeout_s\": 20, \"log_level\": \"info\"}"),
                     0);
    assert_int_equal(tu_write_str(f->user, "{\"connect_timeout_s\": 5,\n \"proxy\": {\"host\": "
                                           "\"proxy.corp\", \"port\": 8080},\n"
                                           " \"approval_timeout_s\": 60}"),
                     0);
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://rssp.example.jp"); /* machine */
    assert_string_equal(cfg.ca_bundle, "/etc/corp.pem");             /* machine */
    assert_int_equal(cfg.log_level, CRPKI_LOG_INFO);                 /* machine */
    assert_int_equal(cfg.connect_timeout_s, 20);                     /* machine over user */
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_NONE);               /* machine over user */
    assert_null(cfg.proxy_host);
    assert_int_equal(cfg.approval_timeout_s, 60); /* user: the machine is silent */
    assert_int_equal(cfg.request_timeout_s, 30);  /* neither: default */
    assert_true(crpki_config_fixed(&cfg, "service_url"));
    assert_true(crpki_config_fixed(&cfg, "proxy"));
    assert_true(crpki_config_fixed(&cfg, "connect_timeout_s"));
    assert_false(crpki_config_fixed(&cfg, "approval_timeout_s"));
    assert_false(crpki_config_fixed(&cfg, "request_timeout_s"));
    assert_false(crpki_config_fixed(&cfg, "no_such_key"));
    crpki_config_free(&cfg);

    /* the machine's explicit proxy stands over the user's "none" */
    assert_int_equal(tu_write_str(f->machine, "{\"proxy\": {\"host\": \"m\", \"port\": 1, "
                                              "\"user\": \"u\"}}"),
                     0);
    assert_int_equal(tu_write_str(f->user, "{\"proxy\": \"none\"}"), 0);
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(cfg.proxy_host, "m");
    assert_string_equal(cfg.proxy_user, "u");
    assert_int_equal(cfg.proxy_port, 1);
    crpki_config_free(&cfg);
}

/* The administrator's service URL is known as such, and saving
 * the user's settings never copies it into config.json (so a later change
 * of the machine file reaches the user); a URL of the user's own is saved. */
static void machine_service_url_is_kept_out_of_the_users_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->machine, "{\"service_url\": \"https://rssp.example.jp\"}"), 0);
    assert_int_equal(tu_write_str(f->user, "{\"connect_timeout_s\": 5}"), 0);
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.machine_service_url, "https://rssp.example.jp");
    cfg.proxy_mode = RSSP_PROXY_NONE;
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    crpki_config_free(&cfg);
    /* the file saved is f->dir/config.json: read with no machine file */
    char path[600];
    snprintf(path, sizeof path, "%s/config.json", f->dir);
    assert_int_equal(crpki_config_load_files(NULL, path, f->dir, &cfg, &ei), CRPKI_OK);
    assert_null(cfg.service_url);
    assert_null(cfg.machine_service_url);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_NONE);
    assert_int_equal(cfg.connect_timeout_s, 5);
    /* a URL of the user's own is saved, and counts only where no
     * administrator fixed one */
    cfg.service_url = plat_strdup("https://own.example.jp");
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    crpki_config_free(&cfg);
    assert_int_equal(crpki_config_load_files(NULL, path, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://own.example.jp");
    crpki_config_free(&cfg);
    assert_int_equal(crpki_config_load_files(f->machine, path, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://rssp.example.jp");
    assert_string_equal(cfg.machine_service_url, "https://rssp.example.jp");
    crpki_config_free(&cfg);
}

/* The machine file applies to every user; one that anyone but
 * an administrator can change is ignored, said in machine_ignored and the
 * warnings. The verdict is plat_admin_only's (test_plat_acl); here, that
 * the load follows it. As root (CI) both ways are made; a user's own file
 * is always refused. */
static void machine_file_is_ignored_unless_only_administrators_can_change_it(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->machine, "{\"service_url\": \"https://planted.example\", "
                                              "\"approval_ui\": \"none\"}"),
                     0);
    char why[200];
    int trusted = plat_admin_only(f->machine, why, sizeof why) == 1 &&
                  plat_admin_only(f->dir, why, sizeof why) == 1;
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    if (trusted) {
        assert_string_equal(cfg.service_url, "https://planted.example");
        assert_null(cfg.machine_ignored);
    } else {
        print_message("      ignored: %s\n", cfg.machine_ignored ? cfg.machine_ignored : "?");
        assert_null(cfg.service_url);
        assert_int_not_equal(cfg.approval_ui, CRPKI_UI_NONE);
        assert_non_null(cfg.machine_ignored);
        assert_non_null(strstr(cfg.warnings, "machine config.json ignored"));
    }
    crpki_config_free(&cfg);
#ifndef _WIN32
    if (trusted) { /* root: now let everyone write it */
        assert_int_equal(chmod(f->machine, 0666), 0);
        assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_null(cfg.service_url);
        assert_int_not_equal(cfg.approval_ui, CRPKI_UI_NONE);
        assert_non_null(strstr(cfg.machine_ignored, "writable by everyone"));
        assert_non_null(strstr(cfg.warnings, "machine config.json ignored"));
        crpki_config_free(&cfg);
        assert_int_equal(chmod(f->machine, 0644), 0);
        assert_int_equal(chmod(f->dir, 0777), 0); /* or the folder: a file can be put there */
        /* the user's own config.json is in it too: refused outright (issue 28 N13) */
        assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_E_CONFIG);
        assert_non_null(strstr(ei.detail, "folder"));
        assert_int_equal(chmod(f->dir, 0700), 0);
    }
#endif
    /* no machine file: nothing to say */
    remove(f->machine);
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_null(cfg.machine_ignored);
    crpki_config_free(&cfg);
}

/* The machine-wide URL and CA set as an administrator deploys
 * them (crpki-mgmt service set --machine): on Linux the file, folder and CA
 * copy root's alone; on Windows the values of HKLM\SOFTWARE\CrpkiRemoteSign
 * (this test runs alone in its prefix: RUN_SERIAL) and the CA copy. Either
 * way the load honours them; bad input is refused with nothing written; an
 * existing machine file's keys are kept. As root / an administrator (CI,
 * Wine) it is written; otherwise refused with "run as ...". */
static void machine_settings_written_by_an_administrator_are_honoured(void **state)
{
    fixture *f = *state;
    char *mdir = plat_path_join(f->dir, "machine");
    char *mfile = plat_path_join(mdir, "config.json");
    char *mca = plat_path_join(mdir, "ca-bundle.pem");
    char *ca = plat_path_join(f->dir, "ca.pem");
    char *key = plat_path_join(f->dir, "key.pem");
    char *junk = plat_path_join(f->dir, "junk.pem");
    const char *pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    assert_int_equal(tu_write_str(ca, pem), 0);
    assert_int_equal(tu_write_str(key,
                                  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                                  "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"),
                     0);
    assert_int_equal(tu_write_str(junk, "not a certificate"), 0);
    assert_int_equal(plat_mkdir_p(mdir, PLAT_FILE_PUBLIC, NULL), CRPKI_OK);
    /* what the administrator had already: kept */
    assert_int_equal(tu_write_str(mfile, "{\"service_url\": \"https://old.example.jp\", "
                                         "\"proxy\": \"none\"}"),
                     0);
    crpki_error_info ei;
    /* refused before anything is written */
    assert_int_equal(config_save_machine_at(mfile, "http://rssp.example.jp", NULL, NULL, &ei),
                     CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "service_url"));
    assert_int_equal(config_save_machine_at(mfile, "https://rssp.example.jp", junk, NULL, &ei),
                     CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "not a PEM certificate file"));
    assert_int_equal(config_save_machine_at(mfile, "https://rssp.example.jp", key, NULL, &ei),
                     CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "private key"));
    assert_int_equal(config_save_machine_at(mfile, "", NULL, NULL, &ei), CRPKI_E_INVALID_ARG);
    char *text = tu_read(mfile, NULL);
    assert_non_null(strstr(text, "old.example.jp"));
    free(text);
    char why[300], *v = NULL;
    assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 0);

    char *where = NULL;
    crpki_err r = config_save_machine_at(mfile, "https://rssp.example.jp", ca, &where, &ei);
    char *probe = plat_path_join(f->dir, "probe");
    assert_int_equal(tu_write_str(probe, "x"), 0);
    int admin = plat_admin_lock(probe, why, sizeof why) == 1;
    crpki_error_info nei;
    int store = plat_machine_set("Probe", NULL, &nei) != CRPKI_E_NOT_SUPPORTED;
    print_message("      %s, %s: %s\n", admin ? "administrator" : "not an administrator",
                  store ? "machine store" : "machine file", r == CRPKI_OK ? "written" : ei.detail);
    if (!admin) {
        assert_int_equal(r, CRPKI_E_IO);
        assert_non_null(strstr(ei.detail, "run as"));
    } else {
        assert_int_equal(r, CRPKI_OK);
        assert_string_equal(where, store ? PLAT_MACHINE_STORE : mfile);
        text = tu_read(mca, NULL);
        assert_string_equal(text, pem);
        free(text);
        crpki_config cfg;
        if (store) {
            /* the values, not the file (which this test wrote: not an
               administrator's under Wine, whose files are the user's) */
            assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 1);
            assert_string_equal(v, "https://rssp.example.jp");
            free(v);
            assert_int_equal(plat_machine_get(PLAT_MACHINE_CA_BUNDLE, &v, why, sizeof why), 1);
            assert_string_equal(v, mca);
            free(v);
            text = tu_read(mfile, NULL);
            assert_non_null(strstr(text, "old.example.jp")); /* untouched */
            free(text);
            remove(mfile);
        } else {
            assert_int_equal(plat_admin_only(mdir, why, sizeof why), 1);
            assert_int_equal(plat_admin_only(mfile, why, sizeof why), 1);
            assert_int_equal(plat_admin_only(mca, why, sizeof why), 1);
        }
        assert_int_equal(config_load_at(mfile, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_null(cfg.machine_ignored);
        assert_string_equal(cfg.service_url, "https://rssp.example.jp");
        assert_string_equal(cfg.machine_service_url, "https://rssp.example.jp");
        assert_string_equal(cfg.ca_bundle, mca);
        assert_int_equal(cfg.proxy_mode, store ? RSSP_PROXY_SYSTEM : RSSP_PROXY_NONE);
        crpki_config_free(&cfg);
        /* the user's own file cannot take the administrator's URL away from
           the tool's view: machine_service_url stays */
        assert_int_equal(tu_write_str(f->user, "{\"log_level\": \"info\"}"), 0);
        assert_int_equal(config_load_at(mfile, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_string_equal(cfg.machine_service_url, "https://rssp.example.jp");
        crpki_config_free(&cfg);
        /* again without a CA: the copy stays named */
        assert_int_equal(config_save_machine_at(mfile, "https://other.example.jp", NULL, NULL, &ei),
                         CRPKI_OK);
        assert_int_equal(config_load_at(mfile, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_string_equal(cfg.service_url, "https://other.example.jp");
        assert_string_equal(cfg.ca_bundle, mca);
        crpki_config_free(&cfg);
        /* a machine file that does not load is refused, not overwritten */
        assert_int_equal(tu_write_str(mfile, "{\"approval_ui\": \"sometimes\"}"), 0);
        assert_int_equal(config_save_machine_at(mfile, "https://rssp.example.jp", NULL, NULL, &ei),
                         CRPKI_E_CONFIG);
        assert_non_null(strstr(ei.detail, "approval_ui"));
        text = tu_read(mfile, NULL);
        assert_non_null(strstr(text, "sometimes"));
        free(text);
#ifdef _WIN32
        /* values in a key others may change are not the administrator's */
        assert_int_equal(tu_machine_key_sddl(L"O:BAD:P(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KA;;;BU)"),
                         0);
        remove(mfile);
        assert_int_equal(config_load_at(mfile, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_null(cfg.service_url);
        assert_null(cfg.machine_service_url);
        assert_non_null(cfg.machine_ignored);
        assert_non_null(strstr(cfg.machine_ignored, "writable by S-1-5-32-545"));
        assert_non_null(strstr(cfg.warnings, "machine settings ignored"));
        crpki_config_free(&cfg);
        assert_int_equal(tu_machine_key_sddl(L"O:BAD:P(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KR;;;BU)"),
                         0);
#endif
        if (store) { /* leave the prefix as it was */
            assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, NULL, &ei), CRPKI_OK);
            assert_int_equal(plat_machine_set(PLAT_MACHINE_CA_BUNDLE, NULL, &ei), CRPKI_OK);
            assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 0);
        }
    }
    free(where);
    free(probe);
    free(mdir);
    free(mfile);
    free(mca);
    free(ca);
    free(key);
    free(junk);
}

static void ca_bundle_must_be_a_local_path(void **state)
{
    fixture *f = *state;
    const char *want = "config.json: ca_bundle: expected a local file path, not a network path";
    cfgt_expect_refused(f, "{\"ca_bundle\": \"\\\\\\\\fileserver\\\\share\\\\ca.pem\"}", want);
    cfgt_expect_refused(f, "{\"ca_bundle\": \"//fileserver/share/ca.pem\"}", want);
    cfgt_expect_refused(f, "{\"ca_bundle\": \"\\\\\\\\?\\\\UNC\\\\fs\\\\ca.pem\"}", want);
    cfgt_expect_refused(f, "{\"ca_bundle\": \"https://ca.example/root.pem\"}",
                        "config.json: ca_bundle: expected a local file path, not a URL");
    crpki_config cfg;
    cfgt_expect_loaded(f, "{\"ca_bundle\": \"C:\\\\ProgramData\\\\Corp\\\\root.pem\"}", &cfg);
    crpki_config_free(&cfg);
    cfgt_expect_loaded(f, "{\"ca_bundle\": \"/etc/ssl/corp.pem\"}", &cfg);
    crpki_config_free(&cfg);
}

static void bad_machine_file_is_refused_and_named(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->machine, "{\"approval_timeout_s\": 0}"), 0);
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei),
                     CRPKI_E_CONFIG);
    assert_string_equal(ei.detail, "machine config.json: approval_timeout_s: expected an integer "
                                   "1-3600 (seconds)");
    /* out was released: freeing again is harmless */
    crpki_config_free(&cfg);
}

static void unreadable_config_path_is_an_io_error(void **state)
{
    fixture *f = *state;
    /* a directory where the file should be */
    char *d = plat_path_join(f->dir, "adir");
    assert_int_equal(plat_mkdir_p(d, PLAT_FILE_PUBLIC, NULL), CRPKI_OK);
    crpki_config cfg;
    crpki_error_info ei;
    crpki_err r = crpki_config_load_files(NULL, d, NULL, &cfg, &ei);
    assert_true(r == CRPKI_E_IO || r == CRPKI_E_CONFIG);
    assert_int_equal(ei.code, r);
    free(d);
}

#ifdef _WIN32
/* Group Policy (HKLM\\SOFTWARE\\Policies\\CrpkiRemoteSign, as the ADMX writes
 * it) wins over the machine's values and the user's file, and fixes what it
 * sets; in a key others may change it is ignored, and said so. */
static void group_policy_wins_and_fixes_what_it_sets(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    assert_int_equal(tu_write_str(f->user, "{\"service_url\": \"https://user.example.jp\", "
                                           "\"proxy\": \"none\", \"connect_timeout_s\": 5}"),
                     0);
    assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, "https://machine.example.jp", &ei),
                     CRPKI_OK);
    assert_int_equal(tu_policy_set(L"ServiceUrl", L"https://policy.example.jp", 0), 0);
    assert_int_equal(tu_policy_set(L"Proxy", L"proxy.corp:8080", 0), 0);
    assert_int_equal(tu_policy_set(L"ProxySignOn", NULL, 0), 0);
    assert_int_equal(
        tu_policy_set(L"TrustedRoots",
                      L"00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF; "
                      L"ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:"
                      L"cd:ef:01:23:45:67:89",
                      0),
        0);
    crpki_config cfg;
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://policy.example.jp");
    assert_string_equal(cfg.machine_service_url, "https://policy.example.jp");
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(cfg.proxy_host, "proxy.corp");
    assert_int_equal(cfg.proxy_port, 8080);
    assert_false(cfg.proxy_sign_on);
    assert_int_equal(cfg.ntrusted_roots, 2);
    assert_string_equal(cfg.trusted_roots[0],
                        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    assert_int_equal(cfg.connect_timeout_s, 5); /* the user's: no policy for it */
    assert_true(crpki_config_fixed(&cfg, "service_url"));
    assert_true(crpki_config_fixed(&cfg, "proxy"));
    assert_true(crpki_config_fixed(&cfg, "proxy_sign_on"));
    assert_true(crpki_config_fixed(&cfg, "trusted_roots"));
    assert_false(crpki_config_fixed(&cfg, "connect_timeout_s"));
    assert_null(cfg.machine_ignored);
    crpki_config_free(&cfg);

    /* a policy value the product cannot use is an error that names it */
    assert_int_equal(tu_policy_set(L"Proxy", L"proxy.corp", 0), 0);
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "Group Policy"));
    assert_non_null(strstr(ei.detail, "proxy.port"));
    assert_int_equal(tu_policy_set(L"Proxy", L"system", 0), 0);

    /* a policy key anyone may change is not the administrator's */
    assert_int_equal(tu_policy_key_sddl(L"O:BAD:P(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KA;;;BU)"), 0);
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://machine.example.jp");
    assert_non_null(cfg.warnings);
    assert_non_null(strstr(cfg.warnings, "Group Policy ignored"));
    assert_non_null(strstr(cfg.machine_ignored, "writable by S-1-5-32-545"));
    crpki_config_free(&cfg);

    assert_int_equal(tu_policy_clear(), 0);
    assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, NULL, &ei), CRPKI_OK);
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://user.example.jp");
    assert_false(crpki_config_fixed(&cfg, "service_url"));
    crpki_config_free(&cfg);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(machine_file_fixes_what_it_sets_key_by_key),
        T(machine_service_url_is_kept_out_of_the_users_file),
        T(bad_machine_file_is_refused_and_named),
        T(machine_file_is_ignored_unless_only_administrators_can_change_it),
        T(machine_settings_written_by_an_administrator_are_honoured),
#ifdef _WIN32
        T(group_policy_wins_and_fixes_what_it_sets),
#endif
        T(ca_bundle_must_be_a_local_path),
        T(unreadable_config_path_is_an_io_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
