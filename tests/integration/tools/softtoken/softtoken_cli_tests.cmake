# The tessera CLI's soft-token commands (issue 15, seed 002; tools/tessera/
# softtoken_*): the signed messages and typed codes, HttpsClient's channel
# binding against an OpenSSL server, the device token on a real tessera-sim,
# and the commands' refusals through the binary. The end to end with
# tesserad lives with the service's tests.
tessera_add_gtest(softtoken_cli_unit_test
  SOURCES tools/softtoken/softtoken_messages_test.cpp
  LIBS tessera_cli_softtoken
  LABELS unit cli softtoken)

tessera_add_gtest(softtoken_channel_binding_test
  SOURCES
    tools/softtoken/channel_binding_test.cpp
    services/http/test_pki.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_cli_client Threads::Threads
  LABELS integration cli softtoken)

tessera_add_gtest(softtoken_device_test
  SOURCES tools/softtoken/softtoken_device_test.cpp
  LIBS tessera_cli_softtoken tessera_sim_test_support
  LABELS integration cli softtoken)
add_dependencies(softtoken_device_test tessera-sim)

tessera_add_gtest(softtoken_cli_usage_test
  SOURCES
    tools/softtoken/softtoken_cli_usage_test.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LABELS integration cli softtoken)
target_compile_definitions(softtoken_cli_usage_test PRIVATE
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>")
add_dependencies(softtoken_cli_usage_test tessera)
