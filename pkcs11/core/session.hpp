// Session: one session of the application with a slot's token (PKCS#11 3.0
// §5.6), and what it is doing: its object search (§5.7 C_FindObjects*) and
// its operations, one of each kind at a time (§5.8-§5.12). The api layer
// calls these and maps the Status; no C_* function touches session state
// itself.
//
// Thread-safe: the session's own lock serializes calls, so an application
// that drives one session from two threads gets one call at a time, never a
// torn state. The lock is never held while taking the session table's.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "pkcs11/core/mutex.hpp"
#include "pkcs11/core/operation.hpp"
#include "pkcs11/core/slot.hpp"

namespace tessera::p11 {

class Session {
 public:
  Session(SessionHandle handle, Slot& slot, bool read_write, std::uint64_t insertion)
      : handle_(handle), slot_(slot), read_write_(read_write), insertion_(insertion) {}

  SessionHandle handle() const { return handle_; }
  Slot& slot() const { return slot_; }
  bool read_write() const { return read_write_; }
  // The slot's insertion() when the session was opened.
  std::uint64_t insertion() const { return insertion_; }

  // §5.7: a search at a time; Find hands out up to `max` handles.
  [[nodiscard]] Status FindInit(const Template& tmpl);
  [[nodiscard]] Result<std::vector<ObjectHandle>> Find(std::size_t max);
  [[nodiscard]] Status FindFinal();

  // §5.8-§5.12 *Init: the key (0 for digests) and the mechanism.
  [[nodiscard]] Status Start(OpKind kind, const Mechanism& mechanism, ObjectHandle key);
  // The calls on an operation: see ActiveOperation. Each is
  // CKR_OPERATION_NOT_INITIALIZED without an operation of `kind`, and drops
  // the operation when it ends.
  [[nodiscard]] Status Run(OpKind kind, ByteView input, std::uint8_t* out, std::size_t* out_len);
  [[nodiscard]] Status Absorb(OpKind kind, ByteView part);
  [[nodiscard]] Status Update(OpKind kind, ByteView part, std::uint8_t* out, std::size_t* out_len);
  [[nodiscard]] Status Final(OpKind kind, std::uint8_t* out, std::size_t* out_len);
  [[nodiscard]] Status Verify(bool single_part, ByteView data, ByteView signature);
  // The caller's arguments are wrong: `why` (CKR_ARGUMENTS_BAD), ending the
  // operation of `kind` if there is one (§5.2).
  [[nodiscard]] Status Reject(OpKind kind, Status why);
  // C_SessionCancel (3.0 §5.6): ends the operations of the kinds given, and
  // the search when `search` is set.
  void Cancel(const std::vector<OpKind>& kinds, bool search);
  // CKU_CONTEXT_SPECIFIC re-authenticates for a sign or decrypt in progress.
  bool HasPrivateKeyOperation() const;

 private:
  // Runs `call` on the operation of `kind` under the lock.
  template <typename Call>
  Status OnOperation(OpKind kind, Call&& call) {
    std::lock_guard lock(mu_);
    auto& op = ops_[static_cast<std::size_t>(kind)];
    if (op == nullptr) return Refuse(Fault::kOperationNotInitialized, "no operation");
    Status s = call(*op);
    if (op->ended()) op.reset();
    return s;
  }

  const SessionHandle handle_;
  Slot& slot_;
  const bool read_write_;
  const std::uint64_t insertion_;
  mutable Mutex mu_;
  std::optional<std::vector<ObjectHandle>> found_;         // guarded by mu_; back first
  std::array<std::unique_ptr<ActiveOperation>, 5> ops_{};  // guarded by mu_; by OpKind
};

}  // namespace tessera::p11
