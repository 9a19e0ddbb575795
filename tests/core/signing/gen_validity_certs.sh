#!/usr/bin/env bash
# Regenerates validity_certs.h: two self-signed P-256 certificates outside
# their validity period (2020-2021 expired, 2090-2091 not yet valid), for the
# signing path's validity check (test_signing_unit.c). `openssl ca` sets past
# and future dates (`req -x509` cannot). Run once, commit the output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf '[ca]\ndefault_ca = d\n[d]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\norganizationName = optional\n[req]\ndistinguished_name = dn\n[dn]\n' >ca.cnf
touch index.txt
echo 01 >serial
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null
openssl req -new -key k.pem -subj "/CN=有効期間テスト/O=株式会社テスト商事" -utf8 -out r.csr -config ca.cnf
make() { # NAME START END
    openssl ca -selfsign -keyfile k.pem -in r.csr -startdate "$2" -enddate "$3" -config ca.cnf \
        -batch -utf8 -out "$1.pem" >/dev/null 2>&1
    openssl x509 -in "$1.pem" -outform DER -out "$1.der"
    echo "static const unsigned char $1_cert[] = {"
    od -An -tx1 -v "$1.der" | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1, /g' -e 's/^/   /' -e 's/, $/,/'
    echo "};"
}
{
    echo "/* Certificates outside their validity period, made by gen_validity_certs.sh"
    echo " * (do not edit): expired_cert 2020-01-01..2021-01-01, future_cert"
    echo " * 2090-01-01..2091-01-01. Test material only. */"
    echo "#ifndef CRPKI_TESTS_CORE_SIGNING_VALIDITY_CERTS_H"
    echo "#define CRPKI_TESTS_CORE_SIGNING_VALIDITY_CERTS_H"
    echo
    make expired 20200101000000Z 20210101000000Z
    echo
    make future 20900101000000Z 20910101000000Z
    echo
    echo "#endif"
} >"$here/validity_certs.h"
# in the tree's one style (scripts/test checks every .h)
clang-format -i "$here/validity_certs.h"
