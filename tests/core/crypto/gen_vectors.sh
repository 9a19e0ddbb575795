#!/usr/bin/env bash
# Regenerates vectors.h, the test vectors of test_crypto, with the OpenSSL
# CLI: run once, commit the output (new keys and randomized ECDSA signatures
# make every run's bytes different but equally valid).
# Usage: gen_vectors.sh [OUT]   (default: vectors.h beside this script;
# clang-formatted with the repository's style)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:-$here/vectors.h}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
exec 3>&1 >"$work/vectors.h"

# name file -> static const uint8_t name[] = {...};
arr() {
    echo "static const uint8_t $1[] = {"
    od -An -v -tx1 "$2" | sed -e 's/ *$//' -e 's/ \([0-9a-f][0-9a-f]\)/0x\1, /g' -e 's/^/    /' \
        -e 's/, $/,/'
    echo "};"
}

cat <<'HDR'
/* Test vectors for test_crypto, produced by tests/core/crypto/gen_vectors.sh with
 * the OpenSSL CLI (openssl req -x509 self-signed certificates, openssl dgst,
 * openssl pkeyutl -sign). Do not edit by hand; regenerate with the script.
 * Everything is referenced from the tables at the end. */
#ifndef CRPKI_TESTS_CRYPTO_VECTORS_H
#define CRPKI_TESTS_CRYPTO_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "alg/alg.h"
#include "crypto/crypto.h"

HDR

# ---- digests of a few messages ----
printf '' >m0
printf 'ab' >m1
printf 'abc' >m2
printf 'The quick brown fox jumps over the lazy dog' >m3
echo '#define TV_FOX "The quick brown fox jumps over the lazy dog"'
echo
names="md5 sha1 sha256 sha384 sha512"
ids="CRPKI_HASH_MD5 CRPKI_HASH_SHA1 CRPKI_HASH_SHA256 CRPKI_HASH_SHA384 CRPKI_HASH_SHA512"
for m in 0 1 2 3; do
    for h in $names; do
        openssl dgst -"$h" -binary m$m >d_${h}_m$m
        arr "tv_${h}_m$m" d_${h}_m$m
    done
done
cat <<'EOT'

typedef struct {
    crpki_hash_id hash;
    const char *msg;
    const uint8_t *digest;
    size_t len;
} tv_digest;

EOT
echo "static const tv_digest TV_DIGESTS[] = {"
msgs=('""' '"ab"' '"abc"' 'TV_FOX')
for m in 0 1 2 3; do
    set -- $ids
    for h in $names; do
        echo "    {$1, ${msgs[$m]}, tv_${h}_m$m, sizeof tv_${h}_m$m},"
        shift
    done
done
echo "};"
echo

# ---- keys and certificates ----
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out rsa3072.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.key
for k in rsa2048 rsa3072 p256 p384; do
    openssl req -x509 -new -key $k.key -subj "/CN=crpki test $k" -days 3650 -outform DER \
        -out $k.der 2>/dev/null
    arr "tv_${k}_cert" $k.der
done
for k in rsa2048 rsa3072; do
    # modulus as printed by OpenSSL (hex), exponent 65537
    openssl rsa -in $k.key -noout -modulus | sed 's/Modulus=//' | xxd -r -p >${k}_n
    arr "tv_${k}_n" ${k}_n
done
for k in p256 p384; do
    # the uncompressed point 04 || X || Y from the SubjectPublicKeyInfo
    openssl pkey -in $k.key -pubout -outform DER >$k.spki
    c=$([ $k = p256 ] && echo 32 || echo 48)
    tail -c $((2 * c)) $k.spki | head -c $c >${k}_x
    tail -c $c $k.spki >${k}_y
    arr "tv_${k}_x" ${k}_x
    arr "tv_${k}_y" ${k}_y
done
cat <<'EOT'
static const uint8_t tv_e65537[] = {0x01, 0x00, 0x01};

typedef struct {
    const char *name;
    crpki_key_type type;
    unsigned bits;
    crpki_curve curve;
    const uint8_t *cert;
    size_t cert_len;
    const uint8_t *n, *e, *x, *y;
    size_t nlen, elen, coord_len;
} tv_key;

enum { TV_RSA2048, TV_RSA3072, TV_P256, TV_P384 };
static const tv_key TV_KEYS[] = {
    {"rsa2048", CRPKI_KEY_RSA, 2048, CRPKI_CURVE_NONE, tv_rsa2048_cert, sizeof tv_rsa2048_cert,
     tv_rsa2048_n, tv_e65537, NULL, NULL, sizeof tv_rsa2048_n, sizeof tv_e65537, 0},
    {"rsa3072", CRPKI_KEY_RSA, 3072, CRPKI_CURVE_NONE, tv_rsa3072_cert, sizeof tv_rsa3072_cert,
     tv_rsa3072_n, tv_e65537, NULL, NULL, sizeof tv_rsa3072_n, sizeof tv_e65537, 0},
    {"p256", CRPKI_KEY_EC, 256, CRPKI_CURVE_P256, tv_p256_cert, sizeof tv_p256_cert, NULL, NULL,
     tv_p256_x, tv_p256_y, 0, 0, 32},
    {"p384", CRPKI_KEY_EC, 384, CRPKI_CURVE_P384, tv_p384_cert, sizeof tv_p384_cert, NULL, NULL,
     tv_p384_x, tv_p384_y, 0, 0, 48},
};

