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
#   wine-install.sh WINE_RUN PREFIX WORK MSI NEXT_MSI INSTALLED_CSP_EXE TEST_SETUP_EXE RSSPD OLD_MSI
set -u
wine_run=$1 prefix=$2 work=$3 msi=$4 next_msi=$5 client=$6 setup=$7 rsspd=$8 old_msi=$9

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
winpath() { WINEPREFIX=$prefix WINEDEBUG=-all winepath -w "$1" 2>/dev/null; }

for f in "$msi" "$next_msi" "$client" "$setup" "$old_msi"; do
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
pf="$c/Program Files/CrpkiRemoteSignApp"

# ---- 1. install ---------------------------------------------------------
# System32 before: the install must add our two DLLs there and nothing else
# (Wine itself ships a zlib1.dll, so names alone prove nothing).
(cd "$sys32" && find . -maxdepth 1 -type f | LC_ALL=C sort) >"$work/system32.before"
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

W "C:\\Program Files\\CrpkiRemoteSignApp\\crpki-mgmt.exe" --help >"$work/help.txt" 2>&1 &&
    ok "installed crpki-mgmt.exe --help runs" || bad "installed crpki-mgmt.exe --help failed: $(head -5 "$work/help.txt")"

# ---- 2. sign through the installed CSP ------------------------------------
svc="$work/svc"
"$rsspd" init --dir "$svc" >"$work/rsspd-init.log" 2>&1 || die "crpki-rsspd init failed: $(tail -5 "$work/rsspd-init.log")"
"$rsspd" serve --dir "$svc" --listen 127.0.0.1:0 --auto-approve 300 >"$work/rsspd.log" 2>&1 &
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
home_unix=$(WINEPREFIX=$prefix WINEDEBUG=-all winepath -u "$home_win" 2>/dev/null)
[ -n "$appdata" ] && [ -n "$home_unix" ] || die "cannot find %APPDATA% in the prefix"
# The RSA-2048 credential only (the first of user1): installed_csp verifies
# with digest:sha256 and PKCS#1.
if W "$(winpath "$setup")" --home "$home_win" --service "https://localhost:$port" \
    --ca "$(winpath "$svc/tls/ca.pem")" --user user1 --password "$password" \
    --providers csp --ui none >"$work/setup.log" 2>&1; then
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
for f in "$sys32/crpkicsp.dll" "$sys32/crpkiksp.dll" "$pf"; do
    [ ! -e "$f" ] && ok "removed ${f#"$c/"}" || bad "still there: ${f#"$c/"}"
done
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
