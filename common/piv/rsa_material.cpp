#include <openssl/core_names.h>

#include "common/piv/key_material.hpp"

namespace tessera::piv {
namespace {

// A secure-heap BIGNUM flagged for constant-time arithmetic: every value
// derived from the primes is secret.
Result<ossl::BnPtr> NewSecretBn() {
  ossl::BnPtr bn(BN_secure_new());
  if (!bn) return ossl::Error("BN_secure_new");
  BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  return bn;
}

Result<ossl::BnPtr> CopySecretBn(const BIGNUM* from) {
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr bn, NewSecretBn());
  if (BN_copy(bn.get(), from) == nullptr) return ossl::Error("BN_copy");
  return bn;
}

// lcm(p-1, q-1), the Carmichael function of n = p*q.
Result<ossl::BnPtr> Lambda(const BIGNUM* p, const BIGNUM* q, BN_CTX* ctx) {
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr p1, CopySecretBn(p));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr q1, CopySecretBn(q));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr gcd, NewSecretBn());
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr product, NewSecretBn());
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr lambda, NewSecretBn());
  if (BN_sub_word(p1.get(), 1) != 1 || BN_sub_word(q1.get(), 1) != 1 ||
      BN_gcd(gcd.get(), p1.get(), q1.get(), ctx) != 1 ||
      BN_mul(product.get(), p1.get(), q1.get(), ctx) != 1 ||
      BN_div(lambda.get(), nullptr, product.get(), gcd.get(), ctx) != 1) {
    return ossl::Error("RSA lambda");
  }
  return lambda;
}

// d mod (prime - 1): a CRT exponent.
Result<ossl::BnPtr> CrtExponent(const BIGNUM* d, const BIGNUM* prime, BN_CTX* ctx) {
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr prime1, CopySecretBn(prime));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr out, NewSecretBn());
  if (BN_sub_word(prime1.get(), 1) != 1 || BN_mod(out.get(), d, prime1.get(), ctx) != 1) {
    return ossl::Error("RSA CRT exponent");
  }
  return out;
}

}  // namespace

Result<RsaComponents> RsaFromPrimes(const BIGNUM* p, const BIGNUM* q, const BIGNUM* e) {
  ossl::BnCtxPtr ctx(BN_CTX_secure_new());
  if (!ctx) return ossl::Error("BN_CTX_secure_new");
  RsaComponents c;
  c.n.reset(BN_new());
  c.e.reset(BN_new());
  if (!c.n || !c.e || BN_mul(c.n.get(), p, q, ctx.get()) != 1 ||
      (e != nullptr ? BN_copy(c.e.get(), e) == nullptr
                    : BN_set_word(c.e.get(), kRsaPublicExponent) != 1)) {
    return ossl::Error("RSA modulus");
  }
  TESSERA_ASSIGN_OR_RETURN(c.p, CopySecretBn(p));
  TESSERA_ASSIGN_OR_RETURN(c.q, CopySecretBn(q));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr lambda, Lambda(c.p.get(), c.q.get(), ctx.get()));
  TESSERA_ASSIGN_OR_RETURN(c.d, NewSecretBn());
  if (BN_mod_inverse(c.d.get(), c.e.get(), lambda.get(), ctx.get()) == nullptr) {
    ossl::DrainErrors();
    return Status::InvalidArgument("RSA: e is not invertible modulo lcm(p-1, q-1)");
  }
  TESSERA_ASSIGN_OR_RETURN(c.dp, CrtExponent(c.d.get(), c.p.get(), ctx.get()));
  TESSERA_ASSIGN_OR_RETURN(c.dq, CrtExponent(c.d.get(), c.q.get(), ctx.get()));
  TESSERA_ASSIGN_OR_RETURN(c.qinv, NewSecretBn());
  if (BN_mod_inverse(c.qinv.get(), c.q.get(), c.p.get(), ctx.get()) == nullptr) {
    ossl::DrainErrors();
    return Status::InvalidArgument("RSA: q is not invertible modulo p");
  }
  return c;
}

Result<ossl::PkeyPtr> BuildRsaPrivateKey(const RsaComponents& c) {
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, c.n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, c.e.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, c.d.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, c.p.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, c.q.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, c.dp.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, c.dq.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, c.qinv.get()) != 1) {
    return ossl::Error("RSA private key parameters");
  }
  return PkeyFromParams("RSA", EVP_PKEY_KEYPAIR, bld.get());
}

Result<ossl::PkeyPtr> BuildRsaPublicKey(const BIGNUM* n, const BIGNUM* e) {
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e) != 1) {
    return ossl::Error("RSA public key parameters");
  }
  return PkeyFromParams("RSA", EVP_PKEY_PUBLIC_KEY, bld.get());
}

}  // namespace tessera::piv
