# Third-party dependencies, one target name on every platform:
#
#   crpki_curl    libcurl   (win64: static, Schannel, + its Windows system libs + static zlib)
#   crpki_cjson   cJSON     (win64: static; include as <cjson/cJSON.h> or <cJSON.h>)
#   crpki_cmocka  cmocka    (win64: static)
#
# Windows (win64, win32): the static archives of scripts/build-win-deps under CRPKI_WIN_DEPS; the
# toolchain links everything with -static, so no third-party DLL is ever imported.
# linux: the system libraries through pkg-config.

if(WIN32)
  if(NOT CRPKI_WIN_DEPS OR NOT EXISTS "${CRPKI_WIN_DEPS}/lib/libcurl.a")
    message(FATAL_ERROR
      "mingw dependencies not found in CRPKI_WIN_DEPS='${CRPKI_WIN_DEPS}'.\n"
      "Run scripts/build-win-deps ${CMAKE_SYSTEM_PROCESSOR} and configure with "
      "-DCRPKI_WIN_DEPS=<the prefix it prints> "
      "(default: \$CRPKI_CACHE or ~/.cache/crpki, then /mingw-deps/<triplet>/current).")
  endif()
  set(_deps_inc "${CRPKI_WIN_DEPS}/include")
  set(_deps_lib "${CRPKI_WIN_DEPS}/lib")

  # Static zlib from libz-mingw-w64-dev (libz.a, never libz.dll.a).
  find_library(CRPKI_ZLIB_STATIC NAMES libz.a REQUIRED)

  # crpki_curl: Windows libraries from libcurl.pc's Libs.private, so the list
  # follows the build; z is replaced by the static archive.
  set(_curl_syslibs bcrypt advapi32 crypt32 ws2_32)
  if(EXISTS "${_deps_lib}/pkgconfig/libcurl.pc")
    file(STRINGS "${_deps_lib}/pkgconfig/libcurl.pc" _pc REGEX "^Libs.private:")
    if(_pc)
      string(REGEX MATCHALL "-l[^ \t]+" _flags "${_pc}")
      set(_curl_syslibs "")
      foreach(_f IN LISTS _flags)
        string(SUBSTRING "${_f}" 2 -1 _l)
        if(NOT _l STREQUAL "z")
          list(APPEND _curl_syslibs ${_l})
        endif()
      endforeach()
    endif()
  endif()
  add_library(crpki_curl_static STATIC IMPORTED)
  set_target_properties(crpki_curl_static PROPERTIES
    IMPORTED_LOCATION "${_deps_lib}/libcurl.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_deps_inc}"
    # curl.h declares its API dllimport unless CURL_STATICLIB is defined.
    INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB
    INTERFACE_LINK_LIBRARIES "${CRPKI_ZLIB_STATIC};${_curl_syslibs}")
  add_library(crpki_curl INTERFACE)
  target_link_libraries(crpki_curl INTERFACE crpki_curl_static)

  add_library(crpki_cjson_static STATIC IMPORTED)
  set_target_properties(crpki_cjson_static PROPERTIES
    IMPORTED_LOCATION "${_deps_lib}/libcjson.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_deps_inc};${_deps_inc}/cjson"
    # cJSON.h declares its API dllexport by default on Windows, which would
    # export cJSON from our DLLs; the library was built the same way.
    INTERFACE_COMPILE_DEFINITIONS CJSON_HIDE_SYMBOLS)
  add_library(crpki_cjson INTERFACE)
  target_link_libraries(crpki_cjson INTERFACE crpki_cjson_static)

  add_library(crpki_cmocka_static STATIC IMPORTED)
  set_target_properties(crpki_cmocka_static PROPERTIES
    IMPORTED_LOCATION "${_deps_lib}/libcmocka.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_deps_inc}"
    INTERFACE_COMPILE_DEFINITIONS CMOCKA_STATIC)
  add_library(crpki_cmocka INTERFACE)
  target_link_libraries(crpki_cmocka INTERFACE crpki_cmocka_static)

  foreach(_a libcjson.a libcmocka.a)
    if(NOT EXISTS "${_deps_lib}/${_a}")
      message(FATAL_ERROR "${_deps_lib}/${_a} missing: rerun scripts/build-win-deps")
    endif()
  endforeach()
  message(STATUS "mingw dependencies: ${CRPKI_WIN_DEPS}")
else()
  pkg_check_modules(CRPKI_PC_CURL REQUIRED IMPORTED_TARGET libcurl)
  add_library(crpki_curl INTERFACE)
  target_link_libraries(crpki_curl INTERFACE PkgConfig::CRPKI_PC_CURL)

  pkg_check_modules(CRPKI_PC_CJSON REQUIRED IMPORTED_TARGET libcjson)
  add_library(crpki_cjson INTERFACE)
  target_link_libraries(crpki_cjson INTERFACE PkgConfig::CRPKI_PC_CJSON)

  pkg_check_modules(CRPKI_PC_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_library(crpki_cmocka INTERFACE)
  target_link_libraries(crpki_cmocka INTERFACE PkgConfig::CRPKI_PC_CMOCKA)
endif()
