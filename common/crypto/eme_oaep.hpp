// EME-OAEP (PKCS#1 v2.2, RFC 8017 §7.1.1 step 2 and §7.1.2 step 3) on its
// own, without the RSA operation: the padding half of RSA-OAEP for a key
// whose raw operation runs elsewhere (a PIV card, an HSM that offers
// CKM_RSA_X_509 but not OAEP with SHA-256). The one EME-OAEP codec of the
// tree: the PKCS#11 module and the HSM adapter both use it.
//
// EM is k bytes (the modulus length), leading 0x00 included. Both functions
// are OpenSSL's own RSA_padding_{add,check}_PKCS1_OAEP_mgf1: the seed comes
// from RAND_bytes, and decoding runs in constant time and fails the same way
// whichever check failed (RFC 8017 §7.1.2 note; Manger, CRYPTO 2001).
// Stateless; thread-safe.
#pragma once

#include <cstddef>

#include "common/bytes.hpp"
#include "common/crypto/hash.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

struct OaepParams {
  Hash hash = Hash::kSha256;  // for the label's hash
  Hash mgf1 = Hash::kSha256;
  ByteView label;
};

// The longest message EME-OAEP carries under a k-byte modulus: k - 2 hLen - 2.
std::size_t EmeOaepCapacity(std::size_t k, Hash hash);

// kInvalidArgument if the message is longer than EmeOaepCapacity(k).
[[nodiscard]] Result<SecureBytes> EmeOaepEncode(ByteView message, std::size_t k,
                                                const OaepParams& params);
// The message. `em` may come with or without its leading zero bytes, but no
// longer than k. Anything that is not a valid encoding is kInvalidArgument
// "not a valid EME-OAEP encoding", with nothing said about why.
[[nodiscard]] Result<SecureBytes> EmeOaepDecode(ByteView em, std::size_t k,
                                                const OaepParams& params);

}  // namespace tessera::crypto
