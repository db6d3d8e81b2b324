#include "common/crypto/keywrap.hpp"

#include <climits>
#include <string>

#include "common/ossl.hpp"

namespace tessera::crypto {
namespace {

constexpr std::size_t kSemiblock = 8;  // RFC 3394 §2: 64-bit blocks

enum class Variant : bool { kKw, kKwp };

const EVP_CIPHER* WrapCipher(Variant variant, std::size_t kek_size) {
  bool pad = variant == Variant::kKwp;
  switch (kek_size) {
    case 16: return pad ? EVP_aes_128_wrap_pad() : EVP_aes_128_wrap();
    case 24: return pad ? EVP_aes_192_wrap_pad() : EVP_aes_192_wrap();
    case 32: return pad ? EVP_aes_256_wrap_pad() : EVP_aes_256_wrap();
    default: return nullptr;
  }
}

Status CheckWrapInput(Variant variant, std::size_t size) {
  if (variant == Variant::kKwp) {
    // RFC 5649 §3: a key of 1 to 2^32 - 1 octets.
    if (size == 0) return Status::InvalidArgument("KWP needs at least one byte to wrap");
    return Status::Ok();
  }
  // RFC 3394 §2.2.1: n >= 2 semiblocks.
  if (size < 2 * kSemiblock || size % kSemiblock != 0) {
    return Status::InvalidArgument("KW input must be a multiple of 8 bytes, at least 16, not " +
                                   std::to_string(size));
  }
  return Status::Ok();
}

Status CheckUnwrapInput(Variant variant, std::size_t size) {
  // KW output is n + 1 >= 3 semiblocks (RFC 3394 §2.2.2); KWP output at least
  // 2 (RFC 5649 §4.2).
  std::size_t minimum = variant == Variant::kKwp ? 2 * kSemiblock : 3 * kSemiblock;
  if (size < minimum || size % kSemiblock != 0) {
    return Status::InvalidArgument("wrapped key length " + std::to_string(size) +
                                   " is not that of a wrap");
  }
  return Status::Ok();
}

void Shrink(Bytes& b, std::size_t size) { b.resize(size); }
void Shrink(SecureBytes& b, std::size_t size) { b.Resize(size); }

// One EVP pass. OpenSSL's wrap ciphers take the whole input in one update and
// assume room for input + one block more than any output, so `Out` is sized so.
template <typename Out>
Result<Out> RunWrap(Variant variant, ByteView kek, ByteView in, bool wrap) {
  const EVP_CIPHER* cipher = WrapCipher(variant, kek.size());
  if (cipher == nullptr) {
    return Status::InvalidArgument("AES key wrap KEK must be 16, 24 or 32 bytes, not " +
                                   std::to_string(kek.size()));
  }
  if (in.size() > static_cast<std::size_t>(INT_MAX) - 2 * kSemiblock) {
    return Status::InvalidArgument("key wrap input too long");
  }
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return ossl::Error("EVP_CIPHER_CTX_new");
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, kek.data(), nullptr, wrap ? 1 : 0) != 1) {
    return ossl::Error("EVP_CipherInit_ex (key wrap)");
  }
  Out out(in.size() + 2 * kSemiblock);
  int len = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1 ||
      len <= 0) {
    if (!wrap) {
      // RFC 3394 §2.2.3 / RFC 5649 §3: the integrity check failed.
      ossl::DrainErrors();
      return Status::SignatureInvalid("AES key unwrap: integrity check failed");
    }
    return ossl::Error("EVP_CipherUpdate (key wrap)");
  }
  Shrink(out, static_cast<std::size_t>(len));
  return out;
}

}  // namespace

Result<Bytes> AesKeyWrap(ByteView kek, ByteView key) {
  TESSERA_RETURN_IF_ERROR(CheckWrapInput(Variant::kKw, key.size()));
  return RunWrap<Bytes>(Variant::kKw, kek, key, /*wrap=*/true);
}

Result<SecureBytes> AesKeyUnwrap(ByteView kek, ByteView wrapped) {
  TESSERA_RETURN_IF_ERROR(CheckUnwrapInput(Variant::kKw, wrapped.size()));
  return RunWrap<SecureBytes>(Variant::kKw, kek, wrapped, /*wrap=*/false);
}

Result<Bytes> AesKeyWrapPad(ByteView kek, ByteView key) {
  TESSERA_RETURN_IF_ERROR(CheckWrapInput(Variant::kKwp, key.size()));
  return RunWrap<Bytes>(Variant::kKwp, kek, key, /*wrap=*/true);
}

Result<SecureBytes> AesKeyUnwrapPad(ByteView kek, ByteView wrapped) {
  TESSERA_RETURN_IF_ERROR(CheckUnwrapInput(Variant::kKwp, wrapped.size()));
  return RunWrap<SecureBytes>(Variant::kKwp, kek, wrapped, /*wrap=*/false);
}

}  // namespace tessera::crypto
