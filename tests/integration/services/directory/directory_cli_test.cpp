// The real tessera binary: `directory migrate`, `status` and `copy`, with
// their outputs and exit codes, and where the directory URL comes from
// (--directory, TESSERA_DIRECTORY, tessera.conf).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "services/directory/database.hpp"
#include "services/directory/directory.hpp"
#include "services/directory/migrations.hpp"
#include "tests/integration/services/directory/directory_fixture.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/run_tool.hpp"

namespace tessera::directory::testing {
namespace {

using tessera::testing::RunTool;
using tessera::testing::SharedPostgresServer;
using tessera::testing::ToolResult;

std::string Newest() { return std::to_string(kSchemaVersion); }

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class DirectoryCli : public DirectoryTest {
 protected:
  void SetUp() override {
    ::setenv("TESSERA_HOME", (dir_ / "home").c_str(), 1);
    ::unsetenv("TESSERA_DIRECTORY");
  }
  ToolResult Tessera(std::vector<std::string> args) {
    args.insert(args.begin(), TESSERA_CLI_BINARY);
    return RunTool(args, std::chrono::seconds(120));
  }
  std::string SqliteUrl() const { return "sqlite:" + db_path().string(); }
};

TEST_F(DirectoryCli, MigrateTakesAVersionOneFileToTheNewestAndSaysSo) {
  MakeVersionOneFile(db_path(), 2);
  ToolResult r = Tessera({"directory", "migrate", "--directory", SqliteUrl()});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "schema version 1 -> " + Newest())) << r.out;
  r = Tessera({"directory", "migrate", "--directory", SqliteUrl()});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "nothing to do")) << r.out;
  r = Tessera({"directory", "status", "--directory", SqliteUrl()});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "schema version: " + Newest())) << r.out;
  EXPECT_TRUE(Has(r.out, "tokens")) << r.out;
  EXPECT_TRUE(Has(r.out, "2 rows")) << r.out;
}

TEST_F(DirectoryCli, CopyMovesAnSqliteDirectoryToPostgresqlWithEveryToken) {
  MakeVersionOneFile(db_path(), 3);  // an old file: copied as it is, not migrated
  const std::string target = SharedPostgresServer().NewDatabase();
  ToolResult r = Tessera({"directory", "copy", "--from", SqliteUrl(), "--to", target});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, "tokens")) << r.out;
  EXPECT_TRUE(Has(r.out, "3 rows")) << r.out;
  auto copied = OpenDirectory(target);
  auto original = OpenDirectory(SqliteUrl());
  ASSERT_TRUE(copied.ok() && original.ok());
  EXPECT_EQ(*(*copied)->List(), *(*original)->List());
  EXPECT_EQ((*copied)->List()->size(), 3u);

  // Again into the same target: refused, exit 1, nothing added.
  r = Tessera({"directory", "copy", "--from", SqliteUrl(), "--to", target});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Has(r.err, "is not empty")) << r.err;
  EXPECT_EQ((*copied)->List()->size(), 3u);
}

TEST_F(DirectoryCli, CopyRefusesAMissingSourceAndBadUsage) {
  ToolResult r = Tessera({"directory", "copy", "--from", "sqlite:" + (dir_ / "none.db").string(),
                          "--to", "sqlite:" + (dir_ / "new.db").string()});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Has(r.err, "there is no directory")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.db"));
  r = Tessera({"directory", "copy", "--from", SqliteUrl()});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  r = Tessera({"directory", "status", "--directory", "mysql://x/y"});
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Has(r.err, "unknown directory URL scheme 'mysql'")) << r.err;
}

TEST_F(DirectoryCli, WithoutTheFlagTheEnvironmentThenTesseraConfNameTheDirectory) {
  std::filesystem::create_directories(dir_ / "home");
  MakeVersionOneFile(db_path(), 1);
  std::ofstream(dir_ / "home" / "tessera.conf") << "directory = " << SqliteUrl() << "\n";
  ToolResult r = Tessera({"directory", "status"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, db_path().string())) << r.out;
  const std::string other = "sqlite:" + (dir_ / "other.db").string();
  ::setenv("TESSERA_DIRECTORY", other.c_str(), 1);
  r = Tessera({"directory", "migrate"});
  ::unsetenv("TESSERA_DIRECTORY");
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Has(r.out, (dir_ / "other.db").string())) << r.out;
  EXPECT_TRUE(Has(r.out, "schema version 0 -> " + Newest())) << r.out;
}

}  // namespace
}  // namespace tessera::directory::testing
