// ActiveOperation: one active operation of a session and the rules PKCS#11
// 3.0 puts around it (§5.2 buffers; §5.8-§5.12 call order). The engine
// (model/operation_engine.hpp) computes; this class decides what a call may
// do in the operation's state and when the operation ends:
// - a single-part call (C_Sign, C_Encrypt, C_Digest ...) is allowed only
//   before any part was given, and a part (C_*Update) only before a
//   single-part call took the input;
// - a size query (NULL buffer) or CKR_BUFFER_TOO_SMALL keeps the operation,
//   and the result computed for it is kept, so the card works once;
// - any other error ends the operation, as do a delivered result and every
//   verification (§5.2: "a call ... always terminates the active operation
//   unless it returns CKR_BUFFER_TOO_SMALL or is a successful call to
//   determine the length of the buffer needed").
// Output buffers are the caller's: `out` may be null (size query) and
// `*out_len` is its capacity on entry and the length on return.
//
// Not thread-safe: the session's lock guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "common/secure_bytes.hpp"
#include "pkcs11/model/operation_engine.hpp"

namespace tessera::p11 {

class ActiveOperation {
 public:
  ActiveOperation(OpKind kind, std::unique_ptr<OperationEngine> engine)
      : kind_(kind), engine_(std::move(engine)) {}

  OpKind kind() const { return kind_; }
  bool always_authenticate() const { return engine_->always_authenticate(); }
  // True once the operation is over; the session then drops it.
  bool ended() const { return ended_; }

  // C_Sign, C_Encrypt, C_Decrypt, C_Digest.
  [[nodiscard]] Status Run(ByteView input, std::uint8_t* out, std::size_t* out_len);
  // C_SignUpdate, C_VerifyUpdate, C_DigestUpdate: input only.
  [[nodiscard]] Status Absorb(ByteView part);
  // C_EncryptUpdate, C_DecryptUpdate: input, and what it produces.
  [[nodiscard]] Status Update(ByteView part, std::uint8_t* out, std::size_t* out_len);
  // C_SignFinal, C_EncryptFinal, C_DecryptFinal, C_DigestFinal.
  [[nodiscard]] Status Final(std::uint8_t* out, std::size_t* out_len);
  // C_Verify (`single_part`, with `data`) and C_VerifyFinal.
  [[nodiscard]] Status Verify(bool single_part, ByteView data, ByteView signature);

 private:
  enum class Stage { kStarted, kParts, kSingleHeld, kFinalHeld };

  // Ends the operation when `status` is an error; returns it.
  Status EndOnError(Status status);
  // Copies the held result by §5.2, ending the operation once delivered.
  Status Deliver(std::uint8_t* out, std::size_t* out_len);
  // Answers a size query or a short buffer from the engine's known result
  // size, without any work; false when the size is not known or fits.
  bool AnswerFromKnownSize(std::uint8_t* out, std::size_t* out_len, Status* answer) const;
  // Computes and holds the result of Finish (with `prefix` before it).
  Status Hold(SecureBytes prefix);

  OpKind kind_;
  std::unique_ptr<OperationEngine> engine_;
  Stage stage_ = Stage::kStarted;
  // The result, kept until delivered: what the single-part input gave and
  // what Finish added, in two pieces, so that a long ciphertext is not
  // copied again to append a short tag.
  struct Held {
    SecureBytes head;
    SecureBytes tail;
    std::size_t size() const { return head.size() + tail.size(); }
  };
  std::optional<Held> held_;
  bool empty_reported_ = false;  // an empty result was told once to a NULL buffer
  bool ended_ = false;
};

}  // namespace tessera::p11
