// A directory file made by the first release (schema version 1: only the
// tokens table) opens, migrates forward to the newest schema and loses
// nothing; an open that must not migrate refuses it or keeps it as it is.
#include <gtest/gtest.h>

#include <chrono>

#include "services/directory/database.hpp"
#include "services/directory/migrations.hpp"
#include "tests/integration/services/directory/directory_fixture.hpp"

namespace tessera::directory::testing {
namespace {

using SqliteMigrationTest = DirectoryTest;

TEST_F(SqliteMigrationTest, AVersionOneFileMigratesToTheNewestSchemaWithEveryTokenKept) {
  MakeVersionOneFile(db_path(), 2);
  auto directory = Open();
  ASSERT_NE(directory, nullptr);
  auto list = directory->List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  for (std::uint32_t n : {1u, 2u}) {
    const TokenRecord& token = (*list)[n - 1];
    EXPECT_EQ(token.uid, Uid(n));
    EXPECT_EQ(token.serial, 1000 + n);
    EXPECT_EQ(token.cryptogram, Cryptogram(n));
    EXPECT_EQ(token.lifecycle, Lifecycle::kPersonalized);
    EXPECT_EQ(token.created_at, 7);
    EXPECT_EQ(token.updated_at, 8);
  }
  auto db = OpenDatabase("sqlite:" + db_path().string());
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->SchemaVersion(), kSchemaVersion);
  // The new tables are there and usable.
  EXPECT_TRUE((*db)
                  ->Transact([](SqlTransaction& tx) {
                    return tx
                        .Execute(
                            "INSERT INTO users (id, display_name, email, created_at) "
                            "VALUES ('u', 'U', 'u@x', 1)")
                        .status();
                  })
                  .ok());
}

TEST_F(SqliteMigrationTest, AnOpenThatMustNotMigrateRefusesAnOldFileOrKeepsItAsItIs) {
  MakeVersionOneFile(db_path(), 2);
  DatabaseOptions options;
  options.migrate = false;
  auto refused = OpenDatabase("sqlite:" + db_path().string(), options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(refused.status().message().find("tessera directory migrate"), std::string::npos)
      << refused.status().message();

  options.keep_old_schema = true;
  auto kept = OpenDatabase("sqlite:" + db_path().string(), options);
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  EXPECT_EQ(*(*kept)->SchemaVersion(), 1);
}

}  // namespace
}  // namespace tessera::directory::testing