EOT

# ---- signatures over digests of TV_FOX ----
# sig KEY NAME HASH PKEYOPTS...: signs d_HASH_m3 with KEY
rows=()
sig() {
    local key=$1 name=$2 h=$3
    shift 3
    local opts=()
    for o in "$@"; do opts+=(-pkeyopt "$o"); done
    openssl pkeyutl -sign -inkey $key.key -in d_${h}_m3 "${opts[@]}" -out s_$name
    arr "tv_sig_$name" s_$name
}
hid() { case $1 in md5) echo CRPKI_HASH_MD5 ;; sha1) echo CRPKI_HASH_SHA1 ;;
    sha256) echo CRPKI_HASH_SHA256 ;; sha384) echo CRPKI_HASH_SHA384 ;;
    sha512) echo CRPKI_HASH_SHA512 ;; esac; }
KEYID() { case $1 in rsa2048) echo TV_RSA2048 ;; rsa3072) echo TV_RSA3072 ;;
    p256) echo TV_P256 ;; p384) echo TV_P384 ;; esac; }
for k in rsa2048 rsa3072; do
    for h in sha1 sha256 sha384 sha512; do
        sig $k ${k}_pkcs1_$h $h digest:$h
        rows+=("{\"$k PKCS1 $h\", $(KEYID $k), CRPKI_PAD_PKCS1, $(hid $h), 0, tv_${h}_m3, sizeof tv_${h}_m3, tv_sig_${k}_pkcs1_$h, sizeof tv_sig_${k}_pkcs1_$h},")
    done
    for hs in sha256:32 sha256:0 sha512:64; do
        h=${hs%:*} s=${hs#*:}
        sig $k ${k}_pss_${h}_$s $h digest:$h rsa_padding_mode:pss rsa_pss_saltlen:$s \
            rsa_mgf1_md:$h
        rows+=("{\"$k PSS $h salt $s\", $(KEYID $k), CRPKI_PAD_PSS, $(hid $h), $s, tv_${h}_m3, sizeof tv_${h}_m3, tv_sig_${k}_pss_${h}_$s, sizeof tv_sig_${k}_pss_${h}_$s},")
    done
done
# raw PKCS#1 (no DigestInfo added) over a DigestInfo built by the caller
printf '3031300d060960864801650304020105000420' | xxd -r -p >di_sha256
cat di_sha256 d_sha256_m3 >di_sha256_m3
arr tv_digestinfo_sha256_m3 di_sha256_m3
openssl pkeyutl -sign -inkey rsa2048.key -in di_sha256_m3 -out s_rsa2048_raw
arr tv_sig_rsa2048_raw s_rsa2048_raw
rows+=("{\"rsa2048 PKCS1 raw DigestInfo\", TV_RSA2048, CRPKI_PAD_PKCS1, CRPKI_HASH_NONE, 0, tv_digestinfo_sha256_m3, sizeof tv_digestinfo_sha256_m3, tv_sig_rsa2048_raw, sizeof tv_sig_rsa2048_raw},")
# ECDSA: DER ECDSA-Sig-Value as OpenSSL makes it (the test converts to P1363)
for kh in p256:sha256 p384:sha384 p256:sha512 p384:sha256; do
    k=${kh%:*} h=${kh#*:}
    sig $k ${k}_ecdsa_$h $h
    rows+=("{\"$k ECDSA $h\", $(KEYID $k), CRPKI_PAD_ECDSA, $(hid $h), 0, tv_${h}_m3, sizeof tv_${h}_m3, tv_sig_${k}_ecdsa_$h, sizeof tv_sig_${k}_ecdsa_$h},")
done

cat <<'EOT'

/* sig is big-endian for RSA, DER ECDSA-Sig-Value for ECDSA. */
typedef struct {
    const char *name;
    int key; /* index into TV_KEYS */
    crpki_sig_scheme scheme;
    crpki_hash_id hash;
    unsigned salt_len;
    const uint8_t *digest;
    size_t digest_len;
    const uint8_t *sig;
    size_t sig_len;
} tv_sig;

static const tv_sig TV_SIGS[] = {
EOT
for r in "${rows[@]}"; do echo "    $r"; done
echo "};"
echo
echo "#endif"
exec >&3
cp "$work/vectors.h" "$out"
clang-format -i --style="file:$here/../../.clang-format" "$out"
