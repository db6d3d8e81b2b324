// SerializePrivateKey and DeserializePrivateKey from keys.hpp. PKCS#8
// PrivateKeyInfo (RFC 5208 §5) for every algorithm; i2d_PrivateKey would give
// PKCS#1 for RSA and SEC 1 for EC in OpenSSL 3, so the PKCS#8 structure is
// built explicitly (common/ossl.cpp). PKCS8_PRIV_KEY_INFO_free cleanses the key octets.
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim {

Result<SecureBytes> SerializePrivateKey(EVP_PKEY* key) {
  if (key == nullptr) return Status::InvalidArgument("no key");
  return ossl::PrivateKeyToDer(key);
}

Result<ossl::PkeyPtr> DeserializePrivateKey(ByteView der) {
  const unsigned char* p = der.data();
  ossl::Pkcs8InfoPtr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  // Trailing bytes mean the blob is not what was stored.
  if (!info || p != der.data() + der.size()) {
    ossl::DrainErrors();
    return Status::InvalidArgument("not a PKCS#8 private key");
  }
  ossl::PkeyPtr key(EVP_PKCS82PKEY(info.get()));
  if (!key) return Status::InvalidArgument("unusable PKCS#8 private key: " + ossl::DrainErrors());
  return key;
}

}  // namespace tessera::sim
