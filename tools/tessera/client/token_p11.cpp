// TokenP11: finding a token by serial, its session and logins
// (docs/pkcs11-module.md "Slots", "Sessions and logins").
#include "tools/tessera/client/token_p11.hpp"

#include <charconv>
#include <map>
#include <mutex>
#include <string_view>

#include "tools/tessera/client/token_p11_state.hpp"

namespace tessera::cli {
namespace {

std::string Trimmed(const unsigned char* padded, std::size_t size) {
  std::string s(reinterpret_cast<const char*>(padded), size);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

struct SlotEntry {
  CK_SLOT_ID id = 0;
  std::uint32_t serial = 0;
  std::string description;
};

// Every slot with a token whose serial reads as a number (the module's
// serialNumber is the token's serial in decimal, docs/pkcs11-module.md).
Result<std::vector<SlotEntry>> Scan(const CK_FUNCTION_LIST& f, const std::string& path) {
  const std::string step = "listing the tokens of " + path;
  // The size query first: the module looks for new tokens only then (§5.5).
  CK_ULONG count = 0;
  TESSERA_RETURN_IF_ERROR(
      p11::Check(step, "C_GetSlotList", f.C_GetSlotList(CK_TRUE, nullptr, &count)));
  std::vector<CK_SLOT_ID> ids(count);
  TESSERA_RETURN_IF_ERROR(
      p11::Check(step, "C_GetSlotList", f.C_GetSlotList(CK_TRUE, ids.data(), &count)));
  ids.resize(count);
  std::vector<SlotEntry> slots;
  for (CK_SLOT_ID id : ids) {
    CK_TOKEN_INFO token{};
    // A token removed since the list was made is simply not listed.
    if (f.C_GetTokenInfo(id, &token) != CKR_OK) continue;
    const std::string serial = Trimmed(token.serialNumber, sizeof token.serialNumber);
    SlotEntry entry;
    entry.id = id;
    auto [end, ec] = std::from_chars(serial.data(), serial.data() + serial.size(), entry.serial);
    if (ec != std::errc() || end != serial.data() + serial.size()) continue;
    CK_SLOT_INFO info{};
    TESSERA_RETURN_IF_ERROR(p11::Check(step, "C_GetSlotInfo", f.C_GetSlotInfo(id, &info)));
    entry.description = Trimmed(info.slotDescription, sizeof info.slotDescription);
    slots.push_back(std::move(entry));
  }
  return slots;
}

}  // namespace

Result<std::shared_ptr<const hsm::Pkcs11Library>> LoadModule(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<const hsm::Pkcs11Library>> loaded;
  std::lock_guard lock(mu);
  if (auto held = loaded[path].lock()) return held;
  TESSERA_ASSIGN_OR_RETURN(auto library, hsm::Pkcs11Library::Load(path));
  loaded[path] = library;
  return library;
}

Result<CK_OBJECT_HANDLE> TokenP11::State::FindOne(CK_OBJECT_CLASS cls, std::uint8_t id,
                                                  const std::string& step) {
  p11::Template match;
  match.Ulong(CKA_CLASS, cls).Value(CKA_ID, ByteView(&id, 1)).Bool(CKA_TOKEN, true);
  TESSERA_ASSIGN_OR_RETURN(auto found, p11::Find(f(), session, std::move(match), Step(step)));
  if (found.empty()) return Status::NotFound(Step(step) + ": no such object");
  return found.front();
}

Result<std::vector<std::pair<std::uint32_t, std::string>>> TokenP11::List(
    const std::string& module_path) {
  TESSERA_ASSIGN_OR_RETURN(auto library, LoadModule(module_path));
  TESSERA_ASSIGN_OR_RETURN(auto slots, Scan(library->functions(), module_path));
  std::vector<std::pair<std::uint32_t, std::string>> out;
  out.reserve(slots.size());
  for (SlotEntry& s : slots) out.emplace_back(s.serial, std::move(s.description));
  return out;
}

Result<TokenP11> TokenP11::Open(const std::string& module_path, std::uint32_t serial) {
  TESSERA_ASSIGN_OR_RETURN(auto library, LoadModule(module_path));
  TESSERA_ASSIGN_OR_RETURN(auto slots, Scan(library->functions(), module_path));
  for (SlotEntry& s : slots) {
    if (s.serial != serial) continue;
    auto state = std::make_unique<State>();
    state->library = std::move(library);
    state->slot = s.id;
    state->serial = serial;
    state->description = std::move(s.description);
    TESSERA_RETURN_IF_ERROR(
        p11::Check(state->Step("opening a session"), "C_OpenSession",
                   state->f().C_OpenSession(s.id, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                            nullptr, &state->session)));
    return TokenP11(std::move(state));
  }
  return Status::NotFound("no token with serial " + std::to_string(serial) + " on " + module_path);
}

TokenP11::TokenP11(std::unique_ptr<State> state) : state_(std::move(state)) {}

TokenP11::~TokenP11() {
  // Closing the last session logs the application out (PKCS#11 2.40 §5.6).
  if (state_ && state_->session != CK_INVALID_HANDLE) state_->f().C_CloseSession(state_->session);
}

TokenP11::TokenP11(TokenP11&&) noexcept = default;
TokenP11& TokenP11::operator=(TokenP11&& other) noexcept {
  if (this != &other) {
    if (state_ && state_->session != CK_INVALID_HANDLE) state_->f().C_CloseSession(state_->session);
    state_ = std::move(other.state_);
  }
  return *this;
}

std::uint32_t TokenP11::serial() const { return state_->serial; }

namespace {

Status Login(const CK_FUNCTION_LIST& f, CK_SESSION_HANDLE session, CK_USER_TYPE type,
             const SecureBytes& pin, const std::string& step) {
  SecureBytes copy = pin.Clone();  // C_Login takes a non-const pointer
  const CK_RV rv = f.C_Login(session, type, copy.empty() ? nullptr : copy.data(), copy.size());
  if (rv == CKR_USER_ALREADY_LOGGED_IN) return Status::Ok();
  return p11::Check(step, "C_Login", rv);
}

}  // namespace

Status TokenP11::LoginUser(const SecureBytes& pin) {
  return Login(state_->f(), state_->session, CKU_USER, pin,
               state_->Step("logging in with the PIN"));
}

Status TokenP11::LoginSo(const SecureBytes& management_key_hex) {
  return Login(state_->f(), state_->session, CKU_SO, management_key_hex,
               state_->Step("logging in with the management key"));
}

}  // namespace tessera::cli
