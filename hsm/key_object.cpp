#include "hsm/key_object.hpp"

#include <utility>

#include "hsm/attribute_template.hpp"
#include "hsm/pkcs11_error.hpp"

namespace tessera::hsm {
namespace {

// One C_FindObjectsInit .. C_FindObjectsFinal; Final runs on every path
// (PKCS#11 3.0 §5.7.9: a session has one find operation at a time).
class FindOperation {
 public:
  explicit FindOperation(HsmSession& session) : session_(session) {}
  ~FindOperation() {
    if (active_) session_.library().functions().C_FindObjectsFinal(session_.handle());
  }
  FindOperation(const FindOperation&) = delete;
  FindOperation& operator=(const FindOperation&) = delete;

  CK_RV Init(AttributeTemplate& pattern) {
    CK_RV rv = session_.library().functions().C_FindObjectsInit(session_.handle(), pattern.data(),
                                                                pattern.size());
    active_ = rv == CKR_OK;
    return rv;
  }
  // Up to two matches: enough to tell none, one and too many apart.
  CK_RV Next(CK_OBJECT_HANDLE (&found)[2], CK_ULONG& count) {
    return session_.library().functions().C_FindObjects(session_.handle(), found, 2, &count);
  }
  CK_RV NextBatch(CK_OBJECT_HANDLE* found, CK_ULONG capacity, CK_ULONG& count) {
    return session_.library().functions().C_FindObjects(session_.handle(), found, capacity, &count);
  }

 private:
  HsmSession& session_;
  bool active_ = false;
};

std::string Describe(const HsmSession& session, ObjectClass object_class, std::string_view label) {
  return std::string(ClassName(object_class)) + " '" + std::string(label) + "' on HSM token '" +
         session.token_label() + "'";
}

}  // namespace

KeyObject::KeyObject(const HsmSession& session, CK_OBJECT_HANDLE handle, std::string description)
    : library_(session.shared_library()),
      session_(session.handle()),
      handle_(handle),
      description_(std::move(description)) {}

KeyObject::~KeyObject() { Destroy(); }

KeyObject::KeyObject(KeyObject&& other) noexcept
    : library_(std::move(other.library_)),
      session_(other.session_),
      handle_(std::exchange(other.handle_, CK_INVALID_HANDLE)),
      description_(std::move(other.description_)) {
  other.library_.reset();
}

KeyObject& KeyObject::operator=(KeyObject&& other) noexcept {
  if (this != &other) {
    Destroy();
    library_ = std::move(other.library_);
    other.library_.reset();
    session_ = other.session_;
    handle_ = std::exchange(other.handle_, CK_INVALID_HANDLE);
    description_ = std::move(other.description_);
  }
  return *this;
}

CK_OBJECT_HANDLE KeyObject::Keep() && {
  library_.reset();
  return std::exchange(handle_, CK_INVALID_HANDLE);
}

void KeyObject::Destroy() noexcept {
  if (!library_) return;
  // Nothing to do on failure: a session object goes with its session anyway.
  library_->functions().C_DestroyObject(session_, handle_);
  library_.reset();
  handle_ = CK_INVALID_HANDLE;
}

Result<std::optional<CK_OBJECT_HANDLE>> FindTokenObject(HsmSession& session,
                                                        ObjectClass object_class,
                                                        std::string_view label) {
  const std::string what = Describe(session, object_class, label);
  AttributeTemplate pattern;
  pattern.Add(Attr::kClass, object_class).Add(Attr::kToken, true).Add(Attr::kLabel, label);
  FindOperation find(session);
  if (CK_RV rv = find.Init(pattern); rv != CKR_OK) {
    return CkRvStatus("looking for " + what, "C_FindObjectsInit", rv);
  }
  CK_OBJECT_HANDLE found[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
  CK_ULONG count = 0;
  if (CK_RV rv = find.Next(found, count); rv != CKR_OK) {
    return CkRvStatus("looking for " + what, "C_FindObjects", rv);
  }
  if (count > 1) {
    return Status::ConditionsNotSatisfied("more than one " + what +
                                          ": a label must name one key; remove the extra one");
  }
  if (count == 0) return std::optional<CK_OBJECT_HANDLE>();
  return std::optional<CK_OBJECT_HANDLE>(found[0]);
}

Result<std::vector<std::string>> TokenObjectLabels(HsmSession& session, ObjectClass object_class) {
  const std::string what = std::string(ClassName(object_class)) + " objects on HSM token '" +
                           session.token_label() + "'";
  AttributeTemplate pattern;
  pattern.Add(Attr::kClass, object_class).Add(Attr::kToken, true);
  std::vector<CK_OBJECT_HANDLE> handles;
  {
    FindOperation find(session);
    if (CK_RV rv = find.Init(pattern); rv != CKR_OK) {
      return CkRvStatus("listing " + what, "C_FindObjectsInit", rv);
    }
    CK_OBJECT_HANDLE batch[64];
    CK_ULONG count = 0;
    do {
      if (CK_RV rv = find.NextBatch(batch, 64, count); rv != CKR_OK) {
        return CkRvStatus("listing " + what, "C_FindObjects", rv);
      }
      handles.insert(handles.end(), batch, batch + count);
    } while (count == 64);
  }
  std::vector<std::string> labels;
  for (CK_OBJECT_HANDLE handle : handles) {
    Result<Bytes> label = ReadBytes(session, handle, Attr::kLabel, what);
    if (label.ok()) labels.emplace_back(label->begin(), label->end());
  }
  return labels;
}

Result<CK_OBJECT_HANDLE> RequireTokenObject(HsmSession& session, ObjectClass object_class,
                                            std::string_view label) {
  std::string key = std::to_string(Raw(object_class)) + ":" + std::string(label);
  if (auto cached = session.CachedObject(key)) {
    // One attribute read, far cheaper than a find: is the handle still the
    // object it was (another process may have deleted it)?
    Result<Bytes> now = ReadBytes(session, *cached, Attr::kLabel, "cached object");
    if (now.ok() &&
        std::string_view(reinterpret_cast<const char*>(now->data()), now->size()) == label) {
      return *cached;
    }
  }
  TESSERA_ASSIGN_OR_RETURN(std::optional<CK_OBJECT_HANDLE> found,
                           FindTokenObject(session, object_class, label));
  if (!found) return Status::NotFound("no " + Describe(session, object_class, label));
  session.RememberObject(std::move(key), *found);
  return *found;
}

}  // namespace tessera::hsm
