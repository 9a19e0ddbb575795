/* sign: a test signature of a file through the driver, written as a
 * detached CMS (FILE.p7s) that `openssl cms -verify` accepts. Shows the
 * approval code and waits, as an application would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_clock.h"
#include "base/platform/plat_fs.h"
#include "cms_build.h"
#include "cms_sign.h"
#include "core/crypto/crypto.h"
#include "core/signing/signing.h"
#include "mgmt.h"
#include "out.h"

#define SIGN_MAX_FILE  (512u * 1024u * 1024u)
#define SIGN_MAX_FILES 1000
#define WHAT_MAX       200 /* bytes of file names in what the approval shows */

int mgmt_find_key(mgmt_ctx *c, const char *id, unsigned provider, catalog_entry *out)
{
    crpki_error_info ei;
    catalog_keys cat;
    crpki_err r = catalog_load(c->home, &cat, &ei);
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, NULL, NULL);
    const catalog_entry *e = catalog_find(&cat, id, provider);
    r = e ? catalog_entry_copy(e, out) : CRPKI_E_NO_KEY;
    catalog_free(&cat);
    if (r == CRPKI_E_NO_KEY) {
        memset(&ei, 0, sizeof ei);
        snprintf(ei.detail, sizeof ei.detail, "no certificate %s%sis selected for the %s",
                 id ? id : "", id ? " " : "", provider == CRPKI_CAT_KSP ? "KSP" : "CSP");
    }
    return r == CRPKI_OK ? 0 : mgmt_fail(c, r, &ei, NULL, NULL);
}

/* The last component of path ('/' or '\\' separated): what the approval
 * shows, without the user's directories. */
static const char *base_name(const char *path)
{
    const char *b = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return *b ? b : path;
}

/* "20 件: a.pdf, b.pdf, …": what the phone and the dialog show for a batch. */
static void batch_what(mgmt_ctx *c, const char *const *files, size_t from, size_t n, size_t total,
                       char *out, size_t cap)
{
    int o = n == total
                ? snprintf(out, cap, L(c, "%u 件: ", "%u files: "), (unsigned)n)
                : snprintf(out, cap,
                           L(c, "%u 件 (全 %u 件中 %u 件目から): ", "%u files (of %u, from #%u): "),
                           (unsigned)n, (unsigned)total, (unsigned)from + 1);
    size_t len = o > 0 ? (size_t)o : 0;
    for (size_t i = 0; i < n && len < cap; i++) {
        const char *b = base_name(files[from + i]);
        size_t bl = strlen(b);
        if (len + bl + 8 > WHAT_MAX || len + bl + 8 > cap) {
            snprintf(out + len, cap - len, "…");
            return;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? ", " : "", b);
    }
}

typedef struct {
    const char *file;
    uint8_t *data;
    size_t len;
    cms_prep prep;
    char *out;
    int asked; /* its batch went to the service */
    crpki_err e;
} doc;

/* One run of sign_many: the files, their digests, the key, the first
 * failure (what the command reports). */
typedef struct {
    mgmt_ctx *c;
    const char *const *files;
    size_t n;
    doc *d;
    uint8_t *hashes; /* n SHA-256 digests of the signed attributes */
    catalog_entry key;
    size_t batch, nbatches, stride;
    crpki_err first;
    crpki_error_info first_ei;
} sign_run;

static void note_failure(sign_run *sr, crpki_err e, const crpki_error_info *ei)
{
    if (e != CRPKI_OK && sr->first == CRPKI_OK) {
        sr->first = e;
        sr->first_ei = *ei;
    }
}

/* Step 1: every file read, digested and its signed attributes prepared;
 * a file that cannot be read stops everything before anything is sent. */
