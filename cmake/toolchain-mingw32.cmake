# 32-bit Windows (i686), the DLLs a 32-bit application loads from SysWOW64.
set(CMAKE_SYSTEM_PROCESSOR x86)
set(CRPKI_MINGW_TRIPLET i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-mingw.cmake)

# ctest runs the Windows programs under Wine's WoW64 in the emulated chroot of
# scripts/setup-wow64, in a prefix of this build tree (cmake/WineFixture.cmake).
set(CMAKE_CROSSCOMPILING_EMULATOR
    ${CMAKE_CURRENT_LIST_DIR}/wow64-run.sh --prefix ${CMAKE_BINARY_DIR}/wineprefix)

# The providers' .def files name the WINAPI (stdcall) exports undecorated, as
# Windows looks them up (CPAcquireContext, not CPAcquireContext@16): let ld
# link each name to its decorated symbol without a warning per export.
string(APPEND CMAKE_SHARED_LINKER_FLAGS_INIT " -Wl,--enable-stdcall-fixup")
