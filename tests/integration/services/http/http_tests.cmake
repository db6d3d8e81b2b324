# services/http and tools/tesserad (issue 12): the pure parts as unit tests,
# the server in-process, and the real tesserad binary driven by curl,
# openssl s_client and raw sockets on loopback and a UNIX socket.
tessera_add_gtest(http_unit_test
  SOURCES
    services/http/http_units_test.cpp
    ${PROJECT_SOURCE_DIR}/tools/tesserad/config.cpp
  LIBS tessera_http
  LABELS unit http)

tessera_add_gtest(http_integration_test
  SOURCES
    services/http/http_server_test.cpp
    services/http/tesserad_endpoints_test.cpp
    services/http/tesserad_fixture.cpp
    services/http/tesserad_lifecycle_test.cpp
    services/http/tesserad_process.cpp
    services/http/test_pki.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_http tessera_directory Threads::Threads
  LABELS integration http)
target_compile_definitions(http_integration_test PRIVATE
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>")
# The tests start the binary: build it first.
add_dependencies(http_integration_test tesserad)
