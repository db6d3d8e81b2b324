# services/audit (docs/audit.md): the canonical encodings and the chain
# verifier on rows in memory (unit), then the log end to end through the
# real tessera binary, a SoftHSM2 token in a temporary TESSERA_HOME and the
# directory on SQLite and PostgreSQL, tampered with SQL (integration).
tessera_add_gtest(audit_unit_test
  SOURCES
    services/audit/audit_hash_test.cpp
    services/audit/audit_event_test.cpp
    services/audit/chain_verifier_test.cpp
  LIBS tessera_audit OpenSSL::Crypto
  LABELS unit audit)

# End to end on both backends. One PostgreSQL server per binary run
# (tests/support/postgres_server.hpp), so ctest runs the binary once per
# suite rather than once per test.
find_package(PostgreSQL REQUIRED)
add_executable(audit_integration_test
  services/audit/audit_fixture.cpp
  services/audit/audit_log_test.cpp
  services/audit/audit_tamper_test.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/postgres_server.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
)
tessera_use_test_pch(audit_integration_test)
target_include_directories(audit_integration_test PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(audit_integration_test PRIVATE tessera_audit OpenSSL::Crypto PostgreSQL::PostgreSQL
                      Threads::Threads GTest::gtest GTest::gtest_main)
target_compile_definitions(audit_integration_test PRIVATE
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>")
add_dependencies(audit_integration_test tessera)
foreach(suite AuditLogTest AuditTamperTest)
  add_test(NAME audit_integration_test.${suite}
           COMMAND audit_integration_test --gtest_filter=Backends/${suite}.*)
  set_tests_properties(audit_integration_test.${suite} PROPERTIES
    LABELS "integration;audit;postgres"
    ENVIRONMENT "TESSERA_BUILD_DIR=${PROJECT_BINARY_DIR};TESSERA_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    TIMEOUT 600)
endforeach()
