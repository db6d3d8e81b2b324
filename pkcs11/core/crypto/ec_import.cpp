#include <openssl/core_names.h>
#include <openssl/objects.h>

#include "pkcs11/core/crypto/curve.hpp"
#include "pkcs11/core/crypto/key_codec.hpp"
#include "pkcs11/core/crypto/key_import.hpp"
#include "pkcs11/core/crypto/pkey_params.hpp"

namespace tessera::p11::crypto {
namespace {

int RawKeyType(Curve curve) {
  return curve == Curve::kEd25519 ? EVP_PKEY_ED25519 : EVP_PKEY_X25519;
}

Result<ossl::EcGroupPtr> GroupOf(Curve curve) {
  ossl::EcGroupPtr group(EC_GROUP_new_by_curve_name(OBJ_sn2nid(OsslName(curve))));
  if (!group) return ossl::Error("EC_GROUP_new_by_curve_name");
  return group;
}

// d*G, uncompressed, for a scalar 1 <= d < order (SEC 1 §3.2.1).
Result<Bytes> PublicPointOf(Curve curve, const BIGNUM* d) {
  TESSERA_ASSIGN_OR_RETURN(ossl::EcGroupPtr group, GroupOf(curve));
  if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(group.get())) >= 0) {
    return Status::InvalidArgument("EC private key: scalar is not in [1, n-1]");
  }
  ossl::EcPointPtr pub(EC_POINT_new(group.get()));
  Bytes out(PublicPointBytes(curve));
  if (!pub || EC_POINT_mul(group.get(), pub.get(), d, nullptr, nullptr, nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, out.data(),
                         out.size(), nullptr) != out.size()) {
    return ossl::Error("EC public point");
  }
  return out;
}

// SEC 1 §2.3.4 with the on-curve check kept explicit.
Status CheckOnCurve(Curve curve, ByteView point) {
  TESSERA_ASSIGN_OR_RETURN(ossl::EcGroupPtr group, GroupOf(curve));
  ossl::EcPointPtr p(EC_POINT_new(group.get()));
  if (!p) return ossl::Error("EC_POINT_new");
  if (EC_POINT_oct2point(group.get(), p.get(), point.data(), point.size(), nullptr) != 1 ||
      EC_POINT_is_on_curve(group.get(), p.get(), nullptr) != 1 ||
      EC_POINT_is_at_infinity(group.get(), p.get()) == 1) {
    ossl::DrainErrors();
    return Status::InvalidArgument("EC point is not on the curve");
  }
  return Status::Ok();
}

Result<ossl::PkeyPtr> BuildEcKey(Curve curve, const BIGNUM* d, ByteView point) {
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, OsslName(curve), 0) !=
          1 ||
      (d != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d) != 1) ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return ossl::Error("EC key parameters");
  }
  return PkeyFromParams("EC", d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld.get());
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
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr d, SecretBn(private_value));
  TESSERA_ASSIGN_OR_RETURN(Bytes point, PublicPointOf(curve, d.get()));
  return BuildEcKey(curve, d.get(), point);
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
  TESSERA_RETURN_IF_ERROR(CheckOnCurve(curve, point));
  return BuildEcKey(curve, nullptr, point);
}

}  // namespace tessera::p11::crypto
