#include "pkcs11/core/crypto/curve.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace tessera::p11::crypto {
namespace {

struct CurveInfo {
  Curve curve;
  const char* ossl_name;
  int nid;
  std::size_t field_bytes;
  std::size_t point_bytes;
  std::string_view oid_der_hex;
  std::string_view printable_name;  // PKCS#11 3.0 §2.3.5 alternative, or empty
};

constexpr std::array<CurveInfo, 4> kCurves = {{
    {Curve::kP256, "prime256v1", NID_X9_62_prime256v1, 32, 65, "06082a8648ce3d030107", ""},
    {Curve::kP384, "secp384r1", NID_secp384r1, 48, 97, "06052b81040022", ""},
    {Curve::kEd25519, "ED25519", NID_ED25519, 32, 32, "06032b6570", "edwards25519"},
    {Curve::kX25519, "X25519", NID_X25519, 32, 32, "06032b656e", "curve25519"},
}};

const CurveInfo& InfoOf(Curve curve) {
  for (const CurveInfo& info : kCurves) {
    if (info.curve == curve) return info;
  }
  return kCurves[0];  // unreachable for valid enumerators
}

bool IsPrintableString(ByteView der, std::string_view name) {
  return !name.empty() && der.size() == 2 + name.size() && der[0] == 0x13 &&
         der[1] == name.size() && std::equal(name.begin(), name.end(), der.begin() + 2);
}

}  // namespace

std::size_t FieldBytes(Curve curve) { return InfoOf(curve).field_bytes; }
std::size_t PublicPointBytes(Curve curve) { return InfoOf(curve).point_bytes; }
bool IsWeierstrass(Curve curve) { return curve == Curve::kP256 || curve == Curve::kP384; }
const char* OsslName(Curve curve) { return InfoOf(curve).ossl_name; }

Bytes CurveParamsDer(Curve curve) { return HexOrDie(InfoOf(curve).oid_der_hex); }

Result<Curve> CurveFromParamsDer(ByteView ec_params_der) {
  for (const CurveInfo& info : kCurves) {
    const Bytes oid = HexOrDie(info.oid_der_hex);
    if (std::ranges::equal(ec_params_der, oid) ||
        IsPrintableString(ec_params_der, info.printable_name)) {
      return info.curve;
    }
  }
  return Status::InvalidArgument("EC parameters name no supported curve");
}

Result<Curve> CurveOf(EVP_PKEY* key) {
  if (key == nullptr) return Status::InvalidArgument("no key");
  if (EVP_PKEY_is_a(key, "ED25519") == 1) return Curve::kEd25519;
  if (EVP_PKEY_is_a(key, "X25519") == 1) return Curve::kX25519;
  if (EVP_PKEY_is_a(key, "EC") != 1) return Status::InvalidArgument("not an EC key");
  char name[80];
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) !=
      1) {
    return Status::InvalidArgument("EC key without a named group");
  }
  // Providers report the short name ("prime256v1"); accept the NIST one too.
  int nid = OBJ_sn2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  for (const CurveInfo& info : kCurves) {
    if (info.nid == nid && IsWeierstrass(info.curve)) return info.curve;
  }
  return Status::InvalidArgument(std::string("unsupported EC curve ") + name);
}

}  // namespace tessera::p11::crypto
