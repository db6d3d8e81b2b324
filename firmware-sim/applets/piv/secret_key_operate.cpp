// SECRET KEY OPERATE (INS F5, docs/piv-extensions.md "F5"): the list of
// secret keys, and one table row per operation on a key: which usage bit it
// needs, which key type, and the function that does it. The checks run in
// the documented order: P1/P2 (6A86), an empty slot (6A88), the key's PIN
// policy (6982), its usage (6985), its type (6985), then the data (6A80).
#include <array>

#include "common/piv/secret_keys.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/secret_key_crypto.hpp"
#include "firmware-sim/applets/piv/secret_key_store.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace secret = piv::secret;
namespace op = secret::operate;
namespace usage = secret::usage;

enum class KeyKind { kAes, kGeneric, kAny };

struct Operation {
  std::uint8_t p1;
  std::uint16_t usage;
  KeyKind kind;
  Result<Bytes> (*run)(const SecretKeyRecord& key, const CommandApdu& apdu);
};

constexpr std::array<Operation, 11> kOperations = {{
    {op::kCmacSign, usage::kSign, KeyKind::kAes, SecretKeyMac},
    {op::kCmacVerify, usage::kVerify, KeyKind::kAes, SecretKeyVerify},
    {op::kHmacSha256Sign, usage::kSign, KeyKind::kGeneric, SecretKeyMac},
    {op::kHmacSha256Verify, usage::kVerify, KeyKind::kGeneric, SecretKeyVerify},
    {op::kHmacSha384Sign, usage::kSign, KeyKind::kGeneric, SecretKeyMac},
    {op::kHmacSha384Verify, usage::kVerify, KeyKind::kGeneric, SecretKeyVerify},
    {op::kHmacSha512Sign, usage::kSign, KeyKind::kGeneric, SecretKeyMac},
    {op::kHmacSha512Verify, usage::kVerify, KeyKind::kGeneric, SecretKeyVerify},
    {op::kGcmEncrypt, usage::kEncrypt, KeyKind::kAes, SecretKeyGcmEncrypt},
    {op::kGcmDecrypt, usage::kDecrypt, KeyKind::kAes, SecretKeyGcmDecrypt},
    {op::kHkdf, usage::kExportDerived, KeyKind::kAny, SecretKeyHkdf},
}};

const Operation* FindOperation(std::uint8_t p1) {
  for (const Operation& o : kOperations) {
    if (o.p1 == p1) return &o;
  }
  return nullptr;
}

bool KindMatches(KeyKind kind, secret::KeyType type) {
  switch (kind) {
    case KeyKind::kAes: return secret::IsAes(type);
    case KeyKind::kGeneric: return !secret::IsAes(type);
    case KeyKind::kAny: return true;
  }
  return false;
}

// P1 00, P2 00: A0 { metadata with 0D } per key, in slot order. No PIN: the
// list describes keys, it does not use them.
Result<Bytes> List(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p2 != 0x00) return Status::IncorrectP1P2("the list needs P2 00");
  if (!apdu.data.empty()) return Status::InvalidArgument("the list takes no data");
  Bytes out;
  for (unsigned slot = secret::kFirstSlot; slot <= secret::kLastSlot; ++slot) {
    const auto ref = static_cast<std::uint8_t>(slot);
    TESSERA_ASSIGN_OR_RETURN(std::optional<SecretKeyRecord> record,
                             LoadSecretKey(c.storage(), ref));
    if (record) AppendTlv(out, secret::tag::kListEntry, EncodeSecretMetadata(*record, ref));
  }
  return out;
}

}  // namespace

Result<Bytes> HandleSecretKeyOperate(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p1 == op::kList) return List(c, apdu);
  const Operation* operation = FindOperation(apdu.p1);
  if (operation == nullptr || !secret::IsSlot(apdu.p2)) {
    return Status::IncorrectP1P2("SECRET KEY OPERATE needs a known P1 and a secret-key slot");
  }
  TESSERA_ASSIGN_OR_RETURN(SecretKeyRecord key, RequireSecretKey(c.storage(), apdu.p2));
  TESSERA_RETURN_IF_ERROR(CheckPinPolicy(c, key.pin_policy));
  if (!key.Allows(operation->usage)) {
    return Status::ConditionsNotSatisfied("the key's usage does not allow this operation");
  }
  if (!KindMatches(operation->kind, key.type)) {
    return Status::ConditionsNotSatisfied("the operation needs another key type");
  }
  c.Charge(Cost::kSymmetric);
  Result<Bytes> result = operation->run(key, apdu);
  // A verification that fails has still used the key.
  if (result.ok() || result.status().code() == Code::kSignatureInvalid) {
    ConsumePinPolicy(c, key.pin_policy);
  }
  return result;
}

}  // namespace tessera::sim::piv_applet
