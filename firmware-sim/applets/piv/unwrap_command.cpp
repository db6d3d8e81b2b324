// UNWRAP AND STORE (INS F2, docs/piv-extensions.md "F2"): a key wrapped to
// the token key F0 with CKM_ECDH_AES_KEY_WRAP is opened inside the token and
// stored in a PIV key slot or a secret-key slot. The authority to store it
// comes from the blob, which the shared data binds to this token's serial
// and this slot; the user's PIN says the holder agrees (seed 000 claim 8).
// When the blob is the one of the key package in 5FFF20, the commit that
// stores the key also empties 5FFF20 (docs/piv-extensions.md "The key
// package object").
#include "common/crypto/ecdh_aes_wrap.hpp"
#include "common/piv/public_key.hpp"
#include "common/piv/secret_keys.hpp"
#include "common/piv/wrapped_key.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/command_fields.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/key_package_object.hpp"
#include "firmware-sim/applets/piv/secret_key_store.hpp"
#include "firmware-sim/applets/piv/slot_keys.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace secret = piv::secret;
namespace wrap = piv::wrap;

struct UnwrapRequest {
  std::optional<std::uint8_t> algorithm;  // tag 80: the exact algorithm
  std::optional<std::uint8_t> family;     // tag 85: the PKCS#11 key type's low byte
  crypto::Hash kdf = crypto::Hash::kSha256;
  std::size_t kek_bytes = 0;
  ByteView shared_data;
  ByteView blob;
  piv::PinPolicy pin = piv::PinPolicy::kDefault;  // private keys
  piv::TouchPolicy touch = piv::TouchPolicy::kDefault;
  SecretAttributes attributes;  // secret keys
};

// Tag 85 values: the low byte of PKCS#11's CKK_RSA, CKK_EC, CKK_EC_EDWARDS,
// CKK_EC_MONTGOMERY, CKK_AES and CKK_GENERIC_SECRET.
constexpr std::uint8_t kFamilyRsa = 0x00;
constexpr std::uint8_t kFamilyEc = 0x03;
constexpr std::uint8_t kFamilyEdwards = 0x40;
constexpr std::uint8_t kFamilyMontgomery = 0x41;
constexpr std::uint8_t kFamilyAes = 0x1F;
constexpr std::uint8_t kFamilyGeneric = 0x10;

std::uint8_t FamilyOf(piv::Algorithm alg) {
  if (piv::IsRsa(alg)) return kFamilyRsa;
  if (piv::IsEcdsaCurve(alg)) return kFamilyEc;
  return alg == piv::Algorithm::kEd25519 ? kFamilyEdwards : kFamilyMontgomery;
}

bool IsSecretTarget(std::uint8_t p2) { return secret::IsSlot(p2) || p2 == wrap::kAnySecretSlot; }

// The private keys the doc lists: RSA 2048..4096, P-256, P-384, Ed25519, X25519.
bool IsWrappableAlgorithm(std::uint8_t b) {
  auto alg = piv::AlgorithmFromByte(b);
  return alg && IsAsymmetricAlgorithm(*alg) && *alg != piv::Algorithm::kRsa1024;
}

Status ParseTargetTags(const CommandFields& f, bool secret_target, UnwrapRequest& r) {
  if (secret_target) {
    TESSERA_RETURN_IF_ERROR(f.Forbid({wrap::tag::kPinPolicy, wrap::tag::kTouchPolicy}));
    // A secret key needs its type named: an exact type (80) or a family (85).
    if (!r.algorithm && !r.family) return Status::InvalidArgument("tag 80 or 85 is required");
    if (r.algorithm && !secret::KeyTypeFromByte(*r.algorithm)) {
      return Status::InvalidArgument("tag 80 is not a secret-key type");
    }
    if (r.family && *r.family != kFamilyAes && *r.family != kFamilyGeneric) {
      return Status::InvalidArgument("tag 85 is not a secret-key family");
    }
    TESSERA_ASSIGN_OR_RETURN(r.attributes, ParseSecretAttributes(f));
    return Status::Ok();
  }
  TESSERA_RETURN_IF_ERROR(
      f.Forbid({secret::tag::kUsage, secret::tag::kPolicy, secret::tag::kLabel, secret::tag::kId}));
  if (r.algorithm && !IsWrappableAlgorithm(*r.algorithm)) {
    return Status::InvalidArgument("tag 80 is not a private-key algorithm");
  }
  if (r.family && *r.family != kFamilyRsa && *r.family != kFamilyEc &&
      *r.family != kFamilyEdwards && *r.family != kFamilyMontgomery) {
    return Status::InvalidArgument("tag 85 is not a private-key family");
  }
  if (auto v = f.Find(wrap::tag::kPinPolicy)) {
    TESSERA_ASSIGN_OR_RETURN(r.pin, ParsePinPolicy(*v));
  }
  if (auto v = f.Find(wrap::tag::kTouchPolicy)) {
    TESSERA_ASSIGN_OR_RETURN(r.touch, ParseTouchPolicy(*v));
  }
  return Status::Ok();
}

