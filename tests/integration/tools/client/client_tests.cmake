# The tessera CLI's clients (issue 13, tools/tessera/client): TokenP11
# through the real tessera-pkcs11.so on a real tessera-sim, and HttpsClient
# against the real tesserad (its TLS client key signing through a callback).
add_library(tessera_cli_client_test_support STATIC tools/client/test_certificates.cpp)
target_include_directories(tessera_cli_client_test_support PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(tessera_cli_client_test_support PUBLIC tessera_cli_client OpenSSL::Crypto)

tessera_add_gtest(cli_token_p11_test
  SOURCES tools/client/token_p11_test.cpp
  LIBS tessera_cli_client tessera_cli_client_test_support tessera_p11_test_support
  LABELS integration cli pkcs11)
add_dependencies(cli_token_p11_test tessera-pkcs11 tessera-sim)

tessera_add_gtest(cli_https_client_test
  SOURCES
    tools/client/https_client_test.cpp
    services/http/tesserad_process.cpp
    services/http/test_pki.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_cli_client tessera_cli_client_test_support Threads::Threads
  LABELS integration cli http)
# tessera sets up the SoftHSM2 token and the schema; tesserad serves them.
target_compile_definitions(cli_https_client_test PRIVATE
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>")
add_dependencies(cli_https_client_test tesserad tessera)
