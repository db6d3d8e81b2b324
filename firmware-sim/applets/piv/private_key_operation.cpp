// GENERAL AUTHENTICATE with a private key (P2 = 9A, 9C, 9D, 9E, 82..95).
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/general_authenticate.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"
#include "firmware-sim/applets/piv/slot_keys.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim::piv_applet {
namespace {

using piv::Algorithm;

constexpr std::uint32_t kChallengeTag = 0x81;       // data to sign or decrypt
constexpr std::uint32_t kResponseTag = 0x82;        // empty: "respond here"
constexpr std::uint32_t kExponentiationTag = 0x85;  // peer public key for ECDH

// SP 800-73-4 Part 2 §3.2.4 Table 7: 82 00 plus exactly one of 81 and 85.
struct Request {
  std::uint32_t tag = 0;
  ByteView input;
};

Result<Request> ParseRequest(ByteView template_contents) {
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> tlvs, ParseTlvs(template_contents));
  std::optional<Request> request;
  for (const Tlv& t : tlvs) {
    if (t.tag == kResponseTag && t.value.empty()) continue;
    if ((t.tag != kChallengeTag && t.tag != kExponentiationTag) || request) {
      return Status::InvalidArgument("template needs one 81 or 85 and an empty 82");
    }
    request = Request{t.tag, t.value};
  }
  if (!request || request->input.empty()) {
    return Status::InvalidArgument("template needs a non-empty 81 or 85");
  }
  return *request;
}

Result<Bytes> FromSecret(Result<SecureBytes> secret) {
  if (!secret.ok()) return secret.status();
  return Bytes(secret->view().begin(), secret->view().end());
}

// One private-key operation; which ones an algorithm allows is decided here.
Result<Bytes> Operate(PivContext& c, EVP_PKEY* key, Algorithm alg, const Request& r) {
  if (piv::IsRsa(alg) && r.tag == kChallengeTag) {
    // Sign and decrypt are the same raw operation on a modulus-size block.
    c.Charge(Cost::kRsaPrivate, piv::RsaBits(alg));
    return FromSecret(RsaPrivateRaw(key, r.input));
  }
  if (piv::IsEcdsaCurve(alg)) {
    std::size_t bits = alg == Algorithm::kEccP384 ? 384 : 256;
    c.Charge(Cost::kEcPrivate, bits);
    if (r.tag == kChallengeTag) return EcdsaSignDigest(key, r.input);
    return FromSecret(DeriveShared(key, r.input));
  }
  if (alg == Algorithm::kEd25519 && r.tag == kChallengeTag) {
    c.Charge(Cost::kEdPrivate);
    return Ed25519Sign(key, r.input);
  }
  if (alg == Algorithm::kX25519 && r.tag == kExponentiationTag) {
    c.Charge(Cost::kEdPrivate);
    return FromSecret(DeriveShared(key, r.input));
  }
  return Status::InvalidArgument("operation not possible with this key's algorithm");
}

}  // namespace

Result<Bytes> PrivateKeyOperation(PivContext& c, const CommandApdu& apdu,
                                  ByteView template_contents) {
  // F9 and F0 are the token's own keys: not for hosts to use (6A86).
  if (!IsUserSlot(apdu.p2)) return Status::IncorrectP1P2("P2 is not a usable key reference");
  TESSERA_ASSIGN_OR_RETURN(std::optional<KeyRecord> record, LoadKey(c.storage(), apdu.p2));
  if (!record) return Status::ReferenceNotFound("slot is empty");
  auto alg = piv::AlgorithmFromByte(apdu.p1);
  if (!alg || *alg != record->algorithm) {
    return Status::IncorrectP1P2("P1 is not the key's algorithm");
  }
  TESSERA_ASSIGN_OR_RETURN(Request request, ParseRequest(template_contents));
  TESSERA_RETURN_IF_ERROR(CheckPinPolicy(c, record->pin_policy));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, c.PrivateKey(apdu.p2, *record));
  TESSERA_ASSIGN_OR_RETURN(Bytes result, Operate(c, key.get(), *alg, request));
  ConsumePinPolicy(c, record->pin_policy);
  return EncodeTlv(piv::tag::kDynamicAuth, EncodeTlv(kResponseTag, result));
}

}  // namespace tessera::sim::piv_applet
