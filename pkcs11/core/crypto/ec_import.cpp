#include "common/piv/key_material.hpp"
#include "pkcs11/core/crypto/curve.hpp"
#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/crypto/key_import.hpp"

namespace tessera::p11::crypto {
namespace {

int RawKeyType(Curve curve) {
  return curve == Curve::kEd25519 ? EVP_PKEY_ED25519 : EVP_PKEY_X25519;
}

// The shared description of a PIV curve (common/piv/key_material.hpp).
const piv::Curve& PivCurve(Curve curve) {
  return *piv::CurveOf(curve == Curve::kP256 ? piv::Algorithm::kEccP256 : piv::Algorithm::kEccP384);
}

}  // namespace

Result<ossl::PkeyPtr> EcPrivateKey(ByteView ec_params_der, ByteView private_value) {
  TESSERA_ASSIGN_OR_RETURN(Curve curve, CurveFromParamsDer(ec_params_der));
  if (!IsWeierstrass(curve)) {
    if (private_value.size() != FieldBytes(curve)) {
      return Status::InvalidArgument("EC private key: must be 32 raw bytes");
    }
    ossl::PkeyPtr key(EVP_PKEY_new_raw_private_key(RawKeyType(curve), nullptr, private_value.data(),
                                                   private_value.size()));
    if (!key) return ossl::Error("EVP_PKEY_new_raw_private_key");
    return key;
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr d, piv::SecretBnFromBytes(private_value));
  return piv::EcKeyFromScalar(PivCurve(curve), d.get());
}

Result<ossl::PkeyPtr> EcPublicKey(ByteView ec_params_der, ByteView ec_point) {
  TESSERA_ASSIGN_OR_RETURN(Curve curve, CurveFromParamsDer(ec_params_der));
  TESSERA_ASSIGN_OR_RETURN(Bytes point, UnwrapEcPoint(ec_point, curve));
  if (!IsWeierstrass(curve)) {
    ossl::PkeyPtr key(
        EVP_PKEY_new_raw_public_key(RawKeyType(curve), nullptr, point.data(), point.size()));
    if (!key) return ossl::Error("EVP_PKEY_new_raw_public_key");
    return key;
  }
  return piv::EcPublicKeyFromPoint(PivCurve(curve), point);
}

}  // namespace tessera::p11::crypto
