# Cross build for Windows with Debian's mingw-w64 (win32 thread model gcc), shared
# by toolchain-mingw64.cmake (x86-64) and toolchain-mingw32.cmake (i686), which set
# CRPKI_MINGW_TRIPLET and CMAKE_SYSTEM_PROCESSOR first.
set(CMAKE_SYSTEM_NAME Windows)

# The win32 thread model gcc needs no libwinpthread; same choice as
# scripts/build-win-deps.
find_program(CRPKI_MINGW_CC NAMES ${CRPKI_MINGW_TRIPLET}-gcc-win32 ${CRPKI_MINGW_TRIPLET}-gcc
             REQUIRED)
set(CMAKE_C_COMPILER ${CRPKI_MINGW_CC})
find_program(CMAKE_RC_COMPILER NAMES ${CRPKI_MINGW_TRIPLET}-windres)

# The top-level CMakeLists.txt prepends CRPKI_WIN_DEPS (scripts/build-win-deps).
set(CMAKE_FIND_ROOT_PATH /usr/${CRPKI_MINGW_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# No mingw runtime DLL next to our binaries: libgcc always static, and -static
# makes ld take libfoo.a over libfoo.dll.a (zlib, winpthread) for every link.
# Windows system import libraries are unaffected.
# DLLs also get --exclude-libs,ALL: a DLL without a .def file or any dllexport
# would otherwise auto-export every symbol of the static archives it links
# (libcurl, cJSON, zlib: several hundred exports).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static -static-libgcc -Wl,--exclude-libs,ALL")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static -static-libgcc -Wl,--exclude-libs,ALL")
