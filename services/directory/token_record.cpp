#include "services/directory/token_record.hpp"

#include <string>

namespace tessera::directory {

std::string_view ToString(Lifecycle lifecycle) {
  switch (lifecycle) {
    case Lifecycle::kPersonalizing: return "personalizing";
    case Lifecycle::kPersonalized: return "personalized";
    case Lifecycle::kTerminated: return "terminated";
  }
  return "unknown";
}

Result<Lifecycle> LifecycleFromString(std::string_view word) {
  for (Lifecycle l :
       {Lifecycle::kPersonalizing, Lifecycle::kPersonalized, Lifecycle::kTerminated}) {
    if (word == ToString(l)) return l;
  }
  return Status::InvalidArgument("unknown token lifecycle '" + std::string(word) +
                                 "' (expected personalizing, personalized or terminated)");
}

Status ValidateUid(ByteView uid) {
  if (uid.size() == kUidSize) return Status::Ok();
  return Status::InvalidArgument("a token UID is " + std::to_string(kUidSize) + " bytes, got " +
                                 std::to_string(uid.size()));
}

Status ValidateCryptogram(ByteView cryptogram) {
  if (cryptogram.size() == kCryptogramSize) return Status::Ok();
  return Status::InvalidArgument("a cryptogram is " + std::to_string(kCryptogramSize) +
                                 " bytes (RSA-OAEP, 3072-bit key), got " +
                                 std::to_string(cryptogram.size()));
}

}  // namespace tessera::directory
