#include "common/scp03/kdf.hpp"

#include <memory>

#include "common/crypto/mac.hpp"
#include "common/scp03/aes.hpp"

namespace tessera::scp03 {

// The tree's one AES-CMAC (common/crypto/mac.hpp); the result is a PRF block
// of key material, hence the SecureBytes form.
Result<SecureBytes> AesCmac(ByteView key, ByteView data) {
  return crypto::AesCmacSecret(key, data);
}

Prf CmacPrf(ByteView key) {
  // std::function needs a copyable callable: the copies share one SecureBytes,
  // wiped when the last of them goes.
  auto held = std::make_shared<const SecureBytes>(key);
  return [held](ByteView data) { return AesCmac(held->view(), data); };
}

// Amd D §6.2.1 (v1.1.2 §4.1.5): the SP 800-108 fixed input data, with the
// label (11 zero bytes || constant) and the separator before L and i.
Bytes KdfInput(std::uint8_t constant, std::uint16_t l_bits, std::uint8_t i, ByteView context) {
  Bytes d(11, 0x00);
  d.push_back(constant);
  d.push_back(0x00);
  PutU16(d, l_bits);
  d.push_back(i);
  Append(d, context);
  return d;
}

Result<SecureBytes> Kdf(const Prf& prf, std::uint8_t constant, std::uint16_t l_bits,
                        ByteView context) {
  if (l_bits == 0 || l_bits % 8 != 0) {
    return Status::InvalidArgument("KDF output length must be a non-zero multiple of 8 bits");
  }
  std::size_t want = l_bits / 8;
  if (want > 255 * kAesBlock) {
    return Status::InvalidArgument("KDF output too long for a 1-byte block counter");
  }
  SecureBytes out;
  for (std::uint8_t i = 1; out.size() < want; ++i) {
    TESSERA_ASSIGN_OR_RETURN(SecureBytes block, prf(KdfInput(constant, l_bits, i, context)));
    if (block.size() != kAesBlock) return Status::Internal("KDF PRF did not return 16 bytes");
    out.Append(block.view());
  }
  out.Resize(want);
  return out;
}

}  // namespace tessera::scp03
