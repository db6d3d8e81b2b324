# The registration gateway's service (seed 001, issue 14) in process, on a
# real SoftHSM2 token and issuer CA, on SQLite and PostgreSQL, with a
# software token playing the token's half of the protocol.
tessera_add_gtest(reg_service_test
  SOURCES
    services/registration/reg_service_fixture.cpp
    services/registration/reg_service_test.cpp
    services/registration/soft_token.cpp
    services/ca/ca_fixture.cpp
  LIBS tessera_registration tessera_directory_test_support
  LABELS integration registration postgres)
add_dependencies(reg_service_test tessera)
