#include "pkcs11/core/key_spec_reader.hpp"

#include <string_view>

#include "pkcs11/model/fault.hpp"

namespace tessera::p11 {
namespace {

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

// CKA_PUBLIC_EXPONENT is a big-endian integer: leading zero bytes (00 01 00
// 01) name the same number as 01 00 01.
Result<Bytes> Exponent(std::optional<ByteView> given) {
  if (!given) return Bytes{0x01, 0x00, 0x01};
  ByteView e = *given;
  while (!e.empty() && e.front() == 0) e = e.subspan(1);
  // An odd e of at least 3 that fits a machine word (FIPS 186-4 §B.3.1 asks
  // 2^16 < e < 2^256; OpenSSL takes any odd e).
  if (e.empty() || e.size() > 8 || (e.back() & 1) == 0 || (e.size() == 1 && e[0] < 3)) {
    return Refuse(Fault::kTemplateInconsistent, "CKA_PUBLIC_EXPONENT is not a usable exponent");
  }
  return Bytes(e.begin(), e.end());
}

Result<KeySpec> RsaSpec(const Template& pub) {
  auto bits = FindIn(pub, Attr::kModulusBits);
  if (!bits) return Refuse(Fault::kTemplateIncomplete, "CKA_MODULUS_BITS is required");
  auto n = AsUlong(*bits);
  if (!n) return Refuse(Fault::kAttributeValueInvalid, "CKA_MODULUS_BITS is a CK_ULONG");
  if (*n < 1024 || *n > 4096 || *n % 8 != 0) {
    return Refuse(Fault::kKeySizeRange, "RSA keys are 1024 to 4096 bits");
  }
  KeySpec spec;
  spec.type = KeyType::kRsa;
  spec.rsa_bits = *n;
  TESSERA_ASSIGN_OR_RETURN(spec.public_exponent, Exponent(FindIn(pub, Attr::kPublicExponent)));
  return spec;
}

Result<KeySpec> CurveSpec(Mech mechanism, const Template& pub, const Template& priv) {
  auto params = Either(pub, priv, Attr::kEcParams);
  if (!params) return Refuse(Fault::kTemplateIncomplete, "CKA_EC_PARAMS is required");
  TESSERA_ASSIGN_OR_RETURN(crypto::Curve curve, CurveOfParams(*params));
  const bool weierstrass = crypto::IsWeierstrass(curve);
  if ((mechanism == Mech::kEcKeyPairGen) != weierstrass ||
      (mechanism == Mech::kEcEdwardsKeyPairGen && curve != crypto::Curve::kEd25519) ||
      (mechanism == Mech::kEcMontgomeryKeyPairGen && curve != crypto::Curve::kX25519)) {
    return Refuse(Fault::kTemplateInconsistent, "curve does not fit the mechanism");
  }
  KeySpec spec;
  spec.curve = curve;
  spec.type = weierstrass                        ? KeyType::kEc
              : curve == crypto::Curve::kEd25519 ? KeyType::kEcEdwards
                                                 : KeyType::kEcMontgomery;
  return spec;
}

}  // namespace

Result<KeySpec> ReadKeySpec(Mech mechanism, const Template& public_tmpl,
                            const Template& private_tmpl) {
  switch (mechanism) {
    case Mech::kRsaPkcsKeyPairGen: return RsaSpec(public_tmpl);
    case Mech::kEcKeyPairGen:
    case Mech::kEcEdwardsKeyPairGen:
    case Mech::kEcMontgomeryKeyPairGen: return CurveSpec(mechanism, public_tmpl, private_tmpl);
    default: return Refuse(Fault::kMechanismInvalid, "not a key-pair mechanism");
  }
}

}  // namespace tessera::p11
