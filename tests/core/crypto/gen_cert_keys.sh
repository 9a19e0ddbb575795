#!/usr/bin/env bash
# Regenerates cert_keys.h, the keys test_cert issues its certificates for,
# with the OpenSSL CLI: run once, commit the output. Keys are made here and
# not at run time because RSA key generation under valgrind takes minutes.
# Usage: gen_cert_keys.sh [OUT]   (default: cert_keys.h beside this script)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:-$here/cert_keys.h}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pem() { # NAME FILE -> static const char NAME[] = "...";
    echo "static const char $1[] ="
    sed -e 's/^/    "/' -e 's/$/\\n"/' "$2"
    echo "    ;"
}
{
    cat <<'HDR'
/* Test keys for test_cert (tests/core/crypto/gen_cert_keys.sh, OpenSSL CLI:
 * openssl genpkey). Test material only: never trusted anywhere. Do not edit
 * by hand; regenerate with the script. */
#ifndef CRPKI_TESTS_CRYPTO_CERT_KEYS_H
#define CRPKI_TESTS_CRYPTO_CERT_KEYS_H

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
