# The CMS's refusals (issue 13, seed 000) through the real tesserad, tessera
# CLI, PKCS#11 module, tessera-sim and SoftHSM2, on SQLite and PostgreSQL:
# forged, tampered and replayed E-forms, foreign attestations and key
# packages, wrong PINs, a PostgreSQL outage and two officers racing.
find_package(nlohmann_json 3 REQUIRED)
tessera_add_gtest(cms_negative_test
  SOURCES
    services/cms/cms_eform_refusal_test.cpp
    services/cms/cms_token_refusal_test.cpp
    services/cms/cms_refusal_fixture.cpp
    services/cms/cms_fixture.cpp
    services/http/tesserad_process.cpp
    services/http/test_pki.cpp
  LIBS tessera_directory_test_support tessera_sim_test_support tessera_cli_client
       tessera_cms_crypto nlohmann_json::nlohmann_json Threads::Threads
  LABELS integration cms e2e postgres)
target_compile_definitions(cms_negative_test PRIVATE
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                           TESSERA_P11_MODULE="$<TARGET_FILE:tessera-pkcs11>"
                           TESSERA_SANITIZER_PRELOAD="${TESSERA_SANITIZER_PRELOAD}")
add_dependencies(cms_negative_test tesserad tessera tessera-pkcs11 tessera-sim)
