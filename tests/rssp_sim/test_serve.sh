#!/usr/bin/env bash
# test_serve.sh CRPKI_RSSPD: the `crpki-rsspd serve` command as a process
# (docs/protocol.md, "The reference service"): exit codes, DIR/port, the
# base URL it reports, SIGTERM/SIGINT, a fixed port, a port in use.
# The transport itself is covered by test_httpd; the protocol by the
# integration tests.
set -u
bin=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/crpki-serve-XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect_exit CODE NEEDLE ARGS...: serve ARGS exits CODE, stderr has NEEDLE
expect_exit() {
    local want=$1 needle=$2
    shift 2
    "$bin" serve "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local got=$?
    [ "$got" -eq "$want" ] || fail "serve $* exited $got, want $want ($(cat "$tmp/err"))"
    grep -qF -- "$needle" "$tmp/err" || fail "serve $*: stderr lacks '$needle': $(cat "$tmp/err")"
}

# ---- command line --------------------------------------------------------
"$bin" serve --help >"$tmp/out" 2>&1 || fail "serve --help exited $?"
for opt in --dir --listen --access-ttl --approval-ttl --sad-ttl --max-signatures \
    --auto-approve --fault-503 --fault-429 --retry-after --fault-hang --fault-hang-pct \
    --fault-drop --fault-path --fault-seed; do
    grep -qF -- "$opt" "$tmp/out" || fail "serve --help does not list $opt"
done
expect_exit 2 "--dir" --listen 127.0.0.1:0
expect_exit 2 "--fault-503" --dir "$tmp/d" --fault-503 101
expect_exit 2 "--listen" --dir "$tmp/d" --listen 127.0.0.1
expect_exit 2 "--bogus" --dir "$tmp/d" --bogus
expect_exit 2 "--sad-ttl" --dir "$tmp/d" --sad-ttl
expect_exit 1 "$tmp/nothing" --dir "$tmp/nothing"

# ---- a running service ---------------------------------------------------
dir=$tmp/d
"$bin" init --dir "$dir" >"$tmp/init.log" 2>&1 || {
    cat "$tmp/init.log" >&2
    echo "FAIL: init" >&2
    exit 1
}

# start [ARGS...]: runs serve in the background, sets pid and port
start() {
    rm -f "$dir/port"
    "$bin" serve --dir "$dir" "$@" 2>"$tmp/serve.log" &
    pid=$!
    pids+=("$pid")
    port=
    for _ in $(seq 300); do
        if [ -f "$dir/port" ]; then
            port=$(cat "$dir/port")
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$port" ]; then
        cat "$tmp/serve.log" >&2
        fail "serve $* did not write $dir/port"
        return 1
    fi
}

# stop SIGNAL [TWICE]: the process exits 0 and removes DIR/port (a second
# signal during the shutdown changes nothing)
stop() {
    kill "-$1" "$pid"
    [ $# -lt 2 ] || kill "-$1" "$pid" 2>/dev/null
    wait "$pid"
    local rc=$?
    [ "$rc" -eq 0 ] || fail "serve exited $rc after SIG$1"
    [ ! -e "$dir/port" ] || fail "$dir/port left behind after SIG$1"
}

info() {
    curl -sS --cacert "$dir/tls/ca.pem" --resolve "localhost:$1:127.0.0.1" \
        -H 'Content-Type: application/json' -d '{}' "https://localhost:$1/csc/v2/info"
}

if start; then
    printf '%s\n' "$port" | cmp -s - "$dir/port" || fail "DIR/port is not 'PORT\\n'"
    case $port in '' | *[!0-9]* | 0) fail "bad port '$port'" ;; esac
    grep -qF "crpki-rsspd: listening on https://localhost:$port" "$tmp/serve.log" ||
        fail "no 'listening on' line: $(cat "$tmp/serve.log")"
    if command -v curl >/dev/null; then
        body=$(info "$port") || fail "POST /csc/v2/info failed"
        case $body in
        *"\"https://localhost:$port/oauth2\""*) ;;
        *) fail "info does not name https://localhost:$port/oauth2: $body" ;;
        esac
    fi
    fixed=$port
    # the same port while it is taken: a runtime error
    expect_exit 1 "$fixed" --dir "$dir" --listen "127.0.0.1:$fixed"
    stop TERM twice
    grep -qE "POST /csc/v2/info 200 [0-9]+ ms" "$tmp/serve.log" ||
        fail "no access log line: $(cat "$tmp/serve.log")"
    # a fixed port, free again, and SIGINT
    if start --listen "127.0.0.1:$fixed"; then
        [ "$port" = "$fixed" ] || fail "asked for port $fixed, got $port"
        if command -v curl >/dev/null; then
            info "$port" >/dev/null || fail "POST /csc/v2/info on the fixed port failed"
        fi
        stop INT
    fi
fi

if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
fi
echo "test_serve: all passed"
