// Slot: writing to the token — certificates, imported and generated keys.
// PIV writes need the management key; while it is the factory default a
// user login is enough and the module authenticates it (ykcs11 does the same).
#include <algorithm>

#include "common/piv/piv_constants.hpp"
#include "common/piv/public_key.hpp"
#include "host/card/piv_client.hpp"
#include "pkcs11/core/fault.hpp"
#include "pkcs11/core/key_attributes.hpp"
#include "pkcs11/core/slot.hpp"
#include "pkcs11/drivers/piv/piv_key_slots.hpp"
#include "pkcs11/drivers/piv/piv_objects.hpp"

namespace tessera::p11 {
namespace {

namespace tp = tessera::piv;

bool SameBytes(std::optional<ByteView> a, ByteView b) {
  return a && std::equal(a->begin(), a->end(), b.begin(), b.end());
}

}  // namespace

Status Slot::EnsureWriteAccess() {
  if (write_access_) return Status::Ok();
  if (login_ != LoginState::kUser) {
    return Refuse(Fault::kUserNotLoggedIn, "writing to the token needs a login");
  }
  Status s = WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    TESSERA_ASSIGN_OR_RETURN(tp::Algorithm alg, client.GetManagementKeyAlgorithm());
    if (tp::SymmetricKeySize(alg) != sizeof tp::kDefaultManagementKey) {
      return Status::SecurityStatus("management key is not the factory default");
    }
    return client.AuthenticateManagementKey(alg, ByteView(tp::kDefaultManagementKey));
  });
  if (s.code() == Code::kSecurityStatus) {
    return Refuse(Fault::kUserNotLoggedIn,
                  "the management key is not the factory default: log in as SO to write");
  }
  TESSERA_RETURN_IF_ERROR(s);
  write_access_ = true;
  return Status::Ok();
}

Result<std::uint8_t> Slot::ChooseKeySlot(ByteView id, bool for_certificate) {
  TESSERA_RETURN_IF_ERROR(EnsureObjects({}));
  if (const piv::PivKeySlot* named = piv::SlotById(id)) return named->key_ref;
  auto& all = objects_.all();
  if (!id.empty()) {
    for (const Object& o : all) {
      if (o.where.key_ref != 0 && SameBytes(o.Get(Attr::kId), id)) return o.where.key_ref;
    }
  }
  for (const piv::PivKeySlot& slot : piv::AllKeySlots()) {
    bool used = std::any_of(all.begin(), all.end(), [&](const Object& o) {
      return o.where.key_ref == slot.key_ref &&
             (for_certificate || o.cls != ObjectClass::kCertificate);
    });
    if (!used) return slot.key_ref;
  }
  return Refuse(Fault::kDeviceMemory, "every PIV key slot is in use");
}

Status Slot::AddKeyObjects(std::uint8_t key_ref, EVP_PKEY* pub, ByteView id, ByteView label,
                           bool generated, KeyPairHandles* handles) {
  Bytes cert;
  if (const Object* c = objects_.FindAt(key_ref, ObjectClass::kCertificate)) {
    cert = Bytes(c->Get(Attr::kValue)->begin(), c->Get(Attr::kValue)->end());
  }
  piv::KeyFacts facts;
  facts.known = true;
  facts.origin = generated ? tp::KeyOrigin::kGenerated : tp::KeyOrigin::kImported;
  TESSERA_ASSIGN_OR_RETURN(std::vector<Object> made,
                           piv::KeySlotObjects(key_ref, pub, cert, facts));
  objects_.RemoveAt(key_ref, ObjectClass::kPublicKey);
  objects_.RemoveAt(key_ref, ObjectClass::kPrivateKey);
  for (Object& o : made) {
    if (o.cls == ObjectClass::kCertificate) continue;  // already cached
    if (!id.empty()) o.Set(Attr::kId, Bytes(id.begin(), id.end()));
    if (!label.empty()) o.Set(Attr::kLabel, Bytes(label.begin(), label.end()));
    const bool is_private = o.cls == ObjectClass::kPrivateKey;
    ObjectHandle h = objects_.Add(std::move(o));
    if (handles != nullptr) (is_private ? handles->private_key : handles->public_key) = h;
  }
  return Status::Ok();
}

Result<ObjectHandle> Slot::CreateCertificate(ByteView id, ByteView label, ByteView der) {
  std::lock_guard lock(mu_);
  Object cert;
  ossl::PkeyPtr key;
  if (!AddCertificateAttributes(cert, der, &key).ok()) {
    return Refuse(Fault::kAttributeValueInvalid, "CKA_VALUE is not a DER X.509 certificate");
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t key_ref, ChooseKeySlot(id, true));
  TESSERA_RETURN_IF_ERROR(EnsureWriteAccess());
  const piv::PivKeySlot* slot = piv::SlotByRef(key_ref);
  TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    return client.PutData(slot->cert_tag, piv::CertificateContainer(der));
  }));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Object> made,
                           piv::KeySlotObjects(key_ref, key.get(), der, piv::KeyFacts{}));
  objects_.RemoveAt(key_ref, ObjectClass::kCertificate);
  ObjectHandle handle = 0;
  for (Object& o : made) {
    if (o.cls != ObjectClass::kCertificate) continue;
    if (!id.empty()) o.Set(Attr::kId, Bytes(id.begin(), id.end()));
    if (!label.empty()) o.Set(Attr::kLabel, Bytes(label.begin(), label.end()));
    handle = objects_.Add(std::move(o));
  }
  return handle;
}

Result<ObjectHandle> Slot::ImportPrivateKey(ByteView id, ByteView label, EVP_PKEY* key) {
  std::lock_guard lock(mu_);
  if (!tp::AlgorithmOf(key).ok()) {
    return Refuse(Fault::kAttributeValueInvalid, "PIV cannot hold this key type or size");
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t key_ref, ChooseKeySlot(id, false));
  TESSERA_RETURN_IF_ERROR(EnsureWriteAccess());
  TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    return client.ImportKey(key_ref, key);
  }));
  KeyPairHandles handles;
  TESSERA_RETURN_IF_ERROR(AddKeyObjects(key_ref, key, id, label, false, &handles));
  return handles.private_key;
}

Result<Slot::KeyPairHandles> Slot::GenerateKeyPair(ByteView id, ByteView label,
                                                   std::uint8_t algorithm) {
  std::lock_guard lock(mu_);
  auto alg = tp::AlgorithmFromByte(algorithm);
  if (!alg || tp::IsSymmetric(*alg)) {
    return Refuse(Fault::kMechanismInvalid, "the token cannot generate this key");
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t key_ref, ChooseKeySlot(id, false));
  TESSERA_RETURN_IF_ERROR(EnsureWriteAccess());
  ossl::PkeyPtr pub;
  TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    auto made = client.GenerateKey(key_ref, *alg);
    if (made.ok()) pub = std::move(*made);
    return made.status();
  }));
  KeyPairHandles handles;
  TESSERA_RETURN_IF_ERROR(AddKeyObjects(key_ref, pub.get(), id, label, true, &handles));
  return handles;
}

}  // namespace tessera::p11
