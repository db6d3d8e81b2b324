// Message digests shared by the token, the module and the HSM adapter: the
// SHA-1 and SHA-2 hashes, a multi-part Digester (C_Digest*, hash-and-sign),
// and the DER DigestInfo that PKCS#1 v1.5 signatures wrap around a digest.
//
// Digester is move-only and owns its EVP_MD_CTX; one owner at a time. The free
// functions are stateless and thread-safe.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <utility>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/status.hpp"

namespace tessera::crypto {

enum class Hash { kSha1, kSha224, kSha256, kSha384, kSha512 };

// Output length in bytes (20, 28, 32, 48, 64).
std::size_t HashSize(Hash hash);
// The OpenSSL digest; never null.
const EVP_MD* HashMd(Hash hash);
// OpenSSL's name ("SHA256"), for OSSL_PARAMs and messages.
const char* HashName(Hash hash);

class Digester {
 public:
  [[nodiscard]] static Result<Digester> Start(Hash hash);

  Digester(Digester&&) noexcept = default;
  Digester& operator=(Digester&&) noexcept = default;
  Digester(const Digester&) = delete;
  Digester& operator=(const Digester&) = delete;
  ~Digester() = default;

  Hash hash() const { return hash_; }
  // kInternal after Finish: a finished Digester cannot be reused.
  [[nodiscard]] Status Update(ByteView data);
  [[nodiscard]] Result<Bytes> Finish();

 private:
  Digester(Hash hash, ossl::MdCtxPtr ctx) : hash_(hash), ctx_(std::move(ctx)) {}

  Hash hash_;
  ossl::MdCtxPtr ctx_;  // null once finished
};

[[nodiscard]] Result<Bytes> DigestOnce(Hash hash, ByteView data);

// DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING digest }, built
// from the fixed prefixes of RFC 8017 §9.2 note 1. Precondition:
// digest.size() == HashSize(hash).
Bytes DigestInfo(Hash hash, ByteView digest);

}  // namespace tessera::crypto
