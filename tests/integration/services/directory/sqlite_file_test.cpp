// The SQLite backend's file: where and how it is made, WAL mode, schema
// migrations, files it must refuse (left byte for byte as they were), and
// other connections and processes on the same file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "services/directory/sqlite/sqlite_connection.hpp"
#include "services/directory/sqlite/sqlite_schema.hpp"
#include "services/directory/sqlite/sqlite_transaction.hpp"
#include "tests/integration/services/directory/directory_fixture.hpp"

namespace tessera::directory::testing {
namespace {

using sqlite::SqliteConnection;
using SqliteFileTest = DirectoryTest;

SqliteConnection Raw(const std::filesystem::path& file) {
  auto db = SqliteConnection::Open(file, std::chrono::seconds(30));
  if (!db.ok()) ADD_FAILURE() << db.status().ToString();
  return std::move(db).value();
}

std::int64_t QueryInt(const std::filesystem::path& file, std::string_view sql) {
  SqliteConnection db = Raw(file);
  auto value = db.QueryInt(sql);
  EXPECT_TRUE(value.ok()) << value.status().ToString();
  return value.ok() ? *value : -1;
}

mode_t ModeOf(const std::filesystem::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
  return st.st_mode & 07777;
}

void WriteFile(const std::filesystem::path& file, const std::string& content) {
  std::ofstream(file, std::ios::binary) << content;
}

TEST_F(SqliteFileTest, ANewFileIsMadeWithMode0600AndSoIsItsWal) {
  const mode_t old_umask = ::umask(0);  // a permissive umask must not widen it
  auto directory = Open();
  ::umask(old_umask);
  ASSERT_NE(directory, nullptr);
  Record(*directory, 1);
  EXPECT_EQ(ModeOf(db_path()), 0600u);
  const std::filesystem::path wal = db_path().string() + "-wal";
  ASSERT_TRUE(std::filesystem::exists(wal));
  EXPECT_EQ(ModeOf(wal), 0600u);
}

TEST_F(SqliteFileTest, AnExistingFileKeepsItsMode) {
  WriteFile(db_path(), "");
  ASSERT_EQ(::chmod(db_path().c_str(), 0640), 0);
  ASSERT_NE(Open(), nullptr);
  EXPECT_EQ(ModeOf(db_path()), 0640u);
}

TEST_F(SqliteFileTest, TheFileIsInWalModeAtTheNewestSchema) {
  ASSERT_NE(Open(), nullptr);
  SqliteConnection db = Raw(db_path());
  auto mode = db.QueryText("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(*mode, "wal");
  EXPECT_EQ(QueryInt(db_path(), "PRAGMA user_version"), sqlite::kSqliteSchemaVersion);
  EXPECT_EQ(QueryInt(db_path(), "PRAGMA application_id"), sqlite::kTesseraDirectoryApplicationId);
}

TEST_F(SqliteFileTest, AMissingParentDirectoryIsNotFoundAndCreatesNothing) {
  const std::filesystem::path file = dir_ / "no-such-dir" / "directory.db";
  auto directory = OpenSqliteDirectory(file, Options());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), Code::kNotFound);
  EXPECT_NE(directory.status().message().find((dir_ / "no-such-dir").string()), std::string::npos)
      << directory.status().message();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "no-such-dir"));
}

TEST_F(SqliteFileTest, AnEmptyFileIsMigrated) {
  WriteFile(db_path(), "");
  auto directory = Open();
  ASSERT_NE(directory, nullptr);
  Record(*directory, 1);
  EXPECT_EQ(QueryInt(db_path(), "PRAGMA user_version"), sqlite::kSqliteSchemaVersion);
}

TEST_F(SqliteFileTest, ReopeningKeepsTheDataAndTheSchema) {
  {
    auto directory = Open();
    ASSERT_NE(directory, nullptr);
    Record(*directory, 1);
    ASSERT_TRUE(directory->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  }
  for (int i = 0; i < 2; ++i) {
    auto directory = Open();
    ASSERT_NE(directory, nullptr);
    auto list = directory->List();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].lifecycle, Lifecycle::kPersonalized);
    EXPECT_EQ((*list)[0].cryptogram, Cryptogram(1));
  }
  EXPECT_EQ(QueryInt(db_path(), "PRAGMA user_version"), sqlite::kSqliteSchemaVersion);
}

TEST_F(SqliteFileTest, ANewerSchemaIsRefusedAndTheFileLeftAsItWas) {
  {
    auto directory = Open();
    ASSERT_NE(directory, nullptr);
    Record(*directory, 1);
  }
  {
    // Out of WAL mode too: switching it back on would be a write of its own.
    SqliteConnection db = Raw(db_path());
    ASSERT_TRUE(db.Exec("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99").ok());
  }
  const Bytes before = ReadFileBytes(db_path());
  ASSERT_FALSE(before.empty());

  auto directory = OpenSqliteDirectory(db_path(), Options());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), Code::kConditionsNotSatisfied);
  EXPECT_NE(directory.status().message().find("schema version 99"), std::string::npos)
      << directory.status().message();
  EXPECT_EQ(ReadFileBytes(db_path()), before);
}

