#include "tests/integration/services/jose/jws_key_signer.hpp"

#include <openssl/rsa.h>

#include <string>

#include "common/bytes.hpp"
#include "common/ossl.hpp"

namespace tessera::testing {

jose::JwsSigner JwsKeySigner(jose::JwsAlg alg, const EVP_PKEY& key) {
  return [alg, &key](const std::string& input) -> Result<Bytes> {
    const bool pss = alg == jose::JwsAlg::kPs256;
    const char* digest = alg == jose::JwsAlg::kEs384 ? "SHA384" : "SHA256";
    ossl::MdCtxPtr md(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestSignInit_ex(md.get(), &pctx, digest, nullptr, nullptr,
                              const_cast<EVP_PKEY*>(&key), nullptr) != 1) {
      return ossl::Error("EVP_DigestSignInit_ex");
    }
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
      return ossl::Error("PSS");
    }
    std::size_t len = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (EVP_DigestSign(md.get(), nullptr, &len, data, input.size()) != 1) {
      return ossl::Error("EVP_DigestSign");
    }
    Bytes sig(len);
    if (EVP_DigestSign(md.get(), sig.data(), &len, data, input.size()) != 1) {
      return ossl::Error("EVP_DigestSign");
    }
    sig.resize(len);
    if (alg == jose::JwsAlg::kEs256) return jose::EcdsaDerToJose(sig, 32);
    if (alg == jose::JwsAlg::kEs384) return jose::EcdsaDerToJose(sig, 48);
    return sig;
  };
}

}  // namespace tessera::testing
