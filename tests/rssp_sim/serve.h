/* serve: `crpki-rsspd serve`, the command line of the HTTPS service
 * (docs/protocol.md, "serve options"). serve_args.c parses it (no I/O, so
 * it is unit-tested alone); serve.c runs the service with it. */
#ifndef RSSP_SIM_SERVE_H
#define RSSP_SIM_SERVE_H

#include <stddef.h>
#include <stdio.h>

#include "httpd.h"
#include "service.h"

typedef struct {
    const char *dir;    /* --dir, required */
    const char *listen; /* --listen, default "127.0.0.1:0" */
    rsspd_options opt;  /* base_url left NULL: known only once bound */
    rsspd_faults faults;
    int help; /* --help was given: print usage, exit 0 */
} rsspd_serve_args;

/* Parses argv (argv[0] is "serve"). Strings point into argv. Returns 0, or
 * -1 with a message naming the offending option (a usage error, exit 2). */
int rsspd_serve_parse(int argc, char **argv, rsspd_serve_args *a, char *err, size_t errsz);

void rsspd_serve_usage(FILE *f);

#endif
