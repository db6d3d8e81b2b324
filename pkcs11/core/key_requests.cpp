#include "pkcs11/core/key_requests.hpp"

#include <string_view>

#include "common/piv/piv_constants.hpp"
#include "pkcs11/core/crypto/curve.hpp"
#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/fault.hpp"

namespace tessera::p11 {
namespace {

namespace tp = tessera::piv;

std::optional<ByteView> Either(const Template& a, const Template& b, Attr attr) {
  auto v = FindIn(a, attr);
  return v ? v : FindIn(b, attr);
}

// CKA_EC_PARAMS: a named curve's OID, or (3.0 §2.3.7) the PrintableString
// name of an Edwards or Montgomery curve.
Result<crypto::Curve> CurveOfParams(ByteView params) {
  auto named = crypto::CurveFromParamsDer(params);
  if (named.ok()) return *named;
  if (params.size() > 2 && params[0] == 0x13 && params[1] == params.size() - 2) {
    std::string_view name(reinterpret_cast<const char*>(params.data()) + 2, params.size() - 2);
    if (name == "edwards25519") return crypto::Curve::kEd25519;
    if (name == "curve25519") return crypto::Curve::kX25519;
  }
  return Refuse(Fault::kCurveNotSupported, "the token supports P-256, P-384, Ed25519, X25519");
}

Result<tp::Algorithm> RsaAlgorithm(const Template& pub) {
  auto bits = FindIn(pub, Attr::kModulusBits);
  if (!bits) return Refuse(Fault::kTemplateIncomplete, "CKA_MODULUS_BITS is required");
  auto n = AsUlong(*bits);
  if (!n) return Refuse(Fault::kAttributeValueInvalid, "CKA_MODULUS_BITS is a CK_ULONG");
  auto e = FindIn(pub, Attr::kPublicExponent);
  if (e && !(e->size() == 3 && (*e)[0] == 1 && (*e)[1] == 0 && (*e)[2] == 1)) {
    return Refuse(Fault::kTemplateInconsistent, "the token's public exponent is 65537");
  }
  switch (*n) {
    case 1024: return tp::Algorithm::kRsa1024;
    case 2048: return tp::Algorithm::kRsa2048;
    case 3072: return tp::Algorithm::kRsa3072;
    case 4096: return tp::Algorithm::kRsa4096;
    default: return Refuse(Fault::kKeySizeRange, "RSA keys are 1024, 2048, 3072 or 4096 bits");
  }
}

Result<tp::Algorithm> CurveAlgorithm(Mech mechanism, const Template& pub, const Template& priv) {
  auto params = Either(pub, priv, Attr::kEcParams);
  if (!params) return Refuse(Fault::kTemplateIncomplete, "CKA_EC_PARAMS is required");
  TESSERA_ASSIGN_OR_RETURN(crypto::Curve curve, CurveOfParams(*params));
  const bool weierstrass = crypto::IsWeierstrass(curve);
  if ((mechanism == Mech::kEcKeyPairGen) != weierstrass ||
      (mechanism == Mech::kEcEdwardsKeyPairGen && curve != crypto::Curve::kEd25519) ||
      (mechanism == Mech::kEcMontgomeryKeyPairGen && curve != crypto::Curve::kX25519)) {
    return Refuse(Fault::kTemplateInconsistent, "curve does not fit the mechanism");
  }
  switch (curve) {
    case crypto::Curve::kP256: return tp::Algorithm::kEccP256;
    case crypto::Curve::kP384: return tp::Algorithm::kEccP384;
    case crypto::Curve::kEd25519: return tp::Algorithm::kEd25519;
    case crypto::Curve::kX25519: return tp::Algorithm::kX25519;
  }
  return Refuse(Fault::kCurveNotSupported, "unknown curve");
}

}  // namespace

Result<Slot::KeyPairHandles> GenerateKeyPair(Slot& slot, Mech mechanism,
                                             const Template& public_tmpl,
                                             const Template& private_tmpl) {
  Result<tp::Algorithm> alg = Refuse(Fault::kMechanismInvalid, "not a key-pair mechanism");
  if (mechanism == Mech::kRsaPkcsKeyPairGen) {
    alg = RsaAlgorithm(public_tmpl);
  } else if (mechanism == Mech::kEcKeyPairGen || mechanism == Mech::kEcEdwardsKeyPairGen ||
             mechanism == Mech::kEcMontgomeryKeyPairGen) {
    alg = CurveAlgorithm(mechanism, public_tmpl, private_tmpl);
  }
  TESSERA_RETURN_IF_ERROR(alg.status());
  for (const Template* t : {&public_tmpl, &private_tmpl}) {
    auto token = FindIn(*t, Attr::kToken);
    if (token && !AsBool(*token).value_or(false)) {
      return Refuse(Fault::kTemplateInconsistent, "keys are generated on the token only");
    }
  }
  const ByteView id = Either(private_tmpl, public_tmpl, Attr::kId).value_or(ByteView());
  const ByteView label = Either(private_tmpl, public_tmpl, Attr::kLabel).value_or(ByteView());
  return slot.GenerateKeyPair(id, label, static_cast<std::uint8_t>(*alg));
}

Result<ObjectHandle> DeriveEcdh(Slot& slot, std::uint64_t session, const Mechanism& mechanism,
                                ObjectHandle base_key, const Template& tmpl) {
  auto read = slot.ReadObject(base_key, {});
  // PKCS#11 2.40 §5.14 C_DeriveKey: a bad base key is CKR_KEY_HANDLE_INVALID.
  if (read.status().code() == Code::kRefused &&
      read.status().detail() == static_cast<int>(Fault::kObjectHandleInvalid)) {
    return Refuse(Fault::kKeyHandleInvalid, "no such key");
  }
  TESSERA_RETURN_IF_ERROR(read.status());
  const Object& key = *read;
  auto type = key.key_type();
  if (key.cls != ObjectClass::kPrivateKey ||
      (type != KeyType::kEc && type != KeyType::kEcMontgomery)) {
    return Refuse(Fault::kKeyTypeInconsistent, "ECDH needs an EC or X25519 private key");
  }
  if (!key.Flag(Attr::kDerive)) return Refuse(Fault::kKeyFunctionNotPermitted, "no CKA_DERIVE");
  auto token = FindIn(tmpl, Attr::kToken);
  if (token && AsBool(*token).value_or(false)) {
    return Refuse(Fault::kTemplateInconsistent, "a derived key is a session object here");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr pub, slot.PublicKeyOf(base_key));
  TESSERA_ASSIGN_OR_RETURN(crypto::Curve curve, crypto::CurveOf(pub.get()));
  auto peer = crypto::UnwrapEcPoint(mechanism.peer_public, curve);
  if (!peer.ok()) return Refuse(Fault::kMechanismParamInvalid, "peer public key: bad point");
  // GENERAL AUTHENTICATE tag 85, "exponentiation" (SP 800-73-4 Part 2 §3.2.4).
  TESSERA_ASSIGN_OR_RETURN(SecureBytes secret, slot.PrivateKeyOperation(base_key, 0x85, *peer));
  std::size_t len = secret.size();
  if (auto want = FindIn(tmpl, Attr::kValueLen)) {
    auto n = AsUlong(*want);
    if (!n || *n == 0 || *n > secret.size()) {
      return Refuse(Fault::kAttributeValueInvalid, "CKA_VALUE_LEN longer than the secret");
    }
    len = *n;
  }
  Object derived;
  derived.cls = ObjectClass::kSecretKey;
  derived.session = session;
  derived.Set(Attr::kClass, UlongValue(static_cast<unsigned long>(ObjectClass::kSecretKey)));
  derived.Set(Attr::kKeyType, UlongValue(static_cast<unsigned long>(KeyType::kGenericSecret)));
  derived.Set(Attr::kToken, BoolValue(false));
  derived.Set(Attr::kPrivate, BoolValue(false));
  derived.Set(Attr::kLocal, BoolValue(false));
  derived.Set(Attr::kLabel, {});
  derived.Set(Attr::kId, {});
  derived.Set(Attr::kDerive, BoolValue(false));
  derived.Set(Attr::kModifiable, BoolValue(true));
  derived.Set(Attr::kCopyable, BoolValue(false));
  derived.Set(Attr::kDestroyable, BoolValue(true));
  derived.Set(Attr::kSensitive, BoolValue(false));
  derived.Set(Attr::kExtractable, BoolValue(true));
  for (const auto& [attr, value] : tmpl) {
    if (attr == Attr::kLabel || attr == Attr::kId || attr == Attr::kSensitive ||
        attr == Attr::kExtractable || attr == Attr::kKeyType) {
      derived.Set(attr, value);
    }
  }
  derived.Set(Attr::kAlwaysSensitive, BoolValue(derived.Flag(Attr::kSensitive)));
  derived.Set(Attr::kNeverExtractable, BoolValue(!derived.Flag(Attr::kExtractable)));
  derived.Set(Attr::kValueLen, UlongValue(len));
  derived.Set(Attr::kValue, Bytes(secret.data(), secret.data() + len));
  return slot.AddSessionObject(std::move(derived));
}

}  // namespace tessera::p11
