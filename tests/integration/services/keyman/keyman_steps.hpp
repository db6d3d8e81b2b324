// Steps shared by the seed-003 end-to-end tests: the ceremony, reading
// `tessera token list`, probing, and reading or tampering with the directory
// through the sqlite3 client (never through the code under test).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/integration/services/keyman/keyman_fixture.hpp"

namespace tessera::testing {

// init-softhsm km and as; keygen of each version on km; transfer to as.
void Ceremony(const KeymanTest& test, const std::vector<int>& versions);

struct TokenRow {
  std::string uid, transport, lifecycle, mk;
};
// The `token list` line of `serial` (empty fields when it is not listed).
TokenRow TokenLine(const KeymanTest& test, std::uint32_t serial);
// `token probe --hsm as --mk-version V SERIAL` exited 0.
bool Probe(const KeymanTest& test, std::uint32_t serial, int version);
// sqlite3 on the directory; trimmed output.
std::string Sql(const KeymanTest& test, const std::string& statement);
// "krk_version|mk_version|target|lifecycle|cryptogram length" of `serial`.
std::string DirectoryRow(const KeymanTest& test, std::uint32_t serial);

}  // namespace tessera::testing
