#include "common/piv/key_material.hpp"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include <array>
#include <cstring>

namespace tessera::piv {
namespace {

constexpr std::array<Curve, 2> kCurves = {{
    {piv::Algorithm::kEccP256, "prime256v1", NID_X9_62_prime256v1, 32},
    {piv::Algorithm::kEccP384, "secp384r1", NID_secp384r1, 48},
}};

// EVP_PKEY_CTX_new_from_name turns "EC" and "RSA" into legacy NIDs and asks
// ENGINE_get_pkey_meth_engine() first: in a process where an engine made
// itself the default for key methods (`openssl req -engine pkcs11`, libp11),
// the context is the engine's legacy one and EVP_PKEY_fromdata_init fails.
// The algorithm OIDs name the same provider key managers and have no NID
// lookup, so the provider path is taken whatever the host process loaded.
const char* ProviderKeyName(const char* type) {
  if (std::strcmp(type, "EC") == 0) return "1.2.840.10045.2.1";      // id-ecPublicKey
  if (std::strcmp(type, "RSA") == 0) return "1.2.840.113549.1.1.1";  // rsaEncryption
  return type;
}

}  // namespace

const Curve* CurveOf(piv::Algorithm alg) {
  for (const Curve& c : kCurves) {
    if (c.alg == alg) return &c;
  }
  return nullptr;
}

const Curve* CurveOf(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_is_a(key, "EC") != 1) return nullptr;
  char name[80];
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) !=
      1) {
    return nullptr;
  }
  // Providers report the short name ("prime256v1"); accept the NIST one too.
  int nid = OBJ_sn2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  for (const Curve& c : kCurves) {
    if (c.nid == nid) return &c;
  }
  return nullptr;
}

Result<ossl::BnPtr> SecretBnFromBytes(ByteView bytes) {
  ossl::BnPtr bn(BN_secure_new());
  if (!bn || BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), bn.get()) == nullptr) {
    return ossl::Error("BN_bin2bn");
  }
  BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  return bn;
}

Result<ossl::BnPtr> GetBnParam(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    return ossl::Error(std::string("EVP_PKEY_get_bn_param ") + name);
  }
  return ossl::BnPtr(raw);
}

Result<ossl::PkeyPtr> PkeyFromParams(const char* type, int selection, OSSL_PARAM_BLD* bld) {
  ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return ossl::Error("OSSL_PARAM_BLD_to_param");
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, ProviderKeyName(type), nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return ossl::Error("EVP_PKEY_fromdata_init");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1) {
    return ossl::Error(std::string("EVP_PKEY_fromdata ") + type);
  }
  return ossl::PkeyPtr(raw);
}

}  // namespace tessera::piv
