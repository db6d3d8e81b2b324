# The token directory (services/directory) on real SQLite files in temporary
# directories: records and rules, the file, concurrency, TESSERA_HOME.
tessera_add_gtest(directory_test
  SOURCES
    services/directory/directory_concurrency_test.cpp
    services/directory/directory_records_test.cpp
    services/directory/sqlite_file_test.cpp
  LIBS tessera_directory Threads::Threads
  LABELS integration directory)

# TESSERA_HOME and the settings (services/runtime).
tessera_add_gtest(runtime_test
  SOURCES services/runtime/tessera_home_test.cpp
  LIBS tessera_runtime
  LABELS unit runtime)
