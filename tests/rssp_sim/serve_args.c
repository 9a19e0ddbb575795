/* The command line of `crpki-rsspd serve` (see serve.h). Every option takes
 * "--name VALUE" or "--name=VALUE"; numbers are plain decimal within the
 * documented range; an option given twice, an unknown option or a stray
 * argument is a usage error. */
#include "serve.h"
#include "base/util/errbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

void rsspd_serve_usage(FILE *f)
{
    fputs("usage: crpki-rsspd serve --dir DIR [options]\n"
          "Runs the reference remote signing service over HTTPS until SIGINT/SIGTERM.\n"
          "  --dir DIR              test data directory written by 'crpki-rsspd init' (required)\n"
          "  --listen ADDR:PORT     address to listen on (default 127.0.0.1:0; PORT 0 picks a\n"
          "                         free port, written to DIR/port once listening)\n"
          "  --access-ttl S         access token lifetime, 1-86400 (default 300)\n"
          "  --approval-ttl S       approval request lifetime, 1-86400 (default 120)\n"
          "  --sad-ttl S            SAD lifetime, 1-86400 (default 60)\n"
          "  --interval S           the polling interval authorize announces and a wait:0\n"
          "                         check must keep, 1-60 (default 1)\n"
          "  --max-signatures N     largest numSignatures, 1-1000 (default 64)\n"
          "  --auto-approve MS      approve every request MS ms after it is made, 0-3600000\n"
          "                         (default off)\n"
          "  --phone FILE           simulated gBizID app: at each authorize read FILE\n"
          "                         ('approve MS', 'deny MS' or 'ignore'; absent or empty:\n"
          "                         wait for 'approve') and append '<code> <credentialID>\n"
          "                         <numSignatures> <action> <description>' to FILE.log\n"
          "fault injection (off by default):\n"
          "  --fault-503 PCT        answer PCT % of requests 503 temporarily_unavailable\n"
          "  --fault-429 PCT        answer PCT % of requests 429 too_many_requests\n"
          "  --retry-after S        Retry-After of injected 503/429, 1-3600 (default 1)\n"
          "  --fault-hang MS        hold requests MS ms before handling them, 0-600000\n"
          "  --fault-hang-pct PCT   share of requests held by --fault-hang (default 100)\n"
          "  --fault-drop PCT       close the connection of PCT % of requests unanswered\n"
          "  --fault-path PREFIX    inject faults only into paths starting with PREFIX\n"
          "  --fault-seed N         seed of the fault dice (default 1)\n"
          "  --help                 this text\n",
          f);
}

