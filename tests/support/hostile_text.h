/* hostile_text: strings a caller, the service or a certificate could put in
 * front of the representative to make the screen say something else, and
 * what the one cleaning (src/base/util/text_clean.h) must make of each. Used
 * by the cleaning's unit test and by the approval dialog's test, which reads
 * the text back from the window. No comma, plus, quote or backslash in the
 * inputs: the dialog test also puts them in a DN. */
#ifndef CRPKI_TESTS_HOSTILE_TEXT_H
#define CRPKI_TESTS_HOSTILE_TEXT_H

typedef struct {
    const char *name, *in, *want;
} hostile_text;

static const hostile_text HOSTILE_TEXT[] = {
    {"plain Japanese", "契約書 2026年.pdf", "契約書 2026年.pdf"},
    {"right-to-left override",
     "invoice\xe2\x80\xae"
     "fdp.exe",
     "invoicefdp.exe"},
    {"bidi isolates and marks",
     "\xe2\x81\xa6"
     "a\xe2\x81\xa7"
     "b\xe2\x81\xa8"
     "c\xe2\x81\xa9"
     "\xe2\x80\x8e"
     "d\xe2\x80\x8f",
     "abcd"},
    {"zero-width characters and BOM", "e\xe2\x80\x8b-tax\xe2\x80\x8d\xef\xbb\xbf", "e-tax"},
    {"line separator U+2028", "送付先\xe2\x80\xa8承認済み", "送付先 承認済み"},
    {"paragraph separator U+2029",
     "A\xe2\x80\xa9"
     "B",
     "A B"},
    {"newlines and tabs",
     "A\r\n\tB\x7f"
     "C",
     "A B C"},
    {"C1 next line U+0085",
     "A\xc2\x85"
     "B",
     "A B"},
    {"Hangul filler U+3164", "\xe3\x85\xa4\xe3\x85\xa4", ""},
    {"halfwidth Hangul filler U+FFA0", "X\xef\xbe\xa0Y", "XY"},
    {"choseong and jungseong fillers", "P\xe1\x85\x9f\xe1\x85\xa0Q", "PQ"},
    {"braille blank U+2800", "R\xe2\xa0\x80S", "RS"},
    {"run of combining marks", "Z\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85\xcc\x86\xcc\x87",
     "Z\xcc\x81\xcc\x82"},
    {"dakuten kept", "\xe3\x81\x8b\xe3\x82\x99", "\xe3\x81\x8b\xe3\x82\x99"},
    {"run of spaces", "  A        B  ", "A B"},
    {"em spaces and no-break spaces",
     "A\xe2\x80\x83\xe2\x80\x83\xc2\xa0"
     "B",
     "A B"},
    {"ideographic spaces", "山田\xe3\x80\x80\xe3\x80\x80\xe3\x80\x80太郎", "山田\xe3\x80\x80太郎"},
    {"invalid UTF-8 byte",
     "\xff\xfe"
     "A",
     "??A"},
    {"overlong slash",
     "a\xc0\xaf"
     "b",
     "a??b"},
    {"UTF-16 surrogate",
     "s\xed\xa0\x80"
     "t",
     "s???t"},
    {"cut-short sequence at the end", "end\xe5\x95", "end??"},
};
#define HOSTILE_TEXT_COUNT (sizeof HOSTILE_TEXT / sizeof HOSTILE_TEXT[0])

#endif
