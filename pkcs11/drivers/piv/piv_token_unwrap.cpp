// PivToken: C_UnwrapKey with CKM_ECDH_AES_KEY_WRAP and the token key F0: the
// card opens the blob (Tessera F2) where its shared data binds it. The
// module picks the target the template names (a PIV slot by CKA_ID, or a
// secret-key slot) and tells the card the key type the template expects; the
// card checks both, and the binding, before it stores anything. When the
// blob is the key package's, the card empties 5FFF20 and so does the cache.
#include "common/piv/wrapped_key.hpp"
#include "host/card/piv_client.hpp"
#include "pkcs11/core/crypto/curve.hpp"
#include "pkcs11/drivers/piv/piv_key_slots.hpp"
#include "pkcs11/drivers/piv/piv_secret_objects.hpp"
#include "pkcs11/drivers/piv/piv_token.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::piv {
namespace {

namespace tp = tessera::piv;
namespace secret = tessera::piv::secret;
namespace wrap = tessera::piv::wrap;

ByteView Or(std::optional<ByteView> v) { return v.value_or(ByteView()); }

// The exact PIV algorithm of an EC key whose template names its curve.
std::optional<std::uint8_t> CurveAlgorithm(const Template& tmpl) {
  auto params = FindIn(tmpl, Attr::kEcParams);
  if (!params) return std::nullopt;
  auto curve = crypto::CurveFromParamsDer(*params);
  if (!curve.ok()) return std::nullopt;
  switch (*curve) {
    case crypto::Curve::kP256: return static_cast<std::uint8_t>(tp::Algorithm::kEccP256);
    case crypto::Curve::kP384: return static_cast<std::uint8_t>(tp::Algorithm::kEccP384);
    case crypto::Curve::kEd25519: return static_cast<std::uint8_t>(tp::Algorithm::kEd25519);
    case crypto::Curve::kX25519: return static_cast<std::uint8_t>(tp::Algorithm::kX25519);
  }
  return std::nullopt;
}

// Where a private key goes: the PIV slot CKA_ID names, else the one the
// shared data names.
Result<std::uint8_t> PrivateKeyTarget(const Template& tmpl, std::uint8_t bound) {
  auto id = FindIn(tmpl, Attr::kId);
  if (id) {
    if (const PivKeySlot* named = SlotById(*id)) return named->key_ref;
  }
  if (IsUserKeySlot(bound)) return bound;
  return Refuse(Fault::kTemplateInconsistent, "CKA_ID does not name a PIV key slot");
}

}  // namespace

Result<host::UnwrapRequest> PivToken::UnwrapRequestFor(const EcdhParams& params, ByteView blob,
                                                       const Template& tmpl) {
  host::UnwrapRequest r;
  // The card binds keys with the X9.63 KDF over SHA-256, -384 or -512.
  if (!params.kdf || !wrap::KdfByte(*params.kdf)) {
    return Refuse(Fault::kMechanismParamInvalid, "the card's KDFs are CKD_SHA256/384/512_KDF");
  }
  auto binding = wrap::ParseSharedData(params.kdf_info);
  if (!binding.ok()) return Refuse(Fault::kMechanismParamInvalid, binding.status().message());
  r.wrapped.kdf = *params.kdf;
  r.wrapped.kek_bytes = params.aes_key_bits / 8;
  r.wrapped.shared_data = params.kdf_info;
  r.wrapped.blob.assign(blob.begin(), blob.end());
  const auto cls = AsUlong(Or(FindIn(tmpl, Attr::kClass)));
  const auto type = AsUlong(Or(FindIn(tmpl, Attr::kKeyType)));
  if (!cls || !type) return Refuse(Fault::kTemplateIncomplete, "CKA_CLASS and CKA_KEY_TYPE");
  const auto key_type = static_cast<KeyType>(*type);
  // The card checks the key inside against the family (the CKK_ value's low
  // byte) and, where the template pins it, the exact algorithm.
  r.key_family = static_cast<std::uint8_t>(*type);
  if (static_cast<ObjectClass>(*cls) == ObjectClass::kSecretKey) {
    if (key_type != KeyType::kAes && key_type != KeyType::kGenericSecret) {
      return Refuse(Fault::kTemplateInconsistent, "the card holds AES keys and generic secrets");
    }
    if (auto len = FindIn(tmpl, Attr::kValueLen)) {
      auto n = AsUlong(*len);
      if (!n) return Refuse(Fault::kAttributeValueInvalid, "CKA_VALUE_LEN is a CK_ULONG");
      TESSERA_ASSIGN_OR_RETURN(secret::KeyType exact, CardSecretType(key_type, *n));
      r.algorithm = static_cast<std::uint8_t>(exact);
    }
    TESSERA_ASSIGN_OR_RETURN(r.secret, CardSecretAttributes(tmpl, key_type));
    r.target = binding->target == wrap::kAnySecretSlot ? secret::kAnyFreeSlot : binding->target;
    return r;
  }
  if (static_cast<ObjectClass>(*cls) != ObjectClass::kPrivateKey) {
    return Refuse(Fault::kTemplateInconsistent, "a private key or a secret key is unwrapped");
  }
  auto priv = FindIn(tmpl, Attr::kPrivate);
  if (priv && !AsBool(*priv).value_or(true)) {
    return Refuse(Fault::kTemplateInconsistent, "a key on the card is a private object");
  }
  TESSERA_ASSIGN_OR_RETURN(r.target, PrivateKeyTarget(tmpl, binding->target));
  r.algorithm = CurveAlgorithm(tmpl);
  return r;
}

Result<ObjectHandle> PivToken::Unwrap(host::ApduChannel& channel, ObjectHandle unwrapping,
                                      const EcdhParams& params, ByteView blob,
                                      const Template& tmpl) {
  const Object* key = objects_.Find(unwrapping);
  if (key == nullptr || !key->where.token_key || key->cls != ObjectClass::kPrivateKey) {
    return Refuse(Fault::kUnwrappingKeyTypeInconsistent, "the card unwraps with its token key");
  }
  TESSERA_ASSIGN_OR_RETURN(host::UnwrapRequest request, UnwrapRequestFor(params, blob, tmpl));
  host::PivClient client(channel);
  auto made = client.UnwrapAndStore(request);
  if (!made.ok()) {
    // The card's refusals in C_UnwrapKey's words (PKCS#11 3.0 §5.14).
    switch (made.status().code()) {
      case Code::kInvalidArgument:
      case Code::kSignatureInvalid:
        return Refuse(Fault::kWrappedKeyInvalid, made.status().message());
      case Code::kDataMismatch:
        return Refuse(Fault::kTemplateInconsistent, made.status().message());
      case Code::kConditionsNotSatisfied:
      case Code::kNoSpace: return Refuse(Fault::kDeviceMemory, made.status().message());
      case Code::kIncorrectP1P2:
        return Refuse(Fault::kTemplateInconsistent, made.status().message());
      default: return made.status();
    }
  }
  ForgetOpenedPackage(request.wrapped.blob);
  if (made->secret_key) return AddSecretKey(*made->secret_key);
  if (made->public_key == nullptr) return Status::Internal("the card answered no public key");
  KeyPairHandles handles;
  TESSERA_RETURN_IF_ERROR(AddKeyObjects(made->slot, made->public_key.get(),
                                        Or(FindIn(tmpl, Attr::kId)), Or(FindIn(tmpl, Attr::kLabel)),
                                        false, &handles));
  return handles.private_key;
}

}  // namespace tessera::p11::piv
