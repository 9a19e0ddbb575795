/* Fuzzes the signing record's reader (history_read: the file any program of
 * the user can write) and the cleaning every listing applies to a record's
 * text: never a crash, a leak or an out-of-range conversion (issue 28 N6
 * was found so), and no control character survives the cleaning. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/util/text_clean.h"
#include "core/history/history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_home[64], g_file[96];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_home[0]) {
        snprintf(g_home, sizeof g_home, "fuzz_history_home_%ld", (long)rand());
        snprintf(g_file, sizeof g_file, "%s/%s", g_home, HISTORY_FILE);
        char cmd[128];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", g_home);
        if (system(cmd) != 0)
            abort();
    }
    FILE *f = fopen(g_file, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    history_list l;
    crpki_error_info ei;
    if (history_read(g_home, 0, &l, &ei) != CRPKI_OK)
        return 0;
    static const char *const KEYS[] = {"time_local", "outcome",       "algorithm", "program",
                                       "what",       "approval_code", "code",      "subject"};
    for (size_t i = 0; i < l.n; i++)
        for (size_t k = 0; k < sizeof KEYS / sizeof KEYS[0]; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(l.v[i].json, KEYS[k]);
            if (!cJSON_IsString(v))
                continue;
            char out[1024];
            text_clean(v->valuestring, out, sizeof out);
            for (const unsigned char *p = (const unsigned char *)out; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                    abort();
        }
    history_list_free(&l);
    return 0;
}
