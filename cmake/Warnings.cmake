# Warnings are errors everywhere, native and mingw alike.
function(crpki_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wno-unused-parameter -Wvla -Wpointer-arith)
  if(MINGW)
    # mingw: catch printf format mismatches against the MS runtime too
    target_compile_options(${target} PRIVATE -Wno-format-nonliteral)
  endif()
endfunction()

# crpki_module(NAME SOURCES... [LINKS ...]): the one static library of a source
# folder (src/base/util -> base_util, src/core/signing -> core_signing, ...).
# Every module sees the tree's include roots (src/, include/); what it may
# include is checked by cmake/LayerCheck.cmake, not by include paths.
function(crpki_module name)
  cmake_parse_arguments(M "" "" "SOURCES;LINKS" ${ARGN})
  add_library(${name} STATIC ${M_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/include)
  if(M_LINKS)
    target_link_libraries(${name} PUBLIC ${M_LINKS})
  endif()
  if(WIN32)
    target_compile_definitions(${name} PRIVATE _WIN32_WINNT=0x0601)
  endif()
  crpki_warnings(${name})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