Result<UnwrapRequest> ParseRequest(ByteView data, bool secret_target) {
  TESSERA_ASSIGN_OR_RETURN(
      CommandFields f,
      CommandFields::Parse(
          data,
          {wrap::tag::kAlgorithm, wrap::tag::kKeyFamily, wrap::tag::kKdf, wrap::tag::kKekLength,
           wrap::tag::kSharedData, wrap::tag::kBlob, wrap::tag::kPinPolicy, wrap::tag::kTouchPolicy,
           secret::tag::kUsage, secret::tag::kPolicy, secret::tag::kLabel, secret::tag::kId}));
  UnwrapRequest r;
  for (auto [tag, out] : {std::pair{wrap::tag::kAlgorithm, &r.algorithm},
                          std::pair{wrap::tag::kKeyFamily, &r.family}}) {
    if (auto v = f.Find(tag)) {
      if (v->size() != 1) return Status::InvalidArgument("tags 80 and 85 are one byte");
      *out = (*v)[0];
    }
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t kdf, f.RequireByte(wrap::tag::kKdf));
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t kek, f.RequireByte(wrap::tag::kKekLength));
  TESSERA_ASSIGN_OR_RETURN(r.shared_data, f.Require(wrap::tag::kSharedData));
  TESSERA_ASSIGN_OR_RETURN(r.blob, f.Require(wrap::tag::kBlob));
  if (kek != 16 && kek != 24 && kek != 32) return Status::InvalidArgument("KEK length");
  r.kek_bytes = kek;
  // The point, then at least one KWP semiblock pair (RFC 5649 §4.1).
  if (r.blob.size() < wrap::kPointSize + 16 || (r.blob.size() - wrap::kPointSize) % 8 != 0) {
    return Status::InvalidArgument("blob length");
  }
  TESSERA_RETURN_IF_ERROR(ParseTargetTags(f, secret_target, r));
  auto hash = wrap::KdfFromByte(kdf);
  if (!hash) return Status::InvalidArgument("KDF must be 06, 07 or 08");
  r.kdf = *hash;
  return r;
}

// Compared before any cryptography, so a retargeted blob costs nothing.
Status CheckBinding(const PivContext& c, ByteView shared_data, std::uint8_t p2) {
  TESSERA_ASSIGN_OR_RETURN(wrap::Binding binding, wrap::ParseSharedData(shared_data));
  if (binding.serial != c.token().serial) {
    return Status::InvalidArgument("wrapped for another token");
  }
  const bool matches =
      binding.target == wrap::kAnySecretSlot ? IsSecretTarget(p2) : binding.target == p2;
  if (!matches) return Status::InvalidArgument("wrapped for another slot");
  return Status::Ok();
}

Result<SecureBytes> Open(PivContext& c, const UnwrapRequest& r) {
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyRecord> record,
                           LoadKey(c.storage(), piv::key::kTokenKey));
  if (!record) return Status::Corrupt("piv: token key F0 missing");
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr f0, c.PrivateKey(piv::key::kTokenKey, *record));
  c.Charge(Cost::kEcPrivate, 256);
  crypto::EcdhAesWrapParams params;
  params.kdf = r.kdf;
  params.aes_key_bytes = r.kek_bytes;
  params.shared_data = r.shared_data;
  return crypto::EcdhAesKeyUnwrap(f0.get(), params, r.blob);
}

// The public half in the PKCS#8 (if any) belongs to the private half, so
// GET METADATA reports the key that signs.
bool IsWholeKeyPair(EVP_PKEY* key) {
  ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  const bool ok = ctx && EVP_PKEY_pairwise_check(ctx.get()) == 1;
  if (!ok) ossl::DrainErrors();
  return ok;
}

// The PKCS#8 DER without the zero bytes some HSMs' CKM_AES_KEY_WRAP_PAD
// adds before wrapping (SoftHSM2 fills the key to a multiple of 8 and wraps
// the fill too; docs/piv-extensions.md "F2"). Fewer than 8 zero bytes after
// a whole DER SEQUENCE are dropped; they were inside the KWP integrity
// check, so nothing unauthenticated is accepted. Anything else is returned
// as it is, for DeserializePrivateKey to refuse.
ByteView WithoutZeroFill(ByteView der) {
  if (der.size() < 2 || der[0] != 0x30) return der;
  std::size_t header = 2;
  std::size_t length = der[1];
  if (length == 0x81 || length == 0x82) {
    const std::size_t n = length - 0x80;
    if (der.size() < 2 + n) return der;
    length = 0;
    for (std::size_t i = 0; i < n; ++i) length = (length << 8) | der[2 + i];
    header += n;
  } else if (length >= 0x80) {
    return der;
  }
  const std::size_t total = header + length;
  if (total >= der.size() || der.size() - total >= 8) return der;
  for (std::size_t i = total; i < der.size(); ++i) {
    if (der[i] != 0) return der;
  }
  return der.first(total);
}

