#!/usr/bin/env bash
# consumers.sh MODULE: programs we did not write sign through crpki-pkcs11
# against crpki-rsspd (run by tests/wine_service/run-service-test.sh: the
# home is logged in, every credential of user1 in keys.json: RSA 2048, RSA
# 3072, EC P-256; the phone approves). Every signature is verified with
# OpenSSL, Java or osslsigncode against the certificate read through the
# module. docs/pkcs11.md shows the same commands.
set -u
M=$1
work=$CRPKI_TEST_OUT/p11
mkdir -p "$work"
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*" >&2; fails=$((fails + 1)); }
check() { # check NAME COMMAND...: the command's exit status decides
    local name=$1
    shift
    if "$@" >"$work/last.log" 2>&1; then ok "$name"; else
        bad "$name"; sed 's/^/    /' "$work/last.log" >&2
    fi
}
approvals() { [ -f "$CRPKI_TEST_PHONE.log" ] && wc -l <"$CRPKI_TEST_PHONE.log" || echo 0; }
printf 'approve 50\n' >"$CRPKI_TEST_PHONE"
ca=$CRPKI_TEST_SIMDIR/pki/registrar-ca.pem
printf '登記申請書 (PKCS#11 のテスト)\n' >"$work/doc.txt"

# ---- pkcs11-tool (OpenSC) ----------------------------------------------------
p11() { pkcs11-tool --module "$M" "$@"; }
p11 -L >"$work/slots.txt" 2>&1
n=$(grep -c '^Slot [0-9]' "$work/slots.txt")
[ "$n" = 3 ] && ok "pkcs11-tool lists 3 tokens" || bad "pkcs11-tool lists $n tokens, want 3"
grep -q 'token label *: 山田 太郎 RSA 2048' "$work/slots.txt" &&
    grep -q 'token label *: 山田 太郎 EC 256' "$work/slots.txt" &&
    grep -q 'readonly' "$work/slots.txt" && ok "token labels name the holder and the key" ||
    bad "token labels: $(grep label "$work/slots.txt" | tr '\n' ' ')"
p11 --slot-index 0 -O >"$work/objects.txt" 2>&1
grep -q 'Private Key Object; RSA' "$work/objects.txt" &&
    grep -q 'never extractable' "$work/objects.txt" &&
    grep -q 'Public Key Object; RSA 2048 bits' "$work/objects.txt" &&
    [ "$(grep -c 'Certificate Object' "$work/objects.txt")" = 2 ] &&
    ok "pkcs11-tool lists certificate, issuer, public and private key" ||
    bad "objects: $(tr '\n' ' ' <"$work/objects.txt")"

# the certificate of each token, as the module hands it out
for i in 0 1 2; do
    id=$(p11 --slot-index $i -O 2>/dev/null | awk '/ID:/ { print $2; exit }')
    p11 --slot-index $i --read-object --type cert --id "$id" -o "$work/cert$i.der" >/dev/null 2>&1
    openssl x509 -inform DER -in "$work/cert$i.der" -out "$work/cert$i.pem" 2>/dev/null &&
        openssl x509 -in "$work/cert$i.pem" -pubkey -noout >"$work/pub$i.pem" ||
        bad "certificate of token $i"
done
check "the token's certificate verifies up to the registrar CA" \
    openssl verify -CAfile "$ca" -purpose any "$work/cert0.pem"

before=$(approvals)
p11 --slot-index 0 --sign -m SHA256-RSA-PKCS -i "$work/doc.txt" -o "$work/rsa.sig" \
    >/dev/null 2>"$work/sign.err"
check "pkcs11-tool SHA256-RSA-PKCS, verified by openssl" \
    openssl dgst -sha256 -verify "$work/pub0.pem" -signature "$work/rsa.sig" "$work/doc.txt"
[ $(($(approvals) - before)) = 1 ] && ok "one approval for one signature" ||
    bad "approvals: $(($(approvals) - before))"
# approval_ui console: the code on the application's stderr is the one the
# phone was asked to approve
shown=$(sed -n 's/^CRPKI-APPROVAL-CODE: \([0-9]\{4\}\).*/\1/p' "$work/sign.err")
asked=$(tail -n 1 "$CRPKI_TEST_PHONE.log" | cut -d' ' -f1)
[ -n "$shown" ] && [ "$shown" = "$asked" ] && ok "the console shows the approval code $shown" ||
    bad "console code '$shown', the service asked for '$asked': $(tr '\n' ' ' <"$work/sign.err")"
