// secret_wrap.hpp: the KEK and K at rest, HMAC inside the HSM, the UIDC key.
// GcmSeal and GcmOpen are in secret_wrap_gcm.cpp.
#include "hsm/secret_wrap.hpp"

#include <optional>
#include <string_view>
#include <utility>

#include "hsm/attribute_template.hpp"
#include "hsm/crypto_ops.hpp"
#include "hsm/key_ops.hpp"
#include "hsm/mechanism.hpp"
#include "hsm/pkcs11_types.hpp"

namespace tessera::hsm {
namespace {

// Constants pkcs11_types.hpp does not name; the enums take any CK_ULONG.
constexpr KeyType kGenericSecret = static_cast<KeyType>(CKK_GENERIC_SECRET);
constexpr Mechanism kGenericSecretKeyGen = static_cast<Mechanism>(CKM_GENERIC_SECRET_KEY_GEN);
constexpr Mechanism kSha256Hmac = static_cast<Mechanism>(CKM_SHA256_HMAC);
constexpr CK_ULONG kKeyBytes = 32;

struct Uses {
  bool encrypt = false;
  bool decrypt = false;
  bool sign = false;
  bool wrap = false;
  bool unwrap = false;
};

// Every usage flag stated (key_templates.hpp's rule).
AttributeTemplate SecretTemplate(KeyType type, bool token, bool extractable, const Uses& u) {
  AttributeTemplate t;
  t.Add(Attr::kClass, ObjectClass::kSecretKey)
      .Add(Attr::kKeyType, type)
      .Add(Attr::kToken, token)
      .Add(Attr::kPrivate, true)
      .Add(Attr::kSensitive, true)
      .Add(Attr::kExtractable, extractable)
      .Add(Attr::kEncrypt, u.encrypt)
      .Add(Attr::kDecrypt, u.decrypt)
      .Add(Attr::kSign, u.sign)
      .Add(Attr::kVerify, false)
      .Add(Attr::kWrap, u.wrap)
      .Add(Attr::kUnwrap, u.unwrap)
      .Add(Attr::kDerive, false);
  if (token) t.Add(Attr::kModifiable, false);
  return t;
}

std::string Describe(const HsmSession& session, std::string_view kind, std::string_view label) {
  return std::string(kind) + " '" + std::string(label) + "' on HSM token '" +
         session.token_label() + "'";
}

Result<CK_OBJECT_HANDLE> GenerateTokenKey(HsmSession& session, std::string_view kind,
                                          const std::string& label, Mechanism mechanism,
                                          AttributeTemplate key_template) {
  const std::string what = Describe(session, kind, label);
  TESSERA_ASSIGN_OR_RETURN(std::optional<CK_OBJECT_HANDLE> existing,
                           FindTokenObject(session, ObjectClass::kSecretKey, label));
  if (existing) return Status::AlreadyExists(what + " exists already");
  key_template.Add(Attr::kLabel, std::string_view(label)).Add(Attr::kValueLen, kKeyBytes);
  TESSERA_ASSIGN_OR_RETURN(KeyObject key, GenerateKey(session, MechanismSpec::Plain(mechanism),
                                                      std::move(key_template), what));
  return std::move(key).Keep();
}

Result<CK_OBJECT_HANDLE> FindTokenKey(HsmSession& session, std::string_view kind,
                                      const std::string& label) {
  Result<CK_OBJECT_HANDLE> key = RequireTokenObject(session, ObjectClass::kSecretKey, label);
  if (!key.ok() && key.status().code() == Code::kNotFound) {
    return Status::NotFound("no " + Describe(session, kind, label));
  }
  return key;
}

}  // namespace

Result<CK_OBJECT_HANDLE> GenerateSecretKek(HsmSession& session, const std::string& label) {
  return GenerateTokenKey(
      session, "registration KEK", label, Mechanism::kAesKeyGen,
      SecretTemplate(KeyType::kAes, /*token=*/true, /*extractable=*/false,
                     Uses{.encrypt = true, .decrypt = true, .wrap = true, .unwrap = true}));
}

Result<CK_OBJECT_HANDLE> FindSecretKek(HsmSession& session, const std::string& label) {
  return FindTokenKey(session, "registration KEK", label);
}

Result<CK_OBJECT_HANDLE> GenerateHmacKey(HsmSession& session, const std::string& label) {
  return GenerateTokenKey(
      session, "HMAC key", label, kGenericSecretKeyGen,
      SecretTemplate(kGenericSecret, /*token=*/true, /*extractable=*/false, Uses{.sign = true}));
}

Result<CK_OBJECT_HANDLE> FindHmacKey(HsmSession& session, const std::string& label) {
  return FindTokenKey(session, "HMAC key", label);
}

Result<Bytes> WrapSecret(HsmSession& session, CK_OBJECT_HANDLE kek, const SecureBytes& secret) {
  if (secret.size() != kWrappedSecretInputBytes) {
    return Status::InvalidArgument("a registration secret is 32 bytes, not " +
                                   std::to_string(secret.size()));
  }
  // Extractable only so that C_WrapKey may take it; sensitive, so it cannot
  // be read back in the clear. The template's copy of K is wiped with it.
  AttributeTemplate key_template =
      SecretTemplate(kGenericSecret, /*token=*/false, /*extractable=*/true, Uses{});
  key_template.Add(Attr::kValue, secret.view());
  TESSERA_ASSIGN_OR_RETURN(KeyObject key,
                           CreateObject(session, std::move(key_template), "registration K"));
  TESSERA_ASSIGN_OR_RETURN(Bytes wrapped,
                           WrapKey(session, MechanismSpec::Plain(Mechanism::kAesKeyWrapPad), kek,
                                   key.handle(), "registration K"));
  if (wrapped.size() != kWrappedSecretBytes) {
    return Status::Internal("CKM_AES_KEY_WRAP_PAD gave " + std::to_string(wrapped.size()) +
                            " bytes for a 32-byte key, not 40");
  }
  return wrapped;
}

Result<KeyObject> UnwrapHmacKey(HsmSession& session, CK_OBJECT_HANDLE kek, ByteView wrapped) {
  if (wrapped.size() != kWrappedSecretBytes) {
    return Status::InvalidArgument("a wrapped registration secret is 40 bytes, not " +
                                   std::to_string(wrapped.size()));
  }
  Result<KeyObject> key = UnwrapKey(
      session, MechanismSpec::Plain(Mechanism::kAesKeyWrapPad), kek, wrapped,
      SecretTemplate(kGenericSecret, /*token=*/false, /*extractable=*/false, Uses{.sign = true}),
      "registration K");
  // RFC 5649 §3: an integrity check that fails (another KEK, a changed
  // byte) is CKR_WRAPPED_KEY_INVALID, or SoftHSM2's CKR_GENERAL_ERROR.
  if (!key.ok() &&
      (key.status().code() == Code::kInvalidArgument || key.status().code() == Code::kInternal)) {
    return Status::SignatureInvalid("the wrapped registration K does not unwrap: " +
                                    key.status().message());
  }
  return key;
}

Result<SecureBytes> HmacSign(HsmSession& session, CK_OBJECT_HANDLE key, ByteView data) {
  TESSERA_ASSIGN_OR_RETURN(SecureBytes mac,
                           Sign(session, MechanismSpec::Plain(kSha256Hmac), key, data, "HMAC key"));
  if (mac.size() != kHmacBytes) {
    return Status::Internal("CKM_SHA256_HMAC gave " + std::to_string(mac.size()) + " bytes");
  }
  return mac;
}

}  // namespace tessera::hsm