// As IMPORT KEY would store it: replaces the slot's key, origin imported.
Result<Bytes> StorePrivateKey(PivContext& c, std::uint8_t slot, const UnwrapRequest& r,
                              const SecureBytes& plaintext) {
  auto key = DeserializePrivateKey(WithoutZeroFill(plaintext.view()));
  if (!key.ok()) return Status::DataMismatch("unwrapped data is not a PKCS#8 private key");
  auto alg = piv::AlgorithmOf(key->get());
  if (!alg.ok() || !IsWrappableAlgorithm(static_cast<std::uint8_t>(*alg)) ||
      (r.algorithm && static_cast<std::uint8_t>(*alg) != *r.algorithm) ||
      (r.family && FamilyOf(*alg) != *r.family) || !IsWholeKeyPair(key->get())) {
    return Status::DataMismatch("unwrapped key is not of the algorithm in tags 80 and 85");
  }
  TESSERA_ASSIGN_OR_RETURN(
      KeyRecord record, MakeKeyRecord(key->get(), slot, r.pin, r.touch, piv::KeyOrigin::kImported));
  TESSERA_ASSIGN_OR_RETURN(Bytes public_key, piv::EncodePublicKey(key->get()));
  Transaction txn;
  PutKey(txn, slot, record);
  ErasePackageOpened(c.storage(), r.blob, txn);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return EncodeTlv(piv::tag::kPublicKey, public_key);
}

Result<Bytes> StoreSecret(PivContext& c, std::uint8_t slot, UnwrapRequest& r,
                          SecureBytes plaintext) {
  // An AES family takes its type from the key's length.
  std::optional<secret::KeyType> named;
  if (r.algorithm) named = secret::KeyTypeFromByte(*r.algorithm);
  const bool aes_family = r.family == kFamilyAes;
  if (named && r.family && secret::IsAes(*named) != aes_family) {
    return Status::DataMismatch("tags 80 and 85 disagree");
  }
  secret::KeyType type = secret::KeyType::kGeneric;
  if (named) {
    type = *named;
  } else if (aes_family) {
    switch (plaintext.size()) {
      case 16: type = secret::KeyType::kAes128; break;
      case 24: type = secret::KeyType::kAes192; break;
      case 32: type = secret::KeyType::kAes256; break;
      default: return Status::DataMismatch("unwrapped value is not an AES key");
    }
  }
  if (!secret::IsValidLength(type, plaintext.size())) {
    return Status::DataMismatch("unwrapped value does not fit the secret-key type");
  }
  SecretKeyRecord record = NewSecretRecord(type, std::move(plaintext), std::move(r.attributes),
                                           piv::KeyOrigin::kImported);
  Transaction txn;
  ErasePackageOpened(c.storage(), r.blob, txn);
  return StoreSecretKey(c, slot, record, std::move(txn));
}

}  // namespace

Result<Bytes> HandleUnwrapAndStore(PivContext& c, const CommandApdu& apdu) {
  const bool secret_target = IsSecretTarget(apdu.p2);
  if (apdu.p1 != 0x00 || !(IsUserSlot(apdu.p2) || secret_target)) {
    return Status::IncorrectP1P2("UNWRAP AND STORE needs P1 00 and a key slot in P2");
  }
  if (!c.session().pin_verified) return Status::SecurityStatus("UNWRAP AND STORE needs the PIN");
  TESSERA_ASSIGN_OR_RETURN(UnwrapRequest request, ParseRequest(apdu.data, secret_target));
  TESSERA_RETURN_IF_ERROR(CheckBinding(c, request.shared_data, apdu.p2));
  std::uint8_t slot = apdu.p2;
  if (secret_target) {
    TESSERA_ASSIGN_OR_RETURN(slot, ClaimSecretSlot(c.storage(), apdu.p2));
  }
  TESSERA_ASSIGN_OR_RETURN(SecureBytes plaintext, Open(c, request));
  if (secret_target) return StoreSecret(c, slot, request, std::move(plaintext));
  return StorePrivateKey(c, slot, request, plaintext);
}

}  // namespace tessera::sim::piv_applet
