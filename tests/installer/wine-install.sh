#!/usr/bin/env bash
# installer_wine: the MSI's whole life under Wine, in a fresh prefix of its own.
#   1. msiexec /i /qn /l*v: files in System32 and Program Files\CrpkiRemoteSignApp,
#      the Start-menu shortcut, the CSP registry entry, the KSP custom action ran;
#      the installed crpki-mgmt.exe runs (nothing else needed on the machine);
#   2. against crpki-rsspd (auto-approval): crpki-test-setup logs user1 in and
#      selects the RSA-2048 certificate in the default per-user directory
#      (%APPDATA%\CrpkiRemoteSign); installed_csp (advapi32 only) acquires the
#      provider by name and signs; OpenSSL verifies the signature and the
#      certificate's chain to the registrar CA; the installed crpki-mgmt.exe
#      `use` + `sign --provider csp` makes a CMS that `openssl cms -verify` accepts;
#   2b. crpki-mgmt service set --machine (URL and CA for every user): honoured,
#      a signature made with it;
#   3. msiexec /i of the next version (NEXT_MSI): a major upgrade, one product,
#      the administrator's settings kept; a reinstall with SERVICE_URL=... PROXY=host:port
#      replaces them, and the proxy is then fixed (crpki-mgmt proxy none refused);
#   4. msiexec /x /qn: files, shortcut and provider entries gone, the provider can
#      no longer be acquired; the per-user directory is still there;
#   5. the old names: a package of an older version with the old folder
#      (Program Files\CrpkiRemoteSign) installed, then the current
#      RemoteSignatureDriver.msi: one product, the old folder gone, the files
#      in Program Files\CrpkiRemoteSignApp; removed again.
#
#
# Both sets of DLLs are checked in every run: the x64 ones in System32 with the CSP
# entry in the 64-bit registry view, the x86 ones in SysWOW64 with the CSP entry in
# the 32-bit view. With WoW64 (WINE_RUN wow64-run.sh and the 32-bit programs given),
# 32-bit programs also use the installed driver in the same prefix:
#   2c. 32-bit installed_csp signs (CryptSignHash) and makes a CMS with
#       CryptSignMessage (one signature request for the document), 32-bit and 64-bit
#       installed_ksp sign with PKCS#1 and PSS through the KSP's table; OpenSSL
#       verifies each;
#   2d. the access token expires (the service's --access-ttl), then a 32-bit and a
#       64-bit program sign at the same time: both succeed, one refresh is made
#       (the cross-process lock), and the token family survives (a later
#       signature needs no login);
#   4.  after the removal a 32-bit program cannot acquire the provider either.
#
#   wine-install.sh WINE_RUN PREFIX WORK MSI NEXT_MSI INSTALLED_CSP_EXE TEST_SETUP_EXE RSSPD OLD_MSI
#                   INSTALLED_KSP_EXE [INSTALLED_CSP32_EXE INSTALLED_KSP32_EXE]
set -u
wine_run=$1 prefix=$2 work=$3 msi=$4 next_msi=$5 client=$6 setup=$7 rsspd=$8 old_msi=$9
ksp_client=${10} client32=${11:-} ksp_client32=${12:-}
wow64=0
[ -n "$client32" ] && wow64=1
# The access token's lifetime at the service: short enough that step 2d waits
# little, long enough that one signature never outlives it.
ACCESS_TTL=20

CSP_KEY='HKLM\Software\Microsoft\Cryptography\Defaults\Provider\CRPKI Remote Signing Cryptographic Provider'
failures=0
bad() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
die() {
    echo "FAIL: $*" >&2
    exit 1
}
ok() { echo "ok: $*"; }
W() { "$wine_run" --prefix "$prefix" "$@"; }
# winepath through the runner too: the host's Wine must not touch a WoW64 prefix.
winpath() { W winepath -w "$1" 2>/dev/null | tr -d '\r'; }

