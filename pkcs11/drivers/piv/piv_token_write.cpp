// PivToken: writing certificates and keys, and the private-key operations.
#include <algorithm>

#include "common/piv/cert_container.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/piv/public_key.hpp"
#include "host/card/piv_client.hpp"
#include "pkcs11/drivers/piv/piv_key_slots.hpp"
#include "pkcs11/drivers/piv/piv_objects.hpp"
#include "pkcs11/drivers/piv/piv_token.hpp"
#include "pkcs11/model/fault.hpp"
#include "pkcs11/model/key_attributes.hpp"

namespace tessera::p11::piv {
namespace {

namespace tp = tessera::piv;

// GENERAL AUTHENTICATE input tags (SP 800-73-4 Part 2 §3.2.4 Table 7):
// "challenge" for sign and decrypt, "exponentiation" for key agreement.
constexpr std::uint8_t kTagChallenge = 0x81;
constexpr std::uint8_t kTagExponentiation = 0x85;

// The PIV algorithm of a key PIV can generate (SP 800-78-4 Table 6-2 and the
// YubiKey extensions).
Result<tp::Algorithm> AlgorithmFor(const KeySpec& spec) {
  if (spec.type == KeyType::kRsa) {
    if (spec.public_exponent != Bytes{0x01, 0x00, 0x01}) {
      return Refuse(Fault::kTemplateInconsistent, "the token's public exponent is 65537");
    }
    switch (spec.rsa_bits) {
      case 1024: return tp::Algorithm::kRsa1024;
      case 2048: return tp::Algorithm::kRsa2048;
      case 3072: return tp::Algorithm::kRsa3072;
      case 4096: return tp::Algorithm::kRsa4096;
      default: return Refuse(Fault::kKeySizeRange, "RSA keys are 1024, 2048, 3072 or 4096 bits");
    }
  }
  switch (spec.curve.value_or(crypto::Curve::kP256)) {
    case crypto::Curve::kP256: return tp::Algorithm::kEccP256;
    case crypto::Curve::kP384: return tp::Algorithm::kEccP384;
    case crypto::Curve::kEd25519: return tp::Algorithm::kEd25519;
    case crypto::Curve::kX25519: return tp::Algorithm::kX25519;
  }
  return Refuse(Fault::kCurveNotSupported, "unknown curve");
}

bool SameBytes(std::optional<ByteView> a, ByteView b) {
  return a && std::equal(a->begin(), a->end(), b.begin(), b.end());
}

void Name(Object& o, ByteView id, ByteView label) {
  if (!id.empty()) o.Set(Attr::kId, Bytes(id.begin(), id.end()));
  if (!label.empty()) o.Set(Attr::kLabel, Bytes(label.begin(), label.end()));
}

}  // namespace

Result<std::uint8_t> PivToken::ChooseKeySlot(host::ApduChannel& channel, ByteView id,
                                             bool for_certificate) {
  TESSERA_RETURN_IF_ERROR(Load(channel, {}));
  if (const PivKeySlot* named = SlotById(id)) return named->key_ref;
  auto& all = objects_.all();
  if (!id.empty()) {
    for (const Object& o : all) {
      if (o.where.key_ref != 0 && IsUserKeySlot(o.where.key_ref) &&
          SameBytes(o.Get(Attr::kId), id)) {
        return o.where.key_ref;
      }
    }
  }
  for (const PivKeySlot& slot : AllKeySlots()) {
    bool used = std::any_of(all.begin(), all.end(), [&](const Object& o) {
      return o.where.key_ref == slot.key_ref &&
             (for_certificate || o.cls != ObjectClass::kCertificate);
    });
    if (!used) return slot.key_ref;
  }
  return Refuse(Fault::kDeviceMemory, "every PIV key slot is in use");
}

Status PivToken::AddKeyObjects(std::uint8_t key_ref, EVP_PKEY* pub, ByteView id, ByteView label,
                               bool generated, KeyPairHandles* handles) {
  Bytes cert;
  if (const Object* c = objects_.FindAt(key_ref, ObjectClass::kCertificate)) {
    cert = Bytes(c->Get(Attr::kValue)->begin(), c->Get(Attr::kValue)->end());
  }
  KeyFacts facts;
  facts.known = true;
  facts.origin = generated ? tp::KeyOrigin::kGenerated : tp::KeyOrigin::kImported;
  TESSERA_ASSIGN_OR_RETURN(std::vector<Object> made, KeySlotObjects(key_ref, pub, cert, facts));
  objects_.RemoveAt(key_ref, ObjectClass::kPublicKey);
  objects_.RemoveAt(key_ref, ObjectClass::kPrivateKey);
  for (Object& o : made) {
    if (o.cls == ObjectClass::kCertificate) continue;  // already cached
    Name(o, id, label);
    const bool is_private = o.cls == ObjectClass::kPrivateKey;
    ObjectHandle h = objects_.Add(std::move(o));
    if (handles != nullptr) (is_private ? handles->private_key : handles->public_key) = h;
  }
  return Status::Ok();
}

Result<ObjectHandle> PivToken::WriteCertificate(host::ApduChannel& channel, ByteView id,
                                                ByteView label, ByteView der) {
  Object probe;
  ossl::PkeyPtr key;
  if (!AddCertificateAttributes(probe, der, &key).ok()) {
    return Refuse(Fault::kAttributeValueInvalid, "CKA_VALUE is not a DER X.509 certificate");
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t key_ref, ChooseKeySlot(channel, id, true));
  const PivKeySlot* slot = SlotByRef(key_ref);
  host::PivClient client(channel);
  TESSERA_RETURN_IF_ERROR(client.PutData(slot->cert_tag, tp::EncodeCertContainer(der)));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Object> made,
                           KeySlotObjects(key_ref, key.get(), der, KeyFacts{}));
  objects_.RemoveAt(key_ref, ObjectClass::kCertificate);
  ObjectHandle handle = 0;
  for (Object& o : made) {
    if (o.cls != ObjectClass::kCertificate) continue;
    Name(o, id, label);
    handle = objects_.Add(std::move(o));
  }
  TESSERA_RETURN_IF_ERROR(SyncKeyHistory(channel, key_ref));
  return handle;
}

