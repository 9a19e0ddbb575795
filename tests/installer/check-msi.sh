#!/usr/bin/env bash
# installer_msi_contents: inspects the built RemoteSignatureDriver.msi with msiinfo and
# gcab (its cabinet), natively. Every file, directory, component, registry row,
# shortcut and custom action must be exactly the intended one (diffs are
# printed on failure); the UpgradeCode is the stable one; the packaged
# binaries import only Windows DLLs (no libcurl.dll, zlib1.dll, mingw runtime);
# the DLLs for System32 are x64, those for SysWOW64 x86, each exporting what
# advapi32 / ncrypt look up.
#
#   check-msi.sh MSI VERSION OBJDUMP WINIMPORTS_CMAKE
set -u
msi=$1 version=$2 objdump=$3 winimports=$4
UPGRADE_CODE='{FF46537C-0EEE-4EA0-AD59-2A577BA0943A}'
CSP_KEY='Software\Microsoft\Cryptography\Defaults\Provider\CRPKI Remote Signing Cryptographic Provider\'

# Counted in a file: most checks run at the end of a pipeline (a subshell),
# where a variable's increment would be lost.
bad() {
    echo "FAIL: $*" >&2
    echo x >>"$work/failed"
}
[ -f "$msi" ] || {
    echo "FAIL: $msi does not exist" >&2
    exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A table's rows (no header lines, no CR), with the columns chosen by the awk
# program, sorted.
rows() {
    msiinfo export "$msi" "$1" | tr -d '\r' | tail -n +4 | awk -F'\t' -v OFS='\t' "$2" | LC_ALL=C sort
}
expect() { # NAME: compares stdin (actual) with $work/expected
    LC_ALL=C sort "$work/expected" >"$work/expected.sorted"
    cat >"$work/actual"
    if ! diff -u "$work/expected.sorted" "$work/actual" >"$work/diff"; then
        bad "$1 differs from the intended content (- intended, + in the MSI):"
        cat "$work/diff" >&2
    else
        echo "ok: $1 ($(wc -l <"$work/actual") rows)"
    fi
}

# ---- summary information: x64, per-machine ----
template=$(msiinfo suminfo "$msi" | sed -n 's/^Template: //p' | tr -d '\r')
[ "$template" = "x64;1033" ] && echo "ok: Template $template" || bad "Template is '$template', want x64;1033"

# ---- properties ----
cat >"$work/expected" <<EOF
ALLUSERS	1
ProductName	CRPKI Remote Signing Driver
ProductVersion	$version
UpgradeCode	$UPGRADE_CODE
EOF
rows Property '$1=="ALLUSERS"||$1=="ProductName"||$1=="ProductVersion"||$1=="UpgradeCode"{print $1,$2}' |
    expect "Property (per-machine, version, stable UpgradeCode)"
pc=$(rows Property '$1=="ProductCode"{print $2}')
[[ "$pc" =~ ^\{[0-9A-F-]{36}\}$ ]] && [ "$pc" != "$UPGRADE_CODE" ] && echo "ok: ProductCode $pc" ||
    bad "ProductCode '$pc'"

# ---- upgrades: newer replaces older, downgrade refused ----
cat >"$work/expected" <<EOF
$UPGRADE_CODE		$version	WIX_UPGRADE_DETECTED
$UPGRADE_CODE	$version		WIX_DOWNGRADE_DETECTED
EOF
rows Upgrade '{print $1,$2,$3,$7}' | expect "Upgrade (MajorUpgrade)"
rows LaunchCondition '{print $1}' | grep -qx 'NOT WIX_DOWNGRADE_DETECTED' &&
    echo "ok: downgrade refused" || bad "no LaunchCondition NOT WIX_DOWNGRADE_DETECTED"
rows InstallExecuteSequence '$1=="RemoveExistingProducts"' | grep -q . &&
    echo "ok: RemoveExistingProducts scheduled" || bad "RemoveExistingProducts not scheduled"

# ---- directories ----
cat >"$work/expected" <<'EOF'
CommonAppDataFolder	TARGETDIR	.
INSTALLDIR	ProgramFiles64Folder	CrpkiRemoteSignApp
MACHINECONFIGDIR	CommonAppDataFolder	CrpkiRemoteSign
ProgramFiles64Folder	TARGETDIR	.
ProgramMenuFolder	TARGETDIR	.
System64Folder	TARGETDIR	.
SystemFolder	TARGETDIR	.
TARGETDIR		SourceDir
EOF
rows Directory '{print $1,$2,$3}' | expect "Directory"

# ---- components: each in its directory, 64-bit (256) but the DLLs for
# SysWOW64 (SystemFolder in a 64-bit package; registry rows in the 32-bit view) ----
cat >"$work/expected" <<'EOF'
CspDll	System64Folder	256	crpkicsp.dll
CspDll32	SystemFolder	0	crpkicsp32.dll
KspDll32	SystemFolder	0	crpkiksp32.dll
Docs	INSTALLDIR	256	LICENSE.txt
GuiTool	INSTALLDIR	256	CrpkiManagementTool.exe
KspDll	System64Folder	256	crpkiksp.dll
MachineConfigDir	MACHINECONFIGDIR	260	REGISTRY
MgmtTool	INSTALLDIR	256	crpki_mgmt.exe
StartMenu	ProgramMenuFolder	260	REGISTRY
EOF
rows Component '{k=$6; if (k ~ /^reg/) k="REGISTRY"; print $1,$3,$4,k}' | expect "Component"

# ---- files: names and components, nothing else ----
cat >"$work/expected" <<'EOF'
CrpkiManagementTool.exe	GuiTool	CrpkiManagementTool.exe
LICENSE.txt	Docs	LICENSE.txt
Readme.txt	Docs	Readme.txt
crpki_mgmt.exe	MgmtTool	crpki-mgmt.exe
crpkicsp.dll	CspDll	crpkicsp.dll
crpkicsp32.dll	CspDll32	crpkicsp.dll
crpkiksp.dll	KspDll	crpkiksp.dll
crpkiksp32.dll	KspDll32	crpkiksp.dll
EOF
rows File '{print $1,$2,$3}' | expect "File"

# ---- registry: the CSP entry (in both views: CspDll32's rows go to the
# 32-bit one), the install folder and the administrator's service URL and CA
# (public properties), nothing else ----
cat >"$work/expected" <<EOF
2	$CSP_KEY	Image Path	[System64Folder]crpkicsp.dll	CspDll
2	$CSP_KEY	SigInFile	#0	CspDll
2	$CSP_KEY	Type	#1	CspDll
2	$CSP_KEY	Image Path	[SystemFolder]crpkicsp.dll	CspDll32
2	$CSP_KEY	SigInFile	#0	CspDll32
2	$CSP_KEY	Type	#1	CspDll32
2	Software\\CrpkiRemoteSign	CaBundle	[CA_BUNDLE]	MachineConfigDir
2	Software\\CrpkiRemoteSign	InstallDir	[INSTALLDIR]	StartMenu
2	Software\\CrpkiRemoteSign	MachineConfigDir	[MACHINECONFIGDIR]	MachineConfigDir
2	Software\\CrpkiRemoteSign	Proxy	[PROXY]	MachineConfigDir
2	Software\\CrpkiRemoteSign	ServiceUrl	[SERVICE_URL]	MachineConfigDir
EOF
rows Registry '{print $2,$3,$4,$5,$6}' | expect "Registry"
# kept over an upgrade: read back by AppSearch (64-bit view, raw) into
# CRPKI_SAVED_*, copied only when the command line gave no value; all secure
cat >"$work/expected" <<'EOF'
CRPKI_SAVED_CA	FindCaBundle
CRPKI_SAVED_PROXY	FindProxy
CRPKI_SAVED_URL	FindServiceUrl
EOF
rows AppSearch '{print $1,$2}' | expect "AppSearch"
cat >"$work/expected" <<'EOF'
FindCaBundle	2	Software\CrpkiRemoteSign	CaBundle	18
FindProxy	2	Software\CrpkiRemoteSign	Proxy	18
FindServiceUrl	2	Software\CrpkiRemoteSign	ServiceUrl	18
EOF
rows RegLocator '{print $1,$2,$3,$4,$5}' | expect "RegLocator"
[ "$(rows InstallExecuteSequence '$1=="CrpkiKeepServiceUrl"{print $2}')" = "NOT SERVICE_URL AND CRPKI_SAVED_URL" ] &&
    [ "$(rows InstallExecuteSequence '$1=="CrpkiKeepCaBundle"{print $2}')" = "NOT CA_BUNDLE AND CRPKI_SAVED_CA" ] &&
    [ "$(rows InstallExecuteSequence '$1=="CrpkiKeepProxy"{print $2}')" = "NOT PROXY AND CRPKI_SAVED_PROXY" ] &&
    [ "$(rows InstallExecuteSequence '$1=="CrpkiKeepServiceUrl"{print $3}')" -gt \
        "$(rows InstallExecuteSequence '$1=="AppSearch"{print $3}')" ] &&
    echo "ok: CrpkiKeep* after AppSearch, only without a command-line value" ||
    bad "CrpkiKeepServiceUrl / CrpkiKeepCaBundle not sequenced after AppSearch with their conditions"
secure=$(rows Property '$1=="SecureCustomProperties"{print $2}')
for p in SERVICE_URL CA_BUNDLE PROXY CRPKI_SAVED_URL CRPKI_SAVED_CA CRPKI_SAVED_PROXY; do
    grep -qE "(^|;)$p(;|$)" <<<"$secure" || bad "$p is not in SecureCustomProperties ($secure)"
done

# ---- %ProgramData%\CrpkiRemoteSign: created, and locked ----
# Owner Administrators; Administrators and SYSTEM full control, Users read and
# execute; protected (P): nothing inherited from ProgramData, where Users may
# create files. Windows Installer 5 applies it in CreateFolders; Wine's msi
# does not (only real Windows shows the resulting ACL).
cat >"$work/expected" <<'EOF'
MACHINECONFIGDIR	MachineConfigDir
EOF
rows CreateFolder '{print $1,$2}' | expect "CreateFolder"
cat >"$work/expected" <<'EOF'
CrpkiMachineConfigAcl	MACHINECONFIGDIR	CreateFolder	O:BAG:SYD:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICI;0x1200a9;;;BU)	
EOF
rows MsiLockPermissionsEx '{print $1,$2,$3,$4,$5}' | expect "MsiLockPermissionsEx"
if msiinfo tables "$msi" | tr -d '\r' | grep -qx LockPermissions; then
    bad "a LockPermissions table beside MsiLockPermissionsEx (Windows Installer 5 refuses both: error 1941)"