for f in "$msi" "$next_msi" "$client" "$setup" "$old_msi" "$ksp_client" ${client32:+"$client32" "$ksp_client32"}; do
    [ -f "$f" ] || die "$f does not exist"
done
[ -x "$rsspd" ] || die "$rsspd not found: build the linux preset first (cmake --build --preset linux), or set CRPKI_RSSPD"

svc_pid=
cleanup() {
    [ -n "$svc_pid" ] && kill "$svc_pid" 2>/dev/null && wait "$svc_pid" 2>/dev/null
    "$wine_run" --prefix "$prefix" --cleanup >/dev/null
}
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work/out"

"$wine_run" --prefix "$prefix" --setup >/dev/null || die "wine prefix setup failed"
c="$prefix/drive_c"
sys32="$c/windows/system32"
wow="$c/windows/syswow64"
# PE32 (x86) or PE32+ (x64), from the optional header's magic.
pe_kind() {
    local off magic
    off=$(od -An -tu4 -j60 -N4 "$1" 2>/dev/null | tr -d ' ')
    magic=$(od -An -tx2 -j$((${off:-0} + 24)) -N2 "$1" 2>/dev/null | tr -d ' ')
    case "$magic" in 010b) echo x86 ;; 020b) echo x64 ;; *) echo "not-a-pe" ;; esac
}
pf="$c/Program Files/CrpkiRemoteSignApp"

# ---- 1. install ---------------------------------------------------------
# System32 before: the install must add our two DLLs there and nothing else
# (Wine itself ships a zlib1.dll, so names alone prove nothing).
(cd "$sys32" && find . -maxdepth 1 -type f | LC_ALL=C sort) >"$work/system32.before"
(cd "$wow" && find . -maxdepth 1 -type f | LC_ALL=C sort) >"$work/syswow64.before"
W msiexec /i "$(winpath "$msi")" /qn /l*v "$(winpath "$work/install.log")"
rc=$?
[ "$rc" = 0 ] && ok "msiexec /i /qn exit 0" || bad "msiexec /i exit $rc (log: $work/install.log)"
for f in "$sys32/crpkicsp.dll" "$sys32/crpkiksp.dll" "$pf/crpki-mgmt.exe" "$pf/CrpkiManagementTool.exe" \
    "$pf/LICENSE.txt" "$pf/Readme.txt"; do
    [ -s "$f" ] && ok "installed ${f#"$c/"}" || bad "missing ${f#"$c/"}"
done
extra=$(cd "$pf" 2>/dev/null && ls | grep -vx -e crpki-mgmt.exe -e CrpkiManagementTool.exe \
    -e LICENSE.txt -e Readme.txt)
[ -z "$extra" ] || bad "unexpected files in Program Files\\CrpkiRemoteSignApp: $extra"
(cd "$sys32" && find . -maxdepth 1 -type f | LC_ALL=C sort) >"$work/system32.after"
added=$(LC_ALL=C comm -13 "$work/system32.before" "$work/system32.after" | sed 's|^\./||' | tr '\n' ' ')
[ "$added" = "crpkicsp.dll crpkiksp.dll " ] && ok "System32 gained crpkicsp.dll and crpkiksp.dll only" ||
    bad "System32 gained: $added(want crpkicsp.dll crpkiksp.dll only)"
(cd "$wow" && find . -maxdepth 1 -type f | LC_ALL=C sort) >"$work/syswow64.after"
added=$(LC_ALL=C comm -13 "$work/syswow64.before" "$work/syswow64.after" | sed 's|^\./||' | tr '\n' ' ')
[ "$added" = "crpkicsp.dll crpkiksp.dll " ] && ok "SysWOW64 gained crpkicsp.dll and crpkiksp.dll only" ||
    bad "SysWOW64 gained: $added(want crpkicsp.dll crpkiksp.dll only)"
