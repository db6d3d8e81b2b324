# The token directory (host/directory) on real SQLite files in temporary
# directories: records and rules, the file, concurrency, TESSERA_HOME.
tessera_add_gtest(directory_test
  SOURCES
    directory/directory_concurrency_test.cpp
    directory/directory_records_test.cpp
    directory/sqlite_file_test.cpp
    directory/tessera_home_test.cpp
  LIBS tessera_directory Threads::Threads
  LABELS integration directory)