static crpki_err read_documents(sign_run *sr, crpki_error_info *ei)
{
    int64_t now = plat_unix_time();
    for (size_t i = 0; i < sr->n; i++) {
        doc *x = &sr->d[i];
        x->file = sr->files[i];
        uint8_t md[32];
        crpki_err r = plat_read_file(x->file, SIGN_MAX_FILE, &x->data, &x->len, NULL, ei);
        if (r == CRPKI_OK && !x->data)
            r = CRPKI_E_IO;
        if (r != CRPKI_OK) {
            snprintf(ei->detail, sizeof ei->detail, "%s: cannot be read; nothing was signed",
                     x->file);
            return r;
        }
        size_t fl = strlen(x->file);
        if (!(x->out = malloc(fl + 5)))
            return CRPKI_E_NO_MEMORY;
        snprintf(x->out, fl + 5, "%s.p7s", x->file);
        r = crypto_digest(CRPKI_HASH_SHA256, x->data, x->len, md, sizeof md);
        /* the digest is all the CMS needs (detached): one file in memory at
           a time, not all of them until the end (issue 28 N10) */
        free(x->data);
        x->data = NULL;
        if (r == CRPKI_OK)
            r = cms_prepare(md, now, &x->prep, ei);
        if (r != CRPKI_OK)
            return r;
        memcpy(sr->hashes + 32 * i, x->prep.digest, 32);
    }
    return CRPKI_OK;
}

/* Step 2, one batch: one approval, then each file's CMS written beside it.
 * The batch's own outcome (a batch not approved ends the run). */
static crpki_err sign_batch(sign_run *sr, signing_session *s, size_t from, size_t cnt,
                            uint8_t *sigs, size_t *lens, crpki_error_info *ei)
{
    char what[WHAT_MAX + 64];
    batch_what(sr->c, sr->files, from, cnt, sr->n, what, sizeof what);
    signing_params p;
    memset(&p, 0, sizeof p);
    p.key = &sr->key;
    p.scheme = sr->key.key_type == CRPKI_KEY_EC ? CRPKI_PAD_ECDSA : CRPKI_PAD_PKCS1;
    p.hash = CRPKI_HASH_SHA256;
    p.digest_len = 32;
    p.what = what;
    const char *names[SIGN_MAX_FILES];
    for (size_t i = 0; i < cnt; i++)
        names[i] = base_name(sr->files[from + i]); /* the record: one line per file */
    crpki_err e =
        signing_sign_many(s, &p, sr->hashes + 32 * from, cnt, names, sigs, sr->stride, lens, ei);
    for (size_t i = 0; i < cnt; i++) {
        doc *x = &sr->d[from + i];
        uint8_t *cms = NULL;
        size_t cms_len = 0;
        x->asked = 1;
        x->e = e;
        if (x->e == CRPKI_OK)
            x->e =
                cms_finish(&sr->key, &x->prep, sigs + i * sr->stride, lens[i], &cms, &cms_len, ei);
        if (x->e == CRPKI_OK)
            x->e = plat_write_file_atomic(x->out, cms, cms_len, PLAT_FILE_PUBLIC, ei);
        free(cms);
        note_failure(sr, x->e, ei);
    }
    return e;
}

/* Step 2: the batches, in order, through one signing session. */
static void sign_batches(sign_run *sr)
{
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    signing_session *s = NULL;
    uint8_t *sigs = malloc(sr->batch * sr->stride);
    size_t *lens = malloc(sr->batch * sizeof *lens);
    crpki_err r = sigs && lens ? signing_open(sr->c->home, &s, &ei) : CRPKI_E_NO_MEMORY;
    note_failure(sr, r, &ei);
    for (size_t b = 0; r == CRPKI_OK && b < sr->nbatches; b++) {
        size_t from = b * sr->batch, cnt = sr->n - from < sr->batch ? sr->n - from : sr->batch;
        r = sign_batch(sr, s, from, cnt, sigs, lens, &ei);
        note_failure(sr, r, &ei);
    }
    signing_close(s);
    free(sigs);
    free(lens);
}

