// The token lifecycle rules, shared by every Directory backend.
//
// Each Plan function takes the row as it is and returns the row as it must
// become, or the Status that refuses the change; it validates its inputs
// first. A backend reads the row inside its write transaction, calls one of
// these, writes the result back (nothing to write when it equals the row it
// read: a no-op) and commits. So the rules live here once and the backends
// hold only SQL. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/token_record.hpp"

namespace tessera::directory {

struct PersonalizingRequest {
  ByteView uid;
  std::uint32_t serial = 0;
  ByteView cryptogram;
  std::uint8_t krk_version = 0;
  std::uint8_t mk_version = 0;
};

// kNotFound naming the UID in hex: the one message for an unknown token.
Status UnknownUid(ByteView uid);

// `by_uid` is the row with the request's UID, `by_serial` the row with its
// serial (either may be the same row, or absent).
Result<TokenRecord> PlanRecordPersonalizing(const std::optional<TokenRecord>& by_uid,
                                            const std::optional<TokenRecord>& by_serial,
                                            const PersonalizingRequest& request, std::int64_t now);
Result<TokenRecord> PlanMarkPersonalized(const TokenRecord& current, ByteView cryptogram,
                                         std::int64_t now);
Result<TokenRecord> PlanBeginReplacement(const TokenRecord& current, std::uint8_t target_mk_version,
                                         std::int64_t now);
Result<TokenRecord> PlanFinishReplacement(const TokenRecord& current, std::uint8_t new_mk_version,
                                          std::int64_t now);
Result<TokenRecord> PlanSettleMkVersion(const TokenRecord& current, std::uint8_t proven_mk_version,
                                        std::int64_t now);
Result<TokenRecord> PlanMarkTerminated(const TokenRecord& current, std::int64_t now);

}  // namespace tessera::directory
