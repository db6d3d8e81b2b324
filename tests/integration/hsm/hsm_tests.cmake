# hsm/ against SoftHSM2 (/usr/lib/softhsm/libsofthsm2.so): each test makes
# its own token directory, softhsm2.conf and token with softhsm2-util.
tessera_add_gtest(hsm_integration_test
  SOURCES
    hsm/hsm_token_test.cpp
    hsm/pin_source_test.cpp
    hsm/softhsm_fixture.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_hsm
  LABELS integration hsm)
