// PivToken: reading the card's objects in stages, settling key facts, and
// destroying what PIV can delete.
#include <algorithm>
#include <set>
#include <string_view>

#include "common/piv/key_package.hpp"
#include "host/card/piv_client.hpp"
#include "pkcs11/drivers/piv/piv_key_slots.hpp"
#include "pkcs11/drivers/piv/piv_objects.hpp"
#include "pkcs11/drivers/piv/piv_token.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::piv {
namespace {

namespace tp = tessera::piv;

bool MayMatchClass(const Template& tmpl, ObjectClass cls) {
  auto wanted = FindIn(tmpl, Attr::kClass);
  if (!wanted) return true;
  auto v = AsUlong(*wanted);
  return v && *v == static_cast<unsigned long>(cls);
}

bool MayMatchApplication(const Template& tmpl, std::string_view application) {
  auto wanted = FindIn(tmpl, Attr::kApplication);
  return !wanted || std::ranges::equal(*wanted, application);
}

bool MayMatchKeys(const Template& tmpl) {
  return MayMatchClass(tmpl, ObjectClass::kPublicKey) ||
         MayMatchClass(tmpl, ObjectClass::kPrivateKey);
}

bool IsKeyPairObject(const Object& o) {
  if (o.where.token_key) return false;
  return o.cls == ObjectClass::kPublicKey || o.cls == ObjectClass::kPrivateKey;
}

}  // namespace

bool PivToken::NeedsSettling(Attr attr) { return NeedsKeyFacts(attr); }

Status PivToken::Load(host::ApduChannel& channel, const Template& tmpl) {
  host::PivClient client(channel);
  if (!certified_loaded_) {
    TESSERA_ASSIGN_OR_RETURN(std::vector<Object> found, ReadCertifiedKeys(client));
    for (auto& o : found) objects_.Add(std::move(o));
    certified_loaded_ = true;
  }
  // Data objects have no CKA_ID: a search by ID never needs them, nor a
  // search for another application's (the key package's) the containers.
  if (!data_loaded_ && MayMatchClass(tmpl, ObjectClass::kData) && !FindIn(tmpl, Attr::kId) &&
      MayMatchApplication(tmpl, "PIV")) {
    TESSERA_ASSIGN_OR_RETURN(std::vector<Object> found, ReadDataObjects(client));
    for (auto& o : found) objects_.Add(std::move(o));
    data_loaded_ = true;
  }
  TESSERA_RETURN_IF_ERROR(LoadKeyPackage(channel, tmpl));
  if (!keys_complete_ && MayMatchKeys(tmpl)) TESSERA_RETURN_IF_ERROR(LoadKeys(channel, tmpl));
  // The token's own keys only for searches that could be after them: a
  // first signature's search by its slot's CKA_ID has no APDU to spare.
  auto id = FindIn(tmpl, Attr::kId);
  const bool own_id =
      !id ||
      (id->size() == 1 && ((*id)[0] == TokenKeySlot().id || (*id)[0] == AttestationKeySlot().id));
  if (!token_keys_loaded_ && own_id &&
      (MayMatchKeys(tmpl) || MayMatchClass(tmpl, ObjectClass::kCertificate))) {
    TESSERA_ASSIGN_OR_RETURN(std::vector<Object> found, ReadTokenKeys(client));
    for (auto& o : found) objects_.Add(std::move(o));
    token_keys_loaded_ = true;
  }
  if (MayMatchClass(tmpl, ObjectClass::kSecretKey)) {
    TESSERA_RETURN_IF_ERROR(EnsureSecretKeysLoaded(channel));
  }
  return Status::Ok();
}

Status PivToken::LoadKeys(host::ApduChannel& channel, const Template& tmpl) {
  std::set<std::uint8_t> skip;  // key slots whose objects are cached
  for (const Object& o : objects_.all()) {
    if (IsKeyPairObject(o)) skip.insert(o.where.key_ref);
  }
  // Keys not read yet still carry their slot's CKA_ID (IDs change only on
  // cached objects), so a search by CKA_ID needs at most that one slot: the
  // APDU budget of a first signature has no room for 20 GET METADATA.
  auto wanted_id = FindIn(tmpl, Attr::kId);
  const PivKeySlot* only = wanted_id ? SlotById(*wanted_id) : nullptr;
  if (wanted_id && (only == nullptr || skip.count(only->key_ref) != 0)) return Status::Ok();
  if (only != nullptr) {
    for (const PivKeySlot& slot : AllKeySlots()) {
      if (slot.key_ref != only->key_ref) skip.insert(slot.key_ref);
    }
  }
  host::PivClient client(channel);
  TESSERA_ASSIGN_OR_RETURN(std::vector<Object> found, ReadUncertifiedKeys(client, skip));
  for (auto& o : found) objects_.Add(std::move(o));
  keys_complete_ = only == nullptr;
  return Status::Ok();
}