p11 --slot-index 1 --sign -m SHA384-RSA-PKCS-PSS --mgf MGF1-SHA384 --salt-len 48 \
    -i "$work/doc.txt" -o "$work/pss.sig" >/dev/null 2>&1
check "pkcs11-tool SHA384-RSA-PKCS-PSS (RSA 3072), verified by openssl" \
    openssl dgst -sha384 -verify "$work/pub1.pem" -sigopt rsa_padding_mode:pss \
    -sigopt rsa_pss_saltlen:48 -signature "$work/pss.sig" "$work/doc.txt"
p11 --slot-index 2 --sign -m ECDSA-SHA256 --signature-format openssl -i "$work/doc.txt" \
    -o "$work/ec.sig" >/dev/null 2>&1
check "pkcs11-tool ECDSA-SHA256 (P-256), verified by openssl" \
    openssl dgst -sha256 -verify "$work/pub2.pem" -signature "$work/ec.sig" "$work/doc.txt"
openssl dgst -sha512 -binary "$work/doc.txt" >"$work/doc.sha512"
p11 --slot-index 2 --sign -m ECDSA --signature-format openssl -i "$work/doc.sha512" \
    -o "$work/ecraw.sig" >/dev/null 2>&1
check "pkcs11-tool ECDSA over a SHA-512 hash, verified by openssl" \
    openssl pkeyutl -verify -pubin -inkey "$work/pub2.pem" -in "$work/doc.sha512" \
    -sigfile "$work/ecraw.sig"
# a bare hash under CKM_RSA_PKCS is not a DigestInfo: refused before the service
before=$(approvals)
if p11 --slot-index 0 --sign -m RSA-PKCS -i "$work/doc.sha512" -o "$work/no.sig" \
    >"$work/last.log" 2>&1; then
    bad "RSA-PKCS over a bare hash was signed"
else
    grep -q CKR_DATA_INVALID "$work/last.log" && [ "$(approvals)" = "$before" ] &&
        ok "RSA-PKCS over a bare hash: CKR_DATA_INVALID, nothing sent" ||
        bad "bare hash: $(tr '\n' ' ' <"$work/last.log")"
fi

# ---- p11tool (GnuTLS) --------------------------------------------------------
p11tool --provider "$M" --list-tokens >"$work/p11tool.txt" 2>&1
grep -q 'Label: 山田 太郎 RSA 3072' "$work/p11tool.txt" && ok "p11tool lists the tokens" ||
    bad "p11tool: $(tr '\n' ' ' <"$work/p11tool.txt")"
url=$(p11tool --provider "$M" --list-all-certs "pkcs11:token=%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E%20RSA%202048" 2>/dev/null |
    awk '/URL:/ && /type=cert/ { print $2; exit }')
p11tool --provider "$M" --export "$url" >"$work/p11tool-cert.pem" 2>/dev/null
check "p11tool exports the certificate ($url)" cmp <(openssl x509 -in "$work/p11tool-cert.pem" -outform DER) "$work/cert0.der"

# ---- OpenSSL: a CMS through libp11's engine ------------------------------------
engine=$(dpkg -L libengine-pkcs11-openssl 2>/dev/null | grep '/engines-3/pkcs11.so$' | head -1)
cat >"$work/openssl.cnf" <<CNF
openssl_conf = init
[init]
engines = engines
[engines]
pkcs11 = pkcs11
[pkcs11]
engine_id = pkcs11
dynamic_path = $engine
MODULE_PATH = $M
init = 0
CNF
cred0=$(awk '/label:/ { print $2; exit }' "$work/objects.txt")
OPENSSL_CONF=$work/openssl.cnf openssl cms -sign -engine pkcs11 -keyform engine \
    -inkey "pkcs11:object=$cred0;type=private" -signer "$work/cert0.pem" -md sha256 -binary \
    -in "$work/doc.txt" -outform DER -out "$work/doc.p7s" -nodetach >"$work/cms.log" 2>&1 ||
    cat "$work/cms.log" >&2
