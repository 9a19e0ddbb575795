#!/usr/bin/env bash
# Regenerates test_keys.h, the private keys the unit tests issue their
# certificates for (test_cert, the CSP core's fixture), with the OpenSSL CLI:
# run once, commit the output. Keys are made here and not at run time
# because RSA key generation under valgrind takes minutes.
# Usage: gen_test_keys.sh [OUT]   (default: test_keys.h beside this script)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:-$here/test_keys.h}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pem() { # NAME FILE -> static const char NAME[] = "...";
    echo "static const char $1[] ="
    sed -e 's/^/    "/' -e 's/$/\\n"/' "$2"
    echo "    ;"
}
{
    cat <<'HDR'
/* Private keys the unit tests issue certificates for (test_cert, the CSP
 * core's fixture), made once by tests/support/gen_test_keys.sh (openssl
 * genpkey) instead of at run time (minutes under valgrind). Test material
 * only: never trusted anywhere. Do not edit by hand; regenerate with the
 * script. tk_key() parses one (NULL on failure; the caller frees it). */
#ifndef CRPKI_TESTS_SUPPORT_TEST_KEYS_H
#define CRPKI_TESTS_SUPPORT_TEST_KEYS_H

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

static inline EVP_PKEY *tk_key(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return k;
}

HDR
    rsa=() ec=()
    for i in 1 2 3 4; do
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/r$i" 2>/dev/null
        pem "tk_rsa$i" "$work/r$i"
        rsa+=("tk_rsa$i")
    done
    for i in 1 2 3; do
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/e$i"
        pem "tk_p256_$i" "$work/e$i"
        ec+=("tk_p256_$i")
    done
    echo
    echo "static const char *const TK_RSA[] = {$(IFS=,; echo "${rsa[*]}" | sed 's/,/, /g')};"
    echo "static const char *const TK_EC[] = {$(IFS=,; echo "${ec[*]}" | sed 's/,/, /g')};"
    echo
    echo "#endif"
} >"$work/out.h"
clang-format --style=file:"$here/../../../.clang-format" "$work/out.h" >"$out" 2>/dev/null ||
    cp "$work/out.h" "$out"
echo "wrote $out"
