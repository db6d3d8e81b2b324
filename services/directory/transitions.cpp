#include "services/directory/transitions.hpp"

#include <string>

#include "common/secure_bytes.hpp"

namespace tessera::directory {
namespace {

std::string Describe(const TokenRecord& record) {
  return "token " + ToHex(record.uid) + " (serial " + std::to_string(record.serial) + ")";
}

Status WrongState(const TokenRecord& record, std::string_view action) {
  return Status::ConditionsNotSatisfied("cannot " + std::string(action) + ": " + Describe(record) +
                                        " is " + std::string(ToString(record.lifecycle)));
}

TokenRecord Touched(TokenRecord record, std::int64_t now) {
  record.updated_at = now;
  return record;
}

}  // namespace

Status UnknownUid(ByteView uid) {
  return Status::NotFound("no token with UID " + ToHex(uid) + " in the directory");
}

Result<TokenRecord> PlanRecordPersonalizing(const std::optional<TokenRecord>& by_uid,
                                            const std::optional<TokenRecord>& by_serial,
                                            const PersonalizingRequest& request, std::int64_t now) {
  TESSERA_RETURN_IF_ERROR(ValidateUid(request.uid));
  TESSERA_RETURN_IF_ERROR(ValidateCryptogram(request.cryptogram));
  // Overwriting the cryptogram of a personalized token would lose its KRK.
  if (by_uid && by_uid->lifecycle != Lifecycle::kPersonalizing) {
    return Status::ConditionsNotSatisfied(
        "refusing to overwrite the cryptogram of " + Describe(*by_uid) + ": it is " +
        std::string(ToString(by_uid->lifecycle)) +
        ", and the stored cryptogram is the only way back to the KRK on the card");
  }
  const Bytes uid(request.uid.begin(), request.uid.end());
  if (by_serial && by_serial->uid != uid) {
    return Status::ConditionsNotSatisfied("serial " + std::to_string(request.serial) +
                                          " already belongs to token " + ToHex(by_serial->uid) +
                                          ", not " + ToHex(uid));
  }
  TokenRecord record;
  record.uid = uid;
  record.serial = request.serial;
  record.cryptogram.assign(request.cryptogram.begin(), request.cryptogram.end());
  record.krk_version = request.krk_version;
  record.mk_version = request.mk_version;
  record.lifecycle = Lifecycle::kPersonalizing;
  record.created_at = by_uid ? by_uid->created_at : now;
  record.updated_at = now;
  return record;
}

Result<TokenRecord> PlanMarkPersonalized(const TokenRecord& current, ByteView cryptogram,
                                         std::int64_t now) {
  if (current.lifecycle != Lifecycle::kPersonalizing) {
    return WrongState(current, "mark it personalized");
  }
  if (!ConstantTimeEqual(current.cryptogram, cryptogram)) {
    return Status::ConditionsNotSatisfied(
        "cannot mark it personalized: the cryptogram of " + Describe(current) +
        " was replaced by another run since this one recorded it");
  }
  TokenRecord next = Touched(current, now);
  next.lifecycle = Lifecycle::kPersonalized;
  return next;
}

Result<TokenRecord> PlanBeginReplacement(const TokenRecord& current, std::uint8_t target_mk_version,
                                         std::int64_t now) {
  const std::string action =
      "begin a replacement to MK version " + std::to_string(target_mk_version);
  if (current.lifecycle != Lifecycle::kPersonalized) return WrongState(current, action);
  if (current.target_mk_version == target_mk_version) return current;  // resumed run
  if (current.mk_version == target_mk_version) {
    return Status::ConditionsNotSatisfied("cannot " + action + ": " + Describe(current) +
                                          " already has that version");
  }
  TokenRecord next = Touched(current, now);
  next.target_mk_version = target_mk_version;
  return next;
}

Result<TokenRecord> PlanFinishReplacement(const TokenRecord& current, std::uint8_t new_mk_version,
                                          std::int64_t now) {
  const std::string action = "finish a replacement to MK version " + std::to_string(new_mk_version);
  if (current.lifecycle != Lifecycle::kPersonalized) return WrongState(current, action);
  if (!current.target_mk_version) {
    if (current.mk_version == new_mk_version) return current;  // already finished
    return Status::ConditionsNotSatisfied("cannot " + action + ": " + Describe(current) +
                                          " has no replacement in flight");
  }
  if (*current.target_mk_version != new_mk_version) {
    return Status::ConditionsNotSatisfied("cannot " + action +
                                          ": the replacement in flight "
                                          "for " +
                                          Describe(current) + " is to version " +
                                          std::to_string(*current.target_mk_version));
  }
  TokenRecord next = Touched(current, now);
  next.mk_version = new_mk_version;
  next.target_mk_version.reset();
  return next;
}

Result<TokenRecord> PlanSettleMkVersion(const TokenRecord& current, std::uint8_t proven_mk_version,
                                        std::int64_t now) {
  if (current.lifecycle != Lifecycle::kPersonalized) {
    return WrongState(current, "settle its MK version");
  }
  if (current.mk_version == proven_mk_version && !current.target_mk_version) return current;
  TokenRecord next = Touched(current, now);
  next.mk_version = proven_mk_version;
  next.target_mk_version.reset();
  return next;
}

Result<TokenRecord> PlanMarkTerminated(const TokenRecord& current, std::int64_t now) {
  if (current.lifecycle == Lifecycle::kTerminated) return current;
  TokenRecord next = Touched(current, now);
  next.lifecycle = Lifecycle::kTerminated;
  next.target_mk_version.reset();
  return next;
}

}  // namespace tessera::directory
