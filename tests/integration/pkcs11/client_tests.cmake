# Real clients against the module, each a separate process: OpenSSL with
# libp11's engine, NSS (modutil, certutil, cmsutil, tstclnt), p11-kit and
# ssh-keygen. The commands are the ones docs/pkcs11-clients.md shows.
tessera_add_gtest(pkcs11_client_test
  SOURCES
    pkcs11/client_nss_test.cpp
    pkcs11/client_openssl_test.cpp
    pkcs11/client_p11kit_test.cpp
    pkcs11/client_ssh_test.cpp
    pkcs11/client_support.cpp
  LIBS tessera_p11_test_support OpenSSL::Crypto
  LABELS integration pkcs11)
add_dependencies(pkcs11_client_test tessera-pkcs11 tessera-sim)

# p11-kit's proxy module, which loads every configured module.
set(TESSERA_P11KIT_PROXY "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so")
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_get_variable(tessera_p11kit_proxy p11-kit-1 proxy_module)
  if(tessera_p11kit_proxy)
    set(TESSERA_P11KIT_PROXY "${tessera_p11kit_proxy}")
  endif()
endif()
target_compile_definitions(pkcs11_client_test PRIVATE
                           TESSERA_P11KIT_PROXY="${TESSERA_P11KIT_PROXY}")

# Not run under ThreadSanitizer (the tsan preset): these run stock programs
# that break with its runtime preloaded, whatever module they load. Every
# shell (dash, bash) segfaults at startup, so the `sh -c "openssl s_client
# ..."` of the TLS tests never starts; and `p11-kit list-modules` deadlocks
# on glibc's locale lock when p11-kit-trust.so's constructor calls
# newlocale(). The dev preset (ASan) runs them; ctest lists them as
# disabled in a tsan build. `ctest -L no-tsan-preload` selects them.
set(tessera_no_tsan_preload_tests
  OpensslEngineTest.ServesTlsWithAnEcKeyOnTheToken
  OpensslEngineTest.ServesTlsWithAnRsaKeyOnTheToken
  P11KitTest.ListModulesShowsTheModuleAndItsToken)
set_property(TEST ${tessera_no_tsan_preload_tests} APPEND PROPERTY LABELS no-tsan-preload)
if(TESSERA_SANITIZE MATCHES "thread")
  set_tests_properties(${tessera_no_tsan_preload_tests} PROPERTIES DISABLED TRUE)
endif()
