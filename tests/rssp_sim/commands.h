/* The subcommands of crpki-rsspd. Each returns the process exit code:
 * 0 success, 1 runtime failure, 2 usage error, 3 "nothing matched"
 * (approve/deny with a code no pending approval has). */
#ifndef RSSP_SIM_COMMANDS_H
#define RSSP_SIM_COMMANDS_H

int rsspd_cmd_init(int argc, char **argv);    /* init.c */
int rsspd_cmd_serve(int argc, char **argv);   /* serve.c */
int rsspd_cmd_approve(int argc, char **argv); /* admin.c */
int rsspd_cmd_deny(int argc, char **argv);    /* admin.c */
int rsspd_cmd_pending(int argc, char **argv); /* admin.c */
int rsspd_cmd_audit(int argc, char **argv);   /* admin.c */

#endif
