// Slot: private-key operations on the card, and the PIN changes.
#include <algorithm>

#include "host/card/piv_client.hpp"
#include "pkcs11/core/fault.hpp"
#include "pkcs11/core/slot.hpp"
#include "pkcs11/drivers/piv/piv_login.hpp"

namespace tessera::p11 {
namespace {

constexpr std::size_t kMinPin = 6;
constexpr std::size_t kMaxPin = 8;
constexpr char kDefaultPuk[] = "12345678";

bool PinLengthOk(ByteView pin) { return pin.size() >= kMinPin && pin.size() <= kMaxPin; }

// The object's decoded public key (a new reference), decoding its
// CKA_PUBLIC_KEY_INFO only when none was kept.
Result<ossl::PkeyPtr> PublicKeyFrom(const Object& o) {
  if (o.public_key != nullptr && EVP_PKEY_up_ref(o.public_key.get()) == 1) {
    return ossl::PkeyPtr(o.public_key.get());
  }
  auto spki = o.Get(Attr::kPublicKeyInfo);
  if (!spki) return Refuse(Fault::kKeyTypeInconsistent, "object has no public key");
  return ossl::PublicKeyFromDer(*spki);
}

}  // namespace

Result<SecureBytes> Slot::PrivateKeyOperation(ObjectHandle key, std::uint8_t input_tag,
                                              ByteView input) {
  std::lock_guard lock(mu_);
  Object* o = objects_.Find(key);
  if (o == nullptr || o->cls != ObjectClass::kPrivateKey || login_ != LoginState::kUser) {
    return Refuse(Fault::kKeyHandleInvalid, "no such private key");
  }
  const std::uint8_t key_ref = o->where.key_ref;
  const auto alg = static_cast<tessera::piv::Algorithm>(o->where.algorithm);
  SecureBytes out;
  Status s = WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    auto r = client.PrivateKeyOperation(key_ref, alg, input_tag, input);
    if (r.ok()) out = std::move(*r);
    return r.status();
  });
  if (s.code() == Code::kSecurityStatus) {
    return Refuse(Fault::kUserNotLoggedIn, "the key needs the PIN (again) first");
  }
  TESSERA_RETURN_IF_ERROR(s);
  return out;
}

Result<ossl::PkeyPtr> Slot::PublicKeyOf(ObjectHandle handle) {
  std::lock_guard lock(mu_);
  Object* o = objects_.Find(handle);
  if (o == nullptr) return Refuse(Fault::kKeyHandleInvalid, "no such key");
  return PublicKeyFrom(*o);
}

Result<Slot::KeySummary> Slot::SummarizeKey(ObjectHandle handle) {
  std::lock_guard lock(mu_);
  Object* o = objects_.Find(handle);
  if (o == nullptr || (o->Flag(Attr::kPrivate) && login_ != LoginState::kUser)) {
    return Refuse(Fault::kKeyHandleInvalid, "no such key");
  }
  KeySummary k;
  k.cls = o->cls;
  k.type = o->key_type();
  k.sign = o->Flag(Attr::kSign);
  k.verify = o->Flag(Attr::kVerify);
  k.encrypt = o->Flag(Attr::kEncrypt);
  k.decrypt = o->Flag(Attr::kDecrypt);
  k.always_authenticate = o->Flag(Attr::kAlwaysAuthenticate);
  // A key without a public part is left null; the operation refuses it.
  auto pub = PublicKeyFrom(*o);
  if (pub.ok()) {
    k.public_key = std::move(*pub);
  } else if (o->Has(Attr::kPublicKeyInfo)) {
    return pub.status();
  }
  return k;
}

Status Slot::ContextLogin(ByteView pin) {
  std::lock_guard lock(mu_);
  Status s = WithCard([&](host::ApduChannel& ch) { return piv::LoginUser(ch, pin); });
  NotePinResult(s);
  return s;
}

Status Slot::InitPin(ByteView puk_and_pin) {
  std::lock_guard lock(mu_);
  auto colon = std::find(puk_and_pin.begin(), puk_and_pin.end(), ':');
  ByteView puk(reinterpret_cast<const std::uint8_t*>(kDefaultPuk), sizeof kDefaultPuk - 1);
  ByteView pin = puk_and_pin;
  if (colon != puk_and_pin.end()) {
    puk = puk_and_pin.first(static_cast<std::size_t>(colon - puk_and_pin.begin()));
    pin = puk_and_pin.subspan(puk.size() + 1);
  }
  if (!PinLengthOk(pin)) return Refuse(Fault::kPinLenRange, "a PIV PIN is 6 to 8 characters");
  if (puk.empty() || puk.size() > kMaxPin) return Refuse(Fault::kPinInvalid, "bad PUK");
  Status s = WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    return client.UnblockPin(puk, pin);
  });
  if (s.ok()) NotePinResult(s);
  return s;
}

Status Slot::SetPin(ByteView old_pin, ByteView new_pin) {
  std::lock_guard lock(mu_);
  if (login_ == LoginState::kSo) {
    // The SO's "PIN" is the management key in hex: authenticate with the
    // old key, then set the new one of the same algorithm.
    auto fresh =
        FromHex(std::string_view(reinterpret_cast<const char*>(new_pin.data()), new_pin.size()));
    if (!fresh.ok()) return Refuse(Fault::kPinInvalid, "the new SO PIN is a key in hex");
    SecureBytes key(*fresh);
    OPENSSL_cleanse(fresh->data(), fresh->size());
    return WithCard([&](host::ApduChannel& ch) {
      TESSERA_RETURN_IF_ERROR(piv::LoginSo(ch, old_pin));
      host::PivClient client(ch);
      TESSERA_ASSIGN_OR_RETURN(tessera::piv::Algorithm alg, client.GetManagementKeyAlgorithm());
      if (tessera::piv::SymmetricKeySize(alg) != key.size()) {
        return Refuse(Fault::kPinLenRange, "the new key must have the old key's length");
      }
      return client.SetManagementKey(alg, key.view());
    });
  }
  if (!PinLengthOk(new_pin)) return Refuse(Fault::kPinLenRange, "a PIV PIN is 6 to 8 characters");
  Status s = WithCard([&](host::ApduChannel& ch) {
    host::PivClient client(ch);
    return client.ChangePin(old_pin, new_pin);
  });
  NotePinResult(s);
  return s;
}

Status Slot::InitToken(ByteView so_pin) {
  std::lock_guard lock(mu_);
  Status s = WithCard([&](host::ApduChannel& ch) {
    TESSERA_RETURN_IF_ERROR(piv::LoginSo(ch, so_pin));
    host::PivClient client(ch);
    TESSERA_RETURN_IF_ERROR(client.BlockPinAndPuk());
    return client.Reset();
  });
  DropToken();  // whatever happened, the cached contents are stale now
  return s;
}

}  // namespace tessera::p11
