# The soft-token store (services/directory/stores/softtoken_store.hpp,
# schema version 5) on every backend: the tests are parameterized over
# SQLite and PostgreSQL, and the binary starts one PostgreSQL server for all
# the tests it runs, so ctest runs it once per suite (one initdb each).
add_executable(softtoken_store_test
  services/directory/softtoken_store_schema_test.cpp
  services/directory/softtoken_store_status_test.cpp
  services/directory/softtoken_store_test.cpp
)
tessera_use_test_pch(softtoken_store_test)
target_link_libraries(softtoken_store_test PRIVATE tessera_directory_test_support
                      Threads::Threads GTest::gtest_main)
foreach(suite SoftTokenSchemaTest SoftTokenStoreTest SoftTokenStatusTest)
  add_test(NAME softtoken_store_test.${suite}
           COMMAND softtoken_store_test --gtest_filter=Backends/${suite}.*)
  set_tests_properties(softtoken_store_test.${suite} PROPERTIES
    LABELS "integration;directory;softtoken;postgres"
    ENVIRONMENT "TESSERA_BUILD_DIR=${PROJECT_BINARY_DIR};TESSERA_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    TIMEOUT 300)
endforeach()
