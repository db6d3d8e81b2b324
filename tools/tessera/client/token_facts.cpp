// TokenP11::ReadFacts: what a station reads without a login (seed 000
// claims 1, 11; docs/pkcs11-objects.md "The token key").
#include <algorithm>

#include "tools/tessera/client/token_p11.hpp"
#include "tools/tessera/client/token_p11_state.hpp"

namespace tessera::cli {
namespace {

// CKA_OBJECT_ID of the CHUID: 2.16.840.1.101.3.7.2.48.0, DER (SP 800-73-4
// Part 1 Table 3).
const Bytes kChuidOid = HexOrDie("060A60864801650307023000");
constexpr std::uint8_t kTokenKeyId = 0xF0;
constexpr std::uint8_t kAttestationId = 0xF9;

// The route a slot is on, from its description: the simulator's readers
// are "Tessera simulator <serial>", USB tokens name their product (or
// "USB CCID token"); every other reader is PC/SC's.
std::string TransportOf(const std::string& description) {
  if (description.rfind("Tessera simulator", 0) == 0) return "sim";
  if (description.rfind("Tessera PIV Token", 0) == 0 ||
      description.rfind("USB CCID token", 0) == 0) {
    return "usb";
  }
  return "pcsc";
}

}  // namespace

Result<TokenFacts> TokenP11::ReadFacts() {
  const CK_FUNCTION_LIST& f = state_->f();
  const CK_SESSION_HANDLE session = state_->session;
  const std::string step = state_->Step("reading the token's facts");
  TokenFacts facts;
  facts.serial = state_->serial;
  facts.transport = TransportOf(state_->description);
  TESSERA_ASSIGN_OR_RETURN(facts.token_key, PublicKey("f0"));

  TESSERA_ASSIGN_OR_RETURN(
      CK_OBJECT_HANDLE attestation,
      state_->FindOne(CKO_CERTIFICATE, kTokenKeyId, "reading F0's attestation"));
  TESSERA_ASSIGN_OR_RETURN(facts.attestation,
                           p11::Attribute(f, session, attestation, CKA_VALUE, step));
  TESSERA_ASSIGN_OR_RETURN(
      CK_OBJECT_HANDLE attestation_ca,
      state_->FindOne(CKO_CERTIFICATE, kAttestationId, "reading the attestation certificate"));
  TESSERA_ASSIGN_OR_RETURN(facts.attestation_ca,
                           p11::Attribute(f, session, attestation_ca, CKA_VALUE, step));

  p11::Template chuid;
  chuid.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_TOKEN, true).Value(CKA_OBJECT_ID, kChuidOid);
  TESSERA_ASSIGN_OR_RETURN(auto chuids, p11::Find(f, session, std::move(chuid), step));
  if (!chuids.empty()) {
    TESSERA_ASSIGN_OR_RETURN(facts.chuid,
                             p11::Attribute(f, session, chuids.front(), CKA_VALUE, step));
  }

  // Each PIV key slot with a key shows a public key with the slot's CKA_ID.
  p11::Template keys;
  keys.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Bool(CKA_TOKEN, true);
  TESSERA_ASSIGN_OR_RETURN(auto public_keys, p11::Find(f, session, std::move(keys), step));
  for (CK_OBJECT_HANDLE key : public_keys) {
    TESSERA_ASSIGN_OR_RETURN(Bytes id, p11::Attribute(f, session, key, CKA_ID, step));
    if (id.size() != 1 || id[0] == kTokenKeyId) continue;
    std::string slot = p11::SlotOfCkaId(id[0]);
    if (!slot.empty()) facts.used_key_slots.push_back(std::move(slot));
  }
  std::sort(facts.used_key_slots.begin(), facts.used_key_slots.end());
  facts.used_key_slots.erase(std::unique(facts.used_key_slots.begin(), facts.used_key_slots.end()),
                             facts.used_key_slots.end());
  return facts;
}

}  // namespace tessera::cli
