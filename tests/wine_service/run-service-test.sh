#!/usr/bin/env bash
# run-service-test.sh: the driver of crpki_service_test() (cmake/WineService.cmake;
# docs/signing.md, "Service tests"). One test = one fresh service, one fresh
# home, one program:
#   1. a service dir in the test's own temp dir (a copy of a per-build
#      template made once by `crpki-rsspd init`), `crpki-rsspd serve
#      --listen 127.0.0.1:0 --phone PHONE RSSPD_ARGS...`, always stopped;
#   2. crpki-test-setup logs USER in into a fresh CRPKI_HOME;
#   3. STOP_SERVICE: the service is stopped here;
#   4. the program runs with CRPKI_HOME, CRPKI_TEST_PHONE, CRPKI_TEST_SIMDIR,
#      CRPKI_TEST_SERVICE_URL, CRPKI_TEST_OUT, CRPKI_TEST_OPERATOR (Windows
#      paths under Wine). A program under Wine cannot run `crpki-rsspd
#      approve|deny` itself: it writes "approve|deny CODE" into
#      OPERATOR/N.req and this script runs the command for it, its exit
#      status then in OPERATOR/N.rc (svctest_rsspd_decide); "start" starts
#      a stopped service again on its port (svctest_service_start);
#      under Wine with --xvfb, inside `xvfb-run -a` (an X display, so the
#      approval dialog can be made, found and clicked);
#      with --proxy PATH, crpki-testproxy (tests/support/testproxy.h) runs
#      beside the service: CRPKI_TEST_PROXY_DIR (its directory: port, offer,
#      stats, seen.log, and the files it serves) and CRPKI_TEST_PROXY_PORT;
#      with --wpad-netns too, everything runs in new user, UTS, network and
#      mount namespaces (unshare) where the host is pc1.corp.test, the DNS
#      server (resolv.conf) is crpki-testproxy's, naming wpad.corp.test
#      127.0.0.1, and the proxy listens on port 80: what Windows' automatic
#      proxy detection (WPAD over DNS) looks for;
#   5. when it exits 0, the artifacts in CRPKI_TEST_OUT are verified with
#      OpenSSL: X.p7s with `openssl cms -verify` against the registrar CA
#      (detached when X.content exists), X.sig with `openssl pkeyutl -verify`
#      (X.digest, X.cert.pem, one -pkeyopt per line of X.pkeyopt); the count
#      must reach expected-count when the program wrote one.
# Exit: the program's status, or 1 when setup or a verification failed.
#
# run-service-test.sh --rsspd PATH --setup PATH [--template DIR] [--user U]
#     [--providers csp|ksp|both] [--ui none|console|dialog] [--stop-service]
#     [--xvfb XVFB_RUN] [--proxy PATH [--wpad-netns]] [--emulator ARG]... [--rsspd-arg ARG]...
#     [--setup-arg ARG]...
#     -- PROGRAM [ARGS...]
# --emulator: the win64 build's CMAKE_CROSSCOMPILING_EMULATOR, one word per
# option (wine-run.sh --prefix DIR): setup and program then run under Wine.
# --xvfb: the path of xvfb-run (or anything not executable when CMake found
# none: then xvfb-run from PATH, else the test fails saying so). Only with
# --emulator: natively the program needs no display.
# CRPKI_SVCTEST_KEEP=1 keeps the temp dir; CRPKI_SVCTEST_VERBOSE=1 prints the
# service's and the home's logs even on success.
set -u

orig_args=("$@")
rsspd="" setup="" template="" user=user1 providers=both ui=none stop_service=0 xvfb="" tproxy=""
wpad_netns=0
emu=() rsspd_args=() setup_args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --rsspd) rsspd=$2; shift 2 ;;
    --setup) setup=$2; shift 2 ;;
    --template) template=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --providers) providers=$2; shift 2 ;;
    --ui) ui=$2; shift 2 ;;
    --stop-service) stop_service=1; shift ;;
    --xvfb) xvfb=$2; shift 2 ;;
    --proxy) tproxy=$2; shift 2 ;;
    --wpad-netns) wpad_netns=1; shift ;;
    --emulator) emu+=("$2"); shift 2 ;;
    --rsspd-arg) rsspd_args+=("$2"); shift 2 ;;
    --setup-arg) setup_args+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "run-service-test.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ $# -ge 1 ] || { echo "run-service-test.sh: no program after --" >&2; exit 2; }
