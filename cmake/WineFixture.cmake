# ctest fixture "wineprefix" for the win64 and win32 builds: wineprefix_setup wipes and
# creates this build's Wine prefix (wineboot -i), wineprefix_cleanup stops its
# wineserver and removes it. Every test that runs a Windows program under the
# emulator sets FIXTURES_REQUIRED wineprefix (crpki_unit_test does).
# Keep the prefix after a run for inspection: CRPKI_KEEP_WINEPREFIX=1 ctest ...
if(NOT (WIN32 AND CMAKE_CROSSCOMPILING AND CMAKE_CROSSCOMPILING_EMULATOR))
  return()
endif()
list(GET CMAKE_CROSSCOMPILING_EMULATOR 0 _crpki_emulator)
get_filename_component(_crpki_emulator_name "${_crpki_emulator}" NAME)
if(NOT _crpki_emulator_name MATCHES "^(wine|wow64)-run[.]sh$")
  message(STATUS "Emulator ${_crpki_emulator} is not wine-run.sh or wow64-run.sh: no wineprefix fixture")
  return()
endif()

add_test(NAME wineprefix_setup COMMAND ${CMAKE_CROSSCOMPILING_EMULATOR} --setup)
set_tests_properties(wineprefix_setup PROPERTIES
  FIXTURES_SETUP wineprefix LABELS "wine" TIMEOUT 400)
add_test(NAME wineprefix_cleanup COMMAND ${CMAKE_CROSSCOMPILING_EMULATOR} --cleanup)
set_tests_properties(wineprefix_cleanup PROPERTIES
  FIXTURES_CLEANUP wineprefix LABELS "wine" TIMEOUT 120)
