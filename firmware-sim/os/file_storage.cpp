#include "firmware-sim/os/file_storage.hpp"

#include <fcntl.h>

#include <utility>

#include "firmware-sim/os/fused_io.hpp"
#include "firmware-sim/os/state_codec.hpp"

namespace tessera::sim {
namespace {

std::filesystem::path NewFilePath(const std::filesystem::path& path) {
  std::filesystem::path out = path;
  out += ".new";
  return out;
}

// Writes `image` to "<path>.new", syncs it and renames it over `path`, so a
// cut at any write leaves either the old file (or none) or the new one.
// Returns the descriptor, which now names `path`.
Result<UniqueFd> InstallNewFile(const std::filesystem::path& path, ByteView image,
                                PowerFuse* fuse) {
  const std::filesystem::path tmp = NewFilePath(path);
  TESSERA_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(tmp, O_RDWR | O_CREAT | O_TRUNC));
  FusedWriter writer(fd.get(), fuse, tmp);
  Status s = writer.WriteChunked(0, image, FileStorage::kChunk);
  if (s.ok()) s = SyncFile(fd.get(), tmp);
  if (s.ok()) s = FusedRename(tmp, path, fuse);
  if (s.ok()) s = SyncParentDir(path);
  if (s.ok()) return fd;
  // After a power cut the stray file is what a real token would find; the
  // next Open removes it. Any other failure cleans up now.
  if (s.code() != Code::kPowerLost) (void)RemoveIfPresent(tmp);
  return s;
}

}  // namespace

class FileStorage::Impl {
 public:
  Impl(std::filesystem::path path, PowerFuse* fuse, UniqueFd fd, StateMap state,
       std::size_t snapshot_end, std::size_t end)
      : path_(std::move(path)),
        fuse_(fuse),
        fd_(std::move(fd)),
        state_(std::move(state)),
        snapshot_end_(snapshot_end),
        end_(end) {}

  const StateMap& state() const { return state_; }

  Status Commit(const Transaction& txn) {
    if (power_lost_) return Status::PowerLost();
    TESSERA_RETURN_IF_ERROR(broken_);
    if (txn.empty()) return Status::Ok();
    // Encoding first also validates the transaction for the compaction path.
    TESSERA_ASSIGN_OR_RETURN(SecureBytes record, EncodeRecord(txn));
    Status s = end_ - snapshot_end_ > kCompactAfter ? Compact(txn) : Append(txn, record.view());
    if (s.code() == Code::kPowerLost) power_lost_ = true;
    return s;
  }

 private:
  Status Append(const Transaction& txn, ByteView record) {
    Status s = WriteRecord(record);
    if (!s.ok()) {
      // A failed write (not a cut) may have left part of a record after the
      // journal; cut it off so the next append starts clean, or stop.
      if (s.code() != Code::kPowerLost) {
        Status undo = TruncateFile(fd_.get(), end_, path_);
        if (!undo.ok()) broken_ = undo;
      }
      return s;
    }
    end_ += record.size() + kRecordEnd.size();
    ApplyTransaction(txn, state_);
    return Status::Ok();
  }

  Status WriteRecord(ByteView record) {
    FusedWriter writer(fd_.get(), fuse_, path_);
    TESSERA_RETURN_IF_ERROR(writer.WriteChunked(end_, record, kChunk));
    // The record is durable before its marker is written, so no crash can
    // leave a marker behind a record that never fully reached the disk.
    TESSERA_RETURN_IF_ERROR(SyncFile(fd_.get(), path_));
    TESSERA_RETURN_IF_ERROR(writer.WriteAt(end_ + record.size(), AsBytes(kRecordEnd)));
    return SyncFile(fd_.get(), path_);
  }

  // The commit becomes a new snapshot holding the state after `txn`; the
  // rename that installs it is the commit point.
  Status Compact(const Transaction& txn) {
    StateMap next = CloneState(state_);
    ApplyTransaction(txn, next);
    TESSERA_ASSIGN_OR_RETURN(SecureBytes image, EncodeStateFile(next));
    TESSERA_ASSIGN_OR_RETURN(fd_, InstallNewFile(path_, image.view(), fuse_));
    state_ = std::move(next);
    snapshot_end_ = end_ = image.size();
    return Status::Ok();
  }

  std::filesystem::path path_;
  PowerFuse* fuse_;
  UniqueFd fd_;
  StateMap state_;
  std::size_t snapshot_end_;  // offset of the first journal record
  std::size_t end_;           // end of the last committed record
  bool power_lost_ = false;   // after a cut, only reopening the file helps
  Status broken_;             // an I/O failure left the file unusable
};

FileStorage::FileStorage(std::unique_ptr<Impl> impl, std::filesystem::path path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

FileStorage::~FileStorage() = default;

Result<std::unique_ptr<FileStorage>> FileStorage::Create(const std::filesystem::path& path,
                                                         const Transaction& initial,
                                                         PowerFuse* fuse) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) return Status::IoError("cannot check " + path.string() + ": " + ec.message());
  if (exists) return Status::IoError("state file " + path.string() + " already exists");
  StateMap state;
  ApplyTransaction(initial, state);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes image, EncodeStateFile(state));
  TESSERA_ASSIGN_OR_RETURN(UniqueFd fd, InstallNewFile(path, image.view(), fuse));
  auto impl = std::make_unique<Impl>(path, fuse, std::move(fd), std::move(state), image.size(),
                                     image.size());
  return std::unique_ptr<FileStorage>(new FileStorage(std::move(impl), path));
}

Result<std::unique_ptr<FileStorage>> FileStorage::Open(const std::filesystem::path& path,
                                                       PowerFuse* fuse) {
  // Recovery steps (removing a stray ".new", cutting off a torn record) are
  // idempotent, so they are not fuse points: a cut during them is recovered
  // again by the next Open.
  TESSERA_ASSIGN_OR_RETURN(bool removed, RemoveIfPresent(NewFilePath(path)));
  if (removed) TESSERA_RETURN_IF_ERROR(SyncParentDir(path));
  TESSERA_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(path, O_RDWR));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes image, ReadWholeFile(fd.get(), path));
  Result<DecodedState> decoded = DecodeStateFile(image.view());
  if (!decoded.ok()) {
    return Status::Corrupt("state file " + path.string() + ": " + decoded.status().message());
  }
  if (decoded->torn_tail) TESSERA_RETURN_IF_ERROR(TruncateFile(fd.get(), decoded->valid_end, path));
  auto impl = std::make_unique<Impl>(path, fuse, std::move(fd), std::move(decoded->state),
                                     decoded->snapshot_end, decoded->valid_end);
  return std::unique_ptr<FileStorage>(new FileStorage(std::move(impl), path));
}

std::optional<SecureBytes> FileStorage::Get(std::string_view key) const {
  const auto& state = impl_->state();
  auto it = state.find(key);
  if (it == state.end()) return std::nullopt;
  return it->second.Clone();
}

std::vector<std::string> FileStorage::Keys(std::string_view prefix) const {
  std::vector<std::string> out;
  const auto& state = impl_->state();
  for (auto it = state.lower_bound(prefix); it != state.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.push_back(it->first);
  }
  return out;
}

Status FileStorage::Commit(const Transaction& txn) { return impl_->Commit(txn); }

}  // namespace tessera::sim
