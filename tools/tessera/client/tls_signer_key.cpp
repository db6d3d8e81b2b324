#include "tools/tessera/client/tls_signer_key.hpp"

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include <memory>

// The EC_KEY_METHOD interface is deprecated in OpenSSL 3 but is the one
// way to give TLS a key that signs elsewhere without writing a provider
// (tls_signer_key.hpp); only this file uses it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace tessera::cli {
namespace {

struct EcKeyFree {
  void operator()(EC_KEY* key) const noexcept { EC_KEY_free(key); }
};
using EcKeyPtr = std::unique_ptr<EC_KEY, EcKeyFree>;

void FreeSigner(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
                void* /*argp*/) {
  delete static_cast<TlsKeySigner*>(ptr);
}

// The EC_KEY ex_data slot that holds the key's TlsKeySigner.
int SignerIndex() {
  static const int index =
      CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_EC_KEY, 0, nullptr, nullptr, nullptr, FreeSigner);
  return index;
}

const char* DigestName(int length) {
  switch (length) {
    case 20: return "SHA1";
    case 28: return "SHA224";
    case 32: return "SHA256";
    case 48: return "SHA384";
    case 64: return "SHA512";
    default: return "";
  }
}

// EC_KEY_METHOD sign_sig: `digest` is the hash TLS already made; nothing
// is hashed here. Failures leave an OpenSSL error, so the handshake fails.
ECDSA_SIG* SignSig(const unsigned char* digest, int length, const BIGNUM* /*kinv*/,
                   const BIGNUM* /*r*/, EC_KEY* key) {
  auto* signer = static_cast<TlsKeySigner*>(EC_KEY_get_ex_data(key, SignerIndex()));
  if (signer == nullptr || length <= 0) return nullptr;
  Result<Bytes> der =
      (*signer)(DigestName(length), ByteView(digest, static_cast<std::size_t>(length)));
  if (!der.ok()) {
    ERR_raise_data(ERR_LIB_EC, ERR_R_EC_LIB, "the TLS key's signer failed: %s",
                   der.status().ToString().c_str());
    return nullptr;
  }
  const unsigned char* p = der->data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der->size()));
  if (sig == nullptr || p != der->data() + der->size()) {
    ECDSA_SIG_free(sig);
    ERR_raise_data(ERR_LIB_EC, ERR_R_EC_LIB, "the TLS key's signer returned no DER signature");
    return nullptr;
  }
  return sig;
}

// One method for every such key, made once and never freed (keys keep a
// pointer to it for their whole life).
const EC_KEY_METHOD* SignerMethod() {
  static EC_KEY_METHOD* method = [] {
    EC_KEY_METHOD* m = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
    if (m == nullptr) return m;
    int (*sign)(int, const unsigned char*, int, unsigned char*, unsigned int*, const BIGNUM*,
                const BIGNUM*, EC_KEY*) = nullptr;
    int (*sign_setup)(EC_KEY*, BN_CTX*, BIGNUM**, BIGNUM**) = nullptr;
    EC_KEY_METHOD_get_sign(m, &sign, &sign_setup, nullptr);
    // The default `sign` encodes what sign_sig returns as DER.
    EC_KEY_METHOD_set_sign(m, sign, sign_setup, SignSig);
    return m;
  }();
  return method;
}

}  // namespace

Result<ossl::PkeyPtr> SignerBackedKey(ByteView public_key_spki, TlsKeySigner signer) {
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr spki, ossl::PublicKeyFromDer(public_key_spki));
  const EC_KEY* public_ec = EVP_PKEY_get0_EC_KEY(spki.get());
  if (public_ec == nullptr) {
    return Status::InvalidArgument("the client certificate's key is not an EC key");
  }
  const EC_KEY_METHOD* method = SignerMethod();
  if (method == nullptr) return ossl::Error("making the TLS key's EC_KEY_METHOD");
  EcKeyPtr ec(EC_KEY_new());
  if (ec == nullptr || EC_KEY_set_method(ec.get(), method) != 1 ||
      EC_KEY_set_group(ec.get(), EC_KEY_get0_group(public_ec)) != 1 ||
      EC_KEY_set_public_key(ec.get(), EC_KEY_get0_public_key(public_ec)) != 1) {
    return ossl::Error("making the TLS key");
  }
  auto owned = std::make_unique<TlsKeySigner>(std::move(signer));
  if (EC_KEY_set_ex_data(ec.get(), SignerIndex(), owned.get()) != 1) {
    return ossl::Error("attaching the signer to the TLS key");
  }
  owned.release();  // FreeSigner deletes it with the EC_KEY
  ossl::PkeyPtr key(EVP_PKEY_new());
  if (key == nullptr || EVP_PKEY_assign_EC_KEY(key.get(), ec.get()) != 1) {
    return ossl::Error("wrapping the TLS key");
  }
  ec.release();  // the EVP_PKEY owns it now
  return key;
}

}  // namespace tessera::cli

#pragma GCC diagnostic pop
