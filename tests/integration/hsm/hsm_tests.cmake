# hsm/ against SoftHSM2 (/usr/lib/softhsm/libsofthsm2.so): each test makes
# its own token directory, softhsm2.conf and tokens with softhsm2-util; the
# ceremony tests stand two tokens up as the two HSMs.
tessera_add_gtest(hsm_integration_test
  SOURCES
    hsm/ceremony_test.cpp
    hsm/cryptogram_test.cpp
    hsm/diversify_test.cpp
    hsm/eme_oaep_test.cpp
    hsm/hsm_token_test.cpp
    hsm/pin_source_test.cpp
    hsm/rsa_oaep_test.cpp
    hsm/scp03_keys_test.cpp
    hsm/softhsm_fixture.cpp
    hsm/test_keys.cpp
    hsm/test_rsa.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_hsm
  LABELS integration hsm)

# Key delivery to a token (hsm/token_key_wrap): against SoftHSM2 and the host
# reference, and end to end into a real tessera-sim token.
tessera_add_gtest(hsm_token_key_wrap_test
  SOURCES
    hsm/token_key_wrap_sim_test.cpp
    hsm/token_key_wrap_test.cpp
    hsm/softhsm_fixture.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_hsm tessera_sim_test_support
  LABELS integration hsm)
add_dependencies(hsm_token_key_wrap_test tessera-sim)

# The registration gateway's keys (issue 14): hsm/agreement_key, ecdh and
# secret_wrap against SoftHSM2, checked against OpenSSL.
tessera_add_gtest(hsm_registration_keys_test
  SOURCES
    hsm/registration_keys_test.cpp
    hsm/softhsm_fixture.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_hsm
  LABELS integration hsm)
