#include <openssl/core_names.h>

#include <string>

#include "pkcs11/core/crypto/key_import.hpp"
#include "pkcs11/core/crypto/pkey_params.hpp"

namespace tessera::p11::crypto {
namespace {

struct RsaNumbers {
  ossl::BnPtr n, e, d, p, q, dp, dq, qinv;
};

Status Inconsistent(const char* what) {
  return Status::InvalidArgument(std::string("RSA private key: ") + what);
}

Result<ossl::BnPtr> MinusOne(const BIGNUM* prime) {
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr out, SecretBn({}));
  if (BN_copy(out.get(), prime) == nullptr || BN_sub_word(out.get(), 1) != 1) {
    return ossl::Error("BN_sub_word");
  }
  return out;
}

// Checks a given value against the derived one; an empty `given` passes.
Status CheckGiven(const SecureBytes& given, const BIGNUM* derived, const char* what) {
  if (given.empty()) return Status::Ok();
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr bn, SecretBn(given.view()));
  return BN_cmp(bn.get(), derived) == 0 ? Status::Ok() : Inconsistent(what);
}

// d from e when absent; otherwise e*d = 1 modulo p-1 and q-1.
Status DeriveOrCheckD(const RsaPrivateParts& parts, RsaNumbers& k, const BIGNUM* p1,
                      const BIGNUM* q1, BN_CTX* ctx) {
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr gcd, SecretBn({}));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr product, SecretBn({}));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr lambda, SecretBn({}));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr ed, SecretBn({}));
  if (BN_gcd(gcd.get(), p1, q1, ctx) != 1 || BN_mul(product.get(), p1, q1, ctx) != 1 ||
      BN_div(lambda.get(), nullptr, product.get(), gcd.get(), ctx) != 1) {
    return ossl::Error("RSA lcm(p-1, q-1)");
  }
  if (parts.d.empty()) {
    TESSERA_ASSIGN_OR_RETURN(k.d, SecretBn({}));
    if (BN_mod_inverse(k.d.get(), k.e.get(), lambda.get(), ctx) == nullptr) {
      ossl::DrainErrors();
      return Inconsistent("e is not invertible modulo lcm(p-1, q-1)");
    }
    return Status::Ok();
  }
  TESSERA_ASSIGN_OR_RETURN(k.d, SecretBn(parts.d.view()));
  if (BN_mod_mul(ed.get(), k.e.get(), k.d.get(), lambda.get(), ctx) != 1) {
    return ossl::Error("RSA e*d");
  }
  return BN_is_one(ed.get()) ? Status::Ok() : Inconsistent("d does not match e, p and q");
}

Status DeriveCrt(const RsaPrivateParts& parts, RsaNumbers& k, const BIGNUM* p1, const BIGNUM* q1,
                 BN_CTX* ctx) {
  TESSERA_ASSIGN_OR_RETURN(k.dp, SecretBn({}));
  TESSERA_ASSIGN_OR_RETURN(k.dq, SecretBn({}));
  TESSERA_ASSIGN_OR_RETURN(k.qinv, SecretBn({}));
  if (BN_mod(k.dp.get(), k.d.get(), p1, ctx) != 1 || BN_mod(k.dq.get(), k.d.get(), q1, ctx) != 1) {
    return ossl::Error("RSA CRT exponents");
  }
  if (BN_mod_inverse(k.qinv.get(), k.q.get(), k.p.get(), ctx) == nullptr) {
    ossl::DrainErrors();
    return Inconsistent("q is not invertible modulo p");
  }
  TESSERA_RETURN_IF_ERROR(CheckGiven(parts.dp, k.dp.get(), "exponent 1 does not match"));
  TESSERA_RETURN_IF_ERROR(CheckGiven(parts.dq, k.dq.get(), "exponent 2 does not match"));
  return CheckGiven(parts.qinv, k.qinv.get(), "coefficient does not match");
}

Result<ossl::PkeyPtr> Build(const RsaNumbers& k) {
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, k.n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, k.e.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, k.d.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, k.p.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, k.q.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, k.dp.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, k.dq.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, k.qinv.get()) != 1) {
    return ossl::Error("RSA private key parameters");
  }
  return PkeyFromParams("RSA", EVP_PKEY_KEYPAIR, bld.get());
}

}  // namespace

Result<ossl::PkeyPtr> RsaPrivateKey(const RsaPrivateParts& parts) {
  if (parts.e.empty() || parts.p.empty() || parts.q.empty()) {
    return Inconsistent("public exponent and both primes are required");
  }
  ossl::BnCtxPtr ctx(BN_CTX_secure_new());
  if (!ctx) return ossl::Error("BN_CTX_secure_new");
  RsaNumbers k;
  k.e = ossl::BnFromBytes(parts.e.view());
  k.n.reset(BN_new());
  if (!k.e || !k.n) return ossl::Error("BN_new");
  TESSERA_ASSIGN_OR_RETURN(k.p, SecretBn(parts.p.view()));
  TESSERA_ASSIGN_OR_RETURN(k.q, SecretBn(parts.q.view()));
  if (BN_cmp(k.p.get(), BN_value_one()) <= 0 || BN_cmp(k.q.get(), BN_value_one()) <= 0 ||
      BN_cmp(k.p.get(), k.q.get()) == 0 || BN_is_one(k.e.get()) || BN_is_zero(k.e.get())) {
    return Inconsistent("degenerate e, p or q");
  }
  if (BN_mul(k.n.get(), k.p.get(), k.q.get(), ctx.get()) != 1) return ossl::Error("RSA n");
  if (!parts.n.empty()) {
    ossl::BnPtr n = ossl::BnFromBytes(parts.n.view());
    if (!n) return ossl::Error("BN_bin2bn");
    if (BN_cmp(n.get(), k.n.get()) != 0) return Inconsistent("modulus is not p*q");
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr p1, MinusOne(k.p.get()));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr q1, MinusOne(k.q.get()));
  TESSERA_RETURN_IF_ERROR(DeriveOrCheckD(parts, k, p1.get(), q1.get(), ctx.get()));
  TESSERA_RETURN_IF_ERROR(DeriveCrt(parts, k, p1.get(), q1.get(), ctx.get()));
  return Build(k);
}

Result<ossl::PkeyPtr> RsaPublicKey(ByteView modulus, ByteView public_exponent) {
  if (modulus.empty() || public_exponent.empty()) {
    return Status::InvalidArgument("RSA public key: modulus and exponent are required");
  }
  ossl::BnPtr n = ossl::BnFromBytes(modulus);
  ossl::BnPtr e = ossl::BnFromBytes(public_exponent);
  ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return ossl::Error("RSA public key parameters");
  }
  return PkeyFromParams("RSA", EVP_PKEY_PUBLIC_KEY, bld.get());
}

}  // namespace tessera::p11::crypto
