// PIV public keys as the card sends them: the contents of the 7F49 template
// (SP 800-73-4 Part 2 §3.3.2 Table 14) and the PIV algorithm of an EVP_PKEY.
// The token encodes with these; hosts decode GENERATE and GET METADATA
// answers with them. Stateless and thread-safe.
#pragma once

#include "common/ossl.hpp"
#include "common/piv/piv_constants.hpp"

namespace tessera::piv {

// The algorithm of a key PIV can hold; kInvalidArgument for anything else.
Result<Algorithm> AlgorithmOf(EVP_PKEY* key);
// Key size in bits (256 for Ed25519 and X25519).
std::size_t KeyBits(EVP_PKEY* key);

// RSA gives 81 modulus, 82 exponent; EC gives 86 uncompressed point; Ed25519
// and X25519 give 86 with the 32-byte public key (YubiKey 5.7 encoding).
Result<Bytes> EncodePublicKey(EVP_PKEY* key);
// The reverse; each expected tag exactly once, nothing else.
Result<ossl::PkeyPtr> DecodePublicKey(Algorithm alg, ByteView contents_7f49);

}  // namespace tessera::piv
