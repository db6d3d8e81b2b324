# The CMS (seed 000) through the real tesserad, tessera CLI, PKCS#11 module,
find_package(nlohmann_json 3 REQUIRED)
# tessera-sim and SoftHSM2, on SQLite and PostgreSQL (issue 13).
tessera_add_gtest(cms_e2e_test
  SOURCES
    services/cms/cms_e2e_test.cpp
    services/cms/cms_fixture.cpp
    services/http/tesserad_process.cpp
    services/http/test_pki.cpp
  LIBS tessera_directory_test_support tessera_sim_test_support tessera_cli_client
       nlohmann_json::nlohmann_json Threads::Threads
  LABELS integration cms e2e postgres)
target_compile_definitions(cms_e2e_test PRIVATE
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                           TESSERA_P11_MODULE="$<TARGET_FILE:tessera-pkcs11>"
                           TESSERA_SANITIZER_PRELOAD="${TESSERA_SANITIZER_PRELOAD}")
add_dependencies(cms_e2e_test tesserad tessera tessera-pkcs11 tessera-sim)
include(${CMAKE_CURRENT_LIST_DIR}/cms_pcsc_tests.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/cms_negative_tests.cmake)
