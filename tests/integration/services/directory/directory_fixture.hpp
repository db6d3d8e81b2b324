// Fixtures for tests of the token directory: DirectoryTest on a real SQLite
// file in a temporary directory (removed when the test ends), and
// TokenDirectoryTest on every backend (backend_fixture.hpp); both with a fake
// clock, and helpers that make distinct UIDs and cryptograms.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "common/bytes.hpp"
#include "services/directory/sqlite/sqlite_directory.hpp"
#include "tests/integration/services/directory/backend_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::directory::testing {

// 16 bytes that differ for every n.
inline Bytes Uid(std::uint32_t n) {
  Bytes uid = HexOrDie("a0a1a2a3a4a5a6a7a8a9aaab");
  PutU32(uid, n);
  return uid;
}

// 384 bytes that differ for every n.
inline Bytes Cryptogram(std::uint32_t n) {
  Bytes c(kCryptogramSize);
  for (std::size_t i = 4; i < c.size(); ++i) c[i] = static_cast<std::uint8_t>(i * 7 + n);
  for (std::size_t i = 0; i < 4; ++i) c[i] = static_cast<std::uint8_t>(n >> (24 - 8 * i));
  return c;
}

inline Bytes ReadFileBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// An SQLite file as the first release (schema version 1: only the tokens
// table) left it, with tokens 1..n (serial 1000 + n, personalized, created
// at 7, updated at 8).
void MakeVersionOneFile(const std::filesystem::path& file, std::uint32_t n);

class DirectoryTest : public ::testing::Test {
 protected:
  std::filesystem::path db_path() const { return dir_ / "directory.db"; }

  SqliteDirectoryOptions Options() {
    SqliteDirectoryOptions options;
    options.clock = [now = now_] { return now->load(); };
    return options;
  }

  // Opens (another connection to) db_path(); fails the test on error.
  std::unique_ptr<Directory> Open() {
    auto directory = OpenSqliteDirectory(db_path(), Options());
    EXPECT_TRUE(directory.ok()) << directory.status().ToString();
    return directory.ok() ? std::move(directory).value() : nullptr;
  }

  // A fresh directory with token n recorded (serial 1000 + n, KRK 1, MK 1).
  void Record(Directory& directory, std::uint32_t n) {
    ASSERT_TRUE(directory.RecordPersonalizing(Uid(n), 1000 + n, Cryptogram(n), 1, 1).ok());
  }

  void SetNow(std::int64_t t) { now_->store(t); }

  tessera::testing::TempDir dir_{"tessera-directory"};
  std::shared_ptr<std::atomic<std::int64_t>> now_ =
      std::make_shared<std::atomic<std::int64_t>>(1'700'000'000);
};

// The same as DirectoryTest on the backend of the test's parameter.
class TokenDirectoryTest : public BackendTest {
 protected:
  DirectoryOptions Options() {
    DirectoryOptions options;
    options.clock = [now = now_] { return now->load(); };
    return options;
  }

  // Opens (another Database for) url(); fails the test on error.
  std::unique_ptr<Directory> Open() {
    auto directory = OpenDirectory(url(), Options());
    EXPECT_TRUE(directory.ok()) << directory.status().ToString();
    return directory.ok() ? std::move(directory).value() : nullptr;
  }

  void Record(Directory& directory, std::uint32_t n) {
    ASSERT_TRUE(directory.RecordPersonalizing(Uid(n), 1000 + n, Cryptogram(n), 1, 1).ok());
  }

  void SetNow(std::int64_t t) { now_->store(t); }

  std::shared_ptr<std::atomic<std::int64_t>> now_ =
      std::make_shared<std::atomic<std::int64_t>>(1'700'000'000);
};

}  // namespace tessera::directory::testing
