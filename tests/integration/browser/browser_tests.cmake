# Real-browser tests: headless Firefox ESR (Debian's firefox-esr) driven over
# Marionette, with TLS client authentication by a key on a tessera-sim token
# through the PKCS#11 module in its profile (docs/development.md, "Browser
# tests"). Screenshots go to ${TESSERA_ARTIFACT_DIR:-<build>/test-artifacts}/browser.

# p11-kit's RPC client: in sanitizer builds Firefox reaches the module through
# it (browser/browser_token_module.hpp says why).
set(TESSERA_P11KIT_CLIENT "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so")
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_get_variable(tessera_p11_module_path p11-kit-1 p11_module_path)
  if(tessera_p11_module_path)
    set(TESSERA_P11KIT_CLIENT "${tessera_p11_module_path}/p11-kit-client.so")
  endif()
endif()

# The harness, for every browser test (the soft-token page's too): Marionette,
# Firefox with a fresh profile, the module as Firefox loads it, the fixture.
add_library(tessera_browser_test_support STATIC
  ${PROJECT_SOURCE_DIR}/tests/support/marionette.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/firefox_harness.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  browser/browser_fixture.cpp
  browser/browser_token_module.cpp
  browser/firefox_profile.cpp
  browser/server_process.cpp
)
target_link_libraries(tessera_browser_test_support PUBLIC tessera_p11_test_support
                      nlohmann_json::nlohmann_json OpenSSL::Crypto GTest::gtest)
target_compile_definitions(tessera_browser_test_support PRIVATE
  TESSERA_BROWSER_BUILD_DIR="${PROJECT_BINARY_DIR}"
  TESSERA_P11KIT_CLIENT="${TESSERA_P11KIT_CLIENT}")

tessera_add_gtest(browser_smoke_test
  SOURCES browser/browser_smoke_test.cpp
  LIBS tessera_browser_test_support
  LABELS browser
  # One Firefox is about 300 MB and most of a core while it starts.
  PROPERTIES RUN_SERIAL TRUE TIMEOUT 300)
add_dependencies(browser_smoke_test tessera-pkcs11 tessera-sim)

# Under ThreadSanitizer the module's runtime would be preloaded into
# p11-kit, which deadlocks there (pkcs11/client_tests.cmake); the dev preset
# (ASan) runs these through p11-kit server, a release build directly.
if(TESSERA_SANITIZE MATCHES "thread")
  get_directory_property(tessera_browser_tests TESTS)
  list(FILTER tessera_browser_tests INCLUDE REGEX "^BrowserTest\\.")
  set_tests_properties(${tessera_browser_tests} PROPERTIES DISABLED TRUE)
endif()
