/* The gBizID app and the operator: `crpki-rsspd approve|deny|pending|audit`.
 * They open DIR/state.db next to a running `serve` (SQLite WAL), so a
 * long-polling authorizeCheck sees an approval within its poll period. */
#define _DEFAULT_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "commands.h"
#include "store.h"

typedef struct {
    const char *dir;
    const char *code;
    int json;
    int help;
} admin_args;

/* want_code / want_json: which options the command takes. 0 or -1 (usage). */
static int parse_args(const char *cmd, int argc, char **argv, int want_code, int want_json,
                      admin_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char **dst = NULL;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            a->help = 1;
            return 0;
        }
        if (want_json && strcmp(o, "--json") == 0) {
            a->json = 1;
            continue;
        }
        if (strcmp(o, "--dir") == 0 || strncmp(o, "--dir=", 6) == 0)
            dst = &a->dir;
        else if (want_code && (strcmp(o, "--code") == 0 || strncmp(o, "--code=", 7) == 0))
            dst = &a->code;
        if (!dst) {
            fprintf(stderr, "crpki-rsspd %s: unknown option '%s'\n", cmd, o);
            return -1;
        }
        const char *eq = strchr(o, '=');
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v || !*v) {
            fprintf(stderr, "crpki-rsspd %s: %s needs a value\n", cmd, o);
            return -1;
        }
        if (*dst) {
            fprintf(stderr, "crpki-rsspd %s: %.*s given twice\n", cmd,
                    (int)(eq ? (size_t)(eq - o) : strlen(o)), o);
            return -1;
        }
        *dst = v;
    }
    if (!a->dir) {
        fprintf(stderr, "crpki-rsspd %s: --dir is required\n", cmd);
        return -1;
    }
    if (want_code) {
        if (!a->code) {
            fprintf(stderr, "crpki-rsspd %s: --code is required\n", cmd);
            return -1;
        }
        if (strlen(a->code) != 4 || strspn(a->code, "0123456789") != 4) {
            fprintf(stderr, "crpki-rsspd %s: --code must be 4 digits\n", cmd);
            return -1;
        }
    }
    return 0;
}

static void usage(FILE *f, const char *cmd)
{
    if (strcmp(cmd, "approve") == 0 || strcmp(cmd, "deny") == 0)
        fprintf(f,
                "usage: crpki-rsspd %s --dir DIR --code NNNN\n"
                "  %s the pending approval with that 4-digit code, as the representative\n"
                "  does in the gBizID app. Exit 0 done, 3 no pending approval has the code.\n",
                cmd, strcmp(cmd, "approve") == 0 ? "Approves" : "Denies");
    else if (strcmp(cmd, "pending") == 0)
        fputs("usage: crpki-rsspd pending --dir DIR [--json]\n"
              "  Lists the pending approvals (code, user, credential, description).\n",
              f);
    else
        fputs("usage: crpki-rsspd audit --dir DIR [--json]\n"
              "  Prints the signature audit log, one line per signature.\n",
              f);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void iso_time(int64_t ms, char out[32])
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    char base[24];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%s.%03dZ", base, (int)(ms % 1000));
}

/* Opens DIR/state.db of a crpki-rsspd data directory. NULL after a message. */
static store *open_state(const char *cmd, const char *dir)
{
    size_t n = strlen(dir) + sizeof "/state.db";
    char *sim = malloc(n), *db = malloc(n);
    store *st = NULL;
    if (!sim || !db) {
        fprintf(stderr, "crpki-rsspd %s: out of memory\n", cmd);
        goto out;
    }
    snprintf(sim, n, "%s/sim.json", dir);
    snprintf(db, n, "%s/state.db", dir);
    if (access(sim, R_OK) != 0) {
        fprintf(stderr, "crpki-rsspd %s: %s is not a crpki-rsspd directory (no sim.json)\n", cmd,
                dir);
        goto out;
    }
    char err[512];
    if (store_open(db, &st, err, sizeof err) < 0) {
        fprintf(stderr, "crpki-rsspd %s: %s\n", cmd, err);
        st = NULL;
    }
out:
    free(sim);
    free(db);
    return st;
}

static int decide(int argc, char **argv, int approve)
{
    const char *cmd = approve ? "approve" : "deny";
    admin_args a;
    if (parse_args(cmd, argc, argv, 1, 0, &a) < 0) {
        usage(stderr, cmd);
        return 2;
    }
    if (a.help) {
        usage(stdout, cmd);
        return 0;
    }
    store *st = open_state(cmd, a.dir);
    if (!st)
        return 1;
    store_rc rc = store_approval_decide(st, a.code, approve, now_ms());
    store_close(st);
    if (rc == STORE_OK) {
        printf("%s %s\n", approve ? "approved" : "denied", a.code);
        return 0;
    }
    if (rc == STORE_NOTFOUND) {
        fprintf(stderr, "crpki-rsspd %s: no pending approval has code %s\n", cmd, a.code);
        return 3;
    }
    fprintf(stderr, "crpki-rsspd %s: database error\n", cmd);
    return 1;
}

int rsspd_cmd_approve(int argc, char **argv)
{
    return decide(argc, argv, 1);
}

