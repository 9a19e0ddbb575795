/* crpki-mgmt-sign-bench: `crpki-mgmt sign` end to end in the tool (read,
 * hash, approve, sign, verify, CMS, write), 100 files under one approval
 * next to 100 separate `sign FILE` runs, the phone approving at once, both
 * in this one run (bench/run-mgmt-sign-bench drives it through the service
 * test driver: a fresh crpki-rsspd with --max-signatures 100, user1 logged
 * in, certificates selected). Prints each time and the ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_clock.h"
#include "base/platform/plat_fs.h"
#include "mgmt.h"
#include "svctest.h"

#define N 100

int main(void)
{
    const char *out = getenv("CRPKI_TEST_OUT");
    if (!out) {
        fprintf(stderr, "run through bench/run-mgmt-sign-bench\n");
        return 2;
    }
    svctest_phone("approve 0");
    static char files[N][600], dir[512];
    /* a folder of its own: the driver verifies only what lies in out itself */
    snprintf(dir, sizeof dir, "%s/bench", out);
    if (plat_mkdir_p(dir, PLAT_FILE_PRIVATE, NULL) != CRPKI_OK)
        return 1;
    static char *argv[N + 3];
    for (int i = 0; i < N; i++) {
        snprintf(files[i], sizeof files[i], "%s/doc%03d.txt", dir, i);
        FILE *f = fopen(files[i], "wb");
        if (!f)
            return 1;
        fprintf(f, "document %d of the batch benchmark\n", i);
        fclose(f);
    }
    /* one sign of N files */
    argv[0] = (char *)"crpki-mgmt";
    argv[1] = (char *)"sign";
    for (int i = 0; i < N; i++)
        argv[2 + i] = files[i];
    int before = svctest_phone_log_count();
    int64_t t0 = plat_now_us();
    int rc = mgmt_main(2 + N, argv);
    int64_t batch_us = plat_now_us() - t0;
    int batch_approvals = svctest_phone_log_count() - before;
    if (rc != 0)
        return 1;
    /* N runs of sign FILE */
    before = svctest_phone_log_count();
    t0 = plat_now_us();
    for (int i = 0; i < N; i++) {
        char *one[] = {(char *)"crpki-mgmt", (char *)"sign", files[i], NULL};
        if (mgmt_main(3, one) != 0)
            return 1;
    }
    int64_t single_us = plat_now_us() - t0;
    int single_approvals = svctest_phone_log_count() - before;
    printf("\n%d files, one `sign` run:       %8.1f ms  (%d approval)\n", N, batch_us / 1e3,
           batch_approvals);
    printf("%d separate `sign FILE` runs:   %8.1f ms  (%d approvals)\n", N, single_us / 1e3,
           single_approvals);
    printf("ratio (separate / one run):      %8.1fx\n", (double)single_us / (double)batch_us);
    return 0;
}
