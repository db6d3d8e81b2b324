// The issuer key record: the P-256 public key of the CA that signs the
// registration gateway's certificate (seed 001 claims 7, 13; issue 14),
// embedded in the token as card-manager key ID 10 (docs/card-manager.md
// "Keys"). The card manager writes it (PUT KEY 10); the PIV applet reads it
// to check the gateway's certificate (F3 REGISTRATION). One record:
//
//   cm/key/10   KVN | 01 (P-256) | 65-byte point 04 || X || Y
//
// A missing record is "no issuer key" (nullopt). A present record with
// another length, a curve byte other than 01 or a KVN outside 01..7F is
// kCorrupt; whether the point lies on the curve is checked when it is
// written and again by whoever uses it. PutIssuerKey only adds to the
// caller's Transaction. Stateless; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim {

inline constexpr std::uint8_t kIssuerCurveP256 = 0x01;  // the record's curve byte
inline constexpr std::size_t kIssuerPointSize = 65;
inline constexpr std::uint8_t kMinIssuerKvn = 0x01;
inline constexpr std::uint8_t kMaxIssuerKvn = 0x7F;

struct IssuerKey {
  std::uint8_t kvn = 0;
  Bytes point;  // 04 || X || Y
};

[[nodiscard]] Result<std::optional<IssuerKey>> LoadIssuerKey(const Storage& storage);
void PutIssuerKey(Transaction& txn, const IssuerKey& key);

}  // namespace tessera::sim
