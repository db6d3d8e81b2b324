# The CA served by the real tesserad, checked by OpenSSL and curl, on SQLite
# and PostgreSQL (issue 12): OCSP and CRL, issue and revoke over HTTPS, two
# nodes on one PostgreSQL, PostgreSQL restarted mid-use.
tessera_add_gtest(ca_e2e_test
  SOURCES
    services/e2e/ca_over_http_test.cpp
    services/e2e/ca_daemon_fixture.cpp
    services/http/tesserad_process.cpp
    services/http/test_pki.cpp
  LIBS tessera_directory_test_support Threads::Threads
  LABELS integration ca e2e postgres)
# Each test is its own process (ctest), with its own TESSERA_HOME, SoftHSM2
# token, tesserad and, on PostgreSQL, its own server (SharedPostgresServer).
target_compile_definitions(ca_e2e_test PRIVATE
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>")
add_dependencies(ca_e2e_test tesserad tessera)
