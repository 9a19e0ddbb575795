# Owner: token, PKI and test data (simcfg, p11, pki, init) -> rsspd_keys.
# PKCS#11 declarations come from p11-kit's header only; the module itself is
# dlopen'ed at run time (sim.json names it), never linked.
pkg_check_modules(P11KIT REQUIRED p11-kit-1)

add_library(rsspd_keys STATIC simcfg.c p11.c pki.c init.c)
target_include_directories(rsspd_keys PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_include_directories(rsspd_keys PRIVATE ${P11KIT_INCLUDE_DIRS})
target_link_libraries(rsspd_keys PUBLIC base_util base_alg OpenSSL::Crypto PkgConfig::LIBCJSON
                      ${CMAKE_DL_LIBS} Threads::Threads m)
crpki_warnings(rsspd_keys)

# Unit tests. SoftHSM2 is a test dependency: its module path can be changed
# with -DCRPKI_SOFTHSM2_MODULE=...
set(CRPKI_SOFTHSM2_MODULE "/usr/lib/softhsm/libsofthsm2.so" CACHE FILEPATH
    "PKCS#11 module the rssp_sim unit tests use")
# (Under -DCRPKI_SANITIZE=ON these run clean with LeakSanitizer on and no
# suppressions: SoftHSM2 2.6.1 frees everything in C_Finalize.)
set(RSSP_SIM_TEST_ENV "CRPKI_TEST_P11_MODULE=${CRPKI_SOFTHSM2_MODULE}")

crpki_unit_test(test_simcfg SOURCES test_simcfg.c test_util.c LIBS rsspd_keys VALGRIND)
crpki_unit_test(test_p11 SOURCES test_p11.c test_util.c LIBS rsspd_keys VALGRIND)
target_include_directories(test_p11 PRIVATE ${P11KIT_INCLUDE_DIRS})
crpki_unit_test(test_pki SOURCES test_pki.c test_util.c LIBS rsspd_keys)
crpki_unit_test(test_init SOURCES test_init.c test_util.c LIBS rsspd_keys)
foreach(t test_simcfg test_p11 test_pki test_init)
  set_tests_properties(${t} PROPERTIES ENVIRONMENT "${RSSP_SIM_TEST_ENV}")
endforeach()
