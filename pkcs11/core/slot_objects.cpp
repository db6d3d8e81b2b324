// Slot: the token's objects, read from the card in stages and cached for
// the insertion (see drivers/piv/piv_objects.hpp for what each stage costs).
#include <algorithm>
#include <set>

#include "host/card/piv_client.hpp"
#include "pkcs11/core/fault.hpp"
#include "pkcs11/core/slot.hpp"
#include "pkcs11/drivers/piv/piv_key_slots.hpp"
#include "pkcs11/drivers/piv/piv_objects.hpp"

namespace tessera::p11 {
namespace {

bool MayMatchClass(const Template& tmpl, ObjectClass cls) {
  auto wanted = FindIn(tmpl, Attr::kClass);
  if (!wanted) return true;
  auto v = AsUlong(*wanted);
  return v && *v == static_cast<unsigned long>(cls);
}

bool MayMatchKeys(const Template& tmpl) {
  return MayMatchClass(tmpl, ObjectClass::kPublicKey) ||
         MayMatchClass(tmpl, ObjectClass::kPrivateKey);
}

bool IsKey(const Object& o) {
  return o.cls == ObjectClass::kPublicKey || o.cls == ObjectClass::kPrivateKey;
}

}  // namespace

Status Slot::EnsureObjects(const Template& tmpl) {
  if (!objects_.certified_loaded) {
    std::vector<Object> found;
    TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
      host::PivClient client(ch);
      auto read = piv::ReadCertifiedKeys(client);
      if (read.ok()) found = std::move(*read);
      return read.status();
    }));
    for (auto& o : found) objects_.Add(std::move(o));
    objects_.certified_loaded = true;
  }
  // Data objects have no CKA_ID: a search by ID never needs them.
  if (!objects_.data_loaded && MayMatchClass(tmpl, ObjectClass::kData) &&
      !FindIn(tmpl, Attr::kId)) {
    std::vector<Object> found;
    TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
      host::PivClient client(ch);
      auto read = piv::ReadDataObjects(client);
      if (read.ok()) found = std::move(*read);
      return read.status();
    }));
    for (auto& o : found) objects_.Add(std::move(o));
    objects_.data_loaded = true;
  }
  if (!objects_.keys_complete && MayMatchKeys(tmpl)) {
    std::set<std::uint8_t> skip;  // key slots whose objects are cached
    for (const Object& o : objects_.all()) {
      if (IsKey(o)) skip.insert(o.where.key_ref);
    }
    // Keys not read yet still carry their slot's CKA_ID (IDs change only on
    // cached objects), so a search by CKA_ID needs at most that one slot: the
    // APDU budget of a first signature has no room for 20 GET METADATA.
    auto wanted_id = FindIn(tmpl, Attr::kId);
    const piv::PivKeySlot* only = wanted_id ? piv::SlotById(*wanted_id) : nullptr;
    if (wanted_id && (only == nullptr || skip.count(only->key_ref) != 0)) return Status::Ok();
    if (only != nullptr) {
      for (const piv::PivKeySlot& slot : piv::AllKeySlots()) {
        if (slot.key_ref != only->key_ref) skip.insert(slot.key_ref);
      }
    }
    std::vector<Object> found;
    TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
      host::PivClient client(ch);
      auto read = piv::ReadUncertifiedKeys(client, skip);
      if (read.ok()) found = std::move(*read);
      return read.status();
    }));
    for (auto& o : found) objects_.Add(std::move(o));
    objects_.keys_complete = only == nullptr;
  }
  return Status::Ok();
}

// Both key objects of a slot learn the facts from one GET METADATA.
Status Slot::SettleKeyFacts(Object& object) {
  if (!IsKey(object) || object.where.key_ref == 0) return Status::Ok();
  auto settled = object.Get(Attr::kKeyGenMechanism);
  if (object.Flag(Attr::kLocal) || (settled && AsUlong(*settled) != kUnavailable)) {
    return Status::Ok();
  }
  piv::KeyFacts facts;
  TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    auto read = piv::ReadKeyFacts(client, object.where.key_ref);
    if (read.ok()) facts = *read;
    return read.status();
  }));
  for (ObjectClass cls : {ObjectClass::kPublicKey, ObjectClass::kPrivateKey}) {
    if (Object* o = objects_.FindAt(object.where.key_ref, cls)) piv::ApplyKeyFacts(*o, facts);
  }
  return Status::Ok();
}

