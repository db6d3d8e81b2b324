// The PKCS#11 vocabulary the core speaks: object classes, key types and
// attribute types as strong enums whose values are the spec's (PKCS#11 2.40
// §4 and §2.1 tables), so api/ converts with a cast and nothing else. Also
// how attribute values are encoded (CK_ULONG and CK_BBOOL as the platform's
// C types) and the one table of attribute rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"

namespace tessera::p11 {

enum class ObjectClass : std::uint64_t {
  kData = 0x0,
  kCertificate = 0x1,
  kPublicKey = 0x2,
  kPrivateKey = 0x3,
  kSecretKey = 0x4,
};

enum class KeyType : std::uint64_t {
  kRsa = 0x0,
  kEc = 0x3,
  kGenericSecret = 0x10,
  kDes3 = 0x15,
  kAes = 0x1F,
  kEcEdwards = 0x40,
  kEcMontgomery = 0x41,
  kHkdf = 0x42,
};

// Secret-key types: their CKA_VALUE is the key.
bool IsSecretKeyType(KeyType type);

enum class Attr : std::uint64_t {
  kClass = 0x0,
  kToken = 0x1,
  kPrivate = 0x2,
  kLabel = 0x3,
  kUniqueId = 0x4,
  kApplication = 0x10,
  kValue = 0x11,
  kObjectId = 0x12,
  kCertificateType = 0x80,
  kIssuer = 0x81,
  kSerialNumber = 0x82,
  kAcIssuer = 0x83,
  kOwner = 0x84,
  kAttrTypes = 0x85,
  kTrusted = 0x86,
  kCertificateCategory = 0x87,
  kJavaMidpSecurityDomain = 0x88,
  kUrl = 0x89,
  kHashOfSubjectPublicKey = 0x8A,
  kHashOfIssuerPublicKey = 0x8B,
  kNameHashAlgorithm = 0x8C,
  kCheckValue = 0x90,
  kKeyType = 0x100,
  kSubject = 0x101,
  kId = 0x102,
  kSensitive = 0x103,
  kEncrypt = 0x104,
  kDecrypt = 0x105,
  kWrap = 0x106,
  kUnwrap = 0x107,
  kSign = 0x108,
  kSignRecover = 0x109,
  kVerify = 0x10A,
  kVerifyRecover = 0x10B,
  kDerive = 0x10C,
  kStartDate = 0x110,
  kEndDate = 0x111,
  kModulus = 0x120,
  kModulusBits = 0x121,
  kPublicExponent = 0x122,
  kPrivateExponent = 0x123,
  kPrime1 = 0x124,
  kPrime2 = 0x125,
  kExponent1 = 0x126,
  kExponent2 = 0x127,
  kCoefficient = 0x128,
  kPublicKeyInfo = 0x129,
  kValueLen = 0x161,
  kExtractable = 0x162,
  kLocal = 0x163,
  kNeverExtractable = 0x164,
  kAlwaysSensitive = 0x165,
  kKeyGenMechanism = 0x166,
  kModifiable = 0x170,
  kCopyable = 0x171,
  kDestroyable = 0x172,
  kEcParams = 0x180,
  kEcPoint = 0x181,
  kAlwaysAuthenticate = 0x202,
  kWrapWithTrusted = 0x210,
  kAllowedMechanisms = 0x40000600,
  // Tessera: a token secret key's HKDF output may be returned to the host
  // (docs/piv-extensions.md usage bit 0020). CKA_VENDOR_DEFINED | "TS" 0001.
  kTesseraExportDerived = 0x80000000 | 0x54530001,
};

// CK_CERTIFICATE_TYPE CKC_X_509.
inline constexpr std::uint64_t kCertX509 = 0x0;
// CK_UNAVAILABLE_INFORMATION as a CK_ULONG.
inline constexpr unsigned long kUnavailable = ~0UL;

// Attribute values in their C encodings.
Bytes UlongValue(unsigned long v);
Bytes BoolValue(bool v);
std::optional<unsigned long> AsUlong(ByteView value);
std::optional<bool> AsBool(ByteView value);

std::string_view AttrName(Attr attr);  // "CKA_LABEL", or "CKA_0x..." when unknown

}  // namespace tessera::p11
