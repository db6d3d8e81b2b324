# Issue 12: the CA's signing keys in a real SoftHSM2 (hsm/signing_key), and
# the CA itself (services/ca, tessera ca) checked by the openssl binary on
# SQLite and PostgreSQL.
tessera_add_gtest(hsm_signing_key_test
  SOURCES
    hsm/signing_key_test.cpp
    hsm/softhsm_fixture.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_hsm
  LABELS integration ca hsm)

tessera_add_gtest(ca_integration_test
  SOURCES
    services/ca/ca_cli_test.cpp
    services/ca/ca_fixture.cpp
    services/ca/ca_negative_test.cpp
    services/ca/ca_ocsp_test.cpp
    services/ca/ca_profile_test.cpp
    services/ca/ca_registration_profile_test.cpp
    services/ca/ca_softtoken_profile_test.cpp
    services/ca/ca_routes_test.cpp
  # postgres_server and run_tool come with the directory's test support.
  LIBS tessera_ca tessera_directory_test_support
  LABELS integration ca)
add_dependencies(ca_integration_test tessera)
