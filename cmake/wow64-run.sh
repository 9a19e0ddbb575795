#!/usr/bin/env bash
# CMAKE_CROSSCOMPILING_EMULATOR of the win32 preset: runs a Windows program
# under the WoW64 Wine of scripts/setup-wow64 (an amd64 Debian chroot with
# wine32:i386, 32-bit code run by qemu-i386 through binfmt_misc), in this
# build's own throwaway prefix. Same interface as wine-run.sh, which it runs
# inside the chroot:
#
#   wow64-run.sh --prefix DIR PROGRAM [ARGS...]   run PROGRAM (32- or 64-bit)
#   wow64-run.sh --prefix DIR --setup             wipe DIR, create a fresh WoW64 prefix
#   wow64-run.sh --prefix DIR --cleanup           stop its wineserver, remove DIR
#
# Each call enters the chroot in its own private mount namespace (unshare):
# /proc, /sys, /dev, the host's /tmp (test files, the X socket), its name
# resolution (/etc/hosts, resolv.conf) and the source and build trees at their
# own paths are mounted there, and all of it goes away
# with the namespace, however the call ends: nothing is left mounted on the host.
#
# Every Wine program on such a prefix must go through this script, winepath
# included: the host's own (64-bit only) Wine would start a wineserver for the
# prefix that the chroot's programs then share (/tmp is shared) and fail in.
#
# CRPKI_WOW64 names the setup-wow64 directory (default: its "current" link under
# $CRPKI_CACHE, else ~/.cache/crpki). Needs root (unshare, chroot).
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")

prefix=${WINEPREFIX:-}
if [ "${1:-}" = --prefix ]; then
    prefix=${2:?--prefix needs a directory}
    shift 2
fi
[ -n "$prefix" ] || {
    echo "wow64-run.sh: no --prefix and no WINEPREFIX" >&2
    exit 2
}
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac
build=$(dirname "$prefix")

cache=${CRPKI_CACHE:-$HOME/.cache/crpki}
wow=${CRPKI_WOW64:-$cache/wow64/current}
rootfs="$wow/rootfs"
if [ ! -f "$wow/.crpki-complete" ]; then
    echo "wow64-run.sh: no WoW64 environment at $wow: run scripts/setup-wow64" >&2
    exit 1
fi

# The Wine loader for a program: Debian's wine script for a PE32 (x86) file,
# which starts it with the 32-bit loader; wine64 straight for anything else (an
# x64 file, or a program of the prefix named without a path: msiexec, reg,
# winepath... get their 64-bit versions, as from a 64-bit command prompt).
# (/usr/bin/wine would start every program through qemu first.)
loader_for() {
    local f=$1 off magic
    [ -f "$f" ] || {
        echo /usr/lib/wine/wine64
        return
    }
    off=$(od -An -tu4 -j60 -N4 "$f" 2>/dev/null | tr -d ' ')
    magic=$(od -An -tx2 -j$((${off:-0} + 24)) -N2 "$f" 2>/dev/null | tr -d ' ')
    if [ "$magic" = 010b ]; then echo /usr/bin/wine; else echo /usr/lib/wine/wine64; fi
}

case "${1:-}" in
--setup)
    # The binfmt handler is lost at every reboot: setup-wow64 registers it
    # again (and only that, with its cache present).
    bash "$src/scripts/setup-wow64" >/dev/null || exit 1
    wine=/usr/lib/wine/wine64
    ;;
--cleanup) wine=/usr/lib/wine/wine64 ;;
"")
    echo "usage: wow64-run.sh [--prefix DIR] PROGRAM [ARGS...] | --setup | --cleanup" >&2
    exit 2
    ;;
*)
    # a relative program path means the caller's directory, not Wine's
    if [ -f "$1" ]; then
        prog=$(readlink -f "$1")
        shift
        set -- "$prog" "$@"
    fi
    wine=$(loader_for "$1")
    ;;
esac

mkdir -p "$build/wow64-home"
# exec: the program's exit code is ours, and a ctest timeout signals it directly
# (unshare execs sh, which execs chroot, which execs bash).
exec unshare --mount --propagation private -- sh -ec '
    r=$1 src=$2 build=$3 cwd=$4
    shift 4
    # (bind mounts only, so that this works in a user namespace too: the
    # WPAD test runs in one, with its own /etc/hosts and resolv.conf)
    mount --rbind /proc "$r/proc"
    mount --rbind /sys "$r/sys"
    mount --rbind /dev "$r/dev"
    mount -t tmpfs -o mode=1777 shm "$r/dev/shm"
    mount --bind /tmp "$r/tmp"
    # (copies: the WPAD test'"'"'s own files are mounts of deleted files,
    # which cannot be bound again)
    for f in /etc/hosts /etc/resolv.conf; do
        [ -e "$r$f" ] || : >"$r$f"
        t=$(mktemp)
        cat "$f" >"$t"
        mount --bind "$t" "$r$f"
        rm -f "$t"
    done
    for d in "$src" "$build"; do
        mkdir -p "$r$d"
        mount --bind "$d" "$r$d"
    done
    # chroot keeps the working directory: the same path inside when mounted there.
    cd "$r$cwd" 2>/dev/null || cd "$r/"
    exec chroot "$r" "$@"' sh "$rootfs" "$src" "$build" "$PWD" \
    env HOME="$build/wow64-home" PATH=/usr/local/bin:/usr/bin:/bin \
    WINE="$wine" WINESERVER=/usr/bin/wineserver \
    /bin/bash "$here/wine-run.sh" --prefix "$prefix" "$@"
