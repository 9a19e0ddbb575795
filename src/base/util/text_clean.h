/* text_clean: the one cleaning of every string a person is shown as
 * evidence of what they approve - the approval dialog's and the console's
 * lines, the description the phone shows, the holder and company of the
 * certificate. Whatever the caller, the service or a certificate put there,
 * what reads on the screen is what the text says:
 *   - bytes that are not UTF-8 become '?';
 *   - controls (C0, DEL, C1) and line / paragraph separators (U+2028, U+2029)
 *     become a space;
 *   - format characters that change how text reads (Unicode Cf: bidi
 *     embeddings, overrides, isolates and marks, zero-width characters, BOM,
 *     soft hyphen, tags) and blank fillers that look like nothing (Hangul
 *     fillers U+115F, U+1160, U+3164, U+FFA0, the braille blank U+2800) are
 *     dropped;
 *   - after a base character at most two combining marks are kept (one is
 *     enough for Japanese dakuten; a run of dozens paints over the lines
 *     around it);
 *   - a run of spaces (any Unicode space separator, and what became a space
 *     above) is one space - the ideographic space U+3000 of a Japanese name
 *     stays itself - and there is none at either end.
 * Pure; no allocation. */
#ifndef CRPKI_BASE_UTIL_TEXT_CLEAN_H
#define CRPKI_BASE_UTIL_TEXT_CLEAN_H

#include <stddef.h>

/* Cleans in (NUL-terminated; NULL is "") into out: whole characters while
 * they fit in outsz - 1 bytes, always NUL-terminated when outsz > 0.
 * Returns the length written. */
size_t text_clean(const char *in, char *out, size_t outsz);

/* The same appended at out[*len] (out holds max bytes plus a NUL): for
 * callers that build one line from several parts. A space that would start
 * or repeat is not written; one that ends the part is kept until
 * text_clean_end. */
void text_clean_append(char *out, size_t max, size_t *len, const char *in);
/* Drops the spaces that end out[0..len); returns the new length. */
size_t text_clean_end(char *out, size_t len);

#endif
