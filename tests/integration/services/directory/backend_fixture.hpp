// BackendTest: a GoogleTest fixture parameterized over the directory's
// backends, so one test body runs on SQLite (a file in a temporary
// directory) and on PostgreSQL (a fresh database on the one server this test
// binary starts, tests/support/postgres_server.hpp).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "services/directory/database.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::directory::testing {

// Every backend the tests run on.
std::vector<Backend> TestedBackends();
// "Sqlite" / "Postgresql", for test names.
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  // A new, empty directory of this test's backend: each call another one.
  std::string NewUrl();
  // The URL of the first NewUrl() of this test (made on first use).
  const std::string& url();
  // Opens url() (migrated); fails the test on error.
  std::unique_ptr<Database> OpenDb(const DatabaseOptions& options = {});

  tessera::testing::TempDir dir_{"tessera-directory"};

 private:
  std::string url_;
  int files_ = 0;
};

// Runs `sql` in one transaction; fails the test on error.
void ExecOrFail(Database& db, const std::string& sql);
// The single integer `sql` returns.
std::int64_t QueryIntOrFail(Database& db, const std::string& sql);

// A directory at schema version 2 at `url` (new, empty), made with version
// 1's and 2's SQL as an older tessera left it, with user alice (created at
// 5), CA ca1 and its certificate 0x42 issued to alice.
void MakeVersionTwo(Backend backend, const std::string& url);
// The same at schema version 3 (the CMS tables, empty).
void MakeVersionThree(Backend backend, const std::string& url);

}  // namespace tessera::directory::testing
