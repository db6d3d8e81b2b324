#include "pkcs11/drivers/piv/piv_secret_objects.hpp"

#include <string>

#include "common/bytes.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::piv {
namespace {

namespace secret = tessera::piv::secret;
namespace usage = secret::usage;

constexpr unsigned long kAesKeyGen = 0x1080;
constexpr unsigned long kGenericSecretKeyGen = 0x350;

KeyType ModuleType(secret::KeyType t) {
  return secret::IsAes(t) ? KeyType::kAes : KeyType::kGenericSecret;
}

std::uint16_t DefaultUsage(KeyType type) {
  if (type == KeyType::kAes)
    return usage::kSign | usage::kVerify | usage::kEncrypt | usage::kDecrypt;
  return usage::kSign | usage::kVerify;
}

// A CK_BBOOL the template gives: nullopt when absent.
std::optional<bool> Given(const Template& tmpl, Attr attr) {
  auto v = FindIn(tmpl, attr);
  if (!v) return std::nullopt;
  return AsBool(*v).value_or(false);
}

}  // namespace

Object SecretKeyObject(const host::SecretKeyInfo& info) {
  Object o;
  o.cls = ObjectClass::kSecretKey;
  o.where.key_ref = info.slot;
  o.where.algorithm = static_cast<std::uint8_t>(info.type);
  const KeyType type = ModuleType(info.type);
  const bool generated = info.origin == tessera::piv::KeyOrigin::kGenerated;
  // Derived on the card from card keys: never outside, like a generated one.
  const bool never_out = info.origin != tessera::piv::KeyOrigin::kImported;
  o.Set(Attr::kClass, UlongValue(static_cast<unsigned long>(ObjectClass::kSecretKey)));
  o.Set(Attr::kKeyType, UlongValue(static_cast<unsigned long>(type)));
  o.Set(Attr::kToken, BoolValue(true));
  o.Set(Attr::kPrivate, BoolValue(true));
  o.Set(Attr::kModifiable, BoolValue(true));
  o.Set(Attr::kCopyable, BoolValue(false));
  o.Set(Attr::kDestroyable, BoolValue(true));
  std::string label = "Secret key " + ToHex(Bytes{info.slot});
  o.Set(Attr::kLabel, info.label.empty() ? Bytes(label.begin(), label.end()) : info.label);
  o.Set(Attr::kId, info.id.empty() ? Bytes{info.slot} : info.id);
  o.Set(Attr::kStartDate, {});
  o.Set(Attr::kEndDate, {});
  o.Set(Attr::kLocal, BoolValue(generated));
  o.Set(Attr::kKeyGenMechanism,
        UlongValue(generated ? (type == KeyType::kAes ? kAesKeyGen : kGenericSecretKeyGen)
                             : kUnavailable));
  o.Set(Attr::kSensitive, BoolValue(true));
  o.Set(Attr::kExtractable, BoolValue(false));
  o.Set(Attr::kAlwaysSensitive, BoolValue(never_out));
  o.Set(Attr::kNeverExtractable, BoolValue(never_out));
  o.Set(Attr::kSign, BoolValue((info.usage & usage::kSign) != 0));
  o.Set(Attr::kVerify, BoolValue((info.usage & usage::kVerify) != 0));
  o.Set(Attr::kEncrypt, BoolValue((info.usage & usage::kEncrypt) != 0));
  o.Set(Attr::kDecrypt, BoolValue((info.usage & usage::kDecrypt) != 0));
  o.Set(Attr::kDerive, BoolValue((info.usage & usage::kDerive) != 0));
  o.Set(Attr::kTesseraExportDerived, BoolValue((info.usage & usage::kExportDerived) != 0));
  o.Set(Attr::kWrap, BoolValue(false));
  o.Set(Attr::kUnwrap, BoolValue(false));
  o.Set(Attr::kTrusted, BoolValue(false));
  o.Set(Attr::kWrapWithTrusted, BoolValue(false));
  o.Set(Attr::kValueLen, UlongValue(info.length));
  o.Set(Attr::kValue, {});  // listed, never readable: the value stays on the card
  return o;
}

Result<secret::KeyType> CardSecretType(KeyType type, std::size_t length) {
  if (type == KeyType::kAes) {
    switch (length) {
      case 16: return secret::KeyType::kAes128;
      case 24: return secret::KeyType::kAes192;
      case 32: return secret::KeyType::kAes256;
      default: return Refuse(Fault::kKeySizeRange, "AES keys are 16, 24 or 32 bytes");
    }
  }
  if (type == KeyType::kGenericSecret) {
    if (!secret::IsValidLength(secret::KeyType::kGeneric, length)) {
      return Refuse(Fault::kKeySizeRange, "the card's generic secrets are 16 to 64 bytes");
    }
    return secret::KeyType::kGeneric;
  }
  return Refuse(Fault::kTemplateInconsistent, "the card holds AES keys and generic secrets");
}

Result<host::SecretKeyAttributes> CardSecretAttributes(const Template& tmpl, KeyType type) {
  if (Given(tmpl, Attr::kSensitive) == false || Given(tmpl, Attr::kExtractable) == true ||
      Given(tmpl, Attr::kPrivate) == false || Given(tmpl, Attr::kWrap) == true ||
      Given(tmpl, Attr::kUnwrap) == true) {
    return Refuse(Fault::kTemplateInconsistent,
                  "a secret key on the card is sensitive, unextractable and private");
  }
  std::uint16_t bits = DefaultUsage(type);
  const std::pair<Attr, std::uint16_t> kFlags[] = {
      {Attr::kSign, usage::kSign},       {Attr::kVerify, usage::kVerify},
      {Attr::kEncrypt, usage::kEncrypt}, {Attr::kDecrypt, usage::kDecrypt},
      {Attr::kDerive, usage::kDerive},   {Attr::kTesseraExportDerived, usage::kExportDerived}};
  for (const auto& [attr, bit] : kFlags) {
    if (auto v = Given(tmpl, attr)) bits = *v ? (bits | bit) : (bits & ~bit);
  }
  if (type == KeyType::kGenericSecret && (bits & (usage::kEncrypt | usage::kDecrypt)) != 0) {
    return Refuse(Fault::kTemplateInconsistent, "a generic secret does not encrypt");
  }
  host::SecretKeyAttributes a;
  a.usage = bits;
  auto label = FindIn(tmpl, Attr::kLabel);
  auto id = FindIn(tmpl, Attr::kId);
  if ((label && label->size() > secret::kMaxLabel) || (id && id->size() > secret::kMaxId)) {
    return Refuse(Fault::kAttributeValueInvalid, "the card keeps labels and IDs of 32 bytes");
  }
  if (label) a.label.assign(label->begin(), label->end());
  if (id) a.id.assign(id->begin(), id->end());
  return a;
}

}  // namespace tessera::p11::piv
