#!/usr/bin/env bash
# make-codesign-ca.sh OUTDIR: a test code-signing CA and a publisher under it,
# made once per build (kept while OUTDIR/signer.pem exists):
#   ca.pem, ca.der     the root ("CRPKI Test Code Signing CA"), trusted by the
#                      tests that want a verified publisher
#   signer.pem/.key    the publisher, CN = O = テスト署名ソフト株式会社,
#                      extendedKeyUsage codeSigning
#   chain.pem          signer then CA (what osslsigncode -certs embeds)
# The names are the tests' expectations (tests/provider/recovery_service_test.c).
set -euo pipefail
out=$1
[ -s "$out/signer.pem" ] && [ -s "$out/chain.pem" ] && exit 0
mkdir -p "$out"
tmp=$(mktemp -d "$out/.new-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/x509.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_signer]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 3650 \
    -subj "/CN=CRPKI Test Code Signing CA/O=CRPKI Test" -config "$tmp/x509.cnf" -extensions v3_ca \
    2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$tmp/signer.key" -out "$tmp/signer.csr" -utf8 \
    -subj "/CN=テスト署名ソフト株式会社/O=テスト署名ソフト株式会社/C=JP" -config "$tmp/x509.cnf" \
    2>/dev/null
openssl x509 -req -in "$tmp/signer.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
    -out "$tmp/signer.pem" -days 3650 -extfile "$tmp/x509.cnf" -extensions v3_signer 2>/dev/null
openssl x509 -in "$tmp/ca.pem" -outform DER -out "$tmp/ca.der"
cat "$tmp/signer.pem" "$tmp/ca.pem" >"$tmp/chain.pem"
for f in ca.pem ca.der ca.key signer.key chain.pem signer.pem; do
    mv "$tmp/$f" "$out/$f"
done
