#!/usr/bin/env bash
# CMAKE_CROSSCOMPILING_EMULATOR of the win64 preset: runs a Windows program
# under Wine in this build's own throwaway prefix.
#
#   wine-run.sh --prefix DIR PROGRAM [ARGS...]   run PROGRAM, exit with its exit code
#   wine-run.sh --prefix DIR --setup             wipe DIR and create a fresh prefix
#   wine-run.sh --prefix DIR --cleanup           stop its wineserver, remove DIR
#
# Without --prefix, $WINEPREFIX is used (it must then be set).
# WINEDEBUG is -all unless CRPKI_WINEDEBUG is set (e.g. CRPKI_WINEDEBUG=+seh,+loaddll).
# CRPKI_KEEP_WINEPREFIX=1 makes --cleanup keep the prefix for inspection.
# The wineserver is started detached from our stdout/stderr, so a server that
# lingers after the program exits never holds ctest's output pipe open.
set -u

prefix=${WINEPREFIX:-}
if [ "${1:-}" = --prefix ]; then
    prefix=${2:?--prefix needs a directory}
    shift 2
fi
[ -n "$prefix" ] || {
    echo "wine-run.sh: no --prefix and no WINEPREFIX" >&2
    exit 2
}
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac

export WINEPREFIX="$prefix"
export WINEDEBUG="${CRPKI_WINEDEBUG:--all}"
export WINEARCH=win64
# No Mono/Gecko install prompts, no desktop menu entries written to $HOME.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:+$WINEDLLOVERRIDES;}mscoree,mshtml=;winemenubuilder.exe=d"
WINE=${WINE:-wine}
WINESERVER=${WINESERVER:-wineserver}
BOOT_TIMEOUT=${CRPKI_WINEBOOT_TIMEOUT:-300}

# A prefix we may delete: missing, empty, or one that wine created.
is_wineprefix() {
    [ ! -e "$1" ] || [ -z "$(ls -A "$1" 2>/dev/null)" ] || [ -f "$1/system.reg" ] ||
        [ -f "$1/.crpki-wineprefix" ]
}

stop_server() {
    timeout 30 "$WINESERVER" -k >/dev/null 2>&1
    timeout 30 "$WINESERVER" -w >/dev/null 2>&1 || true
}

case "${1:-}" in
--setup)
    if ! is_wineprefix "$prefix"; then
        echo "wine-run.sh: $prefix exists and is not a wine prefix; not removing it" >&2
        exit 2
    fi
    [ -d "$prefix" ] && stop_server
    rm -rf "$prefix"
    mkdir -p "$prefix"
    touch "$prefix/.crpki-wineprefix"
    echo "wine-run.sh: creating $prefix"
    if ! timeout "$BOOT_TIMEOUT" "$WINE" wineboot -i </dev/null >"$prefix/.wineboot.log" 2>&1; then
        cat "$prefix/.wineboot.log" >&2
        echo "wine-run.sh: wineboot -i failed or timed out" >&2
        stop_server
        exit 1
    fi
    # wineboot returns before the prefix is fully written: wait for the server.
    if ! timeout "$BOOT_TIMEOUT" "$WINESERVER" -w; then
        echo "wine-run.sh: wineserver did not exit after wineboot; killing it" >&2
        stop_server
    fi
    [ -f "$prefix/system.reg" ] || {
        echo "wine-run.sh: wineboot did not create $prefix/system.reg" >&2
        exit 1
    }
    echo "wine-run.sh: prefix ready"
    exit 0
    ;;
--cleanup)
    [ -d "$prefix" ] || exit 0
    stop_server
    if [ "${CRPKI_KEEP_WINEPREFIX:-0}" = 1 ]; then
        echo "wine-run.sh: keeping $prefix"
        exit 0
    fi
    if ! is_wineprefix "$prefix"; then
        echo "wine-run.sh: $prefix is not a wine prefix; not removing it" >&2
        exit 2
    fi
    rm -rf "$prefix"
    exit 0
    ;;
"")
    echo "usage: wine-run.sh [--prefix DIR] PROGRAM [ARGS...] | --setup | --cleanup" >&2
    exit 2
    ;;
esac

# Start (or reuse) the server with no inherited pipes; it exits by itself a few
# seconds after its last client. "already running" is not an error.
"$WINESERVER" </dev/null >/dev/null 2>&1 || true

# exec: the program's exit code is ours, and a ctest timeout signals it directly.
exec "$WINE" "$@"
