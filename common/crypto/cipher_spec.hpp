// What a CipherSpec means to OpenSSL: the checks on its key, IV, tag and
// counter lengths (PKCS#11 3.0 current mechanisms §2.10 AES, §2.14 DES3),
// the EVP cipher it names, and how many CTR blocks its counter allows.
// CipherStream's helpers, apart so they can be read and tested on their own.
// Stateless; thread-safe.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"
#include "common/crypto/cipher_stream.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

struct CipherChoice {
  const EVP_CIPHER* cipher = nullptr;  // never null in a returned choice
  std::size_t block = 1;               // what CipherStream::block_size() reports
};

// kInvalidArgument, naming the field, for a spec the mode cannot take.
[[nodiscard]] Result<CipherChoice> ChooseCipher(const CipherSpec& spec);

// How many blocks a CTR stream may use before the low `counter_bits` of
// `counter_block` (16 bytes) would wrap: 2^counter_bits - counter, capped at
// UINT64_MAX. Preconditions: counter_block.size() == 16, 1 <= counter_bits <= 128.
std::uint64_t CtrBlocksAvailable(ByteView counter_block, std::size_t counter_bits);

}  // namespace tessera::crypto
