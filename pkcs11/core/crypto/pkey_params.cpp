#include "pkcs11/core/crypto/pkey_params.hpp"

#include <cstring>
#include <string>

namespace tessera::p11::crypto {
namespace {

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

Result<ossl::BnPtr> SecretBn(ByteView bytes) {
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

}  // namespace tessera::p11::crypto
