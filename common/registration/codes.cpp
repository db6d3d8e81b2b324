#include "common/registration/codes.hpp"

#include "common/crypto/hash.hpp"

namespace tessera::registration {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bool InAlphabet(char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); }

}  // namespace

std::string Base32(ByteView data) {
  std::string out;
  out.reserve((data.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : data) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 0x1F]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1F]);
  return out;
}

Result<std::string> FormatUidc(ByteView mac) {
  if (mac.size() < 10) return Status::InvalidArgument("a UIDC needs at least 10 bytes of MAC");
  return "U" + Base32(mac).substr(0, kUidcLength - 1);
}

Result<std::string> FormatEnrolmentCode(ByteView random) {
  if (random.size() != kEnrolmentCodeEntropy) {
    return Status::InvalidArgument("an enrolment code is made from 13 random bytes");
  }
  const std::string plain = Base32(random).substr(0, kEnrolmentCodeLength);
  std::string out;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i % 5 == 0) out.push_back('-');
    out.push_back(plain[i]);
  }
  return out;
}

Result<std::string> NormalizeEnrolmentCode(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!InAlphabet(c)) {
      return Status::InvalidArgument(
          "an enrolment code has only the letters A-Z and the digits 2-7 (dashes are ignored)");
    }
    out.push_back(c);
  }
  if (out.size() != kEnrolmentCodeLength) {
    return Status::InvalidArgument("an enrolment code has 20 characters, not " +
                                   std::to_string(out.size()));
  }
  return out;
}

Result<Bytes> EnrolmentCodeHash(std::string_view typed) {
  TESSERA_ASSIGN_OR_RETURN(std::string normal, NormalizeEnrolmentCode(typed));
  return crypto::DigestOnce(crypto::Hash::kSha256, AsBytes(normal));
}

}  // namespace tessera::registration
