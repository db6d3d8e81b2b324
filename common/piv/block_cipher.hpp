// Single-block ECB encryption for the PIV management key (3DES, AES-128/192/
// 256), as GENERAL AUTHENTICATE's witness/challenge exchange uses it
// (SP 800-73-4 Part 2 §3.2.4, Appendix A.1). Thread-safe.
#pragma once

#include "common/bytes.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/secure_bytes.hpp"

namespace tessera::piv {

// `block` must be exactly BlockSize(alg) bytes and `key` SymmetricKeySize(alg).
Result<Bytes> BlockEncrypt(piv::Algorithm alg, ByteView key, ByteView block);
Result<Bytes> BlockDecrypt(piv::Algorithm alg, ByteView key, ByteView block);

}  // namespace tessera::piv
