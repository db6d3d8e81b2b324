#include "hsm/hsm_session.hpp"

#include "hsm/pkcs11_error.hpp"

namespace tessera::hsm {

std::optional<CK_OBJECT_HANDLE> HsmSession::CachedObject(const std::string& key) const {
  auto it = object_cache_.find(key);
  if (it == object_cache_.end()) return std::nullopt;
  return it->second;
}

void HsmSession::RememberObject(std::string key, CK_OBJECT_HANDLE handle) {
  object_cache_[std::move(key)] = handle;
}

Result<HsmSession> HsmSession::OpenReadWrite(std::shared_ptr<const Pkcs11Library> library,
                                             CK_SLOT_ID slot, std::string token_label) {
  CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
  CK_RV rv = library->functions().C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                                nullptr, &handle);
  if (rv != CKR_OK) {
    return CkRvStatus("opening a session on HSM token '" + token_label + "'", "C_OpenSession", rv);
  }
  return HsmSession(std::move(library), slot, handle, std::move(token_label));
}

HsmSession::~HsmSession() { Close(); }

HsmSession::HsmSession(HsmSession&& other) noexcept
    : library_(std::move(other.library_)),
      slot_(other.slot_),
      handle_(other.handle_),
      token_label_(std::move(other.token_label_)),
      logged_in_(other.logged_in_),
      object_cache_(std::move(other.object_cache_)) {
  other.library_.reset();
  other.logged_in_ = false;
}

HsmSession& HsmSession::operator=(HsmSession&& other) noexcept {
  if (this != &other) {
    Close();
    library_ = std::move(other.library_);
    other.library_.reset();
    slot_ = other.slot_;
    handle_ = other.handle_;
    token_label_ = std::move(other.token_label_);
    logged_in_ = other.logged_in_;
    object_cache_ = std::move(other.object_cache_);
    other.logged_in_ = false;
  }
  return *this;
}

Status HsmSession::Login(const SecureBytes& pin) {
  // PKCS#11 takes a non-const pointer but only reads the PIN.
  CK_RV rv = library_->functions().C_Login(handle_, CKU_USER,
                                           const_cast<CK_UTF8CHAR*>(pin.data()),  // NOLINT
                                           static_cast<CK_ULONG>(pin.size()));
  // PKCS#11 3.0 §5.6.1: the login is the application's; another session of
  // ours made it, and this one shares it.
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    return CkRvStatus("logging in to HSM token '" + token_label_ + "' as user", "C_Login", rv);
  }
  logged_in_ = true;
  return Status::Ok();
}

void HsmSession::Close() noexcept {
  if (!library_) return;
  // No C_Logout: it would end the login of every session on the token
  // (see the header); closing the last session logs out.
  library_->functions().C_CloseSession(handle_);
  logged_in_ = false;
  library_.reset();
}

}  // namespace tessera::hsm
