#include "hsm/eme_oaep.hpp"

#include "common/crypto/eme_oaep.hpp"

namespace tessera::hsm {
namespace {

// SHA-256 for the label hash and MGF1, and the empty label.
constexpr crypto::OaepParams kSha256{};

}  // namespace

Result<SecureBytes> EmeOaepSha256Encode(ByteView message, std::size_t k) {
  return crypto::EmeOaepEncode(message, k, kSha256);
}

Result<SecureBytes> EmeOaepSha256Decode(ByteView em, std::size_t k) {
  auto message = crypto::EmeOaepDecode(em, k, kSha256);
  if (!message.ok()) return Status::InvalidArgument("not a valid EME-OAEP (SHA-256) encoding");
  return message;
}

}  // namespace tessera::hsm
