# The dependency rule of docs/architecture.md, checked on every build:
#   cmake -DROOT=<source dir> -P cmake/LayerCheck.cmake
# Every product source file (src/, rssp_client/, csp/, ksp/, mgmt_tool/,
# mgmt_gui/, include/) may include only files of its own folder or of a folder in a lower
# layer. Folders that share a rank are peers and may not include each other
# (csp/core and ksp/core, say). A header named *_internal.h belongs to its
# folder: no other folder includes it; a folder that names its interface
# (_interfaces below) lets other folders include only those headers.
# Every quoted include must resolve to a file of the tree: the including
# file's folder, src/, include/, or (a name a target's include path brings
# in) the one product file of that name; anything else is an error (system
# and third-party headers are included with <...>). Prints every violation
# and fails. tests/layercheck runs it on fixture trees with known violations.

if(NOT ROOT)
  get_filename_component(ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
endif()

# folder (relative to ROOT) -> rank, lowest first. A public header of
# include/crpki/ counts as the folder that implements it.
set(_ranks
  "src/base/util=10"
  "src/base/alg=11"
  "src/base/error=12"
  "src/base/platform=13"
  "src/base/log=14"
  "rssp_client=20"
  "src/core/config=30"
  "src/core/crypto=30"
  "src/core/catalog=31"
  "src/core/auth=31"
  "src/core/ui=31"
  "src/core/history=31"
  "src/core/signing=33"
  "src/core/connect=32"
  "src/provider=40"
  "src/provider/winabi=40"
  "csp/core=50"
  "ksp/core=50"
  "pkcs11/core=50"
  "csp=60"
  "ksp=60"
  "pkcs11=60"
  "mgmt_tool=60"
  "mgmt_gui=70")
# folder -> the only headers other folders may include from it
set(_interfaces
  "mgmt_tool=mgmt_run.h"
  "pkcs11/core=p11_core.h")
set(_public
  "include/crpki/error.h=src/base/error"
  "include/crpki/log.h=src/base/log"
  "include/crpki/rssp_client.h=rssp_client"
  "include/crpki/config.h=src/core/config"
  "include/crpki/auth.h=src/core/auth")

function(_rank_of folder out)
  set(r "")
  foreach(kv ${_ranks})
    string(REPLACE "=" ";" p "${kv}")
    list(GET p 0 f)
    list(GET p 1 n)
    if(folder STREQUAL f)
      set(r ${n})
    endif()
  endforeach()
  set(${out} "${r}" PARENT_SCOPE)
endfunction()

# The folder a file counts as (its own, or the implementing folder of a
# public header).
function(_owner rel out)
  foreach(kv ${_public})
    string(REPLACE "=" ";" p "${kv}")
    list(GET p 0 h)
    list(GET p 1 f)
    if(rel STREQUAL h)
      set(${out} "${f}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  get_filename_component(d "${rel}" DIRECTORY)
  set(${out} "${d}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE _files RELATIVE "${ROOT}"
  "${ROOT}/src/*.c" "${ROOT}/src/*.h" "${ROOT}/rssp_client/*.c" "${ROOT}/rssp_client/*.h"
  "${ROOT}/csp/*.c" "${ROOT}/csp/*.h" "${ROOT}/ksp/*.c" "${ROOT}/ksp/*.h"
  "${ROOT}/pkcs11/*.c" "${ROOT}/pkcs11/*.h"
  "${ROOT}/mgmt_tool/*.c" "${ROOT}/mgmt_tool/*.h" "${ROOT}/mgmt_gui/*.c" "${ROOT}/mgmt_gui/*.h"
  "${ROOT}/include/*.h")

# The interface of folder (empty: any header), into out.
function(_interface_of folder out)
  set(r "")
  foreach(kv ${_interfaces})
    string(REPLACE "=" ";" p "${kv}")
    list(GET p 0 f)
    list(GET p 1 h)
    if(folder STREQUAL f)
      set(r "${h}")
    endif()
  endforeach()
  set(${out} "${r}" PARENT_SCOPE)
endfunction()

# file name -> the product files of that name (a bare include a target's
# include path resolves)
foreach(f ${_files})
  get_filename_component(n "${f}" NAME)
  string(MAKE_C_IDENTIFIER "${n}" key)
  list(APPEND _by_${key} "${f}")
endforeach()

set(_bad 0)
set(_count 0)
foreach(f ${_files})
  _owner("${f}" from)
  _rank_of("${from}" from_rank)
  if(from_rank STREQUAL "")
    message(SEND_ERROR "layer check: ${f}: its folder ${from} has no layer in cmake/LayerCheck.cmake")
    math(EXPR _bad "${_bad} + 1")
    continue()
  endif()
  get_filename_component(fdir "${f}" DIRECTORY)
  file(STRINGS "${ROOT}/${f}" incs REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line ${incs})
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" inc "${line}")
    set(target "")
    foreach(base "${fdir}" "src" "include")
      if(target STREQUAL "" AND EXISTS "${ROOT}/${base}/${inc}")
        file(RELATIVE_PATH target "${ROOT}" "${ROOT}/${base}/${inc}")
      endif()
    endforeach()
    if(target STREQUAL "" AND NOT inc MATCHES "/")
      string(MAKE_C_IDENTIFIER "${inc}" key)
      set(cands "${_by_${key}}")
      list(LENGTH cands ncand)
      if(ncand EQUAL 1)
        set(target "${cands}")
      elseif(ncand GREATER 1)
        message(SEND_ERROR "layer check: ${f} includes \"${inc}\": ambiguous (${cands}); name its folder")
        math(EXPR _bad "${_bad} + 1")
        continue()
      endif()
    endif()
    if(target STREQUAL "")
      message(SEND_ERROR "layer check: ${f} includes \"${inc}\", which is no file of the tree (system and third-party headers: <...>)")
      math(EXPR _bad "${_bad} + 1")
      continue()
    endif()
    math(EXPR _count "${_count} + 1")
    _owner("${target}" to)
    if(to STREQUAL from)
      continue()
    endif()
    get_filename_component(tname "${target}" NAME)
    if(tname MATCHES "_internal\\.h$")
      message(SEND_ERROR "layer check: ${f} includes ${target}, internal to ${to}")
      math(EXPR _bad "${_bad} + 1")
      continue()
    endif()
    _interface_of("${to}" iface)
    if(NOT iface STREQUAL "" AND NOT tname STREQUAL iface)
      message(SEND_ERROR "layer check: ${f} includes ${target}: ${to} offers only ${iface} to other folders")
      math(EXPR _bad "${_bad} + 1")
      continue()
    endif()
    _rank_of("${to}" to_rank)
    if(to_rank STREQUAL "")
      message(SEND_ERROR "layer check: ${f} includes ${target}, outside every layer")
      math(EXPR _bad "${_bad} + 1")
    elseif(NOT to_rank LESS from_rank)
      if(to_rank EQUAL from_rank)
        set(why "a peer")
      else()
        set(why "a higher layer")
      endif()
      message(SEND_ERROR "layer check: ${f} (${from}) includes ${target}: ${to} is ${why}")
      math(EXPR _bad "${_bad} + 1")
    endif()
  endforeach()
endforeach()

if(_bad GREATER 0)
  message(FATAL_ERROR "layer check: ${_bad} include(s) break the dependency rule (docs/architecture.md)")
endif()
message(STATUS "layer check: ${_count} project includes, all pointing down")
