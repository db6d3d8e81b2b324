# Seed 003 end to end (services/keyman, the tessera CLI): the real tessera and
# tessera-sim binaries, two SoftHSM2 tokens in TESSERA_HOME, the SQLite
# directory, read back with the sqlite3 client.
tessera_add_gtest(keyman_integration_test
  SOURCES
    services/keyman/keyman_fixture.cpp
    services/keyman/keyman_flow_test.cpp
    services/keyman/keyman_issuer_test.cpp
    services/keyman/keyman_negative_test.cpp
    services/keyman/keyman_resume_test.cpp
    services/keyman/keyman_steps.cpp
    ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
  LIBS tessera_sim_test_support Threads::Threads
  LABELS integration keyman)
target_compile_definitions(keyman_integration_test PRIVATE
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>")
add_dependencies(keyman_integration_test tessera tessera-sim)

# The card manager of a real simulated token through CardManagerClient:
# replayed, reordered and tampered protected commands.
tessera_add_gtest(card_manager_sim_test
  SOURCES services/keyman/card_manager_sim_test.cpp
  LIBS tessera_sim_test_support Threads::Threads
  LABELS integration keyman)
add_dependencies(card_manager_sim_test tessera-sim)

# services/keyman's bulk runner and issuer key file reader on their own.
tessera_add_gtest(keyman_unit_test
  SOURCES services/keyman/bulk_test.cpp services/keyman/issuer_key_file_test.cpp
  LIBS tessera_keyman
  LABELS unit keyman)