check "openssl cms -sign through the module, openssl cms -verify" \
    openssl cms -verify -inform DER -in "$work/doc.p7s" -CAfile "$ca" -purpose any -out /dev/null

# ---- osslsigncode: an Authenticode signature ---------------------------------
printf 'int main(void) { return 0; }\n' >"$work/app.c"
if x86_64-w64-mingw32-gcc -o "$work/app.exe" "$work/app.c" 2>"$work/last.log"; then
    osslsigncode sign -pkcs11engine "$engine" -pkcs11module "$M" \
        -key "pkcs11:object=$cred0;type=private" -certs "$work/cert0.pem" -h sha256 \
        -n "PKCS#11 test" -in "$work/app.exe" -out "$work/app-signed.exe" >"$work/osc.log" 2>&1 ||
        cat "$work/osc.log" >&2
    check "osslsigncode signs an executable through the module and verifies it" \
        osslsigncode verify -CAfile "$ca" -in "$work/app-signed.exe"
else
    bad "x86_64-w64-mingw32-gcc could not build the test executable"
fi

# ---- Java: SunPKCS11 keytool and jarsigner -----------------------------------
printf 'name = crpki\nlibrary = %s\nslotListIndex = 0\n' "$M" >"$work/sunpkcs11.cfg"
jopts=(-keystore NONE -storetype PKCS11 -providerClass sun.security.pkcs11.SunPKCS11
       -providerArg "$work/sunpkcs11.cfg" -storepass none)
keytool -list "${jopts[@]}" >"$work/keytool.txt" 2>&1
grep -q "^$cred0, PrivateKeyEntry" "$work/keytool.txt" && ok "keytool -list sees the key entry" ||
    bad "keytool: $(tr '\n' ' ' <"$work/keytool.txt")"
mkdir -p "$work/jar"
cp "$work/doc.txt" "$work/jar/"
(cd "$work/jar" && jar cf ../test.jar doc.txt)
jarsigner "${jopts[@]}" -sigalg SHA256withRSA "$work/test.jar" "$cred0" >"$work/js.log" 2>&1 ||
    cat "$work/js.log" >&2
jarsigner -verify -verbose -certs "$work/test.jar" >"$work/jsv.log" 2>&1
grep -q 'jar verified' "$work/jsv.log" && grep -q '山田 太郎' "$work/jsv.log" &&
    ok "jarsigner signs a jar through SunPKCS11 and verifies it" ||
    bad "jarsigner: $(tr '\n' ' ' <"$work/js.log" "$work/jsv.log")"

# ---- NSS: modutil / certutil -------------------------------------------------
mkdir -p "$work/nss"
certutil -N -d "sql:$work/nss" --empty-password >/dev/null 2>&1
modutil -dbdir "sql:$work/nss" -add crpki -libfile "$M" -force >"$work/last.log" 2>&1 ||
    bad "modutil -add: $(tr '\n' ' ' <"$work/last.log")"
certutil -U -d "sql:$work/nss" >"$work/nss.txt" 2>&1
grep -q 'token: 山田 太郎 EC 256' "$work/nss.txt" && ok "NSS (certutil -U) sees the tokens" ||
    bad "certutil -U: $(tr '\n' ' ' <"$work/nss.txt")"
certutil -L -d "sql:$work/nss" -h "山田 太郎 RSA 2048" >"$work/nss-certs.txt" 2>&1
grep -q "$cred0" "$work/nss-certs.txt" && ok "NSS lists the token's certificate" ||
    bad "certutil -L: $(tr '\n' ' ' <"$work/nss-certs.txt")"

# ---- the signing record: one line per signature, the program's path ----------
hist=$CRPKI_HOME/history.jsonl
for prog in pkcs11-tool openssl osslsigncode; do
    grep -q "\"program\":\"[^\"]*/$prog\".*\"outcome\":\"signed\"" "$hist" 2>/dev/null &&
        ok "the signing record names $prog" || bad "no signed record of $prog in $hist"
done
signed=$(grep -c '"outcome":"signed"' "$hist" 2>/dev/null)
[ "$signed" = "$(approvals)" ] && ok "one record per approved signature ($signed)" ||
    bad "records $signed, approvals $(approvals)"

echo "consumers.sh: $fails failed"
[ $fails = 0 ]