[ -n "$setup" ] || { echo "run-service-test.sh: --setup is required" >&2; exit 2; }
if [ -z "$rsspd" ] || [ ! -x "$rsspd" ]; then
    echo "run-service-test.sh: crpki-rsspd '$rsspd' not found: build the linux tree first" \
        "(win64: configure with -DCRPKI_RSSPD=<linux build>/tests/rssp_sim/crpki-rsspd)" >&2
    exit 1
fi
# WPAD: the same script again in namespaces of its own (see above)
if [ $wpad_netns = 1 ] && [ -z "${CRPKI_SVCTEST_NETNS:-}" ]; then
    if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
        echo "run-service-test.sh: FAIL: unshare (util-linux) and ip (iproute2) are needed" >&2
        exit 1
    fi
    exec env CRPKI_SVCTEST_NETNS=1 unshare --user --map-root-user --uts --net --mount \
        bash "$0" "${orig_args[@]}"
fi
if [ -n "${CRPKI_SVCTEST_NETNS:-}" ]; then
    hosts=$(mktemp "${TMPDIR:-/tmp}/crpki-hosts-XXXXXX") || exit 1
    resolv=$(mktemp "${TMPDIR:-/tmp}/crpki-resolv-XXXXXX") || exit 1
    printf '127.0.0.1 localhost\n::1 localhost\n127.0.0.1 pc1.corp.test pc1\n' >"$hosts"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$resolv"
    if ! ip link set lo up || ! hostname pc1.corp.test || ! mount --bind "$hosts" /etc/hosts ||
        ! mount --bind "$resolv" /etc/resolv.conf; then
        echo "run-service-test.sh: FAIL: cannot set up the WPAD namespaces" >&2
        rm -f "$hosts" "$resolv"
        exit 1
    fi
    rm -f "$hosts" "$resolv" # the mounts keep them
    echo "run-service-test.sh: in namespaces of its own: host $(hostname), DNS 127.0.0.1"
fi

