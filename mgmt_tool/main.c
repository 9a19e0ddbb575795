/* crpki-mgmt: see mgmt_main.c and docs/mgmt.md. */
#include "mgmt.h"

int main(int argc, char **argv)
{
    return mgmt_main(argc, argv);
}
