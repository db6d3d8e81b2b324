#include "common/crypto/private_ops.hpp"

#include <openssl/core_names.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/piv/key_material.hpp"

namespace tessera::crypto {
namespace {

constexpr std::size_t kX25519KeySize = 32;

Result<ossl::PkeyCtxPtr> NewCtx(EVP_PKEY* key) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!ctx) return ossl::Error("EVP_PKEY_CTX_new_from_pkey");
  return ctx;
}

// Contexts initialized for the next operation, kept per thread (a token
// serves its commands on one thread): making and initializing a context
// cost about a tenth of a P-256 signature. Each context holds a reference to
// its key, so a cached pointer can never name a different key; the few
// entries go oldest first.
enum class Use { kEcdsaSign, kRsaRaw };
struct Prepared {
  EVP_PKEY* key = nullptr;
  Use use{};
  ossl::PkeyCtxPtr ctx;
};
constexpr std::size_t kMaxPrepared = 8;
thread_local std::vector<Prepared> t_prepared;

Result<EVP_PKEY_CTX*> PreparedCtx(EVP_PKEY* key, Use use) {
  for (Prepared& p : t_prepared) {
    if (p.key == key && p.use == use) return p.ctx.get();
  }
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyCtxPtr ctx, NewCtx(key));
  const bool ready = use == Use::kEcdsaSign
                         ? EVP_PKEY_sign_init(ctx.get()) == 1
                         : EVP_PKEY_decrypt_init(ctx.get()) == 1 &&
                               EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) == 1;
  if (!ready) return ossl::Error("initializing a private-key operation");
  if (t_prepared.size() == kMaxPrepared) t_prepared.erase(t_prepared.begin());
  t_prepared.push_back(Prepared{key, use, std::move(ctx)});
  return t_prepared.back().ctx.get();
}

// A context that failed may be half-way through something: start afresh.
void ForgetPrepared(EVP_PKEY* key) {
  std::erase_if(t_prepared, [&](const Prepared& p) { return p.key == key; });
}

// The peer's public key for ECDH on our key's curve, or X25519.
Result<ossl::PkeyPtr> PeerKey(EVP_PKEY* key, ByteView peer_public) {
  if (const piv::Curve* curve = piv::CurveOf(key)) {
    return piv::EcPublicKeyFromPoint(*curve, peer_public);
  }
  if (EVP_PKEY_is_a(key, "X25519") == 1) {
    if (peer_public.size() != kX25519KeySize) {
      return Status::InvalidArgument("X25519 peer public key must be 32 bytes");
    }
    ossl::PkeyPtr peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public.data(),
                                                   peer_public.size()));
    if (!peer) return ossl::Error("EVP_PKEY_new_raw_public_key");
    return peer;
  }
  return Status::InvalidArgument("key agreement needs a P-256, P-384 or X25519 key");
}

}  // namespace

Result<SecureBytes> RsaPrivateRaw(EVP_PKEY* key, ByteView block) {
  if (key == nullptr || EVP_PKEY_is_a(key, "RSA") != 1) {
    return Status::InvalidArgument("raw RSA needs an RSA key");
  }
  const auto size = static_cast<std::size_t>(EVP_PKEY_get_size(key));
  if (block.size() != size) {
    return Status::InvalidArgument("RSA block must be " + std::to_string(size) + " bytes, got " +
                                   std::to_string(block.size()));
  }
  TESSERA_ASSIGN_OR_RETURN(EVP_PKEY_CTX * ctx, PreparedCtx(key, Use::kRsaRaw));
  SecureBytes out(size);
  std::size_t len = out.size();
  // RFC 8017 §5.1.2 step 1: the input must be an integer below n. OpenSSL
  // checks that itself (RSA_R_DATA_TOO_LARGE_FOR_MODULUS); reading n here
  // for every operation cost 2% of an RSA-2048 signature.
  if (EVP_PKEY_decrypt(ctx, out.data(), &len, block.data(), block.size()) != 1 || len != size) {
    ForgetPrepared(key);
    return Status::InvalidArgument("RSA block is not below the modulus: " + ossl::DrainErrors());
  }
  return out;
}

Result<Bytes> EcdsaSignDigest(EVP_PKEY* key, ByteView digest) {
  const piv::Curve* curve = piv::CurveOf(key);
  if (curve == nullptr) return Status::InvalidArgument("ECDSA needs a P-256 or P-384 key");
  if (digest.empty()) return Status::InvalidArgument("ECDSA digest is empty");
  // SP 800-73-4 Part 2 §3.2.4 and FIPS 186-4 §6.4: use the leftmost
  // field-size bytes of a longer hash. Both curves' orders are whole bytes.
  ByteView tbs = digest.first(std::min(digest.size(), curve->field_bytes));
  TESSERA_ASSIGN_OR_RETURN(EVP_PKEY_CTX * ctx, PreparedCtx(key, Use::kEcdsaSign));
  // The DER signature is at most 2 INTEGERs of field + 1 bytes and headers.
  std::size_t len = 2 * curve->field_bytes + 16;
  Bytes sig(len);
  if (EVP_PKEY_sign(ctx, sig.data(), &len, tbs.data(), tbs.size()) != 1) {
    ForgetPrepared(key);
    return ossl::Error("EVP_PKEY_sign");
  }
  sig.resize(len);
  return sig;
}

Result<Bytes> Ed25519Sign(EVP_PKEY* key, ByteView message) {
  if (key == nullptr || EVP_PKEY_is_a(key, "ED25519") != 1) {
    return Status::InvalidArgument("Ed25519 signing needs an Ed25519 key");
  }
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  // Pure EdDSA (RFC 8032 §5.1.6) hashes internally: no digest is set.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) {
    return ossl::Error("EVP_DigestSignInit");
  }
  Bytes sig(64);
  std::size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1 ||
      len != sig.size()) {
    return ossl::Error("EVP_DigestSign");
  }
  return sig;
}

Result<SecureBytes> DeriveShared(EVP_PKEY* key, ByteView peer_public) {
  if (key == nullptr) return Status::InvalidArgument("no key");
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr peer, PeerKey(key, peer_public));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyCtxPtr ctx, NewCtx(key));
  if (EVP_PKEY_derive_init(ctx.get()) != 1) return ossl::Error("EVP_PKEY_derive_init");
  if (EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) {
    return Status::InvalidArgument("peer public key rejected: " + ossl::DrainErrors());
  }
  std::size_t len = 0;
  if (EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1) return ossl::Error("EVP_PKEY_derive");
  SecureBytes out(len);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) {
    // X25519 refuses an all-zero result, which only a small-order peer
    // point produces (RFC 7748 §6.1).
    return Status::InvalidArgument("key agreement failed for this peer: " + ossl::DrainErrors());
  }
  out.Resize(len);
  return out;
}

}  // namespace tessera::crypto
