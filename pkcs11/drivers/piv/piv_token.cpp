// PivToken: connecting, describing the token, logins and PIN management.
#include "pkcs11/drivers/piv/piv_token.hpp"

#include <algorithm>
#include <cctype>

#include "common/piv/piv_constants.hpp"
#include "common/status_words.hpp"
#include "host/card/piv_client.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::piv {
namespace {

namespace tp = tessera::piv;

constexpr std::size_t kMinPin = 6;
constexpr std::size_t kMaxPin = 8;

Status CheckPinLength(ByteView pin) {
  if (pin.size() < kMinPin || pin.size() > kMaxPin) {
    return Refuse(Fault::kPinLenRange, "a PIV PIN is 6 to 8 characters");
  }
  return Status::Ok();
}

// The management key from its hex form: 32, 48 or 64 hex digits (AES-128,
// 3DES or AES-192, AES-256). What is not hex is `bad`; a wrong length is
// Fault::kPinLenRange.
Result<SecureBytes> KeyFromHex(ByteView hex, Fault bad) {
  for (std::uint8_t c : hex) {
    if (std::isxdigit(c) == 0) return Refuse(bad, "the SO PIN is the management key in hex");
  }
  if (hex.size() != 32 && hex.size() != 48 && hex.size() != 64) {
    return Refuse(Fault::kPinLenRange, "the SO PIN is the management key: 32, 48 or 64 hex digits");
  }
  auto key = FromHex(std::string_view(reinterpret_cast<const char*>(hex.data()), hex.size()));
  if (!key.ok()) return Refuse(bad, "the SO PIN is the management key in hex");
  SecureBytes secret(*key);
  OPENSSL_cleanse(key->data(), key->size());
  return secret;
}

// Mutual authentication with the management key. What is not hex, or hex
// of a length no key has (32/48/64 digits), is kPinLenRange; a key of another algorithm's
// length, or a wrong key, is kPinIncorrect, as a wrong PIN would be.
Status AuthenticateManagementKey(host::PivClient& client, ByteView so_pin) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes key, KeyFromHex(so_pin, Fault::kPinLenRange));
  // 24 bytes may be 3DES or AES-192: the card says which key it holds.
  TESSERA_ASSIGN_OR_RETURN(tp::Algorithm alg, client.GetManagementKeyAlgorithm());
  if (tp::SymmetricKeySize(alg) != key.size()) return Status::PinIncorrect(-1);
  Status s = client.AuthenticateManagementKey(alg, key.view());
  if (s.code() == Code::kSecurityStatus) return Status::PinIncorrect(-1);
  return s;
}

}  // namespace

Status PivToken::Select(host::ApduChannel& channel) {
  host::PivClient client(channel);
  auto selected = client.Select();
  if (selected.ok()) return Status::Ok();
  if (selected.status().code() == Code::kIoError) return selected.status();
  return Status::NotFound("no PIV application: " + selected.status().message());
}

Result<TokenInfo> PivToken::Describe(host::ApduChannel& channel) {
  if (info_) return *info_;
  host::PivClient client(channel);
  TokenInfo info;
  TESSERA_ASSIGN_OR_RETURN(info.firmware, client.GetVersion());
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t serial, client.GetSerial());
  info.serial = std::to_string(serial);
  info.serial_number = serial;
  info.label = "Tessera PIV #" + info.serial;
  info.model = "Tessera PIV";
  TESSERA_ASSIGN_OR_RETURN(host::PivPinMetadata pin, client.GetPinMetadata(tp::key::kPin));
  info.pin_max_tries = pin.max_tries;
  info.pin_tries_left = pin.tries_left;
  info.pin_is_default = pin.is_default;
  info_ = info;
  return info;
}

void PivToken::NotePinResult(const Status& status) {
  if (!info_) return;
  if (status.ok()) {
    info_->pin_tries_left = info_->pin_max_tries;
  } else if (status.code() == Code::kPinIncorrect && status.detail() >= 0) {
    info_->pin_tries_left = status.detail();
  } else if (status.code() == Code::kAuthBlocked) {
    info_->pin_tries_left = 0;
  }
}

Status PivToken::VerifyPin(host::ApduChannel& channel, ByteView pin) {
  TESSERA_RETURN_IF_ERROR(CheckPinLength(pin));
  host::PivClient client(channel);
  Status s = client.VerifyPin(pin);
  NotePinResult(s);
  return s;
}

