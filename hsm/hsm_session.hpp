// HsmSession: one open PKCS#11 session on an HSM token, and its login.
//
// Opened read/write; Login() logs the user in. The destructor closes the
// session, so a failed login never leaves a session open. It never calls
// C_Logout: a PKCS#11 login belongs to the application, not the session, and
// C_Logout would log out every other session on the token, e.g. the one
// another thread works in (--jobs 2). PKCS#11 3.0 §5.6.7: closing the last
// session returns the token to public state, which is the logout we want.
// Holds its Pkcs11Library, which stays loaded while the session lives.
// Move-only. A session is not thread-safe (PKCS#11 3.0 §5.6.1): one thread
// at a time; sessions on the same token in different threads are fine.
#pragma once

#include <p11-kit/pkcs11.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "hsm/pkcs11_library.hpp"

namespace tessera::hsm {

class HsmSession {
 public:
  // `token_label` (trimmed) only names the token in error messages.
  static Result<HsmSession> OpenReadWrite(std::shared_ptr<const Pkcs11Library> library,
                                          CK_SLOT_ID slot, std::string token_label);

  ~HsmSession();
  HsmSession(HsmSession&& other) noexcept;
  HsmSession& operator=(HsmSession&& other) noexcept;
  HsmSession(const HsmSession&) = delete;
  HsmSession& operator=(const HsmSession&) = delete;

  // C_Login as CKU_USER. A wrong PIN is kSecurityStatus, a locked one
  // kAuthBlocked; both name the token and the CK_RV. When another session of
  // this process is already logged in (CKR_USER_ALREADY_LOGGED_IN) this
  // session shares that login: success. The PIN is then not checked again
  // (SoftHSM2 answers before comparing it): within one process the first
  // login decides.
  Status Login(const SecureBytes& pin);

  CK_SESSION_HANDLE handle() const { return handle_; }
  CK_SLOT_ID slot() const { return slot_; }
  bool logged_in() const { return logged_in_; }

  // Handles of long-term token objects this session has looked up, by
  // class and label (RequireTokenObject): a file-backed HSM such as SoftHSM2
  // rereads every object file on each C_FindObjectsInit, which would
  // otherwise cost more than the operation itself. RequireTokenObject checks
  // a cached handle's label before it trusts it, so an object deleted (and
  // its handle reused) by another process is looked up again.
  std::optional<CK_OBJECT_HANDLE> CachedObject(const std::string& key) const;
  void RememberObject(std::string key, CK_OBJECT_HANDLE handle);
  const Pkcs11Library& library() const { return *library_; }
  const std::shared_ptr<const Pkcs11Library>& shared_library() const { return library_; }
  // The token's label, for error messages.
  const std::string& token_label() const { return token_label_; }

 private:
  HsmSession(std::shared_ptr<const Pkcs11Library> library, CK_SLOT_ID slot,
             CK_SESSION_HANDLE handle, std::string token_label)
      : library_(std::move(library)),
        slot_(slot),
        handle_(handle),
        token_label_(std::move(token_label)) {}
  void Close() noexcept;

  std::shared_ptr<const Pkcs11Library> library_;  // null once moved from
  CK_SLOT_ID slot_ = 0;
  CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
  std::string token_label_;
  bool logged_in_ = false;
  std::map<std::string, CK_OBJECT_HANDLE> object_cache_;
};

}  // namespace tessera::hsm