Result<ObjectHandle> PivToken::ImportPrivateKey(host::ApduChannel& channel, ByteView id,
                                                ByteView label, EVP_PKEY* key) {
  if (!tp::AlgorithmOf(key).ok()) {
    return Refuse(Fault::kAttributeValueInvalid, "PIV cannot hold this key type or size");
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t key_ref, ChooseKeySlot(channel, id, false));
  host::PivClient client(channel);
  TESSERA_RETURN_IF_ERROR(client.ImportKey(key_ref, key));
  KeyPairHandles handles;
  TESSERA_RETURN_IF_ERROR(AddKeyObjects(key_ref, key, id, label, false, &handles));
  return handles.private_key;
}

Result<KeyPairHandles> PivToken::GenerateKeyPair(host::ApduChannel& channel, ByteView id,
                                                 ByteView label, const KeySpec& spec) {
  TESSERA_ASSIGN_OR_RETURN(tp::Algorithm alg, AlgorithmFor(spec));
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t key_ref, ChooseKeySlot(channel, id, false));
  host::PivClient client(channel);
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr pub, client.GenerateKey(key_ref, alg));
  KeyPairHandles handles;
  TESSERA_RETURN_IF_ERROR(AddKeyObjects(key_ref, pub.get(), id, label, true, &handles));
  return handles;
}

Result<SecureBytes> PivToken::PrivateKeyOperation(host::ApduChannel& channel, ObjectHandle key,
                                                  PrivateOp op, ByteView input) {
  const Object* o = objects_.Find(key);
  if (o == nullptr || o->cls != ObjectClass::kPrivateKey) {
    return Refuse(Fault::kKeyHandleInvalid, "no such private key");
  }
  host::PivClient client(channel);
  const auto alg = static_cast<tp::Algorithm>(o->where.algorithm);
  const std::uint8_t tag = op == PrivateOp::kAgree ? kTagExponentiation : kTagChallenge;
  auto out = client.PrivateKeyOperation(o->where.key_ref, alg, tag, input);
  if (out.status().code() == Code::kSecurityStatus) {
    return Refuse(Fault::kUserNotLoggedIn, "the key needs the PIN (again) first");
  }
  return out;
}

}  // namespace tessera::p11::piv