for d in "$sys32:x64" "$wow:x86"; do
    for f in crpkicsp.dll crpkiksp.dll; do
        k=$(pe_kind "${d%:*}/$f")
        name="${d%:*}/$f"
        name=${name#"$c/"}
        [ "$k" = "${d##*:}" ] && ok "$name is $k" || bad "$name is $k, want ${d##*:}"
    done
done
# The machine-wide configuration folder (its ACL is Windows Installer 5's to
# apply, which Wine's msi does not: check-msi.sh checks the table).
[ -d "$c/ProgramData/CrpkiRemoteSign" ] && ok "created ProgramData/CrpkiRemoteSign" ||
    bad "ProgramData/CrpkiRemoteSign was not created"
# Per-machine: ProgramData's Start menu on Windows; Wine 8 puts it in the user's.
# Its name is Japanese (the guideline's §3.5), and it opens the window.
lnk=$(find "$c/ProgramData" "$c/users" -name 'リモート署名ドライバ 管理ツール.lnk' 2>/dev/null | head -1)
[ -n "$lnk" ] && ok "shortcut ${lnk#"$c/"}" || bad "no Start-menu shortcut named リモート署名ドライバ 管理ツール"
[ -n "$lnk" ] && grep -aq 'CrpkiManagementTool.exe' "$lnk" && ok "the shortcut opens CrpkiManagementTool.exe" ||
    bad "the shortcut does not name CrpkiManagementTool.exe"
grep -q 'CrpkiRegisterKsp. Return value 1' "$work/install.log" &&
    ok "KSP registration (regsvr32 crpkiksp.dll) ran" || bad "CrpkiRegisterKsp did not succeed (install.log)"

reg=$(W reg query "$CSP_KEY" 2>&1 | tr -d '\r')
echo "$reg" | grep -Eq 'Image Path +REG_SZ +C:\\windows\\system32\\crpkicsp\.dll$' &&
    echo "$reg" | grep -Eq 'Type +REG_DWORD +0x1$' && echo "$reg" | grep -Eq 'SigInFile +REG_DWORD +0x0$' &&
    ok "CSP registry entry (Image Path, Type 1, SigInFile 0)" || bad "CSP registry entry wrong: $reg"
reg=$(W reg query "$CSP_KEY" /reg:32 2>&1 | tr -d '\r')
echo "$reg" | grep -Eq 'Image Path +REG_SZ +C:\\windows\\syswow64\\crpkicsp\.dll$' &&
    echo "$reg" | grep -Eq 'Type +REG_DWORD +0x1$' && echo "$reg" | grep -Eq 'SigInFile +REG_DWORD +0x0$' &&
    ok "CSP registry entry in the 32-bit view (Image Path SysWOW64, Type 1, SigInFile 0)" ||
    bad "CSP registry entry in the 32-bit view wrong: $reg"

W "C:\\Program Files\\CrpkiRemoteSignApp\\crpki-mgmt.exe" --help >"$work/help.txt" 2>&1 &&
    ok "installed crpki-mgmt.exe --help runs" || bad "installed crpki-mgmt.exe --help failed: $(head -5 "$work/help.txt")"

# ---- 2. sign through the installed CSP ------------------------------------
svc="$work/svc"
"$rsspd" init --dir "$svc" >"$work/rsspd-init.log" 2>&1 || die "crpki-rsspd init failed: $(tail -5 "$work/rsspd-init.log")"
"$rsspd" serve --dir "$svc" --listen 127.0.0.1:0 --auto-approve 300 --access-ttl "$ACCESS_TTL" \
    >"$work/rsspd.log" 2>&1 &
svc_pid=$!
for _ in $(seq 100); do
    [ -s "$svc/port" ] && break
    sleep 0.1
done
[ -s "$svc/port" ] || die "crpki-rsspd did not start: $(tail -5 "$work/rsspd.log")"
port=$(cat "$svc/port")
password=$(awk -F'"' '/"id":[[:space:]]*"user1"/{f=1; next} f && /"password"/{print $4; exit}' "$svc/sim.json")
[ -n "$password" ] || die "no password for user1 in $svc/sim.json"

appdata=$(W cmd /c 'echo %APPDATA%' 2>/dev/null | tr -d '\r')
home_win="$appdata\\CrpkiRemoteSign"
home_unix=$(W winepath -u "$home_win" 2>/dev/null | tr -d '\r')
[ -n "$appdata" ] && [ -n "$home_unix" ] || die "cannot find %APPDATA% in the prefix"
# The RSA-2048 credential only (the first of user1): installed_csp verifies
# with digest:sha256 and PKCS#1.
if W "$(winpath "$setup")" --home "$home_win" --service "https://localhost:$port" \
    --ca "$(winpath "$svc/tls/ca.pem")" --user user1 --password "$password" \
    --providers both --ui none >"$work/setup.log" 2>&1; then
    ok "crpki-test-setup: user1 logged in, certificate selected in $home_win"
else
    die "crpki-test-setup failed: $(tail -5 "$work/setup.log")"
fi

registrar="$svc/pki/registrar-ca.pem"
if W "$(winpath "$client")" sign "$(winpath "$work/out")" >"$work/client.log" 2>&1; then
    ok "$(tail -1 "$work/client.log")"
    out="$work/out"
    if openssl x509 -inform DER -in "$out/csp.cert.der" -out "$out/csp.cert.pem" 2>/dev/null &&
        openssl pkeyutl -verify -certin -inkey "$out/csp.cert.pem" -in "$out/csp.digest" \
            -sigfile "$out/csp.sig" -pkeyopt digest:sha256 >/dev/null 2>&1; then
        ok "openssl verified the installed CSP's signature"
    else
        bad "openssl did not verify the installed CSP's signature"
    fi
    openssl verify -CAfile "$registrar" "$out/csp.cert.pem" >/dev/null 2>&1 &&
        ok "certificate chains to the registrar CA: $(openssl x509 -in "$out/csp.cert.pem" -noout -subject -nameopt utf8,sep_comma_plus)" ||
        bad "the certificate does not chain to the registrar CA"
else
    bad "installed_csp sign failed: $(cat "$work/client.log")"
fi

mgmt="C:\\Program Files\\CrpkiRemoteSignApp\\crpki-mgmt.exe"
printf 'Contract signed through the installed driver.\r\n' >"$work/doc.txt"
if W "$mgmt" use 1 --provider csp >"$work/use.log" 2>&1 &&
    W "$mgmt" sign "$(winpath "$work/doc.txt")" --provider csp --out "$(winpath "$work/doc.p7s")" >"$work/sign.log" 2>&1; then
    if openssl cms -verify -binary -inform DER -in "$work/doc.p7s" -content "$work/doc.txt" \
        -CAfile "$registrar" -purpose any -out /dev/null 2>"$work/cms.log"; then
        ok "installed crpki-mgmt.exe sign --provider csp: openssl cms -verify passed"
    else
        bad "openssl cms -verify of the installed tool's signature failed: $(cat "$work/cms.log")"
    fi
else
    bad "installed crpki-mgmt.exe use/sign failed: $(cat "$work/use.log" "$work/sign.log" 2>/dev/null | tail -10)"
fi

# ---- 2c. 32-bit programs, and the KSP's table from both sides (WoW64) -------
# verify_ksp LABEL DIR SIGFILE PKEYOPTS...: OpenSSL checks DIR/SIGFILE over
# DIR/ksp.digest with the certificate DIR/ksp.cert.der.
verify_ksp() {
    local label=$1 dir=$2 sigf=$3
    shift 3
    openssl x509 -inform DER -in "$dir/ksp.cert.der" -out "$dir/ksp.cert.pem" 2>/dev/null &&
        openssl pkeyutl -verify -certin -inkey "$dir/ksp.cert.pem" -in "$dir/ksp.digest" \
            -sigfile "$dir/$sigf" "$@" >/dev/null 2>&1 &&
        ok "openssl verified $label" || bad "openssl did not verify $label"
}
sign_requests() { grep -c 'POST /csc/v2/signatures/signHash 200' "$work/rsspd.log"; }
token_requests() { grep -c 'POST /oauth2/token ' "$work/rsspd.log"; }
ksp_runs=("$ksp_client:64")
[ $wow64 = 1 ] && ksp_runs+=("$ksp_client32:32")
for run in "${ksp_runs[@]}"; do
    exe=${run%:*} bits=${run##*:}
    out="$work/ksp$bits"
    mkdir -p "$out"
    want="x64 DLL, 64-bit process"
    [ "$bits" = 32 ] && want="x86 DLL, 32-bit process under WoW64"
    if W "$(winpath "$exe")" sign "$(winpath "$out")" >"$work/ksp$bits.log" 2>&1; then
        line=$(tail -1 "$work/ksp$bits.log" | tr -d '\r')
        grep -qF "($want)" <<<"$line" && ok "$line" || bad "$bits-bit installed_ksp: '$line' (want $want)"
        verify_ksp "the $bits-bit KSP signature (PKCS#1)" "$out" ksp.pkcs1.sig -pkeyopt digest:sha256
        verify_ksp "the $bits-bit KSP signature (PSS)" "$out" ksp.pss.sig -pkeyopt rsa_padding_mode:pss \
            -pkeyopt rsa_pss_saltlen:32 -pkeyopt digest:sha256
    else
        bad "$bits-bit installed_ksp sign failed: $(cat "$work/ksp$bits.log")"
    fi
done
if [ $wow64 = 1 ]; then
    out="$work/out32"
    mkdir -p "$out"
    if W "$(winpath "$client32")" sign "$(winpath "$out")" >"$work/client32.log" 2>&1 &&
        openssl x509 -inform DER -in "$out/csp.cert.der" -out "$out/csp.cert.pem" 2>/dev/null &&
        openssl pkeyutl -verify -certin -inkey "$out/csp.cert.pem" -in "$out/csp.digest" \
            -sigfile "$out/csp.sig" -pkeyopt digest:sha256 >/dev/null 2>&1; then
        ok "32-bit installed_csp signed through SysWOW64\\crpkicsp.dll; openssl verified it"
    else
        bad "32-bit installed_csp sign: $(cat "$work/client32.log")"
    fi
    before=$(sign_requests)
    if W "$(winpath "$client32")" cms "$(winpath "$out")" >"$work/cms32.log" 2>&1; then
        n=$(($(sign_requests) - before))
        line=$(tail -1 "$work/cms32.log" | tr -d '\r')
        [ "$n" = 1 ] && ok "$line: one signature request" ||
            bad "CryptSignMessage in a 32-bit program made $n signature requests (want 1)"
        grep -qF "(x86 DLL, 32-bit process under WoW64)" <<<"$line" ||
            bad "the 32-bit program did not use the x86 crpkicsp.dll: $line"
        openssl cms -verify -binary -inform DER -in "$out/cms.p7s" -content "$out/cms.txt" \
            -CAfile "$registrar" -purpose any -out /dev/null 2>"$work/cms32-verify.log" &&
            ok "openssl cms -verify accepted the 32-bit program's CMS" ||
            bad "openssl cms -verify of the 32-bit CMS: $(cat "$work/cms32-verify.log")"
    else
        bad "32-bit installed_csp cms: $(cat "$work/cms32.log")"
    fi

    # ---- 2d. 32-bit and 64-bit at once while the access token expires -------
    sleep $((ACCESS_TTL + 2)) # every access token issued so far has expired
    before=$(token_requests)
    mkdir -p "$work/race32" "$work/race64"
    W "$(winpath "$client32")" sign "$(winpath "$work/race32")" >"$work/race32.log" 2>&1 &
    p32=$!
    W "$(winpath "$client")" sign "$(winpath "$work/race64")" >"$work/race64.log" 2>&1 &
    p64=$!
    wait $p32
    rc32=$?
    wait $p64
    rc64=$?
    refreshes=$(($(token_requests) - before))
    [ "$rc32" = 0 ] && [ "$rc64" = 0 ] && ok "32-bit and 64-bit programs signed at the same time" ||
        bad "signing at the same time: 32-bit exit $rc32 ($(tail -2 "$work/race32.log")), 64-bit exit $rc64 ($(tail -2 "$work/race64.log"))"
    [ "$refreshes" = 1 ] && ok "one token refresh for both (the shared cross-process lock)" ||
        bad "$refreshes token requests for the two programs (want 1): $(grep 'oauth2/token' "$work/rsspd.log" | tail -3)"
    if grep -q 'POST /oauth2/token 400' "$work/rsspd.log"; then
        bad "a refresh was refused (the token family was revoked?)"
    elif W "$(winpath "$client32")" sign "$(winpath "$work/race32")" >"$work/after.log" 2>&1; then
        ok "the token family survives: a later 32-bit signature needs no login"
    else
        bad "signing after the race failed: $(tail -3 "$work/after.log")"
    fi
    for d in race32 race64; do
        openssl x509 -inform DER -in "$work/$d/csp.cert.der" -out "$work/$d/csp.cert.pem" 2>/dev/null &&
            openssl pkeyutl -verify -certin -inkey "$work/$d/csp.cert.pem" -in "$work/$d/csp.digest" \
                -sigfile "$work/$d/csp.sig" -pkeyopt digest:sha256 >/dev/null 2>&1 &&
            ok "openssl verified the $d signature" || bad "openssl did not verify the $d signature"
    done
fi

# ---- 2b. the service URL and CA for every user, set by the administrator ---
machine_wide() { W "$mgmt" --json service show 2>/dev/null | tr -d '\r' | grep -Eq '"machine_wide":[[:space:]]*true'; }
machine_wide && bad "a plain install set a machine-wide service URL" ||
    ok "a plain install sets no machine-wide service URL"
if W "$mgmt" service set "https://localhost:$port" --machine --ca-bundle "$(winpath "$svc/tls/ca.pem")" \
    >"$work/machine.log" 2>&1 && machine_wide; then
    ok "crpki-mgmt service set --machine: honoured ($(head -1 "$work/machine.log" | tr -d '\r'))"
else
    bad "crpki-mgmt service set --machine failed or is not honoured: $(cat "$work/machine.log")"
fi
grep -q 'BEGIN CERTIFICATE' "$c/ProgramData/CrpkiRemoteSign/ca-bundle.pem" 2>/dev/null &&
    ok "the CA copied to ProgramData\\CrpkiRemoteSign\\ca-bundle.pem" || bad "no CA copy in ProgramData"
if W "$mgmt" sign "$(winpath "$work/doc.txt")" --provider csp --out "$(winpath "$work/doc2.p7s")" \
    >"$work/sign2.log" 2>&1 && openssl cms -verify -binary -inform DER -in "$work/doc2.p7s" \
    -content "$work/doc.txt" -CAfile "$registrar" -purpose any -out /dev/null 2>/dev/null; then
    ok "signed and verified with the machine-wide settings"
else
    bad "signing with the machine-wide settings failed: $(tail -5 "$work/sign2.log")"
fi
machine_value() { W reg query 'HKLM\Software\CrpkiRemoteSign' /v "$1" 2>/dev/null | tr -d '\r' | awk -v n="$1" '$1 == n {print $3}'; }
url_before=$(machine_value ServiceUrl)
ca_before=$(machine_value CaBundle)

kill "$svc_pid" 2>/dev/null
wait "$svc_pid" 2>/dev/null
svc_pid=

# ---- 3. major upgrade -----------------------------------------------------
W msiexec /i "$(winpath "$next_msi")" /qn /l*v "$(winpath "$work/upgrade.log")"
rc=$?
[ "$rc" = 0 ] && ok "msiexec /i of the next version exit 0" || bad "upgrade msiexec exit $rc (log: $work/upgrade.log)"
products=$(W reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r' |
    grep -c 'DisplayName.*CRPKI Remote Signing Driver')
[ "$products" = 1 ] && ok "one CRPKI product installed after the upgrade" || bad "$products CRPKI products after the upgrade"
[ -s "$sys32/crpkicsp.dll" ] && [ -s "$pf/crpki-mgmt.exe" ] && ok "files still in place after the upgrade" ||
    bad "files missing after the upgrade"
W reg query "$CSP_KEY" >/dev/null 2>&1 && ok "CSP entry kept by the upgrade" || bad "CSP entry lost by the upgrade"
[ -n "$url_before" ] && [ "$(machine_value ServiceUrl)" = "$url_before" ] &&
    [ "$(machine_value CaBundle)" = "$ca_before" ] && machine_wide &&
    ok "the administrator's ServiceUrl and CaBundle kept by the upgrade ($url_before)" ||
    bad "the upgrade lost the administrator's settings: ServiceUrl '$(machine_value ServiceUrl)' (was '$url_before')"
# an upgrade (or repair) given new values replaces them: the MSI's public properties
W msiexec /i "$(winpath "$next_msi")" /qn REINSTALL=ALL REINSTALLMODE=amus SERVICE_URL=https://rssp.example.jp \
    PROXY=proxy.example.jp:8080 /l*v "$(winpath "$work/reinstall.log")"
[ "$(machine_value ServiceUrl)" = https://rssp.example.jp ] && [ "$(machine_value CaBundle)" = "$ca_before" ] &&
    [ "$(machine_value Proxy)" = proxy.example.jp:8080 ] &&
    ok "msiexec SERVICE_URL=... PROXY=proxy.example.jp:8080 replaced the URL, set the proxy, kept the CA" ||
    bad "msiexec SERVICE_URL=... PROXY=... gave ServiceUrl '$(machine_value ServiceUrl)', Proxy '$(machine_value Proxy)', CaBundle '$(machine_value CaBundle)'"
# the product takes the proxy as the administrator's: fixed, the user cannot change it
W "$mgmt" --json proxy show >"$work/proxy.json" 2>&1
tr -d '\r' <"$work/proxy.json" | grep -Eq '"fixed":[[:space:]]*true' &&
    tr -d '\r' <"$work/proxy.json" | grep -Eq '"host":[[:space:]]*"proxy.example.jp"' &&
    ok "crpki-mgmt proxy show: proxy.example.jp, fixed by the administrator" ||
    bad "proxy show after PROXY=: $(cat "$work/proxy.json")"
W "$mgmt" --json proxy none >"$work/proxy-none.json" 2>&1
rc=$?
[ "$rc" = 3 ] && grep -q FIXED_BY_ADMINISTRATOR "$work/proxy-none.json" &&
    ok "crpki-mgmt proxy none refused (exit 3, FIXED_BY_ADMINISTRATOR)" ||
    bad "crpki-mgmt proxy none under the MSI's PROXY: exit $rc: $(cat "$work/proxy-none.json")"

# ---- 4. uninstall ----------------------------------------------------------
W msiexec /x "$(winpath "$next_msi")" /qn /l*v "$(winpath "$work/uninstall.log")"
rc=$?
[ "$rc" = 0 ] && ok "msiexec /x /qn exit 0" || bad "msiexec /x exit $rc (log: $work/uninstall.log)"
grep -q 'CrpkiUnregisterKsp. Return value 1' "$work/uninstall.log" &&
    ok "KSP unregistration (regsvr32 /u) ran" || bad "CrpkiUnregisterKsp did not run (uninstall.log)"
for f in "$sys32/crpkicsp.dll" "$sys32/crpkiksp.dll" "$wow/crpkicsp.dll" "$wow/crpkiksp.dll" "$pf"; do
    [ ! -e "$f" ] && ok "removed ${f#"$c/"}" || bad "still there: ${f#"$c/"}"
done
W reg query "$CSP_KEY" /reg:32 >/dev/null 2>&1 && bad "CSP registry entry (32-bit view) still there" ||
    ok "CSP registry entry (32-bit view) removed"
if [ $wow64 = 1 ]; then
    W "$(winpath "$client32")" absent >"$work/absent32.log" 2>&1 && ok "32-bit: $(tail -1 "$work/absent32.log")" ||
        bad "32-bit: $(cat "$work/absent32.log")"
fi
lnk=$(find "$c/ProgramData" "$c/users" -name 'リモート署名ドライバ 管理ツール.lnk' 2>/dev/null | head -1)
[ -z "$lnk" ] && ok "shortcut removed" || bad "shortcut still there: $lnk"
W reg query "$CSP_KEY" >/dev/null 2>&1 && bad "CSP registry entry still there" || ok "CSP registry entry removed"
W reg query 'HKLM\Software\CrpkiRemoteSign' >/dev/null 2>&1 && bad "HKLM\\Software\\CrpkiRemoteSign still there" ||
    ok "HKLM\\Software\\CrpkiRemoteSign removed"
W "$(winpath "$client")" absent >"$work/absent.log" 2>&1 && ok "$(tail -1 "$work/absent.log")" ||
    bad "$(cat "$work/absent.log")"
for f in config.json keys.json tokens.dat; do
    [ -s "$home_unix/$f" ] && ok "per-user $f kept" || bad "per-user $f gone after uninstall"
done

# ---- 5. from the old names ---------------------------------------------------
oldpf="$c/Program Files/CrpkiRemoteSign"
W msiexec /i "$(winpath "$old_msi")" /qn /l*v "$(winpath "$work/old.log")"
rc=$?
[ "$rc" = 0 ] && [ -s "$oldpf/crpki-mgmt.exe" ] && ok "the old package installed into Program Files\\CrpkiRemoteSign" ||
    bad "the old package: msiexec exit $rc, $(ls "$oldpf" 2>&1 | tr '\n' ' ')"
W msiexec /i "$(winpath "$msi")" /qn /l*v "$(winpath "$work/rename.log")"
rc=$?
products=$(W reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r' |
    grep -c 'DisplayName.*CRPKI Remote Signing Driver')
[ "$rc" = 0 ] && [ "$products" = 1 ] && ok "RemoteSignatureDriver.msi over the old package: exit 0, one product" ||
    bad "RemoteSignatureDriver.msi over the old package: exit $rc, $products products"
[ ! -e "$oldpf" ] && ok "no stray Program Files\\CrpkiRemoteSign" ||
    bad "Program Files\\CrpkiRemoteSign left behind: $(find "$oldpf" 2>&1 | tr '\n' ' ')"
[ -s "$pf/crpki-mgmt.exe" ] && [ -s "$sys32/crpkicsp.dll" ] && W reg query "$CSP_KEY" >/dev/null 2>&1 &&
    ok "files in Program Files\\CrpkiRemoteSignApp and System32, CSP registered" ||
    bad "after the rename: files or the CSP entry missing"
W msiexec /x "$(winpath "$msi")" /qn /l*v "$(winpath "$work/uninstall2.log")"
[ ! -e "$pf" ] && ! W reg query "$CSP_KEY" >/dev/null 2>&1 && ok "removed again" ||
    bad "the second removal left files or the CSP entry"

if [ "$failures" -gt 0 ]; then
    echo "installer_wine: $failures check(s) failed (logs in $work)" >&2
    exit 1
fi
echo "installer_wine: all checks passed"
