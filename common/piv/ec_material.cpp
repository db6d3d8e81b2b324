#include <openssl/core_names.h>

#include "common/piv/key_material.hpp"

namespace tessera::piv {
namespace {

Result<Bytes> PointToUncompressed(const EC_GROUP* group, const EC_POINT* point,
                                  const Curve& curve) {
  Bytes out(curve.point_bytes());
  std::size_t n = EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, out.data(),
                                     out.size(), nullptr);
  if (n != out.size()) return ossl::Error("EC_POINT_point2oct");
  return out;
}

// Parses any SEC 1 point encoding and checks it lies on the curve (SEC 1
// §2.3.4; OpenSSL checks on-curve inside oct2point, the explicit test keeps
// that guarantee visible here).
Result<ossl::EcPointPtr> ParsePoint(const EC_GROUP* group, ByteView encoded) {
  ossl::EcPointPtr point(EC_POINT_new(group));
  if (!point) return ossl::Error("EC_POINT_new");
  if (EC_POINT_oct2point(group, point.get(), encoded.data(), encoded.size(), nullptr) != 1 ||
      EC_POINT_is_on_curve(group, point.get(), nullptr) != 1 ||
      EC_POINT_is_at_infinity(group, point.get()) == 1) {
    ossl::DrainErrors();
    return Status::InvalidArgument("EC point is not on the curve");
  }
  return point;
}

}  // namespace

Result<ossl::EcGroupPtr> NewGroup(const Curve& curve) {
  ossl::EcGroupPtr group(EC_GROUP_new_by_curve_name(curve.nid));
  if (!group) return ossl::Error("EC_GROUP_new_by_curve_name");
  return group;
}

bool IsValidScalar(const EC_GROUP* group, const BIGNUM* d) {
  return !BN_is_zero(d) && !BN_is_negative(d) && BN_cmp(d, EC_GROUP_get0_order(group)) < 0;
}

Result<ossl::PkeyPtr> EcKeyFromScalar(const Curve& curve, const BIGNUM* d) {
  TESSERA_ASSIGN_OR_RETURN(ossl::EcGroupPtr group, NewGroup(curve));
  if (!IsValidScalar(group.get(), d)) {
    return Status::InvalidArgument("EC private scalar is not in [1, n-1]");
  }
  ossl::EcPointPtr pub(EC_POINT_new(group.get()));
  if (!pub || EC_POINT_mul(group.get(), pub.get(), d, nullptr, nullptr, nullptr) != 1) {
    return ossl::Error("EC_POINT_mul");
  }
  TESSERA_ASSIGN_OR_RETURN(Bytes point, PointToUncompressed(group.get(), pub.get(), curve));
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.group_name, 0) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return ossl::Error("EC private key parameters");
  }
  return PkeyFromParams("EC", EVP_PKEY_KEYPAIR, bld.get());
}

Result<ossl::PkeyPtr> EcPublicKeyFromPoint(const Curve& curve, ByteView point) {
  // Only the uncompressed form: PIV carries 04 || X || Y (SP 800-73-4 Part 2
  // §3.3.2 and Table 14).
  if (point.size() != curve.point_bytes() || point[0] != POINT_CONVERSION_UNCOMPRESSED) {
    return Status::InvalidArgument("EC point must be " + std::to_string(curve.point_bytes()) +
                                   " bytes, uncompressed (04 || X || Y)");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::EcGroupPtr group, NewGroup(curve));
  TESSERA_RETURN_IF_ERROR(ParsePoint(group.get(), point).status());
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.group_name, 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return ossl::Error("EC public key parameters");
  }
  return PkeyFromParams("EC", EVP_PKEY_PUBLIC_KEY, bld.get());
}

Result<Bytes> EcPublicPoint(EVP_PKEY* key, const Curve& curve) {
  // The key may hold its point compressed (as parsed from a certificate);
  // re-encode so the token always answers 04 || X || Y.
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &len) != 1) {
    return ossl::Error("EC public key length");
  }
  Bytes encoded(len);
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, encoded.data(), encoded.size(),
                                      &len) != 1) {
    return ossl::Error("EC public key");
  }
  encoded.resize(len);
  TESSERA_ASSIGN_OR_RETURN(ossl::EcGroupPtr group, NewGroup(curve));
  TESSERA_ASSIGN_OR_RETURN(ossl::EcPointPtr point, ParsePoint(group.get(), encoded));
  return PointToUncompressed(group.get(), point.get(), curve);
}

}  // namespace tessera::piv
