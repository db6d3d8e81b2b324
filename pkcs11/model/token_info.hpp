// TokenInfo: what the module knows of the token in a slot, as the driver read
// it from the card. The api layer turns it into CK_TOKEN_INFO; nothing here
// is a PKCS#11 type. A plain value.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace tessera::p11 {

struct TokenInfo {
  std::string label;
  std::string model;
  std::string serial;  // decimal, as the card reports it
  std::uint32_t serial_number = 0;
  std::array<std::uint8_t, 3> firmware{};
  std::size_t min_pin_length = 6;
  // The user's PIN is 6 to 8 characters; the SO's is the management key in
  // hex, 32 to 64 (AES-128 to AES-256; 48 for 3DES).
  std::size_t max_pin_length = 64;
  int pin_max_tries = 0;
  int pin_tries_left = 0;
  bool pin_is_default = false;
};

}  // namespace tessera::p11
