# The registration gateway's service (seed 001, issue 14) in process, on a
# real SoftHSM2 token and issuer CA, on SQLite and PostgreSQL, with a
# software token playing the token's half of the protocol.
tessera_add_gtest(reg_service_test
  SOURCES
    services/registration/reg_service_fixture.cpp
    services/registration/reg_cms_proof_test.cpp
    services/registration/reg_service_test.cpp
    services/registration/soft_token.cpp
    services/ca/ca_fixture.cpp
  LIBS tessera_registration tessera_directory_test_support
  LABELS integration registration postgres)
add_dependencies(reg_service_test tessera)

# Seed 001 end to end through the real binaries: tesserad (ca,registration),
# tessera-sim tokens personalized with the issuer key, tessera-demo-app, and
# `tessera reg` over the sim socket; SQLite and PostgreSQL. Also the token
# pulled mid-exchange, two nodes on one PostgreSQL directory, and the
# gateway's limits (oversized and truncated messages).
tessera_add_gtest(reg_e2e_test
  SOURCES
    services/registration/reg_e2e_test.cpp
    services/registration/reg_e2e_fixture.cpp
    services/registration/reg_pulled_test.cpp
    services/registration/reg_nodes_test.cpp
    services/registration/reg_limits_test.cpp
    services/registration/soft_token.cpp
    services/registration/demo_app_process.cpp
    services/keyman/keyman_fixture.cpp
    services/keyman/keyman_steps.cpp
    services/http/tesserad_process.cpp
    services/http/test_pki.cpp
  LIBS tessera_sim_test_support tessera_directory_test_support tessera_cli_client
       tessera_registration nlohmann_json::nlohmann_json Threads::Threads
  LABELS integration registration e2e postgres)
target_compile_definitions(reg_e2e_test PRIVATE
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                           TESSERA_DEMO_APP_BINARY="$<TARGET_FILE:tessera-demo-app>"
                           TESSERA_SANITIZER_PRELOAD="${TESSERA_SANITIZER_PRELOAD}")
add_dependencies(reg_e2e_test tessera tesserad tessera-sim tessera-demo-app)

# Seed 001 through pcscd and vsmartcard's vpcd (issue 14): a private pcscd
# per test, so it takes RESOURCE_LOCK pcscd and skips where no private
# pcscd can run (cms_pcsc_tests.cmake); SQLite only.
find_package(PkgConfig REQUIRED)
pkg_check_modules(TESSERA_REG_PCSCLITE QUIET libpcsclite)
if(TESSERA_REG_PCSCLITE_FOUND)
  tessera_add_gtest(reg_pcsc_test
    SOURCES
      services/registration/reg_pcsc_test.cpp
      services/registration/reg_e2e_fixture.cpp
      services/registration/demo_app_process.cpp
      services/keyman/keyman_fixture.cpp
      services/keyman/keyman_steps.cpp
      services/http/tesserad_process.cpp
      services/http/test_pki.cpp
    LIBS tessera_test_pcscd tessera_pcsc_transport tessera_sim_test_support
         tessera_directory_test_support tessera_cli_client tessera_registration
         nlohmann_json::nlohmann_json Threads::Threads
    LABELS integration registration e2e pcsc
    PROPERTIES RESOURCE_LOCK pcscd SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  target_compile_definitions(reg_pcsc_test PRIVATE
                             TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                             TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                             TESSERA_DEMO_APP_BINARY="$<TARGET_FILE:tessera-demo-app>"
                             TESSERA_SANITIZER_PRELOAD="${TESSERA_SANITIZER_PRELOAD}")
  add_dependencies(reg_pcsc_test tessera tesserad tessera-sim tessera-demo-app)
endif()

# A passive observer of registration, login and session traffic through the
# route layer: no recorded byte string, window, XOR, hash or HMAC of them
# gives K, SES or the record keys; SQLite and PostgreSQL.
tessera_add_gtest(reg_observer_test
  SOURCES
    services/registration/reg_observer_test.cpp
    services/registration/reg_service_fixture.cpp
    services/registration/soft_token.cpp
    services/ca/ca_fixture.cpp
  LIBS tessera_registration tessera_directory_test_support
  LABELS integration registration postgres)
add_dependencies(reg_observer_test tessera)
