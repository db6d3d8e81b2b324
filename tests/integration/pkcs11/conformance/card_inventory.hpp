// What a PIV token holds, read straight from the card with the test PIV
// client (never through the module): the key in each key slot (GET METADATA),
// each certificate container (GET DATA), the Tessera secret-key list (F5 00),
// the key package 5FFF20 (GET DATA) and the token key F0's public point. The conformance fixture
// reads it before the module is loaded and after it is finalized, so "no key left behind" is judged
// by the card itself, not by what the module reports.
//
// Reading SELECTs the PIV application, which resets the card's security
// state: call it only while no module session depends on that state.
// Plain values; one thread.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "host/transport/transport.hpp"

namespace tessera::testing::conformance {

struct CardInventory {
  // "key 9A" -> "alg 11, origin 01, public 3A5F..."; "cert 9A" -> "1234 bytes,
  // sha256 9C0E...". Empty slots and containers have no entry.
  std::map<std::string, std::string> items;
  // The F5 00 listing, or "unavailable (SW 6A81)" on a card without it.
  std::string secret_keys;
  // 5FFF20's contents; empty when the object is empty.
  Bytes key_package;
  std::uint32_t serial = 0;
  Bytes token_key_point;  // F0: 04 || X || Y
};

Result<CardInventory> ReadCardInventory(host::Transport& transport);

// Every difference between two inventories, one line each ("key 9D: (none)
// -> alg 11, ..."), except in the PIV key references of `may_change` (a key
// slot and its certificate container; 0xFF stands for the secret-key list,
// kKeyPackageChange for the key package).
inline constexpr std::uint8_t kKeyPackageChange = 0x20;  // no PIV key reference
std::vector<std::string> CardChanges(const CardInventory& before, const CardInventory& after,
                                     const std::set<std::uint8_t>& may_change);

// The PIV key reference a one-byte CKA_ID names in the module's table
// (docs/pkcs11-module.md: 01 9A, 02 9C, 03 9D, 04 9E, 05..18 82..95); 0 when
// the ID is not in the table.
std::uint8_t PivSlotOfId(std::uint8_t id);

}  // namespace tessera::testing::conformance
