# crpki_check_win_imports(<target> [ALLOW dll ...])
#   win64 only: adds the ctest test <target>_imports, which fails when the
#   target's PE file imports a DLL that is not part of Windows (a mingw runtime
#   DLL such as libwinpthread-1.dll or libgcc_s_seh-1.dll, zlib1.dll,
#   libcurl.dll, ...). Third-party code must be linked statically.
# Also usable as a script: cmake -DOBJDUMP=... -DFILE=... [-DALLOW=a.dll,b.dll] -P WinImports.cmake

set(CRPKI_WIN_SYSTEM_DLLS
  kernel32 ntdll msvcrt ucrtbase advapi32 bcrypt ncrypt crypt32 secur32 ws2_32
  iphlpapi normaliz wldap32 user32 gdi32 comctl32 comdlg32 shell32 shlwapi ole32
  oleaut32 rpcrt4 userenv version winhttp wininet dbghelp psapi wintrust cryptui
  imm32 uxtheme)

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.20) # IN_LIST
  if(NOT OBJDUMP OR NOT FILE)
    message(FATAL_ERROR "usage: cmake -DOBJDUMP=<objdump> -DFILE=<pe file> [-DALLOW=a.dll,...] -P WinImports.cmake")
  endif()
  execute_process(COMMAND ${OBJDUMP} -p ${FILE} OUTPUT_VARIABLE _out RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${OBJDUMP} -p ${FILE} failed (${_rc})")
  endif()
  string(REGEX MATCHALL "DLL Name: [^\r\n]+" _names "${_out}")
  string(REPLACE "," ";" _allow "${ALLOW}")
  set(_bad "")
  foreach(_n IN LISTS _names)
    string(REPLACE "DLL Name: " "" _dll "${_n}")
    string(STRIP "${_dll}" _dll)
    string(TOLOWER "${_dll}" _lc)
    string(REGEX REPLACE "\\.dll$" "" _base "${_lc}")
    message(STATUS "imports ${_dll}")
    if(_base IN_LIST CRPKI_WIN_SYSTEM_DLLS OR _lc MATCHES "^api-ms-win-" OR _lc IN_LIST _allow
       OR _base IN_LIST _allow)
      continue()
    endif()
    list(APPEND _bad "${_dll}")
  endforeach()
  if(NOT _names)
    message(FATAL_ERROR "${FILE}: no imports found (not a PE file?)")
  endif()
  if(_bad)
    message(FATAL_ERROR "${FILE} imports non-system DLLs: ${_bad}")
  endif()
  return()
endif()

set(_CRPKI_WIN_IMPORTS_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")

function(crpki_check_win_imports target)
  if(NOT WIN32)
    return()
  endif()
  cmake_parse_arguments(A "" "" "ALLOW" ${ARGN})
  if(NOT CMAKE_OBJDUMP)
    message(FATAL_ERROR "crpki_check_win_imports: CMAKE_OBJDUMP is not set")
  endif()
  string(REPLACE ";" "," _allow "${A_ALLOW}")
  add_test(NAME ${target}_imports
           COMMAND ${CMAKE_COMMAND} -DOBJDUMP=${CMAKE_OBJDUMP} -DFILE=$<TARGET_FILE:${target}>
                   -DALLOW=${_allow} -P ${_CRPKI_WIN_IMPORTS_SCRIPT})
  set_tests_properties(${target}_imports PROPERTIES LABELS "unit;imports" TIMEOUT 60)
endfunction()
