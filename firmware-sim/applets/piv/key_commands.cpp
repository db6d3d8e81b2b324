// GENERATE ASYMMETRIC KEY PAIR (INS 47) and the YubiKey IMPORT KEY (INS FE).
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/slot_keys.hpp"
#include "firmware-sim/crypto/keys.hpp"

namespace tessera::sim::piv_applet {
namespace {

constexpr std::uint32_t kControlTemplate = 0xAC;
constexpr std::uint32_t kAlgorithmTag = 0x80;
constexpr std::uint32_t kPinPolicyTag = 0xAA;
constexpr std::uint32_t kTouchPolicyTag = 0xAB;

struct Policies {
  piv::PinPolicy pin = piv::PinPolicy::kDefault;
  piv::TouchPolicy touch = piv::TouchPolicy::kDefault;
};

// YubiKey: optional AA (PIN policy) and AB (touch policy), one byte each.
Result<Policies> ParsePolicies(const std::vector<Tlv>& tlvs) {
  Policies p;
  if (auto v = FindTag(tlvs, kPinPolicyTag)) {
    TESSERA_ASSIGN_OR_RETURN(p.pin, ParsePinPolicy(*v));
  }
  if (auto v = FindTag(tlvs, kTouchPolicyTag)) {
    TESSERA_ASSIGN_OR_RETURN(p.touch, ParseTouchPolicy(*v));
  }
  return p;
}

// SP 800-73-4 Part 2 §3.3.2: AC { 80 <algorithm> } plus the YubiKey policies.
struct GenerateRequest {
  piv::Algorithm algorithm;
  Policies policies;
};

Result<GenerateRequest> ParseGenerateRequest(ByteView data) {
  TESSERA_ASSIGN_OR_RETURN(ByteView contents, ParseSingle(data, kControlTemplate));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> tlvs, ParseTlvs(contents));
  auto alg_byte = FindTag(tlvs, kAlgorithmTag);
  if (!alg_byte || alg_byte->size() != 1) return Status::InvalidArgument("AC needs 80 01 <alg>");
  auto alg = piv::AlgorithmFromByte((*alg_byte)[0]);
  if (!alg || !IsAsymmetricAlgorithm(*alg)) {
    return Status::InvalidArgument("algorithm not supported for key generation");
  }
  TESSERA_ASSIGN_OR_RETURN(Policies policies, ParsePolicies(tlvs));
  return GenerateRequest{*alg, policies};
}

}  // namespace

Result<Bytes> HandleGenerateKeyPair(PivContext& c, const CommandApdu& apdu) {
  if (apdu.p1 != 0x00 || !IsUserSlot(apdu.p2)) {
    return Status::IncorrectP1P2("GENERATE needs P1 00 and a user slot in P2");
  }
  TESSERA_RETURN_IF_ERROR(RequireManagementKey(c));
  TESSERA_ASSIGN_OR_RETURN(GenerateRequest request, ParseGenerateRequest(apdu.data));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, GenerateSlotKey(c, request.algorithm));
  TESSERA_ASSIGN_OR_RETURN(KeyRecord record,
                           MakeKeyRecord(key.get(), apdu.p2, request.policies.pin,
                                         request.policies.touch, piv::KeyOrigin::kGenerated));
  TESSERA_ASSIGN_OR_RETURN(Bytes public_key, piv::EncodePublicKey(key.get()));
  Transaction txn;
  PutKey(txn, apdu.p2, record);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return EncodeTlv(piv::tag::kPublicKey, public_key);
}

// YubiKey IMPORT KEY: P1 algorithm, P2 slot, data the key's components.
Result<Bytes> HandleImportKey(PivContext& c, const CommandApdu& apdu) {
  auto alg = piv::AlgorithmFromByte(apdu.p1);
  if (!alg || !IsAsymmetricAlgorithm(*alg) || !IsUserSlot(apdu.p2)) {
    return Status::IncorrectP1P2("IMPORT KEY needs an asymmetric algorithm and a user slot");
  }
  TESSERA_RETURN_IF_ERROR(RequireManagementKey(c));
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> tlvs, ParseTlvs(apdu.data));
  TESSERA_ASSIGN_OR_RETURN(Policies policies, ParsePolicies(tlvs));
  auto key = ImportPivKey(*alg, tlvs);
  if (!key.ok()) return Status::InvalidArgument("key data: " + key.status().message());
  TESSERA_ASSIGN_OR_RETURN(
      KeyRecord record,
      MakeKeyRecord(key->get(), apdu.p2, policies.pin, policies.touch, piv::KeyOrigin::kImported));
  if (record.algorithm != *alg) return Status::InvalidArgument("key does not match P1");
  Transaction txn;
  PutKey(txn, apdu.p2, record);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return Bytes{};
}

}  // namespace tessera::sim::piv_applet
