// Status and Result<T>: how errors travel inside Tessera.
//
// Code inside the project returns a [[nodiscard]] Status or Result<T> built by
// the named factories below. Each edge translates once: the card OS maps a
// Status to an ISO 7816-4 status word (firmware-sim/os/sw_map.cpp), the PKCS#11
// boundary maps it to a CK_RV, the services map it to HTTP. Status is a value
// type and thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tessera {

enum class Code : std::uint8_t {
  kOk,
  kInvalidArgument,       // malformed input: bad TLV, bad lengths inside data
  kWrongLength,           // Lc/Le inconsistent with the command
  kNotFound,              // object, file or application not found
  kFunctionNotSupported,  // reserved or unsupported function
  kInsNotSupported,       // unknown instruction
  kClaNotSupported,       // unknown class byte
  kIncorrectP1P2,         // parameters out of range
  kSecurityStatus,        // authentication required first
  kAuthBlocked,           // PIN/PUK/key blocked
  kPinIncorrect,          // wrong PIN; detail() holds tries left
  kConditionsNotSatisfied,
  kReferenceNotFound,  // key reference without a key
  kNoSpace,
  kCorrupt,  // persisted state failed its checks
  kIoError,
  kPowerLost,         // injected power cut: the token is dead until power on
  kSignatureInvalid,  // a signature, MAC, tag or key wrap's integrity check failed
  kDataMismatch,      // authentic data that does not fit the request (a key of another type)
  kRefused,           // a front end's own refusal; detail() holds its reason code
  kAlreadyExists,     // a unique thing (a name, a serial) is taken
  kUnavailable,       // a backend (database, HSM) cannot be reached now; retrying may succeed
  kAborted,           // a transaction lost a race (serialization failure); retry it whole
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status WrongLength(std::string msg) { return {Code::kWrongLength, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status FunctionNotSupported(std::string msg) {
    return {Code::kFunctionNotSupported, std::move(msg)};
  }
  static Status InsNotSupported(std::string msg) {
    return {Code::kInsNotSupported, std::move(msg)};
  }
  static Status ClaNotSupported(std::string msg) {
    return {Code::kClaNotSupported, std::move(msg)};
  }
  static Status IncorrectP1P2(std::string msg) { return {Code::kIncorrectP1P2, std::move(msg)}; }
  static Status SecurityStatus(std::string msg) { return {Code::kSecurityStatus, std::move(msg)}; }
  static Status AuthBlocked(std::string msg) { return {Code::kAuthBlocked, std::move(msg)}; }
  static Status PinIncorrect(int tries_left) {
    return {Code::kPinIncorrect, "PIN incorrect", tries_left};
  }
  // A wrong secret of another kind (a one-time password), in words.
  static Status PinIncorrect(int tries_left, std::string msg) {
    return {Code::kPinIncorrect, std::move(msg), tries_left};
  }
  static Status ConditionsNotSatisfied(std::string msg) {
    return {Code::kConditionsNotSatisfied, std::move(msg)};
  }
  static Status ReferenceNotFound(std::string msg) {
    return {Code::kReferenceNotFound, std::move(msg)};
  }
  static Status NoSpace(std::string msg) { return {Code::kNoSpace, std::move(msg)}; }
  static Status Corrupt(std::string msg) { return {Code::kCorrupt, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  // kIoError from a transport that knows the card or its reader went away
  // mid-call (SCARD_W_REMOVED_CARD, a USB device unplugged), not merely that
  // the link broke: the caller must treat it as a removal.
  static Status CardGone(std::string msg) {
    return {Code::kIoError, std::move(msg), kCardGoneDetail};
  }
  static Status PowerLost() { return {Code::kPowerLost, "power lost"}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status Aborted(std::string msg) { return {Code::kAborted, std::move(msg)}; }
  static Status SignatureInvalid(std::string msg) {
    return {Code::kSignatureInvalid, std::move(msg)};
  }
  static Status DataMismatch(std::string msg) { return {Code::kDataMismatch, std::move(msg)}; }
  // `reason` is the front end's own code (the PKCS#11 module's Fault), which
  // its edge table maps; nothing below the front end creates these.
  static Status Refused(int reason, std::string msg) {
    return {Code::kRefused, std::move(msg), reason};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // Extra number carried by some codes: tries left for kPinIncorrect.
  int detail() const { return detail_; }
  bool card_gone() const { return code_ == Code::kIoError && detail_ == kCardGoneDetail; }
  std::string ToString() const;
  // The same status with `prefix` before its message ("row 3: ...").
  Status Prefixed(const std::string& prefix) const { return {code_, prefix + message_, detail_}; }

 private:
  static constexpr int kCardGoneDetail = 1;
  Status(Code code, std::string msg, int detail = 0)
      : code_(code), message_(std::move(msg)), detail_(detail) {}

  Code code_ = Code::kOk;
  std::string message_;
  int detail_ = 0;
};

const char* CodeName(Code code);

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tessera

// Early return on error. A plain macro with visible control flow: it returns.
#define TESSERA_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::tessera::Status tessera_status_ = (expr);        \
    if (!tessera_status_.ok()) return tessera_status_; \
  } while (0)

#define TESSERA_CONCAT_INNER_(a, b) a##b
#define TESSERA_CONCAT_(a, b) TESSERA_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result, or returns its Status.
#define TESSERA_ASSIGN_OR_RETURN(lhs, expr) \
  TESSERA_ASSIGN_OR_RETURN_IMPL_(TESSERA_CONCAT_(tessera_result_, __LINE__), lhs, expr)
// `lhs` is a declaration ("auto x"), so it cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define TESSERA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
