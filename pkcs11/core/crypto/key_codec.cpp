#include "pkcs11/core/crypto/key_codec.hpp"

#include <openssl/core_names.h>
#include <openssl/objects.h>

#include <string>

#include "common/piv/key_material.hpp"
#include "common/tlv.hpp"

namespace tessera::p11::crypto {
namespace {

constexpr std::uint32_t kOctetStringTag = 0x04;

Result<Bytes> WeierstrassPoint(EVP_PKEY* key, Curve curve) {
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
  if (encoded.size() == PublicPointBytes(curve) && encoded[0] == POINT_CONVERSION_UNCOMPRESSED) {
    return encoded;
  }
  // Held compressed (e.g. parsed from such a certificate): re-encode.
  ossl::EcGroupPtr group(EC_GROUP_new_by_curve_name(OBJ_sn2nid(OsslName(curve))));
  ossl::EcPointPtr point(group ? EC_POINT_new(group.get()) : nullptr);
  Bytes out(PublicPointBytes(curve));
  if (!point ||
      EC_POINT_oct2point(group.get(), point.get(), encoded.data(), encoded.size(), nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, out.data(),
                         out.size(), nullptr) != out.size()) {
    return ossl::Error("EC point re-encoding");
  }
  return out;
}

}  // namespace

Result<RsaPublicParts> RsaPublic(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_is_a(key, "RSA") != 1) {
    return Status::InvalidArgument("not an RSA key");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr n, piv::GetBnParam(key, OSSL_PKEY_PARAM_RSA_N));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr e, piv::GetBnParam(key, OSSL_PKEY_PARAM_RSA_E));
  return RsaPublicParts{ossl::BnToBytes(n.get()), ossl::BnToBytes(e.get())};
}

std::size_t RsaModulusBits(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_is_a(key, "RSA") != 1) return 0;
  return static_cast<std::size_t>(EVP_PKEY_get_bits(key));
}

Result<Bytes> EcParamsDer(EVP_PKEY* key) {
  TESSERA_ASSIGN_OR_RETURN(Curve curve, CurveOf(key));
  return CurveParamsDer(curve);
}

Result<Bytes> EcPoint(EVP_PKEY* key) {
  TESSERA_ASSIGN_OR_RETURN(Curve curve, CurveOf(key));
  if (IsWeierstrass(curve)) return WeierstrassPoint(key, curve);
  Bytes out(PublicPointBytes(curve));
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1 || len != out.size()) {
    return ossl::Error("EVP_PKEY_get_raw_public_key");
  }
  return out;
}

Result<Bytes> EcPointDer(EVP_PKEY* key) {
  TESSERA_ASSIGN_OR_RETURN(Bytes point, EcPoint(key));
  return EncodeTlv(kOctetStringTag, point);
}

std::size_t EcFieldBytes(EVP_PKEY* key) {
  Result<Curve> curve = CurveOf(key);
  return curve.ok() ? FieldBytes(*curve) : 0;
}

Result<Bytes> UnwrapEcPoint(ByteView data, Curve curve) {
  const std::size_t size = PublicPointBytes(curve);
  auto is_bare = [&](ByteView p) {
    return p.size() == size && (!IsWeierstrass(curve) || p[0] == POINT_CONVERSION_UNCOMPRESSED);
  };
  if (is_bare(data)) return Bytes(data.begin(), data.end());
  Result<ByteView> inner = ParseSingle(data, kOctetStringTag);
  if (inner.ok() && is_bare(*inner)) return Bytes(inner->begin(), inner->end());
  return Status::InvalidArgument("EC point: expected " + std::to_string(size) +
                                 " bytes, bare or in a DER OCTET STRING" +
                                 (IsWeierstrass(curve) ? ", uncompressed" : ""));
}

}  // namespace tessera::p11::crypto
