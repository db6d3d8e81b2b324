#include "services/softtoken/otp.hpp"

#include <openssl/rand.h>

#include <cctype>

#include "common/ossl.hpp"
#include "services/softtoken/st_common.hpp"

namespace tessera::softtoken {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kOtpLabel = "tessera softtoken otp v1";
constexpr std::string_view kComparisonLabel = "tessera softtoken comparison v1";

void Append(Bytes& out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }

void AppendWithLength(Bytes& out, ByteView data) {
  out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}

}  // namespace

std::string Crockford(ByteView data, std::size_t n) {
  std::string out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    unsigned value = 0;
    for (std::size_t bit = 5 * i; bit < 5 * i + 5; ++bit) {
      const std::size_t byte = bit / 8;
      const unsigned b = byte < data.size() ? (data[byte] >> (7 - bit % 8)) & 1U : 0U;
      value = (value << 1) | b;
    }
    out.push_back(kAlphabet[value]);
  }
  return out;
}

std::string Otp::Display() const {
  const std::string all = handle + secret;
  return all.substr(0, 5) + "-" + all.substr(5);
}

Result<Otp> MakeOtp() {
  Bytes random(7);  // 56 bits for 50
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return ossl::Error("RAND_bytes");
  }
  const std::string all = Crockford(random, kOtpLength);
  return Otp{all.substr(0, kHandleLength), all.substr(kHandleLength)};
}

Result<Otp> MakeOtpWithHandle(std::string handle) {
  TESSERA_ASSIGN_OR_RETURN(Otp otp, MakeOtp());
  otp.handle = std::move(handle);
  return otp;
}

Result<Otp> ParseOtp(std::string_view typed) {
  std::string clean;
  for (char raw : typed) {
    if (raw == '-' || raw == ' ') continue;
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kAlphabet.find(c) == std::string_view::npos || clean.size() == kOtpLength) {
      return Status::InvalidArgument(
          "a one-time password is 10 characters of 0-9 and A-Z, as the device shows it");
    }
    clean.push_back(c);
  }
  if (clean.size() != kOtpLength) {
    return Status::InvalidArgument(
        "a one-time password is 10 characters of 0-9 and A-Z, as the device shows it");
  }
  return Otp{clean.substr(0, kHandleLength), clean.substr(kHandleLength)};
}

Bytes OtpHash(std::string_view request_id, std::string_view secret) {
  Bytes input;
  Append(input, kOtpLabel);
  input.push_back(0x00);
  Append(input, request_id);
  Append(input, secret);
  return Sha256(input);
}

std::string ComparisonCode(std::string_view request_id, ByteView device_spki, ByteView id_spki,
                           ByteView match_nonce) {
  Bytes input;
  Append(input, kComparisonLabel);
  input.push_back(0x00);
  Append(input, request_id);
  input.push_back(0x00);
  AppendWithLength(input, device_spki);
  AppendWithLength(input, id_spki);
  input.insert(input.end(), match_nonce.begin(), match_nonce.end());
  return Crockford(Sha256(input), kComparisonLength);
}

std::string DisplayComparison(std::string_view code) {
  if (code.size() != kComparisonLength) return std::string(code);
  return std::string(code.substr(0, 3)) + "-" + std::string(code.substr(3));
}

std::string NormalizeComparison(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace tessera::softtoken
