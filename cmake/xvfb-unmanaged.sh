#!/usr/bin/env bash
# xvfb-unmanaged.sh XVFB_RUN EMULATOR... -- PROGRAM [ARGS...]
# Runs a Windows test program that makes windows under `xvfb-run -a` and the
# win64/win32 emulator, its X11 windows unmanaged (Wine's AppDefaults for
# the program's file name, in the emulator's prefix). Xvfb has no window
# manager, and Wine's X11 driver waits up to 2 s for one to confirm every
# managed window it takes down: each dialog a test closes would cost 2 s that
# Windows does not (tests/wine_service/run-service-test.sh does the same).
set -u
xvfb=$1
shift
emu=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    emu+=("$1")
    shift
done
[ $# -ge 2 ] || { echo "usage: xvfb-unmanaged.sh XVFB_RUN EMULATOR... -- PROGRAM [ARGS...]" >&2; exit 2; }
shift
exe=$(basename "$1")
# up to three tries: under emulated WoW64 `reg` itself has failed to start once
ok=0
for _ in 1 2 3; do
    if "${emu[@]}" reg add "HKCU\\Software\\Wine\\AppDefaults\\$exe\\X11 Driver" /v Managed \
        /d N /f >/dev/null 2>&1; then
        ok=1
        break
    fi
    sleep 1
done
if [ $ok = 0 ]; then
    echo "xvfb-unmanaged.sh: cannot set Wine's X11 Driver\\Managed for $exe" >&2
    exit 1
fi
exec "$xvfb" -a "${emu[@]}" "$@"
