/* The description the phone and the approval dialog show, and the program
 * name in the dialog (signing_internal.h): cleaned by the one cleaning of
 * displayed text (base/util/text_clean.h), so what the representative reads
 * is what was asked. */
#include <string.h>

#include "core/signing/signing_internal.h"
#include "base/util/text_clean.h"

size_t signing_description(const char *program, const char *what, char out[CRPKI_DESC_MAX + 1])
{
    size_t o = 0;
    out[0] = '\0';
    text_clean_append(out, CRPKI_DESC_MAX, &o, program && *program ? program : "unknown");
    if (what && *what) {
        text_clean_append(out, CRPKI_DESC_MAX, &o, ": ");
        text_clean_append(out, CRPKI_DESC_MAX, &o, what);
    }
    return text_clean_end(out, o);
}

size_t signing_program_path_text(const char *path, char *out, size_t outsz)
{
    if (outsz < 8) {
        if (outsz)
            out[0] = '\0';
        return 0;
    }
    const char *src = path && *path ? path : "unknown";
    size_t o = 0, n = strlen(src), keep = outsz - 1;
    if (n > keep) {
        /* too long: "..." and the end, which names the program */
        memcpy(out, "...", 3);
        o = 3;
        const char *tail = src + n - (keep - 3);
        while (*tail && ((unsigned char)*tail & 0xC0) == 0x80)
            tail++; /* start on a character */
        src = tail;
    }
    out[o] = '\0';
    text_clean_append(out, keep, &o, src);
    return text_clean_end(out, o);
}