int rsspd_cmd_deny(int argc, char **argv)
{
    return decide(argc, argv, 0);
}

typedef struct {
    int json;
    cJSON *arr;
    int64_t now;
    int oom;
    size_t count;
} list_ctx;

static void one_pending(void *vctx, const store_approval *a)
{
    list_ctx *c = vctx;
    long left = a->expires_at > c->now ? (long)((a->expires_at - c->now + 999) / 1000) : 0;
    char created[32];
    iso_time(a->created_at, created);
    c->count++;
    if (!c->json) {
        printf("%s  %-8s  %-24s  %3ld  %4lds  %s\n", a->code, a->user_id, a->credential_id, a->num,
               left, a->description ? a->description : "");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "approvalCode", a->code) ||
        !cJSON_AddStringToObject(o, "user", a->user_id) ||
        !cJSON_AddStringToObject(o, "credentialID", a->credential_id) ||
        !cJSON_AddNumberToObject(o, "numSignatures", (double)a->num) ||
        !cJSON_AddStringToObject(o, "hashAlgorithmOID", a->hash_oid) ||
        !(a->description ? cJSON_AddStringToObject(o, "description", a->description)
                         : cJSON_AddNullToObject(o, "description")) ||
        !cJSON_AddStringToObject(o, "createdAt", created) ||
        !cJSON_AddNumberToObject(o, "expiresIn", (double)left)) {
        cJSON_Delete(o);
        c->oom = 1;
        return;
    }
    cJSON_AddItemToArray(c->arr, o);
}

static int print_json(cJSON *arr)
{
    char *s = cJSON_Print(arr);
    if (!s)
        return -1;
    puts(s);
    free(s);
    return 0;
}

int rsspd_cmd_pending(int argc, char **argv)
{
    admin_args a;
    if (parse_args("pending", argc, argv, 0, 1, &a) < 0) {
        usage(stderr, "pending");
        return 2;
    }
    if (a.help) {
        usage(stdout, "pending");
        return 0;
    }
    store *st = open_state("pending", a.dir);
    if (!st)
        return 1;
    list_ctx c = {a.json, a.json ? cJSON_CreateArray() : NULL, now_ms(), 0, 0};
    if (a.json && !c.arr) {
        store_close(st);
        return 1;
    }
    if (!a.json)
        printf("CODE  USER      CREDENTIAL                  N  EXPIRES  DESCRIPTION\n");
    store_rc rc = store_pending_list(st, c.now, one_pending, &c);
    store_close(st);
    int ret = rc == STORE_OK && !c.oom ? 0 : 1;
    if (ret == 0 && a.json && print_json(c.arr) < 0)
        ret = 1;
    cJSON_Delete(c.arr);
    if (ret != 0)
        fprintf(stderr, "crpki-rsspd pending: database error\n");
    return ret;
}

static void one_audit(void *vctx, const store_audit_row *r)
{
    list_ctx *c = vctx;
    char ts[32];
    iso_time(r->ts, ts);
    c->count++;
    if (!c->json) {
        printf("%s  %-8s  %-24s  %s  %s  %s  approval %s (code %s)\n", ts, r->user_id,
               r->credential_id, r->sign_algo, r->hash_oid, r->hash_b64, r->approval_handle,
               r->approval_code);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddNumberToObject(o, "id", (double)r->id) ||
        !cJSON_AddStringToObject(o, "time", ts) ||
        !cJSON_AddStringToObject(o, "user", r->user_id) ||
        !cJSON_AddStringToObject(o, "credentialID", r->credential_id) ||
        !cJSON_AddStringToObject(o, "hashAlgorithmOID", r->hash_oid) ||
        !cJSON_AddStringToObject(o, "hash", r->hash_b64) ||
        !cJSON_AddStringToObject(o, "signAlgo", r->sign_algo) ||
        !cJSON_AddNumberToObject(o, "approvalId", (double)r->approval_id) ||
        !cJSON_AddStringToObject(o, "approvalHandle", r->approval_handle) ||
        !cJSON_AddStringToObject(o, "approvalCode", r->approval_code)) {
        cJSON_Delete(o);
        c->oom = 1;
        return;
    }
    cJSON_AddItemToArray(c->arr, o);
}

int rsspd_cmd_audit(int argc, char **argv)
{
    admin_args a;
    if (parse_args("audit", argc, argv, 0, 1, &a) < 0) {
        usage(stderr, "audit");
        return 2;
    }
    if (a.help) {
        usage(stdout, "audit");
        return 0;
    }
    store *st = open_state("audit", a.dir);
    if (!st)
        return 1;
    list_ctx c = {a.json, a.json ? cJSON_CreateArray() : NULL, now_ms(), 0, 0};
    if (a.json && !c.arr) {
        store_close(st);
        return 1;
    }
    store_rc rc = store_audit_list(st, one_audit, &c);
    store_close(st);
    int ret = rc == STORE_OK && !c.oom ? 0 : 1;
    if (ret == 0 && a.json && print_json(c.arr) < 0)
        ret = 1;
    cJSON_Delete(c.arr);
    if (ret != 0)
        fprintf(stderr, "crpki-rsspd audit: database error\n");
    return ret;
}
