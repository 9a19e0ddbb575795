add_library(rsspd_keys STATIC simcfg.c p11.c pki.c init.c)
target_include_directories(rsspd_keys PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(rsspd_keys PUBLIC crpki_util OpenSSL::Crypto PkgConfig::LIBCJSON
                      ${CMAKE_DL_LIBS} Threads::Threads)
crpki_warnings(rsspd_keys)
