# crpki_service_test(): tests that need the reference service, the same
# program natively on linux and under Wine on win64 (docs/signing.md,
# "Service tests"; the driver is tests/wine_service/run-service-test.sh).
#
#   crpki_service_test(NAME name COMMAND target_or_path [args...]
#                      [USER user1] [PROVIDERS csp|ksp|both] [UI none|console|dialog]
#                      [STOP_SERVICE] [XVFB] [PROXY] [WPAD] [RSSPD_ARGS args...] [SETUP_ARGS args...]
#                      [TIMEOUT 300] [LABELS labels...])
#
# The ctest test is labelled "service" + LABELS. The driver starts its own
# crpki-rsspd (linux: the target of this build; win64: the linux build's,
# CRPKI_RSSPD) with --phone, logs USER in with crpki-test-setup into a fresh
# home, optionally stops the service (STOP_SERVICE), runs COMMAND with
# CRPKI_HOME, CRPKI_TEST_PHONE, CRPKI_TEST_SIMDIR, CRPKI_TEST_SERVICE_URL and
# CRPKI_TEST_OUT, then verifies the artifacts in CRPKI_TEST_OUT with OpenSSL.
# SETUP_ARGS go to crpki-test-setup (e.g. --approval-timeout 20).
# PROXY: crpki-testproxy runs beside the service (CRPKI_TEST_PROXY_DIR and
# CRPKI_TEST_PROXY_PORT; tests/support/testproxy.h); on win64 the linux
# build's, CRPKI_TESTPROXY. WPAD (with PROXY): in namespaces where the host is
# pc1.corp.test and wpad.corp.test answers on port 80 (run-service-test.sh).
# XVFB (win64; for UI dialog): the program runs under `xvfb-run -a`, so Wine
# has an X display to make windows on. Without xvfb-run the test fails,
# saying so (the xvfb package, scripts/install-deps). No effect on linux.

set(CRPKI_RSSPD "${CMAKE_SOURCE_DIR}/build/linux/tests/rssp_sim/crpki-rsspd" CACHE FILEPATH
    "crpki-rsspd of a linux build, for the service tests of the win64 build")
set(CRPKI_TESTPROXY "${CMAKE_SOURCE_DIR}/build/linux/tests/support/crpki-testproxy" CACHE FILEPATH
    "crpki-testproxy of a linux build, for the proxy tests of the win64 build")
set(_CRPKI_SVC_DRIVER "${CMAKE_SOURCE_DIR}/tests/wine_service/run-service-test.sh")
# One `crpki-rsspd init` per build, copied per test (init takes seconds).
set(_CRPKI_SVC_TEMPLATE "${CMAKE_BINARY_DIR}/tests/wine_service/rsspd-template")

function(crpki_service_test)
  cmake_parse_arguments(S "STOP_SERVICE;XVFB;PROXY;WPAD" "NAME;USER;PROVIDERS;UI;TIMEOUT"
                        "COMMAND;RSSPD_ARGS;SETUP_ARGS;LABELS" ${ARGN})
  if(NOT S_NAME OR NOT S_COMMAND)
    message(FATAL_ERROR "crpki_service_test: NAME and COMMAND are required")
  endif()
  foreach(_v USER PROVIDERS UI TIMEOUT)
    set(_d_USER user1)
    set(_d_PROVIDERS both)
    set(_d_UI none)
    set(_d_TIMEOUT 300)
    if(NOT S_${_v})
      set(S_${_v} ${_d_${_v}})
    endif()
  endforeach()

  list(POP_FRONT S_COMMAND _prog)
  if(TARGET ${_prog})
    set(_prog $<TARGET_FILE:${_prog}>)
  endif()

  if(NOT WIN32 AND CRPKI_BUILD_SIM)
    set(_rsspd $<TARGET_FILE:crpki-rsspd>)
  else()
    set(_rsspd ${CRPKI_RSSPD})
  endif()

  set(_args --rsspd ${_rsspd} --setup $<TARGET_FILE:crpki-test-setup>
            --template ${_CRPKI_SVC_TEMPLATE}
            --user ${S_USER} --providers ${S_PROVIDERS} --ui ${S_UI})
  if(S_STOP_SERVICE)
    list(APPEND _args --stop-service)
  endif()
  if(S_PROXY)
    if(NOT WIN32)
      list(APPEND _args --proxy $<TARGET_FILE:crpki-testproxy>)
    else()
      list(APPEND _args --proxy ${CRPKI_TESTPROXY})
    endif()
    if(S_WPAD)
      list(APPEND _args --wpad-netns)
    endif()
  endif()
  if(S_XVFB AND WIN32)
    find_program(CRPKI_XVFB_RUN xvfb-run)
    # Missing: the driver is told so and fails the test (never a skip)
    if(CRPKI_XVFB_RUN)
      list(APPEND _args --xvfb ${CRPKI_XVFB_RUN})
    else()
      list(APPEND _args --xvfb xvfb-run-NOTFOUND)
    endif()
  endif()
  if(WIN32 AND CMAKE_CROSSCOMPILING_EMULATOR)
    foreach(_e IN LISTS CMAKE_CROSSCOMPILING_EMULATOR)
      list(APPEND _args --emulator ${_e})
    endforeach()
  endif()
  foreach(_a IN LISTS S_RSSPD_ARGS)
    list(APPEND _args --rsspd-arg ${_a})
  endforeach()
  foreach(_a IN LISTS S_SETUP_ARGS)
    list(APPEND _args --setup-arg ${_a})
  endforeach()

  add_test(NAME ${S_NAME} COMMAND bash ${_CRPKI_SVC_DRIVER} ${_args} -- ${_prog} ${S_COMMAND})
  set_tests_properties(${S_NAME} PROPERTIES LABELS "service;${S_LABELS}" TIMEOUT ${S_TIMEOUT})
  if(S_XVFB AND WIN32)
    # One test with an X display at a time: two `xvfb-run -a` started together
    # can take the same display (one then fails to start, the other loses it
    # when the first ends), and the prefix's one wineserver keeps its desktop
    # on the display of the program that started it.
    set_tests_properties(${S_NAME} PROPERTIES RESOURCE_LOCK crpki_x_display)
  endif()
  if(WIN32)
    set_tests_properties(${S_NAME} PROPERTIES FIXTURES_REQUIRED wineprefix)
  endif()
endfunction()
