// ImportPivKey from keys.hpp: the data field of YubiKey IMPORT KEY (INS FE),
// as yubico-piv-tool's ykpiv_import_private_key and ykman send it.
#include <string>

#include "common/piv/key_material.hpp"
#include "common/piv/piv_fields.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim {
namespace {

constexpr std::uint32_t kTagP = 0x01;
constexpr std::uint32_t kTagQ = 0x02;
constexpr std::uint32_t kTagDp = 0x03;
constexpr std::uint32_t kTagDq = 0x04;
constexpr std::uint32_t kTagQinv = 0x05;
constexpr std::uint32_t kTagEcScalar = 0x06;
constexpr std::uint32_t kTagEd25519 = 0x07;
constexpr std::uint32_t kTagX25519 = 0x08;
// PIN and touch policies ride along in the same data; the applet reads them.
constexpr std::uint32_t kTagPinPolicy = 0xAA;
constexpr std::uint32_t kTagTouchPolicy = 0xAB;
constexpr std::size_t kRawKeySize = 32;

Result<std::vector<ByteView>> Expect(const std::vector<Tlv>& fields,
                                     std::initializer_list<std::uint32_t> wanted) {
  return piv::ExpectFields(fields, wanted, {kTagPinPolicy, kTagTouchPolicy}, "IMPORT KEY");
}

Status CheckPrime(const BIGNUM* candidate, const char* name, BN_CTX* ctx) {
  int prime = BN_check_prime(candidate, ctx, nullptr);
  if (prime < 0) return ossl::Error("BN_check_prime");
  if (prime == 0)
    return Status::InvalidArgument(std::string("IMPORT KEY: RSA ") + name + " is not prime");
  return Status::Ok();
}

// The supplied CRT values must be the ones the primes imply; a key whose
// halves disagree would sign wrongly without any other sign of trouble.
Status CheckCrt(const piv::RsaComponents& c, ByteView dp, ByteView dq, ByteView qinv) {
  struct Given {
    const BIGNUM* expected;
    ByteView value;
    const char* name;
  };
  for (const Given& g : {Given{c.dp.get(), dp, "dP"}, Given{c.dq.get(), dq, "dQ"},
                         Given{c.qinv.get(), qinv, "qInv"}}) {
    TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr given, piv::SecretBnFromBytes(g.value));
    if (BN_cmp(given.get(), g.expected) != 0) {
      return Status::InvalidArgument(std::string("IMPORT KEY: RSA ") + g.name +
                                     " does not match p and q");
    }
  }
  return Status::Ok();
}

// Each CRT element is at most half the modulus (yubico-piv-tool left-pads
// them to exactly that; shorter values are accepted as numbers).
Result<ossl::PkeyPtr> ImportRsa(piv::Algorithm alg, const std::vector<Tlv>& fields) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<ByteView> v,
                           Expect(fields, {kTagP, kTagQ, kTagDp, kTagDq, kTagQinv}));
  const std::size_t bits = piv::RsaBits(alg);
  for (ByteView element : v) {
    if (element.empty() || element.size() > bits / 16) {
      return Status::InvalidArgument("IMPORT KEY: RSA elements must be 1.." +
                                     std::to_string(bits / 16) + " bytes for " +
                                     std::string(piv::AlgorithmName(alg)));
    }
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr p, piv::SecretBnFromBytes(v[0]));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr q, piv::SecretBnFromBytes(v[1]));
  if (BN_cmp(p.get(), q.get()) == 0) return Status::InvalidArgument("IMPORT KEY: RSA p == q");
  ossl::BnCtxPtr ctx(BN_CTX_secure_new());
  if (!ctx) return ossl::Error("BN_CTX_secure_new");
  TESSERA_RETURN_IF_ERROR(CheckPrime(p.get(), "p", ctx.get()));
  TESSERA_RETURN_IF_ERROR(CheckPrime(q.get(), "q", ctx.get()));
  TESSERA_ASSIGN_OR_RETURN(piv::RsaComponents c, piv::RsaFromPrimes(p.get(), q.get()));
  if (static_cast<std::size_t>(BN_num_bits(c.n.get())) != bits) {
    return Status::InvalidArgument("IMPORT KEY: p*q is " + std::to_string(BN_num_bits(c.n.get())) +
                                   " bits, " + std::string(piv::AlgorithmName(alg)) + " expected");
  }
  TESSERA_RETURN_IF_ERROR(CheckCrt(c, v[2], v[3], v[4]));
  return piv::BuildRsaPrivateKey(c);
}

// SP 800-73-4 and yubico-piv-tool send the scalar at exactly the field size.
Result<ossl::PkeyPtr> ImportEc(const piv::Curve& curve, const std::vector<Tlv>& fields) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<ByteView> v, Expect(fields, {kTagEcScalar}));
  if (v[0].size() != curve.field_bytes) {
    return Status::InvalidArgument("IMPORT KEY: EC scalar must be " +
                                   std::to_string(curve.field_bytes) + " bytes");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr d, piv::SecretBnFromBytes(v[0]));
  return piv::EcKeyFromScalar(curve, d.get());
}

Result<ossl::PkeyPtr> ImportRaw(int type, std::uint32_t tag, const std::vector<Tlv>& fields) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<ByteView> v, Expect(fields, {tag}));
  if (v[0].size() != kRawKeySize) {
    return Status::InvalidArgument("IMPORT KEY: 25519 private key must be 32 bytes");
  }
  ossl::PkeyPtr key(EVP_PKEY_new_raw_private_key(type, nullptr, v[0].data(), v[0].size()));
  if (!key) return ossl::Error("EVP_PKEY_new_raw_private_key");
  return key;
}

}  // namespace

Result<ossl::PkeyPtr> ImportPivKey(piv::Algorithm alg, const std::vector<Tlv>& fields) {
  if (piv::IsRsa(alg)) return ImportRsa(alg, fields);
  if (const piv::Curve* curve = piv::CurveOf(alg)) return ImportEc(*curve, fields);
  if (alg == piv::Algorithm::kEd25519) return ImportRaw(EVP_PKEY_ED25519, kTagEd25519, fields);
  if (alg == piv::Algorithm::kX25519) return ImportRaw(EVP_PKEY_X25519, kTagX25519, fields);
  return Status::InvalidArgument("IMPORT KEY: cannot import a key for " +
                                 std::string(piv::AlgorithmName(alg)));
}

}  // namespace tessera::sim
