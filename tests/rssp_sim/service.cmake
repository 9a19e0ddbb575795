# Owner: the service logic. serve.c (the HTTPS transport) is owned separately.
add_library(rsspd_service STATIC service.c serve.c admin.c)
target_include_directories(rsspd_service PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(rsspd_service PUBLIC rsspd_keys crpki_util OpenSSL::Crypto
                      PkgConfig::MHD PkgConfig::SQLITE3 PkgConfig::LIBCJSON Threads::Threads)
crpki_warnings(rsspd_service)
