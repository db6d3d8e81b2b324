#include "pkcs11/model/attribute_rules.hpp"

#include <array>
#include <cctype>

#include "pkcs11/model/fault.hpp"

namespace tessera::p11 {
namespace {

// Which objects carry an attribute.
enum Carrier : std::uint16_t {
  kData = 1 << 0,
  kCert = 1 << 1,
  kPub = 1 << 2,
  kPriv = 1 << 3,
  kSecret = 1 << 4,
  kKeys = kPub | kPriv | kSecret,
  kAsym = kPub | kPriv,
  kStorage = kData | kCert | kKeys,
};
// Which key types, for key-type specific attributes.
enum Types : std::uint8_t {
  kAnyType = 0,
  kRsaOnly = 1,
  kEcAny = 2,  // EC, Edwards, Montgomery
};

struct Row {
  Attr attr;
  AttrKind kind;
  std::uint16_t carriers;
  Types types;
  bool token_only;
  bool modifiable;
  bool secret;
  OneWay one_way;
};

using K = AttrKind;
constexpr OneWay kN = OneWay::kNone;

// PKCS#11 3.0 base spec §4.4 (storage), §4.5 (data), §4.6 (certificates),
// §4.7 (keys), §4.8 (public keys), §4.9 (private keys), §4.10 (secret keys);
// RSA and EC attributes from the current mechanisms spec §2.1.2-§2.1.3 and
// §2.3.3-§2.3.8.
constexpr std::array<Row, 62> kRows = {{
    {Attr::kClass, K::kUlong, kStorage, kAnyType, false, false, false, kN},
    {Attr::kToken, K::kBool, kStorage, kAnyType, false, false, false, kN},
    {Attr::kPrivate, K::kBool, kStorage, kAnyType, false, false, false, kN},
    {Attr::kModifiable, K::kBool, kStorage, kAnyType, false, false, false, kN},
    {Attr::kLabel, K::kBytes, kStorage, kAnyType, false, true, false, kN},
    {Attr::kCopyable, K::kBool, kStorage, kAnyType, false, true, false, OneWay::kOnlyToFalse},
    {Attr::kDestroyable, K::kBool, kStorage, kAnyType, false, true, false, kN},
    {Attr::kUniqueId, K::kBytes, kStorage, kAnyType, true, false, false, kN},
    {Attr::kApplication, K::kBytes, kData, kAnyType, false, true, false, kN},
    {Attr::kObjectId, K::kBytes, kData, kAnyType, false, true, false, kN},
    {Attr::kValue, K::kBytes, kData | kCert | kSecret, kAnyType, false, false, false, kN},
    {Attr::kCertificateType, K::kUlong, kCert, kAnyType, false, false, false, kN},
    {Attr::kTrusted, K::kBool, kCert | kPub | kSecret, kAnyType, false, true, false, kN},
    {Attr::kCertificateCategory, K::kUlong, kCert, kAnyType, false, false, false, kN},
    {Attr::kCheckValue, K::kBytes, kCert | kSecret, kAnyType, false, false, false, kN},
    {Attr::kStartDate, K::kDate, kCert | kKeys, kAnyType, false, true, false, kN},
    {Attr::kEndDate, K::kDate, kCert | kKeys, kAnyType, false, true, false, kN},
    {Attr::kPublicKeyInfo, K::kBytes, kCert | kAsym, kAnyType, false, false, false, kN},
    {Attr::kSubject, K::kBytes, kCert | kAsym, kAnyType, false, true, false, kN},
    {Attr::kIssuer, K::kBytes, kCert, kAnyType, false, true, false, kN},
    {Attr::kSerialNumber, K::kBytes, kCert, kAnyType, false, true, false, kN},
    {Attr::kUrl, K::kBytes, kCert, kAnyType, false, false, false, kN},
    {Attr::kHashOfSubjectPublicKey, K::kBytes, kCert, kAnyType, false, false, false, kN},
    {Attr::kHashOfIssuerPublicKey, K::kBytes, kCert, kAnyType, false, false, false, kN},
    {Attr::kNameHashAlgorithm, K::kUlong, kCert, kAnyType, false, false, false, kN},
    {Attr::kJavaMidpSecurityDomain, K::kUlong, kCert, kAnyType, false, false, false, kN},
    {Attr::kKeyType, K::kUlong, kKeys, kAnyType, false, false, false, kN},
    {Attr::kId, K::kBytes, kKeys | kCert, kAnyType, false, true, false, kN},
    {Attr::kDerive, K::kBool, kKeys, kAnyType, false, true, false, kN},
    {Attr::kLocal, K::kBool, kKeys, kAnyType, true, false, false, kN},
    {Attr::kKeyGenMechanism, K::kUlong, kKeys, kAnyType, true, false, false, kN},
    {Attr::kAllowedMechanisms, K::kUlongList, kKeys, kAnyType, false, false, false, kN},
    {Attr::kEncrypt, K::kBool, kPub | kSecret, kAnyType, false, true, false, kN},
    {Attr::kVerify, K::kBool, kPub | kSecret, kAnyType, false, true, false, kN},
    {Attr::kVerifyRecover, K::kBool, kPub, kAnyType, false, true, false, kN},
    {Attr::kWrap, K::kBool, kPub | kSecret, kAnyType, false, true, false, kN},
    {Attr::kDecrypt, K::kBool, kPriv | kSecret, kAnyType, false, true, false, kN},
    {Attr::kSign, K::kBool, kPriv | kSecret, kAnyType, false, true, false, kN},
    {Attr::kSignRecover, K::kBool, kPriv, kAnyType, false, true, false, kN},
    {Attr::kUnwrap, K::kBool, kPriv | kSecret, kAnyType, false, true, false, kN},
    {Attr::kSensitive, K::kBool, kPriv | kSecret, kAnyType, false, true, false,
     OneWay::kOnlyToTrue},
    {Attr::kExtractable, K::kBool, kPriv | kSecret, kAnyType, false, true, false,
     OneWay::kOnlyToFalse},
    {Attr::kAlwaysSensitive, K::kBool, kPriv | kSecret, kAnyType, true, false, false, kN},
    {Attr::kNeverExtractable, K::kBool, kPriv | kSecret, kAnyType, true, false, false, kN},
    {Attr::kWrapWithTrusted, K::kBool, kPriv | kSecret, kAnyType, false, true, false,
     OneWay::kOnlyToTrue},
    {Attr::kAlwaysAuthenticate, K::kBool, kPriv, kAnyType, false, false, false, kN},
    {Attr::kValueLen, K::kUlong, kSecret, kAnyType, false, false, false, kN},
    {Attr::kTesseraExportDerived, K::kBool, kSecret, kAnyType, false, false, false, kN},
    {Attr::kModulus, K::kBytes, kAsym, kRsaOnly, false, false, false, kN},
    {Attr::kModulusBits, K::kUlong, kPub, kRsaOnly, false, false, false, kN},
    {Attr::kPublicExponent, K::kBytes, kAsym, kRsaOnly, false, false, false, kN},
    {Attr::kPrivateExponent, K::kBytes, kPriv, kRsaOnly, false, false, true, kN},
    {Attr::kPrime1, K::kBytes, kPriv, kRsaOnly, false, false, true, kN},
    {Attr::kPrime2, K::kBytes, kPriv, kRsaOnly, false, false, true, kN},
    {Attr::kExponent1, K::kBytes, kPriv, kRsaOnly, false, false, true, kN},
    {Attr::kExponent2, K::kBytes, kPriv, kRsaOnly, false, false, true, kN},
    {Attr::kCoefficient, K::kBytes, kPriv, kRsaOnly, false, false, true, kN},
    {Attr::kEcParams, K::kBytes, kAsym, kEcAny, false, false, false, kN},
    {Attr::kEcPoint, K::kBytes, kPub, kEcAny, false, false, false, kN},
    // Footnote 7 applies to a secret or EC private key's CKA_VALUE; the
    // data-object and certificate rows above are plain values.
    {Attr::kValue, K::kBytes, kPriv, kEcAny, false, false, true, kN},
    {Attr::kValue, K::kBytes, kSecret, kAnyType, false, false, true, kN},
    {Attr::kOwner, K::kBytes, kCert, kAnyType, false, true, false, kN},
}};

std::uint16_t CarrierOf(ObjectClass cls) {
  switch (cls) {
    case ObjectClass::kData: return kData;
    case ObjectClass::kCertificate: return kCert;
    case ObjectClass::kPublicKey: return kPub;
    case ObjectClass::kPrivateKey: return kPriv;
    case ObjectClass::kSecretKey: return kSecret;
  }
  return 0;
}

bool TypeFits(Types types, std::optional<KeyType> type) {
  if (types == kAnyType || !type) return true;
  if (types == kRsaOnly) return *type == KeyType::kRsa;
  return *type == KeyType::kEc || *type == KeyType::kEcEdwards || *type == KeyType::kEcMontgomery;
}

bool IsDigits(ByteView v) {
  for (std::uint8_t c : v) {
    if (std::isdigit(c) == 0) return false;
  }
  return true;
}

}  // namespace

AttrRule RuleFor(ObjectClass cls, Attr attr, std::optional<KeyType> type) {
  const std::uint16_t carrier = CarrierOf(cls);
  AttrRule rule;
  // The last matching row wins: the key-material rows of CKA_VALUE follow
  // the plain one.
  for (const Row& row : kRows) {
    if (row.attr != attr || (row.carriers & carrier) == 0 || !TypeFits(row.types, type)) continue;
    rule.applies = true;
    rule.kind = row.kind;
    rule.token_only = row.token_only;
    rule.modifiable = row.modifiable;
    rule.secret = row.secret;
    rule.one_way = row.one_way;
    rule.so_only = attr == Attr::kTrusted;
  }
  return rule;
}

Status CheckAttributeValue(Attr attr, AttrKind kind, ByteView value) {
  bool ok = true;
  switch (kind) {
    case AttrKind::kBool: ok = value.size() == 1; break;
    case AttrKind::kUlong: ok = value.size() == sizeof(unsigned long); break;
    // CK_DATE: "YYYYMMDD" digits, or empty for "no date" (§3.3).
    case AttrKind::kDate: ok = value.empty() || (value.size() == 8 && IsDigits(value)); break;
    case AttrKind::kUlongList: ok = value.size() % sizeof(unsigned long) == 0; break;
    case AttrKind::kBytes: break;
  }
  if (ok) return Status::Ok();
  return Refuse(Fault::kAttributeValueInvalid,
                std::string("bad value for ") + std::string(AttrName(attr)));
}

}  // namespace tessera::p11
