#include "tools/tessera/softtoken_messages.hpp"

#include <openssl/sha.h>

namespace tessera::cli::softtoken {
namespace {

constexpr std::string_view kDomain = "tessera-softtoken-v1";
constexpr std::size_t kRequestIdLength = 32;

// The domain and the message's kind, each followed by a 00.
Bytes Prefix(std::string_view kind) {
  Bytes out(kDomain.begin(), kDomain.end());
  out.push_back(0x00);
  out.insert(out.end(), kind.begin(), kind.end());
  out.push_back(0x00);
  return out;
}

Status CheckSize(ByteView value, std::size_t size, const char* what) {
  if (value.size() == size) return Status::Ok();
  return Status::InvalidArgument(std::string(what) + " is " + std::to_string(value.size()) +
                                 " bytes, not " + std::to_string(size));
}

}  // namespace

Result<Bytes> PopMessage(ByteView nonce, ByteView exporter, ByteView device_spki) {
  TESSERA_RETURN_IF_ERROR(CheckSize(nonce, kNonceBytes, "the challenge's nonce"));
  TESSERA_RETURN_IF_ERROR(CheckSize(exporter, kExporterBytes, "the TLS exporter"));
  if (device_spki.empty()) return Status::InvalidArgument("the device key is empty");
  Bytes out = Prefix("request");
  out.insert(out.end(), nonce.begin(), nonce.end());
  out.insert(out.end(), exporter.begin(), exporter.end());
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(device_spki.data(), device_spki.size(), digest);
  out.insert(out.end(), digest, digest + sizeof digest);
  return out;
}

Result<Bytes> PollMessage(std::string_view request_id, ByteView exporter) {
  if (!IsRequestId(request_id)) {
    return Status::InvalidArgument("'" + std::string(request_id) +
                                   "' is not a request ID (32 lower-case hex characters)");
  }
  TESSERA_RETURN_IF_ERROR(CheckSize(exporter, kExporterBytes, "the TLS exporter"));
  Bytes out = Prefix("poll");
  out.insert(out.end(), request_id.begin(), request_id.end());
  out.insert(out.end(), exporter.begin(), exporter.end());
  return out;
}

bool IsRequestId(std::string_view id) {
  return id.size() == kRequestIdLength &&
         id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Result<std::string> NormaliseCode(std::string_view typed, std::size_t length,
                                  const std::string& what) {
  // Crockford base32: 0-9 A-Z without I L O U; I, L read as 1 and O as 0.
  constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kAlphabet.find(c) == std::string_view::npos) {
      return Status::InvalidArgument("the " + what + " has a character that is not in it ('" +
                                     std::string(1, c) + "')");
    }
    out.push_back(c);
  }
  if (out.size() != length) {
    return Status::InvalidArgument("the " + what + " has " + std::to_string(length) +
                                   " characters, not " + std::to_string(out.size()));
  }
  return out;
}

std::string DisplayCode(std::string_view normalised) {
  const std::size_t half = (normalised.size() + 1) / 2;
  if (normalised.size() < 2) return std::string(normalised);
  return std::string(normalised.substr(0, half)) + "-" + std::string(normalised.substr(half));
}

}  // namespace tessera::cli::softtoken
