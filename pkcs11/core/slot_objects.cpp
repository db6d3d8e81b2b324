// Slot: objects of both stores, the card's and the session objects.
#include <algorithm>

#include "pkcs11/core/slot.hpp"
#include "pkcs11/drivers/soft/object_edit.hpp"

namespace tessera::p11 {
namespace {

bool Visible(const Object& o, bool user) { return user || !o.Flag(Attr::kPrivate); }

Status NoSuchObject() { return Refuse(Fault::kObjectHandleInvalid, "no such object"); }

// PIV has no place on the card for labels and IDs; a card object's may
// change for the insertion (docs/pkcs11-module.md). Nothing else changes.
Status EditCardObject(Object& o, const Template& changes) {
  for (const auto& [attr, value] : changes) {
    if (!o.Has(attr)) return Refuse(Fault::kAttributeTypeInvalid, "attribute not on object");
    if (attr != Attr::kLabel && attr != Attr::kId) {
      return Refuse(Fault::kAttributeReadOnly, "a card object changes only CKA_LABEL and CKA_ID");
    }
  }
  for (const auto& [attr, value] : changes) o.Set(attr, value);
  return Status::Ok();
}

}  // namespace

Object* Slot::VisibleTokenObject(ObjectHandle handle) {
  if (token_ == nullptr) return nullptr;
  Object* o = token_->objects().Find(handle);
  return o != nullptr && Visible(*o, UserLoggedIn()) ? o : nullptr;
}

std::optional<Object> Slot::VisibleSessionObject(ObjectHandle handle) {
  std::lock_guard lock(session_mu_);
  Object* o = session_objects_.Find(handle);
  if (o == nullptr || !Visible(*o, UserLoggedIn())) return std::nullopt;
  return *o;
}

Result<std::vector<ObjectHandle>> Slot::FindObjects(const Template& tmpl) {
  std::vector<ObjectHandle> out;
  const bool user = UserLoggedIn();
  auto wanted_token = FindIn(tmpl, Attr::kToken);
  const bool token_objects = !wanted_token || AsBool(*wanted_token).value_or(false);
  if (token_objects) {
    std::lock_guard lock(mu_);
    const bool settle = std::any_of(tmpl.begin(), tmpl.end(), [](const auto& a) {
      return piv::PivToken::NeedsSettling(a.first);
    });
    Status searched = WithCard([&](host::ApduChannel& ch) -> Status {
      TESSERA_RETURN_IF_ERROR(token_->Load(ch, tmpl));
      for (Object& o : token_->objects().all()) {
        if (!Visible(o, user)) continue;
        if (settle && o.is_key()) TESSERA_RETURN_IF_ERROR(token_->Settle(ch, o));
        if (Matches(o, tmpl)) out.push_back(o.handle);
      }
      return Status::Ok();
    });
    TESSERA_RETURN_IF_ERROR(searched);
  }
  std::lock_guard lock(session_mu_);
  for (const Object& o : session_objects_.all()) {
    if (Visible(o, user) && Matches(o, tmpl)) out.push_back(o.handle);
  }
  return out;
}

Result<Object> Slot::ReadObject(ObjectHandle handle, const std::vector<Attr>& wanted) {
  if (auto session = VisibleSessionObject(handle)) return std::move(*session);
  const bool settle = std::any_of(wanted.begin(), wanted.end(), piv::PivToken::NeedsSettling);
  std::lock_guard lock(mu_);
  Object* o = VisibleTokenObject(handle);
  if (o == nullptr) return NoSuchObject();
  if (settle) {
    TESSERA_RETURN_IF_ERROR(
        WithCard([&](host::ApduChannel& ch) { return token_->Settle(ch, *o); }));
    o = VisibleTokenObject(handle);  // the card may have gone meanwhile
    if (o == nullptr) return NoSuchObject();
  }
  return *o;
}

Status Slot::SetAttributes(ObjectHandle handle, const Template& changes, bool read_write_session) {
  {
    std::lock_guard lock(session_mu_);
    Object* o = session_objects_.Find(handle);
    if (o != nullptr && Visible(*o, UserLoggedIn())) {
      return soft::ApplyChanges(*o, changes, login_state() == LoginState::kSo);
    }
  }
  std::lock_guard lock(mu_);
  Object* o = VisibleTokenObject(handle);
  if (o == nullptr) return NoSuchObject();
  if (!read_write_session) return Refuse(Fault::kSessionReadOnly, "a token object needs RW");
  return EditCardObject(*o, changes);
}

Status Slot::DestroyObject(ObjectHandle handle, bool read_write_session) {
  {
    std::lock_guard lock(session_mu_);
    Object* o = session_objects_.Find(handle);
    if (o != nullptr && Visible(*o, UserLoggedIn())) {
      if (o->Has(Attr::kDestroyable) && !o->Flag(Attr::kDestroyable)) {
        return Refuse(Fault::kActionProhibited, "CKA_DESTROYABLE is false");
      }
      session_objects_.Remove(handle);
      return Status::Ok();
    }
  }
  std::lock_guard lock(mu_);
  if (VisibleTokenObject(handle) == nullptr) return NoSuchObject();
  if (!read_write_session) return Refuse(Fault::kSessionReadOnly, "a token object needs RW");
  // The driver gets write access where the card wants it (PUT DATA, F4 05);
  // what PIV cannot delete refuses before any APDU.
  return WithCard(
      [&](host::ApduChannel& ch) { return token_->Destroy(ch, handle, UserLoggedIn()); });
}

Result<ObjectHandle> Slot::CopyObject(ObjectHandle handle, const Template& changes,
                                      SessionHandle session, bool read_write_session) {
  if (auto source = VisibleSessionObject(handle)) {
    TESSERA_ASSIGN_OR_RETURN(Object copy,
                             soft::CopyWith(*source, changes, login_state() == LoginState::kSo));
    if (copy.Flag(Attr::kToken)) {
      if (!read_write_session) return Refuse(Fault::kSessionReadOnly, "a token object needs RW");
      return Refuse(Fault::kTemplateInconsistent, "a session object's copy stays in the session");
    }
    if (copy.Flag(Attr::kPrivate) && !UserLoggedIn()) {
      return Refuse(Fault::kUserNotLoggedIn, "a private object needs the user's login");
    }
    copy.session = session;
    return AddSessionObject(std::move(copy));
  }
  std::lock_guard lock(mu_);
  if (VisibleTokenObject(handle) == nullptr) return NoSuchObject();
  (void)read_write_session;
  return Refuse(Fault::kActionProhibited, "card objects have CKA_COPYABLE false");
}

ObjectHandle Slot::AddSessionObject(Object object) {
  std::lock_guard lock(session_mu_);
  return session_objects_.Add(std::move(object));
}

void Slot::DestroySessionObjects(SessionHandle session) {
  std::lock_guard lock(session_mu_);
  session_objects_.RemoveIf([&](const Object& o) { return session == 0 || o.session == session; });
}

Result<std::optional<std::size_t>> Slot::ObjectSize(ObjectHandle handle) {
  if (auto session = VisibleSessionObject(handle)) {
    std::size_t size = 0;
    for (const auto& [attr, value] : session->attrs) size += sizeof(attr) + value.size();
    return std::optional<std::size_t>(size);
  }
  std::lock_guard lock(mu_);
  if (VisibleTokenObject(handle) == nullptr) return NoSuchObject();
  return std::optional<std::size_t>();
}

}  // namespace tessera::p11
