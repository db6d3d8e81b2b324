// KeyObject: owns one object inside an HSM and destroys it (C_DestroyObject)
// when it goes; and finding token objects by label.
//
// Session objects the adapter makes (per-token MKs and KRKs, SCP03 static
// keys, a derived S-DEK, the KEK during a transfer) are KeyObjects, so no
// key outlives its use even when a step fails half-way. A token object being
// created is a KeyObject too until the whole set it belongs to is made; then
// Keep() gives up ownership and it stays on the token.
//
// A KeyObject borrows the HsmSession it was made in (its handle, not the
// object): it must be destroyed before that session closes, because session
// handles are reused and the destroy would hit another session. Session
// objects die with their session anyway (PKCS#11 3.0 §4.4). Move-only;
// thread-compatible: the same thread as its session.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.hpp"
#include "hsm/hsm_session.hpp"
#include "hsm/pkcs11_library.hpp"
#include "hsm/pkcs11_types.hpp"

namespace tessera::hsm {

class KeyObject {
 public:
  // Owns `handle`, just made in `session`. `description` names the object in
  // error messages ("per-token MK of version 01").
  KeyObject(const HsmSession& session, CK_OBJECT_HANDLE handle, std::string description);
  ~KeyObject();
  KeyObject(KeyObject&& other) noexcept;
  KeyObject& operator=(KeyObject&& other) noexcept;
  KeyObject(const KeyObject&) = delete;
  KeyObject& operator=(const KeyObject&) = delete;

  CK_OBJECT_HANDLE handle() const { return handle_; }
  const std::string& description() const { return description_; }

  // Leaves the object in the HSM and returns its handle; this KeyObject is
  // empty afterwards.
  CK_OBJECT_HANDLE Keep() &&;

 private:
  void Destroy() noexcept;

  std::shared_ptr<const Pkcs11Library> library_;  // null when empty
  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE handle_ = CK_INVALID_HANDLE;
  std::string description_;
};

// The token object (CKA_TOKEN true) of `object_class` labelled `label`;
// nullopt when there is none. More than one is kConditionsNotSatisfied: a
// label names one key in Tessera's scheme (docs/hsm-adapter.md "Objects").
Result<std::optional<CK_OBJECT_HANDLE>> FindTokenObject(HsmSession& session,
                                                        ObjectClass object_class,
                                                        std::string_view label);
// The labels of every token object of `object_class` (one find, then a
// C_GetAttributeValue per object); objects without a label are left out.
Result<std::vector<std::string>> TokenObjectLabels(HsmSession& session, ObjectClass object_class);
// As FindTokenObject, but none is kNotFound naming the token and the label.
// Found handles are remembered in the session (HsmSession::CachedObject).
Result<CK_OBJECT_HANDLE> RequireTokenObject(HsmSession& session, ObjectClass object_class,
                                            std::string_view label);

}  // namespace tessera::hsm
