// RSA keys from PKCS#11 attributes: the numbers are derived from p, q and e
// by the shared key assembly (common/piv/key_material.hpp); values the
// template also gives must agree with them.
#include <string>

#include "common/piv/key_material.hpp"
#include "pkcs11/core/crypto/key_import.hpp"

namespace tessera::p11::crypto {
namespace {

Status Inconsistent(const char* what) {
  return Status::InvalidArgument(std::string("RSA private key: ") + what);
}

// Checks a given value against the derived one; an empty `given` passes.
Status CheckGiven(const SecureBytes& given, const BIGNUM* derived, const char* what) {
  if (given.empty()) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr bn, piv::SecretBnFromBytes(given.view()));
  return BN_cmp(bn.get(), derived) == 0 ? Status::Ok() : Inconsistent(what);
}

// A given d is right when e*d = 1 modulo lcm(p-1, q-1), that is when it
// reduces to the derived dP and dQ; the key then keeps the given d.
Status TakeGivenD(const SecureBytes& given, piv::RsaComponents& c) {
  if (given.empty()) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr d, piv::SecretBnFromBytes(given.view()));
  ossl::BnCtxPtr ctx(BN_CTX_secure_new());
  if (!ctx) return ossl::Error("BN_CTX_secure_new");
  for (const auto& [prime, crt] :
       {std::pair{c.p.get(), c.dp.get()}, std::pair{c.q.get(), c.dq.get()}}) {
    TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr prime1, piv::SecretBnFromBytes({}));
    TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr reduced, piv::SecretBnFromBytes({}));
    if (BN_copy(prime1.get(), prime) == nullptr || BN_sub_word(prime1.get(), 1) != 1 ||
        BN_mod(reduced.get(), d.get(), prime1.get(), ctx.get()) != 1) {
      return ossl::Error("RSA d mod (prime - 1)");
    }
    if (BN_cmp(reduced.get(), crt) != 0) return Inconsistent("d does not match e, p and q");
  }
  c.d = std::move(d);
  return Status::Ok();
}

}  // namespace

Result<ossl::PkeyPtr> RsaPrivateKey(const RsaPrivateParts& parts) {
  if (parts.e.empty() || parts.p.empty() || parts.q.empty()) {
    return Inconsistent("public exponent and both primes are required");
  }
  ossl::BnPtr e = ossl::BnFromBytes(parts.e.view());
  if (!e) return ossl::Error("BN_new");
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr p, piv::SecretBnFromBytes(parts.p.view()));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr q, piv::SecretBnFromBytes(parts.q.view()));
  if (BN_cmp(p.get(), BN_value_one()) <= 0 || BN_cmp(q.get(), BN_value_one()) <= 0 ||
      BN_cmp(p.get(), q.get()) == 0 || BN_is_one(e.get()) || BN_is_zero(e.get())) {
    return Inconsistent("degenerate e, p or q");
  }
  TESSERA_ASSIGN_OR_RETURN(piv::RsaComponents c, piv::RsaFromPrimes(p.get(), q.get(), e.get()));
  if (!parts.n.empty()) {
    ossl::BnPtr n = ossl::BnFromBytes(parts.n.view());
    if (!n) return ossl::Error("BN_bin2bn");
    if (BN_cmp(n.get(), c.n.get()) != 0) return Inconsistent("modulus is not p*q");
  }
  TESSERA_RETURN_IF_ERROR(TakeGivenD(parts.d, c));
  TESSERA_RETURN_IF_ERROR(CheckGiven(parts.dp, c.dp.get(), "exponent 1 does not match"));
  TESSERA_RETURN_IF_ERROR(CheckGiven(parts.dq, c.dq.get(), "exponent 2 does not match"));
  TESSERA_RETURN_IF_ERROR(CheckGiven(parts.qinv, c.qinv.get(), "coefficient does not match"));
  return piv::BuildRsaPrivateKey(c);
}

Result<ossl::PkeyPtr> RsaPublicKey(ByteView modulus, ByteView public_exponent) {
  if (modulus.empty() || public_exponent.empty()) {
    return Status::InvalidArgument("RSA public key: modulus and exponent are required");
  }
  ossl::BnPtr n = ossl::BnFromBytes(modulus);
  ossl::BnPtr e = ossl::BnFromBytes(public_exponent);
  if (!n || !e) return ossl::Error("BN_bin2bn");
  return piv::BuildRsaPublicKey(n.get(), e.get());
}

}  // namespace tessera::p11::crypto
