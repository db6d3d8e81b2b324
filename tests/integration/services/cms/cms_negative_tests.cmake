# The CMS's refusals (issue 13, seed 000) through the real tesserad, tessera
# CLI, PKCS#11 module, tessera-sim and SoftHSM2, on SQLite and PostgreSQL:
# forged, tampered and replayed E-forms, foreign attestations and key
# packages, wrong PINs, a PostgreSQL outage and two officers racing.
find_package(nlohmann_json 3 REQUIRED)
#
# The tests of a suite share one world per backend (cms_refusal_fixture.hpp):
# ctest runs the binary once per suite and backend, not once per test.
add_executable(cms_negative_test
  services/cms/cms_eform_refusal_test.cpp
  services/cms/cms_token_refusal_test.cpp
  services/cms/cms_refusal_fixture.cpp
  services/jose/jws_key_signer.cpp
  services/cms/cms_fixture.cpp
  services/http/tesserad_process.cpp
  services/http/test_pki.cpp
)
tessera_use_test_pch(cms_negative_test)
target_include_directories(cms_negative_test PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(cms_negative_test PRIVATE tessera_directory_test_support
                      tessera_sim_test_support tessera_cli_client tessera_cms_crypto
                      nlohmann_json::nlohmann_json Threads::Threads GTest::gtest GTest::gtest_main)
foreach(suite CmsEformRefusalTest CmsTokenRefusalTest)
  foreach(backend Sqlite Postgresql)
    add_test(NAME cms_negative_test.${suite}.${backend}
             COMMAND cms_negative_test --gtest_filter=Backends/${suite}.*/${backend})
    set(labels integration cms e2e)
    if(backend STREQUAL "Postgresql")
      list(APPEND labels postgres)
    endif()
    set_tests_properties(cms_negative_test.${suite}.${backend} PROPERTIES
      LABELS "${labels}"
      ENVIRONMENT "TESSERA_BUILD_DIR=${PROJECT_BINARY_DIR};TESSERA_SOURCE_DIR=${PROJECT_SOURCE_DIR};TESSERA_TRANSPORTS=sim"
      TIMEOUT 600)
  endforeach()
endforeach()
target_compile_definitions(cms_negative_test PRIVATE
                           TESSERAD_BINARY="$<TARGET_FILE:tesserad>"
                           TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>"
                           TESSERA_P11_MODULE="$<TARGET_FILE:tessera-pkcs11>"
                           TESSERA_SANITIZER_PRELOAD="${TESSERA_SANITIZER_PRELOAD}")
add_dependencies(cms_negative_test tesserad tessera tessera-pkcs11 tessera-sim)