else
    echo "ok: no LockPermissions table"
fi
cf=$(rows InstallExecuteSequence '$1=="CreateFolders"{print $3}')
[ -n "$cf" ] && echo "ok: CreateFolders scheduled ($cf)" ||
    bad "CreateFolders not scheduled: the folder and its ACL would not be made"

# ---- the Start-menu shortcut: the window, named in Japanese (§3.5) ----
# The name is Shift_JIS in the package (codepage 932); msiinfo prints UTF-8.
cat >"$work/expected" <<'EOF'
MgmtShortcut	ProgramMenuFolder	CRPKIMGT|リモート署名ドライバ 管理ツール	StartMenu	[#CrpkiManagementTool.exe]		G ビズ ID の認証と商業登記電子証明書の設定	INSTALLDIR
EOF
rows Shortcut '{print $1,$2,$3,$4,$5,$6,$7,$12}' | expect "Shortcut"
cp=$(msiinfo export "$msi" _ForceCodepage | tr -d '\r' | awk -F'\t' '$2=="_ForceCodepage"{print $1}')
[ "$cp" = 932 ] && echo "ok: database codepage 932" || bad "database codepage '$cp' (want 932)"

# ---- KSP registration: regsvr32, deferred, no impersonation ----
# 51 = set property; 50 + 0x400 in-script + 0x800 no-impersonate = 3122;
# + 0x40 continue on error = 3186 (uninstall never fails on it).
cat >"$work/expected" <<'EOF'
CrpkiKeepCaBundle	51	CA_BUNDLE	[CRPKI_SAVED_CA]
CrpkiKeepProxy	51	PROXY	[CRPKI_SAVED_PROXY]
CrpkiKeepServiceUrl	51	SERVICE_URL	[CRPKI_SAVED_URL]
CrpkiRegisterKsp	3122	CRPKI_REGSVR32	/s "[#crpkiksp.dll]"
CrpkiSetRegsvr32	51	CRPKI_REGSVR32	[System64Folder]regsvr32.exe
CrpkiUnregisterKsp	3186	CRPKI_REGSVR32	/s /u "[#crpkiksp.dll]"
EOF
rows CustomAction '{print $1,$2,$3,$4}' | expect "CustomAction"
seq() { rows InstallExecuteSequence "\$1==\"$1\"{print \$3}"; }
cond() { rows InstallExecuteSequence "\$1==\"$1\"{print \$2}"; }
s_set=$(seq CrpkiSetRegsvr32) s_reg=$(seq CrpkiRegisterKsp) s_unreg=$(seq CrpkiUnregisterKsp)
s_cost=$(seq CostFinalize) s_init=$(seq InstallInitialize) s_fin=$(seq InstallFinalize)
s_files=$(seq InstallFiles) s_rmfiles=$(seq RemoveFiles)
if [ -n "$s_set" ] && [ -n "$s_reg" ] && [ -n "$s_unreg" ] &&
    [ "$s_set" -gt "$s_cost" ] && [ "$s_set" -lt "$s_init" ] &&
    [ "$s_unreg" -gt "$s_init" ] && [ "$s_unreg" -lt "$s_rmfiles" ] &&
    [ "$s_reg" -gt "$s_files" ] && [ "$s_reg" -lt "$s_fin" ]; then
    echo "ok: sequence set $s_set < InstallInitialize $s_init < unregister $s_unreg < RemoveFiles $s_rmfiles; InstallFiles $s_files < register $s_reg < InstallFinalize $s_fin"
else
    bad "custom action sequence: set=$s_set reg=$s_reg unreg=$s_unreg (CostFinalize $s_cost InstallInitialize $s_init RemoveFiles $s_rmfiles InstallFiles $s_files InstallFinalize $s_fin)"
fi
[ "$(cond CrpkiRegisterKsp)" = 'NOT REMOVE~="ALL"' ] || bad "CrpkiRegisterKsp condition '$(cond CrpkiRegisterKsp)'"
[ "$(cond CrpkiUnregisterKsp)" = 'REMOVE~="ALL" AND NOT UPGRADINGPRODUCTCODE' ] ||
    bad "CrpkiUnregisterKsp condition '$(cond CrpkiUnregisterKsp)'"

# ---- the payload: exactly these files; PE files import only Windows DLLs ----
# The cabinet holds each file under its File key (crpkicsp.dll for System32,
# crpkicsp32.dll for SysWOW64), which msiextract's layout would merge.
mkdir "$work/x"
cab=$(rows Media '{print $4}' | sed 's/^#//')
if ! msiinfo extract "$msi" "$cab" >"$work/payload.cab" || ! gcab -x -C "$work/x" "$work/payload.cab" >/dev/null; then
    bad "cannot extract the cabinet '$cab' (msiinfo extract, gcab -x)"
else
    cat >"$work/expected" <<'EOF'
CrpkiManagementTool.exe
LICENSE.txt
Readme.txt
crpki_mgmt.exe
crpkicsp.dll
crpkicsp32.dll
crpkiksp.dll
crpkiksp32.dll
EOF
    (cd "$work/x" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) | expect "files in the cabinet"
    for pe in crpkicsp.dll:x86-64 crpkiksp.dll:x86-64 crpki_mgmt.exe:x86-64 CrpkiManagementTool.exe:x86-64 \
        crpkicsp32.dll:i386 crpkiksp32.dll:i386; do
        f=${pe%:*} arch=${pe##*:}
        [ -f "$work/x/$f" ] || continue
        if out=$(cmake -DOBJDUMP="$objdump" -DFILE="$work/x/$f" -P "$winimports" 2>&1); then
            echo "ok: $f imports only Windows DLLs ($(grep -c 'imports ' <<<"$out") DLLs)"
        else
            bad "$f: $out"
        fi
        fmt=$("$objdump" -f "$work/x/$f" | sed -n 's/.*file format //p')
        [ "$fmt" = "pei-$arch" ] && echo "ok: $f is pei-$arch" || bad "$f is '$fmt', want pei-$arch"
    done
    for dll in crpkicsp.dll crpkiksp.dll crpkicsp32.dll crpkiksp32.dll; do
        [ -f "$work/x/$dll" ] || continue
        exports=$("$objdump" -p "$work/x/$dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p')
        case $dll in crpkicsp*) want="CPAcquireContext CPSignHash" ;; *) want=GetKeyStorageInterface ;; esac
        for sym in DllRegisterServer DllUnregisterServer $want; do
            grep -qE "\] $sym\$" <<<"$exports" || bad "$dll does not export $sym (undecorated)"
        done
        if grep -q '@' <<<"$exports"; then
            bad "$dll exports decorated names: $(grep '@' <<<"$exports" | head -3 | tr -d '\t')"
        else
            echo "ok: $dll exports undecorated names only"
        fi
    done
    cmp -s "$work/x/LICENSE.txt" "$(dirname "$winimports")/../LICENSE" ||
        bad "LICENSE.txt is not the tree's LICENSE"
fi

failures=$(cat "$work/failed" 2>/dev/null | wc -l)
if [ "$failures" -gt 0 ]; then
    echo "installer_msi_contents: $failures check(s) failed" >&2
    exit 1
fi
echo "installer_msi_contents: all checks passed"
