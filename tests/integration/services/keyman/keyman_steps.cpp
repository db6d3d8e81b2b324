#include "tests/integration/services/keyman/keyman_steps.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace tessera::testing {

// The fixture's helpers are protected; the steps reach them through this.
struct KeymanAccess : KeymanTest {
  static RunResult Cli(const KeymanTest& t, const std::vector<std::string>& args) {
    return (t.*(&KeymanAccess::Tessera))(args, {}, kToolTimeout);
  }
  static RunResult Program(const KeymanTest& t, const std::vector<std::string>& argv) {
    return (t.*(&KeymanAccess::Run))(argv, {}, kToolTimeout);
  }
  static std::filesystem::path Db(const KeymanTest& t) {
    return (t.*(&KeymanAccess::DirectoryDb))();
  }
};

void Ceremony(const KeymanTest& test, const std::vector<int>& versions) {
  for (const char* name : {"km", "as"}) {
    RunResult r = KeymanAccess::Cli(test, {"hsm", "init-softhsm", "--name", name});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
  }
  for (int v : versions) {
    RunResult keygen = KeymanAccess::Cli(
        test, {"hsm", "keygen", "--hsm", "km", "--mk-version", std::to_string(v)});
    ASSERT_EQ(keygen.exit_code, 0) << keygen.Describe();
    RunResult transfer = KeymanAccess::Cli(
        test, {"hsm", "transfer", "--from", "km", "--to", "as", "--mk-version", std::to_string(v)});
    ASSERT_EQ(transfer.exit_code, 0) << transfer.Describe();
  }
}

TokenRow TokenLine(const KeymanTest& test, std::uint32_t serial) {
  RunResult list = KeymanAccess::Cli(test, {"token", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.Describe();
  std::istringstream lines(list.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string first;
    TokenRow row;
    fields >> first >> row.uid >> row.transport >> row.lifecycle >> row.mk;
    if (first == std::to_string(serial)) return row;
  }
  return {};
}

bool Probe(const KeymanTest& test, std::uint32_t serial, int version) {
  RunResult r = KeymanAccess::Cli(test, {"token", "probe", "--hsm", "as", "--mk-version",
                                         std::to_string(version), std::to_string(serial)});
  return r.exit_code == 0;
}

std::string Sql(const KeymanTest& test, const std::string& statement) {
  RunResult r =
      KeymanAccess::Program(test, {"sqlite3", KeymanAccess::Db(test).string(), statement});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string DirectoryRow(const KeymanTest& test, std::uint32_t serial) {
  return Sql(test,
             "SELECT krk_version || '|' || mk_version || '|' || IFNULL(target_mk_version, '') "
             "|| '|' || lifecycle || '|' || length(cryptogram) FROM tokens WHERE serial = " +
                 std::to_string(serial) + ";");
}

}  // namespace tessera::testing
