/* crpki-rsspd: the reference remote signing service (stand-in for the
 * Ministry's RSSP, gBizID and the gBizID app). See docs/protocol.md. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static void usage(FILE *f)
{
    fputs("usage: crpki-rsspd COMMAND --dir DIR [options]\n"
          "  init     --dir DIR               create token, CAs, test users and credentials\n"
          "  serve    --dir DIR --listen 127.0.0.1:PORT [options]   run the HTTPS service\n"
          "  approve  --dir DIR --code NNNN   approve a pending request (the gBizID app)\n"
          "  deny     --dir DIR --code NNNN   deny a pending request\n"
          "  pending  --dir DIR [--json]      list pending approvals\n"
          "  audit    --dir DIR [--json]      print the signature audit log\n"
          "Run 'crpki-rsspd COMMAND --help' for a command's options.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"init", rsspd_cmd_init}, {"serve", rsspd_cmd_serve},     {"approve", rsspd_cmd_approve},
        {"deny", rsspd_cmd_deny}, {"pending", rsspd_cmd_pending}, {"audit", rsspd_cmd_audit},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "crpki-rsspd: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
