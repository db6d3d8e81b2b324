// Directory: the token directory of seed 003, one interface for every backend
// (DESIGN.md "Directory": SQLite embedded, PostgreSQL for several servers).
//
// It stores each token's cryptogram by UID at personalization (claims 6, 29
// "storing said cryptogram") and gives it back for master-key replacement
// (claims 17, 35 "cross-referencing"). The lifecycle rules are the same in
// every backend (services/directory/transitions.hpp); a backend holds only its
// SQL and its schema migrations.
//
// Errors: an unknown UID is kNotFound naming the UID in hex; a malformed UID
// or cryptogram is kInvalidArgument; a change the lifecycle forbids is
// kConditionsNotSatisfied; storage failures are kIoError, kNoSpace or
// kCorrupt, a PostgreSQL server out of reach kUnavailable, and a race still
// lost after every retry kAborted (database.hpp). Each write is one
// transaction: it happens whole or not at all.
//
// Thread-safety: every implementation is thread-safe. `tessera mk-replace
// --jobs N` shares one Directory between its workers. The Directory runs on a
// Database (database.hpp): each call is one Transact or Read there, so the
// rules of that backend apply (SQLite: one writer at a time, other processes
// kept apart by SQLite's locks; PostgreSQL: serializable transactions,
// retried when they lose a race).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"
#include "services/directory/token_record.hpp"

namespace tessera::directory {

// Where a backend reads the time for created_at/updated_at: unix seconds.
// Tests pass a fake one; the default is the system clock.
using UnixClock = std::function<std::int64_t()>;
std::int64_t SystemUnixSeconds();

class Directory {
 public:
  Directory() = default;
  virtual ~Directory() = default;
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  // nullopt when no token has that UID or serial.
  virtual Result<std::optional<TokenRecord>> FindByUid(ByteView uid) const = 0;
  virtual Result<std::optional<TokenRecord>> FindBySerial(std::uint32_t serial) const = 0;
  // Every token, by ascending serial.
  virtual Result<std::vector<TokenRecord>> List() const = 0;

  // Inserts, or replaces, the row of a token about to be personalized, in
  // state kPersonalizing with no replacement in flight. Call it before the
  // keys go onto the card. Refused (kConditionsNotSatisfied) when the UID's
  // row is kPersonalized or kTerminated, or when `serial` belongs to another
  // UID. A replaced row keeps its created_at.
  virtual Status RecordPersonalizing(ByteView uid, std::uint32_t serial, ByteView cryptogram,
                                     std::uint8_t krk_version, std::uint8_t mk_version) = 0;
  // kPersonalizing -> kPersonalized, once the card holds both keys, and only
  // while the row still holds `cryptogram`, the one whose KRK went onto the
  // card: a compare-and-swap, so that a second run that replaced the row in
  // the meantime cannot have its cryptogram confirmed for another KRK.
  virtual Status MarkPersonalized(ByteView uid, ByteView cryptogram) = 0;
  // Records that the MK is being replaced by version `target_mk_version`.
  // Needs kPersonalized and a target other than the current MK version. The
  // same target again is a no-op (a resumed run). Another target while one
  // is in flight replaces it: the caller has just proved which MK the card
  // holds (a secure channel under it), so the earlier attempt is settled.
  virtual Status BeginReplacement(ByteView uid, std::uint8_t target_mk_version) = 0;
  // The card now holds MK `new_mk_version`, which must be the target in
  // flight: sets mk_version and clears the target. Repeating a finished
  // replacement is a no-op.
  virtual Status FinishReplacement(ByteView uid, std::uint8_t new_mk_version) = 0;
  // The caller has just proved, with a secure channel under it, that the
  // card holds MK `proven_mk_version`: sets mk_version to it and clears any
  // target in flight (a resumed run settling an interrupted replacement,
  // whichever way it went). Needs kPersonalized; no change is a no-op.
  virtual Status SettleMkVersion(ByteView uid, std::uint8_t proven_mk_version) = 0;
  // Any state -> kTerminated, clearing a replacement in flight. The row and
  // its cryptogram stay. Terminating twice is a no-op.
  virtual Status MarkTerminated(ByteView uid) = 0;
};

struct DirectoryOptions {
  DatabaseOptions database;
  UnixClock clock = SystemUnixSeconds;
};

// The token directory at `url` (OpenDatabase's syntax: "sqlite:PATH",
// "postgresql://...").
Result<std::unique_ptr<Directory>> OpenDirectory(std::string_view url,
                                                 const DirectoryOptions& options = {});
// The token directory on a Database the caller shares with other stores.
std::unique_ptr<Directory> MakeDirectory(std::shared_ptr<Database> database,
                                         UnixClock clock = SystemUnixSeconds);

}  // namespace tessera::directory