// Both key objects of a slot learn the facts from one GET METADATA.
Status PivToken::Settle(host::ApduChannel& channel, Object& object) {
  if (!IsKeyPairObject(object) || object.where.key_ref == 0) return Status::Ok();
  auto settled = object.Get(Attr::kKeyGenMechanism);
  if (object.Flag(Attr::kLocal) || (settled && AsUlong(*settled) != kUnavailable)) {
    return Status::Ok();
  }
  host::PivClient client(channel);
  TESSERA_ASSIGN_OR_RETURN(KeyFacts facts, ReadKeyFacts(client, object.where.key_ref));
  const std::uint8_t key_ref = object.where.key_ref;
  for (ObjectClass cls : {ObjectClass::kPublicKey, ObjectClass::kPrivateKey}) {
    if (Object* o = objects_.FindAt(key_ref, cls)) ApplyKeyFacts(*o, facts);
  }
  if (&object != objects_.FindAt(key_ref, object.cls)) ApplyKeyFacts(object, facts);
  return Status::Ok();
}

Status PivToken::Destroy(host::ApduChannel& channel, ObjectHandle handle, bool user_logged_in) {
  Object* o = objects_.Find(handle);
  if (o == nullptr) return Refuse(Fault::kObjectHandleInvalid, "no such object");
  if (o->where.token_key) {
    return Refuse(Fault::kActionProhibited, "the token's own keys and certificates stay");
  }
  const bool package = o->cls == ObjectClass::kData && o->where.container == tp::kKeyPackageObject;
  if (o->cls == ObjectClass::kData && !package) {
    return Refuse(Fault::kActionProhibited, "the PIV data containers stay");
  }
  if (o->cls != ObjectClass::kCertificate && o->cls != ObjectClass::kSecretKey && !package) {
    return Refuse(Fault::kActionProhibited, "PIV keys cannot be deleted, only replaced");
  }
  // PUT DATA and F4 05 need the management key.
  TESSERA_RETURN_IF_ERROR(EnsureWriteAccess(channel, user_logged_in));
  o = objects_.Find(handle);
  if (package) return DestroyKeyPackage(channel, handle);
  if (o->cls == ObjectClass::kSecretKey) {
    host::PivClient client(channel);
    TESSERA_RETURN_IF_ERROR(client.DeleteSecretKey(o->where.key_ref));
    objects_.Remove(handle);
    return Status::Ok();
  }
  if (o->cls != ObjectClass::kCertificate || o->where.container == 0) {
    return Refuse(Fault::kActionProhibited, "PIV keys cannot be deleted, only replaced");
  }
  const std::uint32_t container = o->where.container;
  const std::uint8_t key_ref = o->where.key_ref;
  host::PivClient client(channel);
  TESSERA_RETURN_IF_ERROR(client.PutData(container, {}));
  objects_.Remove(handle);
  return SyncKeyHistory(channel, key_ref);
}

// The key history object (SP 800-73-4 Part 1 §3.3.2, Appendix A) counts the
// retired slots with on-card certificates, and readers look at that many
// retired slots from 82 on. A certificate in a retired slot beyond the count
// would vanish at the next insertion, so the count covers the highest
// retired slot holding one.
Status PivToken::SyncKeyHistory(host::ApduChannel& channel, std::uint8_t key_ref) {
  if (!IsRetiredKeySlot(key_ref)) return Status::Ok();
  int count = 0;
  auto retired = AllKeySlots().subspan(StandardKeySlots().size());
  for (std::size_t i = 0; i < retired.size(); ++i) {
    if (objects_.FindAt(retired[i].key_ref, ObjectClass::kCertificate) != nullptr) {
      count = static_cast<int>(i) + 1;
    }
  }
  host::PivClient client(channel);
  return WriteRetiredCertificateCount(client, count);
}

}  // namespace tessera::p11::piv