TEST_F(SqliteFileTest, AFileThatIsNotADatabaseIsCorruptAndLeftAsItWas) {
  for (const std::string& garbage : {std::string("not a database\n"), std::string(8192, '\x5a'),
                                     std::string("SQLite format 3") + std::string(200, '\0')}) {
    WriteFile(db_path(), garbage);
    const Bytes before = ReadFileBytes(db_path());
    auto directory = OpenSqliteDirectory(db_path(), Options());
    ASSERT_FALSE(directory.ok());
    EXPECT_EQ(directory.status().code(), Code::kCorrupt) << directory.status().ToString();
    EXPECT_NE(directory.status().message().find("is not a token directory"), std::string::npos)
        << directory.status().message();
    EXPECT_EQ(ReadFileBytes(db_path()), before);
  }
}

TEST_F(SqliteFileTest, ADatabaseOfAnotherApplicationIsRefusedAndLeftAsItWas) {
  WriteFile(db_path(), "");
  {
    SqliteConnection db = Raw(db_path());
    ASSERT_TRUE(db.Exec("CREATE TABLE photos (name TEXT)").ok());
  }
  const Bytes before = ReadFileBytes(db_path());
  auto directory = OpenSqliteDirectory(db_path(), Options());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), Code::kCorrupt);
  EXPECT_NE(directory.status().message().find("another application"), std::string::npos)
      << directory.status().message();
  EXPECT_EQ(ReadFileBytes(db_path()), before);
}

TEST_F(SqliteFileTest, TheSchemaChecksRowsWrittenFromOutsideToo) {
  ASSERT_NE(Open(), nullptr);
  SqliteConnection db = Raw(db_path());
  const std::string columns =
      "INSERT INTO tokens (uid, serial, cryptogram, krk_version, mk_version, target_mk_version, "
      "lifecycle, created_at, updated_at) VALUES ";
  const std::string crypto = "zeroblob(384)";
  const std::string uid = "zeroblob(16)";
  EXPECT_EQ(
      db.Exec(columns + "(zeroblob(15), 1, " + crypto + ", 1, 1, NULL, 'personalizing', 0, 0)")
          .code(),
      Code::kConditionsNotSatisfied);
  EXPECT_EQ(db.Exec(columns + "(" + uid + ", 1, zeroblob(383), 1, 1, NULL, 'personalizing', 0, 0)")
                .code(),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(db.Exec(columns + "(" + uid + ", 1, " + crypto + ", 1, 1, NULL, 'lost', 0, 0)").code(),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(
      db.Exec(columns + "(" + uid + ", 1, " + crypto + ", 256, 1, NULL, 'personalizing', 0, 0)")
          .code(),
      Code::kConditionsNotSatisfied);
  EXPECT_EQ(
      db.Exec(columns + "(" + uid + ", 1, " + crypto + ", 1, 1, 2, 'personalizing', 0, 0)").code(),
      Code::kConditionsNotSatisfied);
  ASSERT_TRUE(
      db.Exec(columns + "(" + uid + ", 1, " + crypto + ", 1, 1, NULL, 'personalizing', 0, 0)")
          .ok());
  EXPECT_EQ(db.Exec(columns + "(" + uid + ", 2, " + crypto + ", 1, 1, NULL, 'personalizing', 0, 0)")
                .code(),
            Code::kAlreadyExists);  // UNIQUE uid (database.hpp)
}

TEST_F(SqliteFileTest, ATransactionRollsBackUnlessCommitted) {
  ASSERT_NE(Open(), nullptr);
  SqliteConnection db = Raw(db_path());
  {
    auto tx = sqlite::SqliteTransaction::BeginImmediate(db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO tokens VALUES (zeroblob(16), 1, zeroblob(384), 1, 1, NULL, "
                        "'personalizing', 0, 0)")
                    .ok());
  }
  EXPECT_EQ(QueryInt(db_path(), "SELECT count(*) FROM tokens"), 0);
  {
    auto tx = sqlite::SqliteTransaction::BeginImmediate(db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db.Exec("INSERT INTO tokens VALUES (zeroblob(16), 1, zeroblob(384), 1, 1, NULL, "
                        "'personalizing', 0, 0)")
                    .ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(QueryInt(db_path(), "SELECT count(*) FROM tokens"), 1);
}

TEST_F(SqliteFileTest, ASecondConnectionSeesCommittedWrites) {
  auto writer = Open();
  auto reader = Open();
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  Record(*writer, 1);
  auto found = reader->FindByUid(Uid(1));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->cryptogram, Cryptogram(1));
  ASSERT_TRUE(reader->MarkPersonalized(Uid(1), Cryptogram(1)).ok());
  EXPECT_EQ((*writer->FindByUid(Uid(1)))->lifecycle, Lifecycle::kPersonalized);
}

TEST_F(SqliteFileTest, AnotherProcessSeesCommittedWrites) {
  {
    auto directory = Open();
    ASSERT_NE(directory, nullptr);
    Record(*directory, 1);
  }
  // No connection is open across the fork (SQLite forbids carrying one over).
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto directory = OpenSqliteDirectory(db_path(), Options());
    const bool ok = directory.ok() && (*directory)->FindByUid(Uid(1)).ok() &&
                    (*directory)->FindByUid(Uid(1))->has_value() &&
                    (*directory)->RecordPersonalizing(Uid(5), 5, Cryptogram(5), 1, 1).ok() &&
                    (*directory)->MarkPersonalized(Uid(5), Cryptogram(5)).ok();
    ::_exit(ok ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  ASSERT_EQ(WEXITSTATUS(wstatus), 0) << "the child could not read token 1 or write token 5";
  auto directory = Open();
  ASSERT_NE(directory, nullptr);
  auto found = directory->FindBySerial(5);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->uid, Uid(5));
  EXPECT_EQ((*found)->lifecycle, Lifecycle::kPersonalized);
}

}  // namespace
}  // namespace tessera::directory::testing
