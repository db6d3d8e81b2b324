// State codec: the byte layout of a token's state file, without any I/O.
//
// Encodes a whole state as a file image (header + snapshot), a Transaction as
// one journal record, and decodes a file image back into a state, telling a
// torn final record (a commit the power cut short) from corruption. The
// layout and the reasoning are in docs/state-file.md; FileStorage does the
// writing. Values are secrets (PINs, keys), so every buffer that holds them
// is a SecureBytes. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim {

// Committed state: key -> value, sorted by key.
using StateMap = std::map<std::string, SecureBytes, std::less<>>;

inline constexpr std::string_view kStateFileMagic = "TSSTATE1";
inline constexpr std::string_view kRecordMagic = "TXN1";
inline constexpr std::string_view kRecordEnd = "END!";
// Bytes before the snapshot: magic and the u32 snapshot length.
inline constexpr std::size_t kStateHeaderSize = 12;
// Largest journal payload a commit may write. A larger length field read back
// cannot have come from a commit, so it is corruption, not a torn record.
inline constexpr std::size_t kMaxRecordPayload = std::size_t{16} * 1024 * 1024;

// What a state file image decodes to.
struct DecodedState {
  StateMap state;
  std::size_t snapshot_end = 0;  // offset of the first journal record
  std::size_t valid_end = 0;     // end of the last complete record
  std::size_t records = 0;       // complete records replayed
  // Bytes from valid_end to the end of the image are a torn final record.
  bool torn_tail = false;
};

// Later operations on the same key win (Transaction's contract).
void ApplyTransaction(const Transaction& txn, StateMap& state);
StateMap CloneState(const StateMap& state);

// Header, snapshot of `state` and its CRC: a complete file with no journal.
Result<SecureBytes> EncodeStateFile(const StateMap& state);
// "TXN1" | length | payload | CRC. The "END!" marker is not included: the
// writer appends it as a separate write once the record is on disk.
Result<SecureBytes> EncodeRecord(const Transaction& txn);

// Decodes a whole file image. Failures are kCorrupt with the reason and the
// offset; the caller adds the file name.
Result<DecodedState> DecodeStateFile(ByteView image);

}  // namespace tessera::sim
