// The messages of the registration protocol (seed 001, issue 14;
// docs/registration-protocol.md), one codec for the token, the gateway and
// the CLI.
//
// Each message is BER-TLV with one-byte tags: a constructed tag holding its
// fields, except A2, which is the constructed challenge followed by the
// server's MAC (tag 91). Decoding is strict, because the transcript hashes
// the exact bytes: the fields come in the order written, each once, with a
// length in its range; an unknown, repeated, missing or misplaced tag, a
// trailing byte, or an encoding other than the canonical one (the shortest
// length form) is kInvalidArgument naming the message and the field.
//
//   R0 RegHello      E1 { 70 certificate, 80 Ns, 81 H(template), 82 time, 83 registration ID }
//   R1 RegRequest    E2 { 86 Ec, 87 C1 }
//   R2 RegAnswer     E3 { 88 C2 }
//   R3 RegConfirm    E4 { 8D Mconf }
//   A1 AuthHello     E5 { 8A UIDC, 8E Nc, 86 Ec }
//   A2 AuthChallenge E6 { 90 session ID, 80 Ns, 86 Es } 91 Ms
//   A3 AuthFinish    E7 { 92 Mc }
//   inside C1: 89 SSK1, 85 user identification
//   inside C2: 8B SSK2, 8A UIDC [, 8C access path]
//
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::registration {

namespace tag {
inline constexpr std::uint8_t kRegHello = 0xE1;
inline constexpr std::uint8_t kRegRequest = 0xE2;
inline constexpr std::uint8_t kRegAnswer = 0xE3;
inline constexpr std::uint8_t kRegConfirm = 0xE4;
inline constexpr std::uint8_t kAuthHello = 0xE5;
inline constexpr std::uint8_t kAuthChallenge = 0xE6;
inline constexpr std::uint8_t kAuthFinish = 0xE7;
inline constexpr std::uint8_t kCertificate = 0x70;
inline constexpr std::uint8_t kServerNonce = 0x80;
inline constexpr std::uint8_t kTemplateHash = 0x81;
inline constexpr std::uint8_t kServerTime = 0x82;
inline constexpr std::uint8_t kRegistrationId = 0x83;
inline constexpr std::uint8_t kUserInfo = 0x85;
inline constexpr std::uint8_t kEphemeralKey = 0x86;
inline constexpr std::uint8_t kRequestSealed = 0x87;
inline constexpr std::uint8_t kAnswerSealed = 0x88;
inline constexpr std::uint8_t kSsk1 = 0x89;
inline constexpr std::uint8_t kUidc = 0x8A;
inline constexpr std::uint8_t kSsk2 = 0x8B;
inline constexpr std::uint8_t kAccessPath = 0x8C;
inline constexpr std::uint8_t kConfirmMac = 0x8D;
inline constexpr std::uint8_t kClientNonce = 0x8E;
inline constexpr std::uint8_t kSessionId = 0x90;
inline constexpr std::uint8_t kServerMac = 0x91;
inline constexpr std::uint8_t kClientMac = 0x92;
}  // namespace tag

// Field sizes and ranges.
inline constexpr std::size_t kNonceSize = 32;
inline constexpr std::size_t kPointSize = 65;  // P-256, uncompressed (04 || X || Y)
inline constexpr std::size_t kRegistrationIdSize = 16;
inline constexpr std::size_t kSessionIdSize = 16;
inline constexpr std::size_t kMaxCertificate = 2048;
inline constexpr std::size_t kMaxUserInfo = 1024;
inline constexpr std::size_t kMinUidc = 8;
inline constexpr std::size_t kMaxUidc = 28;
inline constexpr std::size_t kMaxAccessPath = 64;

struct RegHello {                 // R0, server -> client
  Bytes certificate;              // the server's X.509 certificate, DER
  Bytes server_nonce;             // Ns
  Bytes template_hash;            // SHA-256 of the registration template
  std::uint64_t server_time = 0;  // Unix seconds, informative
  Bytes registration_id;
};
struct RegRequest {     // R1, token -> server
  Bytes ephemeral_key;  // Ec
  Bytes sealed;         // C1
};
struct RegAnswer {  // R2, server -> token
  Bytes sealed;     // C2
};
struct RegConfirm {  // R3, token -> server
  Bytes mac;         // Mconf
};
struct AuthHello {  // A1, token -> server
  std::string uidc;
  Bytes client_nonce;   // Nc
  Bytes ephemeral_key;  // Ec
};
struct AuthChallenge {  // A2, server -> token
  Bytes session_id;
  Bytes server_nonce;   // Ns
  Bytes ephemeral_key;  // Es
  Bytes mac;            // Ms, over the transcript up to the challenge body
};
struct AuthFinish {  // A3, token -> server
  Bytes mac;         // Mc
};
struct RequestSecrets {  // C1's plaintext
  SecureBytes ssk1;
  Bytes user_info;  // the user identification, opaque to the token
};
struct AnswerSecrets {  // C2's plaintext
  SecureBytes ssk2;
  std::string uidc;
  std::string access_path;  // may be empty
};

Bytes Encode(const RegHello& m);
Bytes Encode(const RegRequest& m);
Bytes Encode(const RegAnswer& m);
Bytes Encode(const RegConfirm& m);
Bytes Encode(const AuthHello& m);
// The whole A2: the challenge body, then 91 Ms.
Bytes Encode(const AuthChallenge& m);
// E6 { ... } alone, what Ms covers.
Bytes EncodeChallengeBody(const AuthChallenge& m);
Bytes Encode(const AuthFinish& m);
SecureBytes Encode(const RequestSecrets& m);
SecureBytes Encode(const AnswerSecrets& m);

[[nodiscard]] Result<RegHello> DecodeRegHello(ByteView data);
[[nodiscard]] Result<RegRequest> DecodeRegRequest(ByteView data);
[[nodiscard]] Result<RegAnswer> DecodeRegAnswer(ByteView data);
[[nodiscard]] Result<RegConfirm> DecodeRegConfirm(ByteView data);
[[nodiscard]] Result<AuthHello> DecodeAuthHello(ByteView data);
[[nodiscard]] Result<AuthChallenge> DecodeAuthChallenge(ByteView data);
[[nodiscard]] Result<AuthFinish> DecodeAuthFinish(ByteView data);
[[nodiscard]] Result<RequestSecrets> DecodeRequestSecrets(ByteView data);
[[nodiscard]] Result<AnswerSecrets> DecodeAnswerSecrets(ByteView data);

// A user ID code: 8 to 28 characters of the RFC 4648 base32 alphabet
// (A-Z, 2-7).
bool IsValidUidc(std::string_view uidc);

}  // namespace tessera::registration