wine=0
[ ${#emu[@]} -gt 0 ] && wine=1
# Checked before anything starts: a dialog test without a display would
# only fail later, and less clearly.
run_prog=()
if [ -n "$xvfb" ] && [ $wine = 1 ]; then
    if [ ! -x "$xvfb" ]; then
        xvfb=$(command -v xvfb-run 2>/dev/null || true)
    fi
    if [ -z "$xvfb" ]; then
        echo "run-service-test.sh: FAIL: xvfb-run not found; this test (XVFB) needs it for Wine's" \
            "windows: install the xvfb package (scripts/install-deps)" >&2
        exit 1
    fi
    run_prog=("$xvfb" -a)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/crpki-svc-XXXXXX") || exit 1
svc=$tmp/svc home=$tmp/home out=$tmp/out phone=$tmp/phone
mkdir -p "$out"
pid="" opid="" ppid_=""
status=1

stop_rsspd() {
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=""
}

show_logs() {
    echo "---- crpki-rsspd log (last 40 lines)"
    tail -n 40 "$tmp/rsspd.log" 2>/dev/null
    [ -f "$phone.log" ] && { echo "---- phone log"; cat "$phone.log"; }
    [ -f "$tmp/operator.log" ] && { echo "---- crpki-rsspd approve|deny"; cat "$tmp/operator.log"; }
    [ -f "$tmp/proxy/seen.log" ] && { echo "---- crpki-testproxy (last 40 lines)"; tail -n 40 "$tmp/proxy/seen.log"; }
    [ -f "$home/crpki.log" ] && { echo "---- $home/crpki.log (last 60 lines)"; tail -n 60 "$home/crpki.log"; }
}

cleanup() {
    [ -n "${own_prefix:-}" ] && "${emu[@]}" --cleanup >/dev/null 2>&1
    # a service the operator started again ("start")
    if [ -s "$tmp/rsspd.restarted.pid" ]; then
        kill -TERM "$(cat "$tmp/rsspd.restarted.pid")" 2>/dev/null
    fi
    [ -n "$opid" ] && { kill "$opid" 2>/dev/null; wait "$opid" 2>/dev/null; }
    [ -n "$ppid_" ] && { kill "$ppid_" 2>/dev/null; wait "$ppid_" 2>/dev/null; }
    stop_rsspd
    if [ "$status" != 0 ] || [ "${CRPKI_SVCTEST_VERBOSE:-0}" = 1 ]; then
        show_logs >&2
    fi
    if [ "${CRPKI_SVCTEST_KEEP:-0}" = 1 ]; then
        echo "run-service-test.sh: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# In the WPAD namespaces Wine gets a prefix of its own, made there: its
# wineserver is this test's alone, and wineboot records the namespace's host
# name and DNS domain (pc1, corp.test) as a domain-joined PC has them.
own_prefix=""
if [ -n "${CRPKI_SVCTEST_NETNS:-}" ] && [ $wine = 1 ]; then
    for i in "${!emu[@]}"; do
        [ "${emu[$i]}" = --prefix ] && emu[$((i + 1))]=$tmp/wineprefix && own_prefix=$tmp/wineprefix
    done
    if [ -z "$own_prefix" ] || ! "${emu[@]}" --setup >"$tmp/prefix.log" 2>&1; then
        cat "$tmp/prefix.log" >&2 2>/dev/null
        echo "run-service-test.sh: FAIL: cannot make a Wine prefix in the namespaces" >&2
        exit 1
    fi
fi

# A path as the program sees it: Wine's Z: drive is the Unix root (what
# `winepath -w` answers for any absolute path, without starting Wine).
hostpath() {
    if [ $wine = 1 ]; then
        local p=${1//\//\\}
        printf 'Z:%s' "$p"
    else
        printf '%s' "$1"
    fi
}

# ---- 1. the service ------------------------------------------------------------
# `init` takes seconds (key generation in SoftHSM2): one template per build and
# crpki-rsspd binary, copied per test; only softhsm2.conf names its directory.
make_service_dir() {
    if [ -z "$template" ]; then
        "$rsspd" init --dir "$svc" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log" >&2; return 1; }
        return 0
    fi
    mkdir -p "$(dirname "$template")"
    local stamp
    stamp=$(stat -L -c '%n %s %Y' "$rsspd") || return 1
    (
        flock -x 9 || exit 1
        if [ ! -f "$template/.stamp" ] || [ "$(cat "$template/.stamp")" != "$stamp" ]; then
            rm -rf "$template.new"
            "$rsspd" init --dir "$template.new" >"$tmp/init.log" 2>&1 ||
                { cat "$tmp/init.log" >&2; exit 1; }
            printf '%s\n' "$stamp" >"$template.new/.stamp"
            rm -rf "$template"
            mv "$template.new" "$template"
        fi
        cp -a "$template" "$svc"
    ) 9>"$template.lock" || return 1
    sed -i "s|^directories.tokendir = .*|directories.tokendir = $svc/tokens|" "$svc/softhsm2.conf"
}
make_service_dir || { echo "run-service-test.sh: cannot make the service dir" >&2; exit 1; }

"$rsspd" serve --dir "$svc" --listen 127.0.0.1:0 --phone "$phone" "${rsspd_args[@]}" \
    >"$tmp/rsspd.log" 2>&1 </dev/null &
pid=$!
port=""
for _ in $(seq 150); do
    [ -s "$svc/port" ] && port=$(cat "$svc/port") && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "run-service-test.sh: crpki-rsspd serve did not start" >&2
    exit 1
fi
url="https://localhost:$port"

# ---- 2. the home ---------------------------------------------------------------
# The user's password from sim.json (cJSON prints "id" before "password").
password=$(awk -v u="$user" '
    $0 ~ "\"id\":[ \t]*\"" u "\"" { found = 1; next }
    found && /"password":/ { sub(/.*"password":[ \t]*"/, ""); sub(/".*/, ""); print; exit }' \
    "$svc/sim.json")
[ -n "$password" ] || { echo "run-service-test.sh: no user $user in sim.json" >&2; exit 1; }

if ! "${emu[@]}" "$setup" --home "$(hostpath "$home")" --service "$url" \
    --ca "$(hostpath "$svc/tls/ca.pem")" --user "$user" --password "$password" \
    --providers "$providers" --ui "$ui" "${setup_args[@]}" >"$tmp/setup.log" 2>&1; then
    cat "$tmp/setup.log" >&2
    echo "run-service-test.sh: crpki-test-setup failed" >&2
    exit 1
fi
echo "run-service-test.sh: $user logged in at $url; credentials:"
sed 's/^/  /' "$tmp/setup.log"

# ---- 3. ------------------------------------------------------------------------
if [ $stop_service = 1 ]; then
    stop_rsspd
    echo "run-service-test.sh: service stopped (STOP_SERVICE)"
fi

# ---- 4. the program ------------------------------------------------------------
if [ -n "$tproxy" ]; then
    if [ ! -x "$tproxy" ]; then
        echo "run-service-test.sh: crpki-testproxy '$tproxy' not found: build the linux tree first" >&2
        exit 1
    fi
    mkdir -p "$tmp/proxy"
    pargs=(--dir "$tmp/proxy")
    [ $wpad_netns = 1 ] && pargs+=(--port 80 --dns wpad.corp.test)
    "$tproxy" "${pargs[@]}" >"$tmp/proxy.log" 2>&1 </dev/null &
    ppid_=$!
    for _ in $(seq 100); do
        [ -s "$tmp/proxy/port" ] && break
        sleep 0.1
    done
    [ -s "$tmp/proxy/port" ] || { cat "$tmp/proxy.log" >&2; echo "run-service-test.sh: crpki-testproxy did not start" >&2; exit 1; }
    export CRPKI_TEST_PROXY_DIR CRPKI_TEST_PROXY_PORT
    CRPKI_TEST_PROXY_DIR=$(hostpath "$tmp/proxy")
    CRPKI_TEST_PROXY_PORT=$(cat "$tmp/proxy/port")
    echo "run-service-test.sh: crpki-testproxy on 127.0.0.1:$CRPKI_TEST_PROXY_PORT"
fi
# The operator: `crpki-rsspd approve|deny --code` on the program's behalf.
operator=$tmp/operator
mkdir -p "$operator"
(
    shopt -s nullglob
    while :; do
        for req in "$operator"/*.req; do
            read -r verb code <"$req" || true
            case "$verb" in
            approve | deny)
                "$rsspd" "$verb" --dir "$svc" --code "$code" >>"$tmp/operator.log" 2>&1
                rc=$? ;;
            start) # the service back on its port (after STOP_SERVICE)
                rm -f "$svc/port"
                "$rsspd" serve --dir "$svc" --listen "127.0.0.1:$port" --phone "$phone" \
                    "${rsspd_args[@]}" >>"$tmp/rsspd.log" 2>&1 </dev/null &
                echo $! >"$tmp/rsspd.restarted.pid"
                rc=1
                for _ in $(seq 150); do
                    [ -s "$svc/port" ] && { rc=0; break; }
                    sleep 0.1
                done
                echo "start: service on port $port: rc $rc" >>"$tmp/operator.log" ;;
            *) echo "bad request: $verb $code" >>"$tmp/operator.log"; rc=2 ;;
            esac
            echo "$rc" >"${req%.req}.rc.new" && mv "${req%.req}.rc.new" "${req%.req}.rc"
            rm -f "$req"
        done
        sleep 0.1
    done
) &
opid=$!
export CRPKI_HOME CRPKI_TEST_PHONE CRPKI_TEST_SIMDIR CRPKI_TEST_SERVICE_URL CRPKI_TEST_OUT \
    CRPKI_TEST_OPERATOR
CRPKI_TEST_OPERATOR=$(hostpath "$operator")
CRPKI_HOME=$(hostpath "$home")
CRPKI_TEST_PHONE=$(hostpath "$phone")
CRPKI_TEST_SIMDIR=$(hostpath "$svc")
CRPKI_TEST_SERVICE_URL=$url
CRPKI_TEST_OUT=$(hostpath "$out")
if [ ${#run_prog[@]} -gt 0 ]; then
    # Xvfb has no window manager, and Wine's X11 driver waits up to 2 s for
    # one to confirm every managed window it takes down: DestroyWindow of the
    # dialog would cost the sign call 2 s that Windows does not. Unmanaged
    # windows for this program only (AppDefaults), set before it starts.
    exe=$(basename "$1")
    # up to three tries: under emulated WoW64 `reg` itself has failed to start once
    regok=0
    for _ in 1 2 3; do
        if "${emu[@]}" reg add "HKCU\\Software\\Wine\\AppDefaults\\$exe\\X11 Driver" /v Managed \
            /d N /f >"$tmp/reg.log" 2>&1; then
            regok=1
            break
        fi
        sleep 1
    done
    if [ $regok = 0 ]; then
        cat "$tmp/reg.log" >&2
        echo "run-service-test.sh: cannot set Wine's X11 Driver\\Managed for $exe" >&2
        exit 1
    fi
    echo "run-service-test.sh: the program runs under ${run_prog[*]} (X11 windows unmanaged)"
fi
"${run_prog[@]}" "${emu[@]}" "$@"
prog=$?
if [ $prog != 0 ]; then
    echo "run-service-test.sh: $1 exited $prog" >&2
    status=$prog
    exit $prog
fi

# ---- 5. the artifacts ----------------------------------------------------------
bad=0 nsig=0 ncms=0
ca=$svc/pki/registrar-ca.pem
shopt -s nullglob
for f in "$out"/*.p7s; do
    b=${f%.p7s}
    args=(-verify -binary -inform DER -in "$f" -CAfile "$ca" -purpose any -out /dev/null)
    [ -f "$b.content" ] && args+=(-content "$b.content")
    if openssl cms "${args[@]}" >"$tmp/v.log" 2>&1; then
        ncms=$((ncms + 1))
    else
        echo "FAIL: $(basename "$f"): openssl cms -verify: $(tr '\n' ' ' <"$tmp/v.log")" >&2
        bad=1
    fi
done
for f in "$out"/*.sig; do
    b=${f%.sig}
    n=$(basename "$b")
    if [ ! -f "$b.digest" ] || [ ! -f "$b.cert.pem" ]; then
        echo "FAIL: $n.sig without $n.digest or $n.cert.pem" >&2
        bad=1
        continue
    fi
    opts=()
    if [ -f "$b.pkeyopt" ]; then
        while IFS= read -r l || [ -n "$l" ]; do
            [ -n "$l" ] && opts+=(-pkeyopt "$l")
        done <"$b.pkeyopt"
    fi
    if openssl pkeyutl -verify -certin -inkey "$b.cert.pem" -in "$b.digest" -sigfile "$f" \
        "${opts[@]}" >"$tmp/v.log" 2>&1; then
        nsig=$((nsig + 1))
    else
        echo "FAIL: $n.sig: openssl pkeyutl -verify ${opts[*]}: $(tr '\n' ' ' <"$tmp/v.log")" >&2
        bad=1
    fi
done
echo "openssl verified $nsig signatures, $ncms CMS"
if [ -f "$out/expected-count" ]; then
    want=$(tr -dc 0-9 <"$out/expected-count")
    if [ "$((nsig + ncms))" -lt "${want:-0}" ]; then
        echo "FAIL: the program announced $want signatures + CMS, found $((nsig + ncms))" >&2
        bad=1
    fi
fi
[ $bad = 0 ] && status=0
exit $status
