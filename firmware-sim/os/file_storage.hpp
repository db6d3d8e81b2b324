// FileStorage: Storage backed by one journaled state file per token.
//
// File layout (all integers big-endian; docs/state-file.md):
//   header    "TSSTATE1" | u32 snapshot length | snapshot | u32 crc32(snapshot)
//   journal   records appended after the header, each
//             "TXN1" | u32 payload length | payload | u32 crc32(payload) | "END!"
// A snapshot and a payload are both lists of (u16 key length, key, u8 kind,
// u32 value length, value) entries; kind 0 is a put and 1 an erase.
//
// Commit appends one record, written in chunks of at most kChunk bytes, each
// chunk one physical write, and the "END!" marker as the last write. On load,
// a final record without its marker is a transaction the power cut short and
// is dropped; anything else that fails its checks (bad magic, bad CRC,
// truncated snapshot, a damaged record followed by more data) is kCorrupt
// with the file's name in the message, never a silent reset. When the journal
// grows past kCompactAfter bytes the next commit compacts: the new snapshot
// goes to "<file>.new", then rename() replaces the file in one step. A stray
// ".new" file found on load is an unfinished compaction and is removed.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "firmware-sim/os/power_fuse.hpp"
#include "firmware-sim/os/storage.hpp"

namespace tessera::sim {

class FileStorage final : public Storage {
 public:
  static constexpr std::size_t kChunk = 256;
  static constexpr std::size_t kCompactAfter = std::size_t{64} * 1024;

  // Creates a new state file holding `initial` as its snapshot; fails if the
  // file exists.
  static Result<std::unique_ptr<FileStorage>> Create(const std::filesystem::path& path,
                                                     const Transaction& initial,
                                                     PowerFuse* fuse = nullptr);
  // Loads an existing state file, replaying its journal.
  static Result<std::unique_ptr<FileStorage>> Open(const std::filesystem::path& path,
                                                   PowerFuse* fuse = nullptr);

  ~FileStorage() override;

  std::optional<SecureBytes> Get(std::string_view key) const override;
  std::vector<std::string> Keys(std::string_view prefix) const override;
  Status Commit(const Transaction& txn) override;

  const std::filesystem::path& path() const { return path_; }

 private:
  class Impl;
  explicit FileStorage(std::unique_ptr<Impl> impl, std::filesystem::path path);

  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
};

}  // namespace tessera::sim