Status PivToken::AuthenticateSo(host::ApduChannel& channel, ByteView so_pin) {
  host::PivClient client(channel);
  Status s = AuthenticateManagementKey(client, so_pin);
  if (s.ok()) write_access_ = true;
  return s;
}

Status PivToken::Logout(host::ApduChannel& channel) {
  write_access_ = false;
  // The management key's authentication lasts until the card is deselected;
  // resetting the PIN's status is what the card offers (VERIFY P1=FF).
  CommandApdu reset;
  reset.ins = tp::ins::kVerify;
  reset.p1 = 0xFF;
  reset.p2 = tp::key::kPin;
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, channel.Transmit(reset));
  if (r.sw != sw::kOk) return Status::IoError("VERIFY (reset) answered " + std::to_string(r.sw));
  return Status::Ok();
}

Status PivToken::ChangePin(host::ApduChannel& channel, ByteView old_pin, ByteView new_pin) {
  TESSERA_RETURN_IF_ERROR(CheckPinLength(old_pin));
  TESSERA_RETURN_IF_ERROR(CheckPinLength(new_pin));
  host::PivClient client(channel);
  Status s = client.ChangePin(old_pin, new_pin);
  NotePinResult(s);
  return s;
}

Status PivToken::ChangeManagementKey(host::ApduChannel& channel, ByteView old_hex,
                                     ByteView new_hex) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes fresh, KeyFromHex(new_hex, Fault::kPinInvalid));
  host::PivClient client(channel);
  TESSERA_RETURN_IF_ERROR(AuthenticateManagementKey(client, old_hex));
  TESSERA_ASSIGN_OR_RETURN(tp::Algorithm alg, client.GetManagementKeyAlgorithm());
  if (tp::SymmetricKeySize(alg) != fresh.size()) {
    return Refuse(Fault::kPinLenRange, "the new key must have the old key's length");
  }
  return client.SetManagementKey(alg, fresh.view());
}

Status PivToken::InitPin(host::ApduChannel& channel, ByteView puk_and_pin) {
  auto colon = std::find(puk_and_pin.begin(), puk_and_pin.end(), ':');
  ByteView puk(reinterpret_cast<const std::uint8_t*>(tp::kDefaultPuk.data()),
               tp::kDefaultPuk.size());
  ByteView new_pin = puk_and_pin;
  if (colon != puk_and_pin.end()) {
    puk = puk_and_pin.first(static_cast<std::size_t>(colon - puk_and_pin.begin()));
    new_pin = puk_and_pin.subspan(puk.size() + 1);
  }
  TESSERA_RETURN_IF_ERROR(CheckPinLength(new_pin));
  if (puk.empty() || puk.size() > kMaxPin) return Refuse(Fault::kPinInvalid, "bad PUK");
  host::PivClient client(channel);
  Status s = client.UnblockPin(puk, new_pin);
  if (s.ok()) NotePinResult(s);
  return s;
}

Status PivToken::Reset(host::ApduChannel& channel, ByteView so_pin) {
  host::PivClient client(channel);
  TESSERA_RETURN_IF_ERROR(AuthenticateManagementKey(client, so_pin));
  TESSERA_RETURN_IF_ERROR(client.BlockPinAndPuk());
  return client.Reset();
}

Status PivToken::EnsureWriteAccess(host::ApduChannel& channel, bool user_logged_in) {
  if (write_access_) return Status::Ok();
  if (!user_logged_in) return Refuse(Fault::kUserNotLoggedIn, "writing to the token needs a login");
  host::PivClient client(channel);
  TESSERA_ASSIGN_OR_RETURN(tp::Algorithm alg, client.GetManagementKeyAlgorithm());
  if (tp::SymmetricKeySize(alg) != sizeof tp::kDefaultManagementKey) {
    return Refuse(Fault::kUserNotLoggedIn,
                  "the management key is not the factory default: log in as SO to write");
  }
  Status s = client.AuthenticateManagementKey(alg, ByteView(tp::kDefaultManagementKey));
  if (s.code() == Code::kSecurityStatus) {
    return Refuse(Fault::kUserNotLoggedIn,
                  "the management key is not the factory default: log in as SO to write");
  }
  TESSERA_RETURN_IF_ERROR(s);
  write_access_ = true;
  return Status::Ok();
}

}  // namespace tessera::p11::piv
