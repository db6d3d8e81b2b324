#include "services/keyman/softhsm_setup.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/unique_fd.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/pkcs11_error.hpp"
#include "hsm/pkcs11_library.hpp"
#include "services/runtime/hsm_access.hpp"

namespace tessera::keyman {
namespace {

constexpr std::size_t kPinDigits = 16;

// 16 hex digits from the OpenSSL DRBG, in a buffer that wipes itself.
Result<SecureBytes> RandomPin() {
  SecureBytes raw(kPinDigits / 2);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    return Status::Internal("RAND_bytes failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  SecureBytes pin(kPinDigits);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    pin[2 * i] = static_cast<std::uint8_t>(kHex[raw[i] >> 4]);
    pin[2 * i + 1] = static_cast<std::uint8_t>(kHex[raw[i] & 0x0F]);
  }
  return pin;
}

Result<CK_SLOT_ID> FreeSlot(const hsm::Pkcs11Library& library) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<CK_SLOT_ID> slots, hsm::SlotsWithToken(library));
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (library.functions().C_GetTokenInfo(slot, &info) == CKR_OK &&
        (info.flags & CKF_TOKEN_INITIALIZED) == 0) {
      return slot;
    }
  }
  return Status::NotFound("SoftHSM2 offers no free slot for a new token");
}

CK_UTF8CHAR_PTR Utf8(SecureBytes& s) { return s.data(); }

// C_InitToken, then the user PIN through an SO session (PKCS#11 3.0 §5.5, §5.7).
Status InitToken(const hsm::Pkcs11Library& library, CK_SLOT_ID slot, const std::string& name,
                 SecureBytes& so_pin, SecureBytes& user_pin) {
  const CK_FUNCTION_LIST& f = library.functions();
  std::string label = name;
  label.resize(32, ' ');
  if (CK_RV rv = f.C_InitToken(slot, Utf8(so_pin), so_pin.size(),
                               reinterpret_cast<CK_UTF8CHAR_PTR>(label.data()));
      rv != CKR_OK) {
    return hsm::CkRvStatus("creating SoftHSM2 token '" + name + "'", "C_InitToken", rv);
  }
  // SoftHSM2 moves the new token to a fresh slot: look it up by label.
  TESSERA_ASSIGN_OR_RETURN(CK_SLOT_ID token_slot, hsm::HsmToken::FindSlot(library, name));
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  if (CK_RV rv = f.C_OpenSession(token_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                                 &session);
      rv != CKR_OK) {
    return hsm::CkRvStatus("opening the new token '" + name + "'", "C_OpenSession", rv);
  }
  Status status;
  if (CK_RV rv = f.C_Login(session, CKU_SO, Utf8(so_pin), so_pin.size()); rv != CKR_OK) {
    status = hsm::CkRvStatus("logging in as SO to '" + name + "'", "C_Login", rv);
  } else {
    if (CK_RV rv2 = f.C_InitPIN(session, Utf8(user_pin), user_pin.size()); rv2 != CKR_OK) {
      status = hsm::CkRvStatus("setting the user PIN of '" + name + "'", "C_InitPIN", rv2);
    }
    (void)f.C_Logout(session);
  }
  (void)f.C_CloseSession(session);
  return status;
}

}  // namespace

Status WriteSecretFile(const std::filesystem::path& path, ByteView secret) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) return Status::ConditionsNotSatisfied(path.string() + " already exists");
    return Status::IoError("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  SecureBytes line(secret);
  line.Append(ByteView(reinterpret_cast<const std::uint8_t*>("\n"), 1));
  const bool ok = ::write(fd.get(), line.data(), line.size()) == static_cast<ssize_t>(line.size());
  if (!ok || ::fsync(fd.get()) != 0) return Status::IoError("cannot write " + path.string());
  return Status::Ok();
}

Status InitSoftHsmToken(const runtime::Home& home, const runtime::Settings& settings,
                        const std::string& name) {
  TESSERA_RETURN_IF_ERROR(runtime::CheckHsmName(name));
  if (!settings.embedded_softhsm()) {
    return Status::ConditionsNotSatisfied(
        "init-softhsm sets up the embedded SoftHSM2 only; hsm.module is " + settings.hsm_module);
  }
  if (std::filesystem::exists(home.pin_file(name)) ||
      std::filesystem::exists(home.so_pin_file(name))) {
    return Status::ConditionsNotSatisfied("HSM '" + name + "' already has PIN files in " +
                                          home.hsm_dir().string());
  }
  TESSERA_RETURN_IF_ERROR(runtime::PrepareEmbeddedSoftHsm(home));
  std::error_code ec;
  std::filesystem::create_directories(home.hsm_dir(), ec);
  ::chmod(home.hsm_dir().c_str(), 0700);
  TESSERA_ASSIGN_OR_RETURN(auto library, hsm::Pkcs11Library::Load(settings.hsm_module));
  if (hsm::HsmToken::FindSlot(*library, name).ok()) {
    return Status::ConditionsNotSatisfied("an HSM token labelled '" + name + "' already exists");
  }
  TESSERA_ASSIGN_OR_RETURN(CK_SLOT_ID slot, FreeSlot(*library));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes so_pin, RandomPin());
  TESSERA_ASSIGN_OR_RETURN(SecureBytes user_pin, RandomPin());
  // The SO PIN is kept first: a token whose SO PIN is lost cannot be reset.
  Status status = WriteSecretFile(home.so_pin_file(name), so_pin.view());
  if (status.ok()) status = InitToken(*library, slot, name, so_pin, user_pin);
  if (status.ok()) status = WriteSecretFile(home.pin_file(name), user_pin.view());
  if (!status.ok()) {
    std::filesystem::remove(home.pin_file(name), ec);
    if (!hsm::HsmToken::FindSlot(*library, name).ok()) {
      std::filesystem::remove(home.so_pin_file(name), ec);
    }
  }
  return status;
}

}  // namespace tessera::keyman
