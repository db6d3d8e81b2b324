# Issue 16's client matrix (label `clients`): the real programs a user has,
# each against tessera-pkcs11.so and tessera-sim tokens in a temporary
# directory, asserting on what they produced. GnuTLS (p11tool, gnutls-cli),
# OpenSSH (ssh -I, ssh-agent -P with ssh-add -s, against the test's own
# sshd), Java (keytool, jarsigner with SunPKCS11), p11-kit server with
# p11-kit-client.so, libp11's engine limits, and Firefox ESR. The commands
# are the ones docs/pkcs11-clients.md shows; scripts/bootstrap installs the
# programs, and a missing one fails its test.

# p11-kit's client module and proxy module.
set(tessera_clients_p11kit_dir "/usr/lib/x86_64-linux-gnu")
set(tessera_clients_p11kit_proxy "${tessera_clients_p11kit_dir}/p11-kit-proxy.so")
set(tessera_clients_p11kit_client "${tessera_clients_p11kit_dir}/pkcs11/p11-kit-client.so")
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_get_variable(tessera_clients_proxy_var p11-kit-1 proxy_module)
  pkg_get_variable(tessera_clients_module_dir p11-kit-1 p11_module_path)
  if(tessera_clients_proxy_var)
    set(tessera_clients_p11kit_proxy "${tessera_clients_proxy_var}")
  endif()
  if(tessera_clients_module_dir)
    set(tessera_clients_p11kit_client "${tessera_clients_module_dir}/p11-kit-client.so")
  endif()
endif()

tessera_add_gtest(client_matrix_test
  SOURCES
    clients/client_matrix.cpp
    clients/gnutls_client_test.cpp
    clients/java_client_test.cpp
    clients/libp11_limits_test.cpp
    clients/openssh_client_test.cpp
    clients/p11kit_server_test.cpp
    pkcs11/client_support.cpp
  LIBS tessera_p11_test_support OpenSSL::Crypto
  LABELS clients integration pkcs11 no-tsan-preload)
add_dependencies(client_matrix_test tessera-pkcs11 tessera-sim)
target_compile_definitions(client_matrix_test PRIVATE
  TESSERA_P11KIT_PROXY="${tessera_clients_p11kit_proxy}"
  TESSERA_P11KIT_CLIENT="${tessera_clients_p11kit_client}")

# Firefox: the browser tests' harness (browser/browser_tests.cmake), run
# alone like them (one Firefox is about 300 MB and most of a core).
if(TARGET tessera_browser_test_support)
  tessera_add_gtest(client_firefox_test
    SOURCES clients/firefox_client_test.cpp
    LIBS tessera_browser_test_support
    LABELS clients integration pkcs11 browser no-tsan-preload
    PROPERTIES RUN_SERIAL TRUE TIMEOUT 300)
  add_dependencies(client_firefox_test tessera-pkcs11 tessera-sim)
endif()

# Not run under ThreadSanitizer (the tsan preset): every test here runs
# stock programs with the module, so with TSan's runtime preloaded into
# them; the shells they start segfault and p11-kit deadlocks there
# (pkcs11/client_tests.cmake). The dev preset (ASan) runs them; ctest lists
# them as disabled in a tsan build.
if(TESSERA_SANITIZE MATCHES "thread")
  get_directory_property(tessera_clients_all_tests TESTS)
  list(FILTER tessera_clients_all_tests INCLUDE REGEX
       "^(GnutlsTest|OpensshTest|JavaTest|P11KitServerTest|Libp11EngineTest|FirefoxClientTest)\\.")
  set_tests_properties(${tessera_clients_all_tests} PROPERTIES DISABLED TRUE)
endif()