/* Plain decimal in [min, max]. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!s || !*s || strlen(s) > 20)
        return -1;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

enum {
    O_DIR,
    O_LISTEN,
    O_ACCESS_TTL,
    O_APPROVAL_TTL,
    O_SAD_TTL,
    O_INTERVAL,
    O_MAX_SIGS,
    O_AUTO_APPROVE,
    O_PHONE,
    O_F503,
    O_F429,
    O_RETRY_AFTER,
    O_HANG,
    O_HANG_PCT,
    O_DROP,
    O_FPATH,
    O_SEED,
    O_HELP,
    O_COUNT
};

static const struct {
    const char *name;
    int numeric;
    uint64_t min, max;
} opts[O_COUNT] = {
    [O_DIR] = {"--dir", 0, 0, 0},
    [O_LISTEN] = {"--listen", 0, 0, 0},
    [O_ACCESS_TTL] = {"--access-ttl", 1, 1, 86400},
    [O_APPROVAL_TTL] = {"--approval-ttl", 1, 1, 86400},
    [O_SAD_TTL] = {"--sad-ttl", 1, 1, 86400},
    [O_INTERVAL] = {"--interval", 1, 1, 60},
    [O_MAX_SIGS] = {"--max-signatures", 1, 1, 1000},
    [O_AUTO_APPROVE] = {"--auto-approve", 1, 0, 3600000},
    [O_PHONE] = {"--phone", 0, 0, 0},
    [O_F503] = {"--fault-503", 1, 0, 100},
    [O_F429] = {"--fault-429", 1, 0, 100},
    [O_RETRY_AFTER] = {"--retry-after", 1, 1, 3600},
    [O_HANG] = {"--fault-hang", 1, 0, 600000},
    [O_HANG_PCT] = {"--fault-hang-pct", 1, 0, 100},
    [O_DROP] = {"--fault-drop", 1, 0, 100},
    [O_FPATH] = {"--fault-path", 0, 0, 0},
    [O_SEED] = {"--fault-seed", 1, 0, UINT64_MAX},
    [O_HELP] = {"--help", 0, 0, 0},
};

int rsspd_serve_parse(int argc, char **argv, rsspd_serve_args *a, char *err, size_t errsz)
{
    memset(a, 0, sizeof *a);
    rsspd_options_default(&a->opt);
    a->opt.base_url = NULL;
    a->listen = "127.0.0.1:0";
    a->faults.retry_after_s = 1;
    a->faults.hang_pct = 100;
    a->faults.seed = 1;

    int seen[O_COUNT] = {0};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0)
            arg = "--help";
        if (strncmp(arg, "--", 2) != 0) {
            errbuf_set(err, errsz, "unexpected argument '%s'", arg);
            return -1;
        }
        const char *eq = strchr(arg, '=');
        size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
        int o = -1;
        for (int k = 0; k < O_COUNT; k++)
            if (strlen(opts[k].name) == nlen && strncmp(arg, opts[k].name, nlen) == 0)
                o = k;
        if (o < 0) {
            errbuf_set(err, errsz, "unknown option '%.*s'", (int)nlen, arg);
            return -1;
        }
        const char *name = opts[o].name;
        if (seen[o]) {
            errbuf_set(err, errsz, "%s given twice", name);
            return -1;
        }
        seen[o] = 1;
        if (o == O_HELP) {
            if (eq) {
                errbuf_set(err, errsz, "--help takes no value");
                return -1;
            }
            a->help = 1;
            continue;
        }
        const char *val;
        if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            errbuf_set(err, errsz, "%s needs a value", name);
            return -1;
        }
        uint64_t n = 0;
        if (opts[o].numeric && parse_u64(val, opts[o].min, opts[o].max, &n) != 0) {
            errbuf_set(err, errsz, "%s: '%s' is not a number in %llu-%llu", name, val,
                       (unsigned long long)opts[o].min, (unsigned long long)opts[o].max);
            return -1;
        }
        switch (o) {
        case O_DIR:
            if (!*val) {
                errbuf_set(err, errsz, "--dir: empty directory name");
                return -1;
            }
            a->dir = val;
            break;
        case O_LISTEN: {
            struct sockaddr_storage ss;
            socklen_t sslen;
            char why[160];
            if (rsspd_httpd_parse_listen(val, &ss, &sslen, why, sizeof why) != 0) {
                errbuf_set(err, errsz, "--listen: %s", why);
                return -1;
            }
            a->listen = val;
            break;
        }
        case O_ACCESS_TTL:
            a->opt.access_ttl_s = (unsigned)n;
            break;
        case O_APPROVAL_TTL:
            a->opt.approval_ttl_s = (unsigned)n;
            break;
        case O_SAD_TTL:
            a->opt.sad_ttl_s = (unsigned)n;
            break;
        case O_INTERVAL:
            a->opt.interval_s = (unsigned)n;
            break;
        case O_MAX_SIGS:
            a->opt.max_signatures = (unsigned)n;
            break;
        case O_AUTO_APPROVE:
            a->opt.auto_approve_ms = (int)n;
            break;
        case O_PHONE:
            if (!*val) {
                errbuf_set(err, errsz, "--phone: empty file name");
                return -1;
            }
            a->opt.phone_file = val;
            break;
        case O_F503:
            a->faults.pct_503 = (unsigned)n;
            break;
        case O_F429:
            a->faults.pct_429 = (unsigned)n;
            break;
        case O_RETRY_AFTER:
            a->faults.retry_after_s = (unsigned)n;
            break;
        case O_HANG:
            a->faults.hang_ms = (unsigned)n;
            break;
        case O_HANG_PCT:
            a->faults.hang_pct = (unsigned)n;
            break;
        case O_DROP:
            a->faults.pct_drop = (unsigned)n;
            break;
        case O_FPATH:
            if (val[0] != '/') {
                errbuf_set(err, errsz, "--fault-path: '%s' must start with '/'", val);
                return -1;
            }
            a->faults.path_prefix = val;
            break;
        case O_SEED:
            a->faults.seed = n;
            break;
        default:
            break;
        }
    }
    if (a->help)
        return 0;
    if (!a->dir) {
        errbuf_set(err, errsz, "--dir is required");
        return -1;
    }
    return 0;
}
