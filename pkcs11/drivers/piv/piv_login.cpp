#include "pkcs11/drivers/piv/piv_login.hpp"

#include "common/piv/piv_constants.hpp"
#include "common/secure_bytes.hpp"
#include "host/card/piv_client.hpp"

namespace tessera::p11::piv {
namespace {

constexpr std::size_t kMinPin = 6;
constexpr std::size_t kMaxPin = 8;

}  // namespace

Status LoginUser(host::ApduChannel& channel, ByteView pin) {
  if (pin.size() < kMinPin || pin.size() > kMaxPin) {
    return Status::InvalidArgument("a PIV PIN is 6 to 8 characters");
  }
  host::PivClient client(channel);
  return client.VerifyPin(pin);
}

Status LoginSo(host::ApduChannel& channel, ByteView so_pin) {
  auto key = FromHex(std::string_view(reinterpret_cast<const char*>(so_pin.data()), so_pin.size()));
  if (!key.ok()) return Status::InvalidArgument("the SO PIN is the management key in hex");
  SecureBytes secret(*key);
  OPENSSL_cleanse(key->data(), key->size());
  host::PivClient client(channel);
  // 24 bytes may be 3DES or AES-192: the card says which key it holds.
  TESSERA_ASSIGN_OR_RETURN(tessera::piv::Algorithm alg, client.GetManagementKeyAlgorithm());
  if (tessera::piv::SymmetricKeySize(alg) != secret.size()) return Status::PinIncorrect(-1);
  Status s = client.AuthenticateManagementKey(alg, secret.view());
  if (s.code() == Code::kSecurityStatus) return Status::PinIncorrect(-1);
  return s;
}

Status Logout(host::ApduChannel& channel) {
  CommandApdu reset;
  reset.ins = tessera::piv::ins::kVerify;
  reset.p1 = 0xFF;
  reset.p2 = tessera::piv::key::kPin;
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu r, channel.Transmit(reset));
  if (!r.ok()) return Status::IoError("VERIFY (reset) answered " + std::to_string(r.sw));
  return Status::Ok();
}

}  // namespace tessera::p11::piv
