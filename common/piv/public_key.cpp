// EncodePublicKey and DecodePublicKey from keys.hpp: the contents of
// the 7F49 public key template, SP 800-73-4 Part 2 §3.3.2 Table 14.
#include "common/piv/public_key.hpp"

#include <openssl/core_names.h>

#include <string>

#include "common/piv/key_material.hpp"
#include "common/piv/piv_fields.hpp"

namespace tessera::piv {
namespace {

constexpr std::uint32_t kTagModulus = 0x81;
constexpr std::uint32_t kTagExponent = 0x82;
constexpr std::uint32_t kTagPoint = 0x86;
constexpr std::size_t kRawKeySize = 32;

Result<Bytes> EncodeRsa(EVP_PKEY* key) {
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr n, GetBnParam(key, OSSL_PKEY_PARAM_RSA_N));
  TESSERA_ASSIGN_OR_RETURN(ossl::BnPtr e, GetBnParam(key, OSSL_PKEY_PARAM_RSA_E));
  Bytes out;
  AppendTlv(out, kTagModulus, ossl::BnToBytes(n.get(), KeyBits(key) / 8));
  AppendTlv(out, kTagExponent, ossl::BnToBytes(e.get()));
  return out;
}

Result<Bytes> EncodeRaw(EVP_PKEY* key) {
  Bytes raw(kRawKeySize);
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, raw.data(), &len) != 1 || len != kRawKeySize) {
    return ossl::Error("EVP_PKEY_get_raw_public_key");
  }
  return EncodeTlv(kTagPoint, raw);
}

// The values of `tags` in the 7F49 contents, each exactly once, nothing else.
Result<std::vector<ByteView>> ParseFields(ByteView contents,
                                          std::initializer_list<std::uint32_t> tags) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> fields, ParseTlvs(contents));
  return ExpectFields(fields, tags, {}, "public key template 7F49");
}

Result<ossl::PkeyPtr> DecodeRsa(piv::Algorithm alg, ByteView contents) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<ByteView> fields,
                           ParseFields(contents, {kTagModulus, kTagExponent}));
  ossl::BnPtr n = ossl::BnFromBytes(fields[0]);
  ossl::BnPtr e = ossl::BnFromBytes(fields[1]);
  if (!n || !e) return ossl::Error("BN_bin2bn");
  if (static_cast<std::size_t>(BN_num_bits(n.get())) != piv::RsaBits(alg)) {
    return Status::InvalidArgument("RSA modulus is " + std::to_string(BN_num_bits(n.get())) +
                                   " bits, " + std::string(piv::AlgorithmName(alg)) + " expected");
  }
  if (!BN_is_odd(e.get()) || BN_is_one(e.get())) {
    return Status::InvalidArgument("RSA public exponent must be odd and greater than 1");
  }
  return BuildRsaPublicKey(n.get(), e.get());
}

Result<ossl::PkeyPtr> DecodeRaw(int type, ByteView contents) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<ByteView> fields, ParseFields(contents, {kTagPoint}));
  ByteView raw = fields[0];
  if (raw.size() != kRawKeySize) {
    return Status::InvalidArgument("25519 public key must be 32 bytes");
  }
  ossl::PkeyPtr key(EVP_PKEY_new_raw_public_key(type, nullptr, raw.data(), raw.size()));
  if (!key) return ossl::Error("EVP_PKEY_new_raw_public_key");
  return key;
}

}  // namespace

Result<Bytes> EncodePublicKey(EVP_PKEY* key) {
  TESSERA_ASSIGN_OR_RETURN(piv::Algorithm alg, AlgorithmOf(key));
  if (piv::IsRsa(alg)) return EncodeRsa(key);
  if (const Curve* curve = CurveOf(alg)) {
    TESSERA_ASSIGN_OR_RETURN(Bytes point, EcPublicPoint(key, *curve));
    return EncodeTlv(kTagPoint, point);
  }
  return EncodeRaw(key);  // Ed25519, X25519
}

Result<ossl::PkeyPtr> DecodePublicKey(piv::Algorithm alg, ByteView contents_7f49) {
  if (piv::IsRsa(alg)) return DecodeRsa(alg, contents_7f49);
  if (const Curve* curve = CurveOf(alg)) {
    TESSERA_ASSIGN_OR_RETURN(std::vector<ByteView> fields, ParseFields(contents_7f49, {kTagPoint}));
    return EcPublicKeyFromPoint(*curve, fields[0]);
  }
  if (alg == piv::Algorithm::kEd25519) return DecodeRaw(EVP_PKEY_ED25519, contents_7f49);
  if (alg == piv::Algorithm::kX25519) return DecodeRaw(EVP_PKEY_X25519, contents_7f49);
  return Status::InvalidArgument("no public key for algorithm " +
                                 std::string(piv::AlgorithmName(alg)));
}

Result<Algorithm> AlgorithmOf(EVP_PKEY* key) {
  if (key == nullptr) return Status::InvalidArgument("no key");
  if (EVP_PKEY_is_a(key, "RSA") == 1) {
    switch (EVP_PKEY_get_bits(key)) {
      case 1024: return piv::Algorithm::kRsa1024;
      case 2048: return piv::Algorithm::kRsa2048;
      case 3072: return piv::Algorithm::kRsa3072;
      case 4096: return piv::Algorithm::kRsa4096;
      default:
        return Status::InvalidArgument("RSA-" + std::to_string(EVP_PKEY_get_bits(key)) +
                                       " is not a PIV key size");
    }
  }
  if (EVP_PKEY_is_a(key, "EC") == 1) {
    if (const Curve* curve = CurveOf(key)) return curve->alg;
    return Status::InvalidArgument("EC key on a curve PIV does not use");
  }
  if (EVP_PKEY_is_a(key, "ED25519") == 1) return piv::Algorithm::kEd25519;
  if (EVP_PKEY_is_a(key, "X25519") == 1) return piv::Algorithm::kX25519;
  const char* type = EVP_PKEY_get0_type_name(key);
  return Status::InvalidArgument(std::string("key type ") + (type != nullptr ? type : "?") +
                                 " is not a PIV algorithm");
}

std::size_t KeyBits(EVP_PKEY* key) {
  if (key == nullptr) return 0;
  // OpenSSL says 253 for X25519 and 256 for Ed25519; report both as the
  // 256-bit keys they are stored as.
  if (EVP_PKEY_is_a(key, "ED25519") == 1 || EVP_PKEY_is_a(key, "X25519") == 1) return 256;
  int bits = EVP_PKEY_get_bits(key);
  return bits > 0 ? static_cast<std::size_t>(bits) : 0;
}

}  // namespace tessera::piv
