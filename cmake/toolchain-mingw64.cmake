# 64-bit Windows (x86-64); tests run under Wine through cmake/wine-run.sh.
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CRPKI_MINGW_TRIPLET x86_64-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-mingw.cmake)

# ctest runs the Windows programs under Wine in a prefix of this build tree,
# created by the wineprefix_setup fixture test (cmake/WineFixture.cmake).
set(CMAKE_CROSSCOMPILING_EMULATOR
    ${CMAKE_CURRENT_LIST_DIR}/wine-run.sh --prefix ${CMAKE_BINARY_DIR}/wineprefix)