Result<std::vector<ObjectHandle>> Slot::FindObjects(const Template& tmpl) {
  std::lock_guard lock(mu_);
  TESSERA_RETURN_IF_ERROR(EnsureObjects(tmpl));
  const bool settle = std::any_of(tmpl.begin(), tmpl.end(),
                                  [](const auto& a) { return piv::NeedsKeyFacts(a.first); });
  std::vector<ObjectHandle> out;
  for (Object& o : objects_.all()) {
    if (o.Flag(Attr::kPrivate) && login_ != LoginState::kUser) continue;
    if (settle && IsKey(o)) TESSERA_RETURN_IF_ERROR(SettleKeyFacts(o));
    if (Matches(o, tmpl)) out.push_back(o.handle);
  }
  return out;
}

Result<Object> Slot::ReadObject(ObjectHandle handle, const std::vector<Attr>& wanted) {
  const bool settle = std::any_of(wanted.begin(), wanted.end(), piv::NeedsKeyFacts);
  std::lock_guard lock(mu_);
  Object* o = objects_.Find(handle);
  if (o == nullptr || (o->Flag(Attr::kPrivate) && login_ != LoginState::kUser)) {
    return Refuse(Fault::kObjectHandleInvalid, "no such object");
  }
  if (settle) TESSERA_RETURN_IF_ERROR(SettleKeyFacts(*o));
  return *o;
}

// Labels and IDs live in the module for the insertion: PIV has no place
// for them on the card (docs/pkcs11-module.md).
Status Slot::SetAttributes(ObjectHandle handle, const Template& changes) {
  std::lock_guard lock(mu_);
  Object* o = objects_.Find(handle);
  if (o == nullptr || (o->Flag(Attr::kPrivate) && login_ != LoginState::kUser)) {
    return Refuse(Fault::kObjectHandleInvalid, "no such object");
  }
  for (const auto& [attr, value] : changes) {
    if (!o->Has(attr)) return Refuse(Fault::kAttributeTypeInvalid, "attribute not on object");
    if (!RuleFor(o->cls, attr).modifiable) {
      return Refuse(Fault::kAttributeReadOnly, "only CKA_LABEL and CKA_ID can change");
    }
  }
  Object updated = *o;
  for (const auto& [attr, value] : changes) updated.Set(attr, value);
  *o = std::move(updated);
  return Status::Ok();
}

Status Slot::DestroyObject(ObjectHandle handle) {
  std::lock_guard lock(mu_);
  Object* o = objects_.Find(handle);
  if (o == nullptr || (o->Flag(Attr::kPrivate) && login_ != LoginState::kUser)) {
    return Refuse(Fault::kObjectHandleInvalid, "no such object");
  }
  if (o->session != 0) {
    objects_.Remove(handle);
    return Status::Ok();
  }
  if (o->cls != ObjectClass::kCertificate || o->where.container == 0) {
    return Refuse(Fault::kActionProhibited, "PIV keys cannot be deleted, only replaced");
  }
  TESSERA_RETURN_IF_ERROR(EnsureWriteAccess());
  const std::uint32_t container = o->where.container;
  TESSERA_RETURN_IF_ERROR(WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    return client.PutData(container, {});
  }));
  objects_.Remove(handle);
  return Status::Ok();
}

ObjectHandle Slot::AddSessionObject(Object object) {
  std::lock_guard lock(mu_);
  return objects_.Add(std::move(object));
}

void Slot::DestroySessionObjects(std::uint64_t session) {
  std::lock_guard lock(mu_);
  std::erase_if(objects_.all(), [&](const Object& o) {
    return o.session != 0 && (session == 0 || o.session == session);
  });
}

}  // namespace tessera::p11
