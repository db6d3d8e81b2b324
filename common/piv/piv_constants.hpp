// PIV constants shared by the token (firmware-sim) and its hosts: instruction
// codes, key references, algorithm identifiers and data object tags.
//
// Sources: SP 800-73-4 Part 1 §3 and Part 2 §3 (tags, key references, INS);
// SP 800-78-4 Table 6-2 (algorithm identifiers); the YubiKey PIV extensions
// as yubico-piv-tool 2.x uses them (INS F7..FF, algorithms 05, 16, E0, E1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"

namespace tessera::piv {

// AID of the PIV application: NIST RID A0 00 00 03 08, PIX 00 00 10 00 01 00.
inline constexpr std::uint8_t kAid[] = {0xA0, 0x00, 0x00, 0x03, 0x08, 0x00,
                                        0x00, 0x10, 0x00, 0x01, 0x00};

namespace ins {
inline constexpr std::uint8_t kSelect = 0xA4;
inline constexpr std::uint8_t kGetResponse = 0xC0;
inline constexpr std::uint8_t kVerify = 0x20;
inline constexpr std::uint8_t kChangeReference = 0x24;
inline constexpr std::uint8_t kResetRetryCounter = 0x2C;
inline constexpr std::uint8_t kGenerateAsymmetric = 0x47;
inline constexpr std::uint8_t kGeneralAuthenticate = 0x87;
inline constexpr std::uint8_t kGetData = 0xCB;
inline constexpr std::uint8_t kPutData = 0xDB;
// YubiKey extensions.
inline constexpr std::uint8_t kGetMetadata = 0xF7;
inline constexpr std::uint8_t kGetSerial = 0xF8;
inline constexpr std::uint8_t kAttest = 0xF9;
inline constexpr std::uint8_t kSetPinRetries = 0xFA;
inline constexpr std::uint8_t kReset = 0xFB;
inline constexpr std::uint8_t kGetVersion = 0xFD;
inline constexpr std::uint8_t kImportKey = 0xFE;
inline constexpr std::uint8_t kSetManagementKey = 0xFF;
// Tessera extensions (docs/piv-extensions.md).
inline constexpr std::uint8_t kUnwrapAndStore = 0xF2;    // seed 000: a key wrapped to F0
inline constexpr std::uint8_t kSecretKeyManage = 0xF4;   // seed 001: import/generate/derive/delete
inline constexpr std::uint8_t kSecretKeyOperate = 0xF5;  // seed 001: MAC, AES-GCM, HKDF, list
inline constexpr std::uint8_t kRegistration = 0xF3;      // seed 001: register and log in (issue 14)
// The name F4 had while it was reserved; kept for existing callers.
inline constexpr std::uint8_t kSecretKeyImport = kSecretKeyManage;
}  // namespace ins

namespace key {
inline constexpr std::uint8_t kPin = 0x80;
inline constexpr std::uint8_t kPuk = 0x81;
inline constexpr std::uint8_t kAuthentication = 0x9A;
inline constexpr std::uint8_t kManagement = 0x9B;
inline constexpr std::uint8_t kSignature = 0x9C;
inline constexpr std::uint8_t kKeyManagement = 0x9D;
inline constexpr std::uint8_t kCardAuthentication = 0x9E;
inline constexpr std::uint8_t kRetiredFirst = 0x82;
inline constexpr std::uint8_t kRetiredLast = 0x95;
inline constexpr std::uint8_t kAttestation = 0xF9;  // YubiKey attestation key
inline constexpr std::uint8_t kTokenKey = 0xF0;     // Tessera token key pair (seed 000)
}  // namespace key

enum class Algorithm : std::uint8_t {
  kTdes = 0x03,
  kAes128 = 0x08,
  kAes192 = 0x0A,
  kAes256 = 0x0C,
  kRsa1024 = 0x06,
  kRsa2048 = 0x07,
  kRsa3072 = 0x05,
  kRsa4096 = 0x16,
  kEccP256 = 0x11,
  kEccP384 = 0x14,
  kEd25519 = 0xE0,
  kX25519 = 0xE1,
};

std::optional<Algorithm> AlgorithmFromByte(std::uint8_t b);
bool IsSymmetric(Algorithm a);
bool IsRsa(Algorithm a);
bool IsEcdsaCurve(Algorithm a);             // P-256, P-384
std::size_t RsaBits(Algorithm a);           // 0 for non-RSA
std::size_t SymmetricKeySize(Algorithm a);  // 0 for asymmetric
std::size_t BlockSize(Algorithm a);         // 8 for 3DES, 16 for AES
std::string_view AlgorithmName(Algorithm a);

// YubiKey PIN and touch policies (GENERATE tag AA/AB, IMPORT, GET METADATA 02).
enum class PinPolicy : std::uint8_t { kDefault = 0, kNever = 1, kOnce = 2, kAlways = 3 };
enum class TouchPolicy : std::uint8_t { kDefault = 0, kNever = 1, kAlways = 2, kCached = 3 };
// GET METADATA tag 03. kDerived only for secret keys (docs/piv-extensions.md);
// a key that arrived wrapped (F2) counts as kImported.
enum class KeyOrigin : std::uint8_t { kGenerated = 1, kImported = 2, kDerived = 3 };

// Data object tags (SP 800-73-4 Part 1 Table 3) and YubiKey objects.
namespace tag {
inline constexpr std::uint32_t kCardCapabilityContainer = 0x5FC107;
inline constexpr std::uint32_t kChuid = 0x5FC102;
inline constexpr std::uint32_t kCertAuthentication = 0x5FC105;  // 9A
inline constexpr std::uint32_t kFingerprints = 0x5FC103;
inline constexpr std::uint32_t kSecurityObject = 0x5FC106;
inline constexpr std::uint32_t kFacialImage = 0x5FC108;
inline constexpr std::uint32_t kPrintedInformation = 0x5FC109;
inline constexpr std::uint32_t kCertSignature = 0x5FC10A;           // 9C
inline constexpr std::uint32_t kCertKeyManagement = 0x5FC10B;       // 9D
inline constexpr std::uint32_t kCertCardAuthentication = 0x5FC101;  // 9E
inline constexpr std::uint32_t kKeyHistory = 0x5FC10C;
inline constexpr std::uint32_t kRetiredCertFirst = 0x5FC10D;  // 82 .. 95 -> 5FC10D .. 5FC120
inline constexpr std::uint32_t kRetiredCertLast = 0x5FC120;
inline constexpr std::uint32_t kIris = 0x5FC121;
inline constexpr std::uint32_t kSmCertSigner = 0x5FC122;
inline constexpr std::uint32_t kPairingCodeReference = 0x5FC123;
inline constexpr std::uint32_t kDiscovery = 0x7E;
inline constexpr std::uint32_t kBiometricGroupTemplate = 0x7F61;
inline constexpr std::uint32_t kYubicoAdmin = 0x5FFF00;
inline constexpr std::uint32_t kYubicoAttestationCert = 0x5FFF01;
// Wrappers in commands and responses.
inline constexpr std::uint32_t kTagList = 0x5C;
inline constexpr std::uint32_t kData = 0x53;
inline constexpr std::uint32_t kDynamicAuth = 0x7C;
inline constexpr std::uint32_t kPublicKey = 0x7F49;
inline constexpr std::uint32_t kApplicationTemplate = 0x61;
}  // namespace tag

// F3 REGISTRATION (docs/piv-extensions.md "F3"; the messages themselves are
// common/registration/messages.hpp): P1, and the tags of the data and
// answers that sit beside the protocol's messages.
namespace registration {
inline constexpr std::uint8_t kStatus = 0x00;
inline constexpr std::uint8_t kRegisterBegin = 0x01;
inline constexpr std::uint8_t kRegisterFinish = 0x02;
inline constexpr std::uint8_t kAuthBegin = 0x03;
inline constexpr std::uint8_t kAuthFinish = 0x04;
namespace tag {
inline constexpr std::uint8_t kPinPolicy = 0x02;    // REG FINISH: K's PIN policy (1 byte)
inline constexpr std::uint8_t kHostTime = 0x84;     // REG BEGIN: u64 BE Unix seconds
inline constexpr std::uint8_t kTimeFloor = 0x84;    // status: u64 BE Unix seconds
inline constexpr std::uint8_t kUserInfo = 0x85;     // REG BEGIN: user identification
inline constexpr std::uint8_t kSessionKey = 0x93;   // AUTH FINISH: SES (32)
inline constexpr std::uint8_t kIssuerPoint = 0x95;  // status: 04 || X || Y (65)
inline constexpr std::uint8_t kIssuerKvn = 0x96;    // status: 1 byte
inline constexpr std::uint8_t kKeyMetadata = 0xA0;  // REG FINISH: K's metadata with 0D
}  // namespace tag
inline constexpr std::size_t kTimeSize = 8;
// K's label: "reg " followed by the UIDC.
inline constexpr std::string_view kLabelPrefix = "reg ";
}  // namespace registration

// Certificate object of a key reference, or nullopt (9B, PIN, unknown).
std::optional<std::uint32_t> CertObjectForKey(std::uint8_t key_ref);
bool IsAsymmetricKeyRef(std::uint8_t key_ref);  // 9A, 9C, 9D, 9E, 82..95

// Factory defaults, as on a YubiKey.
inline constexpr std::string_view kDefaultPin = "123456";
inline constexpr std::string_view kDefaultPuk = "12345678";
inline constexpr std::uint8_t kDefaultManagementKey[24] = {
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x01, 0x02, 0x03, 0x04,
    0x05, 0x06, 0x07, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
inline constexpr int kDefaultPinTries = 3;
inline constexpr int kDefaultPukTries = 3;

}  // namespace tessera::piv