/* Step 3: what became of each file, as text and JSON; the count signed. */
static size_t report(sign_run *sr)
{
    mgmt_ctx *c = sr->c;
    cJSON *arr = cJSON_AddArrayToObject(out_json(c), "files");
    size_t ok = 0;
    for (size_t i = 0; i < sr->n; i++) {
        const doc *x = &sr->d[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "file", x->file);
        int signed_ok = x->asked && x->e == CRPKI_OK;
        cJSON_AddBoolToObject(o, "signed", signed_ok);
        cJSON_AddStringToObject(o, "out", signed_ok ? x->out : "");
        /* a file whose batch was never asked (an earlier one failed) has no code */
        cJSON_AddStringToObject(o, "code", x->asked ? crpki_err_name(x->e) : "");
        if (signed_ok) {
            ok++;
            out_say(c, L(c, "署名しました: %s\n", "signed: %s\n"), x->out);
        } else if (x->asked) {
            out_say(c, L(c, "署名できませんでした: %s (%s)\n", "not signed: %s (%s)\n"), x->file,
                    crpki_err_name(x->e));
        } else {
            out_say(c,
                    L(c, "署名していません: %s (前の承認が得られなかったため)\n",
                      "not signed: %s (an earlier approval failed)\n"),
                    x->file);
        }
    }
    cJSON_AddNumberToObject(out_json(c), "approvals", (double)sr->nbatches);
    cJSON_AddStringToObject(out_json(c), "credential_id", sr->key.credential_id);
    return ok;
}

/* sign FILE FILE...: every file under one approval per batch of the
 * credential's multisign (one in all for up to 64 with the reference
 * service), a detached CMS beside each (FILE.p7s), built by cms_build from
 * signatures of the tool's own signing path: the documents read, the
 * batches signed, each file's outcome reported. */
static int sign_many(mgmt_ctx *c, unsigned prov, const char *id, const char *const *files, size_t n)
{
    sign_run sr;
    memset(&sr, 0, sizeof sr);
    sr.c = c;
    sr.files = files;
    sr.n = n;
    sr.d = calloc(n, sizeof *sr.d);
    sr.hashes = malloc(n * 32);
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    int rc = 0;
    crpki_err r = sr.d && sr.hashes ? read_documents(&sr, &ei) : CRPKI_E_NO_MEMORY;
    if (r != CRPKI_OK)
        rc = mgmt_fail(c, r, &ei, "署名するファイルのパスを確認してください",
                       "check the paths of the files to sign");
    else
        rc = mgmt_find_key(c, id, prov, &sr.key);
    if (rc == 0) {
        sr.batch = sr.key.multisign ? sr.key.multisign : 1;
        sr.nbatches = (n + sr.batch - 1) / sr.batch;
        sr.stride = catalog_entry_sig_len(&sr.key);
        out_note(c,
                 L(c,
                   "%lu 件のファイルを %s で署名します (承認 %lu 回)。G ビズ ID "
                   "アプリで承認してください...\n",
                   "signing %lu files with %s (%lu approval(s)); approve in the gBizID app...\n"),
                 (unsigned long)n, sr.key.credential_id, (unsigned long)sr.nbatches);
        sign_batches(&sr);
        size_t ok = report(&sr);
        if (sr.first != CRPKI_OK)
            rc = mgmt_fail(c, sr.first, &sr.first_ei, NULL, NULL);
        else
            out_say(c,
                    L(c, "%lu 件すべて署名しました (承認 %lu 回)。\n",
                      "all %lu files signed (%lu approval(s)).\n"),
                    (unsigned long)ok, (unsigned long)sr.nbatches);
    }
    catalog_entry_free(&sr.key);
    for (size_t i = 0; sr.d && i < n; i++) {
        free(sr.d[i].data);
        free(sr.d[i].out);
        cms_prep_free(&sr.d[i].prep);
    }
    free(sr.d);
    free(sr.hashes);
    return rc;
}

