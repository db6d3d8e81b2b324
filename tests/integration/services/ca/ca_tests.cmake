# Issue 12: the CA's signing keys in a real SoftHSM2 (hsm/signing_key), and
# the CA itself (services/ca, tessera ca) checked by the openssl binary.
tessera_add_gtest(hsm_signing_key_test
  SOURCES
    hsm/signing_key_test.cpp
    hsm/softhsm_fixture.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_hsm
  LABELS integration ca hsm)
