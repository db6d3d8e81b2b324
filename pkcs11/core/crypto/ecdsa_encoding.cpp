#include "pkcs11/core/crypto/ecdsa_encoding.hpp"

#include <openssl/ecdsa.h>

#include <algorithm>
#include <memory>

#include "common/ossl.hpp"

namespace tessera::p11::crypto {
namespace {

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>>;

}  // namespace

Result<Bytes> EcdsaInput(ByteView digest, std::size_t field_bytes) {
  if (digest.empty() || field_bytes == 0) {
    return Status::InvalidArgument("ECDSA: empty digest or field size");
  }
  if (digest.size() >= field_bytes) {
    const ByteView leftmost = digest.first(field_bytes);
    return Bytes(leftmost.begin(), leftmost.end());
  }
  Bytes out(field_bytes - digest.size(), 0x00);
  Append(out, digest);
  return out;
}

Result<Bytes> EcdsaDerToRaw(ByteView der, std::size_t field_bytes) {
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) {
    ossl::DrainErrors();
    return Status::InvalidArgument("ECDSA: signature is not a DER SEQUENCE { r, s }");
  }
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_is_negative(r) || BN_is_negative(s) ||
      static_cast<std::size_t>(BN_num_bytes(r)) > field_bytes ||
      static_cast<std::size_t>(BN_num_bytes(s)) > field_bytes) {
    return Status::InvalidArgument("ECDSA: r or s does not fit the field");
  }
  Bytes out = ossl::BnToBytes(r, field_bytes);
  Append(out, ossl::BnToBytes(s, field_bytes));
  return out;
}

Result<Bytes> EcdsaRawToDer(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0) {
    return Status::InvalidArgument("ECDSA: raw signature must be r || s of equal halves");
  }
  const std::size_t half = raw.size() / 2;
  ossl::BnPtr r = ossl::BnFromBytes(raw.first(half));
  ossl::BnPtr s = ossl::BnFromBytes(raw.subspan(half));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return ossl::Error("ECDSA_SIG_set0");
  }
  (void)r.release();  // owned by sig now
  (void)s.release();
  int n = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (n <= 0) return ossl::Error("i2d_ECDSA_SIG");
  Bytes out(static_cast<std::size_t>(n));
  unsigned char* q = out.data();
  i2d_ECDSA_SIG(sig.get(), &q);
  return out;
}

}  // namespace tessera::p11::crypto
