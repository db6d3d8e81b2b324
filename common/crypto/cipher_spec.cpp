#include "common/crypto/cipher_spec.hpp"

#include <limits>
#include <string>

namespace tessera::crypto {
namespace {

constexpr std::size_t kAesBlock = 16;
constexpr std::size_t kDesBlock = 8;

bool IsAes(CipherMode mode) { return mode != CipherMode::kTdesEcb && mode != CipherMode::kTdesCbc; }

const EVP_CIPHER* AesCipher(CipherMode mode, std::size_t key_size) {
  int index = key_size == 16 ? 0 : key_size == 24 ? 1 : key_size == 32 ? 2 : -1;
  if (index < 0) return nullptr;
  using Getter = const EVP_CIPHER* (*)();
  static constexpr Getter kEcb[] = {&EVP_aes_128_ecb, &EVP_aes_192_ecb, &EVP_aes_256_ecb};
  static constexpr Getter kCbc[] = {&EVP_aes_128_cbc, &EVP_aes_192_cbc, &EVP_aes_256_cbc};
  static constexpr Getter kCtr[] = {&EVP_aes_128_ctr, &EVP_aes_192_ctr, &EVP_aes_256_ctr};
  static constexpr Getter kGcm[] = {&EVP_aes_128_gcm, &EVP_aes_192_gcm, &EVP_aes_256_gcm};
  switch (mode) {
    case CipherMode::kAesEcb: return kEcb[index]();
    case CipherMode::kAesCbc:
    case CipherMode::kAesCbcPad: return kCbc[index]();
    case CipherMode::kAesCtr: return kCtr[index]();
    case CipherMode::kAesGcm: return kGcm[index]();
    default: return nullptr;
  }
}

// Two-key 3DES is K1 K2 K1 (SP 800-67 Rev. 1 §3.1, keying option 2).
const EVP_CIPHER* TdesCipher(CipherMode mode, std::size_t key_size) {
  bool ecb = mode == CipherMode::kTdesEcb;
  if (key_size == 24) return ecb ? EVP_des_ede3_ecb() : EVP_des_ede3_cbc();
  if (key_size == 16) return ecb ? EVP_des_ede_ecb() : EVP_des_ede_cbc();
  return nullptr;
}

// SP 800-38D §5.2.1.2: 128, 120, 112, 104 or 96 bits, and 64 or 32 for the
// applications its Appendix C allows; PKCS#11 passes ulTagBits.
bool IsGcmTagLength(std::size_t n) { return n == 4 || n == 8 || (n >= 12 && n <= 16); }

Status CheckIvAndExtras(const CipherSpec& spec, std::size_t block) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument(what); };
  if (spec.mode != CipherMode::kAesGcm && !spec.aad.empty()) return bad("AAD is for GCM only");
  switch (spec.mode) {
    case CipherMode::kAesEcb:
    case CipherMode::kTdesEcb:
      if (!spec.iv.empty()) return bad("ECB takes no IV");
      return Status::Ok();
    case CipherMode::kAesCbc:
    case CipherMode::kAesCbcPad:
    case CipherMode::kTdesCbc:
      if (spec.iv.size() != block) return bad("CBC IV must be " + std::to_string(block) + " bytes");
      return Status::Ok();
    case CipherMode::kAesCtr:
      if (spec.iv.size() != kAesBlock) return bad("CTR counter block must be 16 bytes");
      if (spec.counter_bits < 1 || spec.counter_bits > 128) {
        return bad("CTR counter bits must be 1 to 128");
      }
      return Status::Ok();
    case CipherMode::kAesGcm:
      if (spec.iv.empty() || spec.iv.size() > 128) return bad("GCM IV must be 1 to 128 bytes");
      if (!IsGcmTagLength(spec.tag_len)) return bad("GCM tag must be 4, 8 or 12 to 16 bytes");
      return Status::Ok();
  }
  return bad("unknown cipher mode");
}

}  // namespace

Result<CipherChoice> ChooseCipher(const CipherSpec& spec) {
  bool aes = IsAes(spec.mode);
  const EVP_CIPHER* cipher =
      aes ? AesCipher(spec.mode, spec.key.size()) : TdesCipher(spec.mode, spec.key.size());
  if (cipher == nullptr) {
    return Status::InvalidArgument(std::string(aes ? "AES key must be 16, 24 or 32 bytes"
                                                   : "3DES key must be 16 or 24 bytes") +
                                   ", not " + std::to_string(spec.key.size()));
  }
  std::size_t cipher_block = aes ? kAesBlock : kDesBlock;
  TESSERA_RETURN_IF_ERROR(CheckIvAndExtras(spec, cipher_block));
  bool stream = spec.mode == CipherMode::kAesCtr || spec.mode == CipherMode::kAesGcm;
  return CipherChoice{cipher, stream ? 1 : cipher_block};
}

std::uint64_t CtrBlocksAvailable(ByteView counter_block, std::size_t counter_bits) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t low = GetU64(counter_block.subspan(8));
  if (counter_bits < 64) {
    const std::uint64_t span = std::uint64_t{1} << counter_bits;
    return span - (low & (span - 1));
  }
  // Counter bits above the low 64: unless they are all ones, 2^64 or more
  // values are left, more than any stream can use.
  const std::size_t high_bits = counter_bits - 64;
  const std::uint64_t high_mask = high_bits == 64 ? kMax : (std::uint64_t{1} << high_bits) - 1;
  if ((GetU64(counter_block.first(8)) & high_mask) != high_mask) return kMax;
  return low == 0 ? kMax : 0 - low;  // 2^64 - low
}

}  // namespace tessera::crypto
