// The public-key halves of the module's mechanisms, done on the host with
// OpenSSL: signature verification for every SignScheme and RSA encryption.
// (The private halves run on the card; see rsa_padding.hpp and
// ecdsa_encoding.hpp.) Stateless and thread-safe; keys are borrowed.
//
// Errors: a signature that does not verify, including one of the wrong
// length, is Status::InvalidArgument with message kSignatureInvalidMessage
// exactly; test with IsSignatureInvalid and map it to CKR_SIGNATURE_INVALID
// (common/status.hpp has no dedicated code). Any other kInvalidArgument means
// the request itself is wrong (scheme does not fit the key, data length out of
// range) and maps to CKR_DATA_LEN_RANGE or CKR_MECHANISM_PARAM_INVALID.
#pragma once

#include <string_view>

#include "common/ossl.hpp"
#include "pkcs11/core/crypto/schemes.hpp"

namespace tessera::p11::crypto {

inline constexpr std::string_view kSignatureInvalidMessage = "signature invalid";
bool IsSignatureInvalid(const Status& status);

// `data` is the message when params.hash is set, otherwise the scheme's raw
// input (SignParams): for kRsaPkcs1 the signature must decode to type-1
// padding of exactly `data`; for kRsaRaw it must recover to `data` left-
// padded to the modulus length; for kRsaPss and kEcdsa `data` is the digest;
// for kEddsa it is the message (Ed25519, pure) and params.hash must be unset.
// ECDSA signatures are r || s, each FieldBytes long (PKCS#11 3.0 §2.3.1).
[[nodiscard]] Status Verify(EVP_PKEY* key, const SignParams& params, ByteView data,
                            ByteView signature);

// RSA encryption with `rsa_public` (any RSA key): PKCS#1 v1.5 type 2, OAEP with
// params' hashes and label, or raw (input left-padded to the modulus length and
// numerically below the modulus). kInvalidArgument when `plain` is too long.
[[nodiscard]] Result<Bytes> Encrypt(EVP_PKEY* rsa_public, const CipherParams& params,
                                    ByteView plain);

}  // namespace tessera::p11::crypto