int cmd_sign(mgmt_ctx *c, mgmt_args *a)
{
    unsigned prov;
    if (arg_provider(c, a, CRPKI_CAT_CSP, &prov) < 0)
        return MGMT_EXIT_USAGE;
    const char *outp = NULL, *id = NULL;
    int ro = arg_value(a, "--out", &outp);
    int ri = arg_value(a, "--credential", &id);
    static const char *pos[SIGN_MAX_FILES];
    int n = arg_rest(c, a, pos, SIGN_MAX_FILES);
    if (n < 0)
        return MGMT_EXIT_USAGE;
    if (ro < 0 || ri < 0 || n < 1 || (n > 1 && outp))
        return mgmt_usage(
            c,
            "sign ファイル... [--provider csp|ksp] [--out ファイル.p7s (1 ファイルのとき)] "
            "[--credential ID]",
            "sign FILE... [--provider csp|ksp] [--out FILE.p7s (one file only)] "
            "[--credential ID]");
    int rc = mgmt_config(c);
    if (rc)
        return rc;
    if (n > 1)
        return sign_many(c, prov, id, pos, (size_t)n);
    crpki_error_info ei;
    uint8_t *data = NULL;
    size_t len = 0;
    int too_big = 0;
    crpki_err r = plat_read_file(pos[0], SIGN_MAX_FILE, &data, &len, &too_big, &ei);
    if (r == CRPKI_OK && !data) {
        snprintf(ei.detail, sizeof ei.detail, "%s: no such file", pos[0]);
        r = CRPKI_E_IO;
    }
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, "署名するファイルのパスを確認してください",
                         "check the path of the file to sign");
    catalog_entry key;
    memset(&key, 0, sizeof key);
    rc = mgmt_find_key(c, id, prov, &key);
    if (rc) {
        free(data);
        return rc;
    }
    char *def_out = NULL;
    if (!outp) {
        size_t l = strlen(pos[0]);
        def_out = malloc(l + 5);
        if (def_out)
            snprintf(def_out, l + 5, "%s.p7s", pos[0]);
        outp = def_out;
    }
    out_note(c,
             L(c, "%s で署名します (%s)。G ビズ ID アプリで承認してください...\n",
               "signing with %s (%s); approve in the gBizID app...\n"),
             key.credential_id, prov == CRPKI_CAT_KSP ? "KSP" : "CSP");
    uint8_t *cms = NULL;
    size_t cms_len = 0;
    r = outp ? cms_sign_detached(c, &key, prov, base_name(pos[0]), data, len, &cms, &cms_len, &ei)
             : CRPKI_E_NO_MEMORY;
    if (r == CRPKI_OK)
        r = plat_write_file_atomic(outp, cms, cms_len, PLAT_FILE_PUBLIC, &ei);
    free(data);
    free(cms);
    if (r != CRPKI_OK) {
        catalog_entry_free(&key);
        free(def_out);
        return mgmt_fail(c, r, &ei, NULL, NULL);
    }
    cJSON *j = out_json(c);
    cJSON_AddStringToObject(j, "file", pos[0]);
    cJSON_AddStringToObject(j, "out", outp);
    cJSON_AddNumberToObject(j, "bytes", (double)cms_len);
    cJSON_AddStringToObject(j, "credential_id", key.credential_id);
    cJSON_AddStringToObject(j, "provider", prov == CRPKI_CAT_KSP ? "ksp" : "csp");
    out_say(c,
            L(c, "署名しました: %s (分離署名 CMS、%lu バイト)\n",
              "signed: %s (detached CMS, %lu bytes)\n"),
            outp, (unsigned long)cms_len);
    out_say(c,
            L(c,
              "検証例: openssl cms -verify -binary -inform DER -in %s -content %s -CAfile "
              "登記所CA.pem\n",
              "verify: openssl cms -verify -binary -inform DER -in %s -content %s -CAfile "
              "registrar-ca.pem\n"),
            outp, pos[0]);
    catalog_entry_free(&key);
    free(def_out);
    return 0;
}
