# Owner: the service logic. serve.c (the HTTPS transport) is owned separately.
# rsspd_req: pure request parsing and validation (unit tests, fuzz targets).
add_library(rsspd_req STATIC req.c)
target_include_directories(rsspd_req PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(rsspd_req PUBLIC base_util base_alg OpenSSL::Crypto PkgConfig::LIBCJSON Threads::Threads m)
crpki_warnings(rsspd_req)

add_library(rsspd_service STATIC service.c store.c cred.c oauth.c csc.c serve.c admin.c phone.c)
target_include_directories(rsspd_service PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(rsspd_service PUBLIC rsspd_req rsspd_keys base_util base_alg OpenSSL::Crypto
                      PkgConfig::MHD PkgConfig::SQLITE3 PkgConfig::LIBCJSON Threads::Threads)
crpki_warnings(rsspd_service)

# HTTPS transport of `serve` (owner: the transport; serve.c above is its).
target_sources(rsspd_service PRIVATE httpd.c serve_args.c)
# test_httpd_*: the transport and serve's command line over real TLS, with a
# fake service (test_serve_fake_service.c) behind it and libcurl in front.
if(NOT TARGET PkgConfig::RSSPD_CURL)
  pkg_check_modules(RSSPD_CURL REQUIRED IMPORTED_TARGET libcurl)
endif()
add_library(rsspd_test_httpd STATIC test_httpd_common.c httpd.c serve_args.c
                                    test_serve_fake_service.c)
target_include_directories(rsspd_test_httpd PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(rsspd_test_httpd PUBLIC crpki_cmocka base_util base_alg PkgConfig::MHD
                      PkgConfig::LIBCJSON PkgConfig::RSSPD_CURL OpenSSL::Crypto Threads::Threads)
crpki_warnings(rsspd_test_httpd)
foreach(t test_httpd_setup test_httpd_requests test_httpd_faults)
  crpki_unit_test(${t} SOURCES ${t}.c LIBS rsspd_test_httpd)
endforeach()
# rsspd_serve: the serve command as a process (exit codes, DIR/port, base URL,
# SIGTERM/SIGINT, fixed and busy ports); runs its own `init` (SoftHSM2).
add_test(NAME rsspd_serve
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_serve.sh $<TARGET_FILE:crpki-rsspd>)
set_tests_properties(rsspd_serve PROPERTIES LABELS "integration" TIMEOUT 300)

# Unit tests of the service logic (owner: the service). No network: they call
# rsspd_service_handle directly on a directory made by `crpki-rsspd init`.
crpki_unit_test(test_req SOURCES test_req.c LIBS rsspd_req VALGRIND)
crpki_unit_test(test_store SOURCES test_store.c test_util.c LIBS rsspd_service VALGRIND)
crpki_unit_test(test_oauth SOURCES test_oauth.c test_svc_fixture.c test_util.c
                LIBS rsspd_service rsspd_keys)
add_library(rsspd_test_csc STATIC test_csc_common.c test_svc_fixture.c test_util.c)
target_link_libraries(rsspd_test_csc PUBLIC rsspd_service rsspd_keys crpki_cmocka)
crpki_warnings(rsspd_test_csc)
foreach(t test_csc_credentials test_csc_approval test_csc_sign)
  crpki_unit_test(${t} SOURCES ${t}.c LIBS rsspd_test_csc)
endforeach()
foreach(t test_store test_oauth test_csc_credentials test_csc_approval test_csc_sign)
  set_tests_properties(${t} PROPERTIES ENVIRONMENT "${RSSP_SIM_TEST_ENV}")
endforeach()
# test_phone: `serve --phone FILE`, the simulated gBizID app (phone.h) that
# the service tests of tests/wine_service drive.
crpki_unit_test(test_phone SOURCES test_phone.c test_svc_fixture.c test_util.c
                LIBS rsspd_service rsspd_keys)
set_tests_properties(test_phone PROPERTIES ENVIRONMENT "${RSSP_SIM_TEST_ENV}")
