# The directory (services/directory): what every directory test links.
find_package(PostgreSQL REQUIRED)
add_library(tessera_directory_test_support STATIC
  services/directory/backend_fixture.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/postgres_server.cpp
  ${PROJECT_SOURCE_DIR}/tests/support/run_tool.cpp
)
target_include_directories(tessera_directory_test_support PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(tessera_directory_test_support PUBLIC tessera_directory
                      PostgreSQL::PostgreSQL GTest::gtest)

# directory_test: the SQLite file on its own (made, refused, migrated from
# version 1, shared between processes).
tessera_add_gtest(directory_test
  SOURCES
    services/directory/directory_settings_test.cpp
    services/directory/sqlite_file_test.cpp
    services/directory/sqlite_migration_test.cpp
  LIBS tessera_directory_test_support tessera_runtime Threads::Threads
  LABELS integration directory)

# Every backend: the tests are parameterized over SQLite and PostgreSQL, and
# the binary starts one PostgreSQL server (tests/support/postgres_server.hpp)
# for all the tests it runs. So ctest runs it once per test suite, not once
# per test: one initdb per suite.
add_executable(directory_backend_test
  services/directory/cms_race_test.cpp
  services/directory/cms_schema_test.cpp
  services/directory/cms_store_test.cpp
  services/directory/database_test.cpp
  services/directory/directory_concurrency_test.cpp
  services/directory/directory_copy_test.cpp
  services/directory/directory_race_test.cpp
  services/directory/directory_records_test.cpp
  services/directory/postgres_outage_test.cpp
  services/directory/reg_schema_test.cpp
  services/directory/reg_session_store_test.cpp
  services/directory/reg_store_test.cpp
  services/directory/store_test.cpp
)
tessera_use_test_pch(directory_backend_test)
target_link_libraries(directory_backend_test PRIVATE tessera_directory_test_support
                      Threads::Threads GTest::gtest_main)
foreach(suite OpenDatabase Lifecycle DatabaseTest StoreTest TokenDirectoryTest
              DirectoryConcurrencyTest DirectoryRaceTest DirectoryCopy PostgresOutage
              CmsStoreTest CmsSchemaTest CmsRaceTest CmsPostgresRace
              RegSchemaTest RegStoreTest RegSessionStoreTest)
  add_test(NAME directory_backend_test.${suite}
           COMMAND directory_backend_test --gtest_filter=Backends/${suite}.*:${suite}.*)
  set(labels integration directory postgres)
  if(suite STREQUAL "OpenDatabase" OR suite STREQUAL "Lifecycle")
    set(labels integration directory)  # these start no server
  endif()
  set_tests_properties(directory_backend_test.${suite} PROPERTIES
    LABELS "${labels}"
    ENVIRONMENT "TESSERA_BUILD_DIR=${PROJECT_BINARY_DIR};TESSERA_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
    TIMEOUT 300)
endforeach()

# The tessera CLI's directory commands, on the real binary (a separate
# binary, so that the tests above do not wait for the whole CLI to build).
add_executable(directory_cli_test services/directory/directory_cli_test.cpp)
tessera_use_test_pch(directory_cli_test)
target_link_libraries(directory_cli_test PRIVATE tessera_directory_test_support
                      Threads::Threads GTest::gtest_main)
target_compile_definitions(directory_cli_test PRIVATE TESSERA_CLI_BINARY="$<TARGET_FILE:tessera>")
add_dependencies(directory_cli_test tessera)
add_test(NAME directory_cli_test COMMAND directory_cli_test)
set_tests_properties(directory_cli_test PROPERTIES
  LABELS "integration;directory;postgres;cli"
  ENVIRONMENT "TESSERA_BUILD_DIR=${PROJECT_BINARY_DIR};TESSERA_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  TIMEOUT 300)

# TESSERA_HOME and the settings (services/runtime).
tessera_add_gtest(runtime_test
  SOURCES services/runtime/tessera_home_test.cpp
  LIBS tessera_runtime
  LABELS unit runtime)
