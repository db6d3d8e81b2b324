// GENERAL AUTHENTICATE with the management key (P2 = 9B).
//
// Mutual authentication as ykpiv drives it: the card sends a witness
// encrypted under the key, the host returns it decrypted with its own
// challenge, and the card answers the challenge encrypted. External
// authentication (SP 800-73-4 Part 2 Appendix A.1): the card sends a
// challenge and the host returns it encrypted.
#include "common/piv/block_cipher.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/general_authenticate.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"

namespace tessera::sim::piv_applet {
namespace {

constexpr std::uint32_t kWitnessTag = 0x80;
constexpr std::uint32_t kChallengeTag = 0x81;
constexpr std::uint32_t kResponseTag = 0x82;

using Kind = PendingChallenge::Kind;

struct Exchange {
  PivContext& c;
  const ManagementKeyRecord& key;
  std::size_t block_size;

  [[nodiscard]] Result<Bytes> Encrypt(ByteView block) const {
    c.Charge(Cost::kSymmetric);
    return piv::BlockEncrypt(key.algorithm, key.key.view(), block);
  }

  // The pending exchange this command must finish, if it is of `kind`.
  [[nodiscard]] std::optional<PendingChallenge> Take(Kind kind) const {
    auto& consumed = c.consumed();
    if (!consumed || consumed->kind != kind) return std::nullopt;
    return std::move(consumed);
  }

  [[nodiscard]] Status Fail() const {
    c.session().management_authenticated = false;
    return Status::SecurityStatus("management key authentication failed");
  }
};

Bytes Template(std::uint32_t tag, ByteView value) {
  return EncodeTlv(piv::tag::kDynamicAuth, EncodeTlv(tag, value));
}

Result<Bytes> StartMutual(const Exchange& x) {
  SecureBytes witness = x.c.rng().GenerateSecret(x.block_size);
  TESSERA_ASSIGN_OR_RETURN(Bytes encrypted, x.Encrypt(witness.view()));
  x.c.session().pending = PendingChallenge{Kind::kWitness, std::move(witness)};
  return Template(kWitnessTag, encrypted);
}

Result<Bytes> FinishMutual(const Exchange& x, ByteView witness, ByteView challenge) {
  if (witness.size() != x.block_size || challenge.size() != x.block_size) {
    return Status::InvalidArgument("witness and challenge must be one block each");
  }
  auto pending = x.Take(Kind::kWitness);
  if (!pending || !ConstantTimeEqual(pending->value.view(), witness)) return x.Fail();
  x.c.session().management_authenticated = true;
  TESSERA_ASSIGN_OR_RETURN(Bytes answer, x.Encrypt(challenge));
  return Template(kResponseTag, answer);
}

Result<Bytes> StartExternal(const Exchange& x) {
  SecureBytes challenge = x.c.rng().GenerateSecret(x.block_size);
  Bytes reply = Template(kChallengeTag, challenge.view());
  x.c.session().pending = PendingChallenge{Kind::kChallenge, std::move(challenge)};
  return reply;
}

Result<Bytes> FinishExternal(const Exchange& x, ByteView response) {
  if (response.size() != x.block_size) return Status::InvalidArgument("response must be one block");
  auto pending = x.Take(Kind::kChallenge);
  if (!pending) return x.Fail();
  TESSERA_ASSIGN_OR_RETURN(Bytes expected, x.Encrypt(pending->value.view()));
  if (!ConstantTimeEqual(expected, response)) return x.Fail();
  x.c.session().management_authenticated = true;
  return Bytes{};
}

}  // namespace

Result<Bytes> AuthenticateManagementKey(PivContext& c, const CommandApdu& apdu,
                                        ByteView template_contents) {
  TESSERA_ASSIGN_OR_RETURN(ManagementKeyRecord key, LoadManagementKey(c.storage()));
  auto alg = piv::AlgorithmFromByte(apdu.p1);
  if (!alg || *alg != key.algorithm) {
    return Status::IncorrectP1P2("P1 is not the management key's algorithm");
  }
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> tlvs, ParseTlvs(template_contents));
  auto witness = FindTag(tlvs, kWitnessTag);
  auto challenge = FindTag(tlvs, kChallengeTag);
  auto response = FindTag(tlvs, kResponseTag);
  const Exchange x{c, key, piv::BlockSize(key.algorithm)};

  if (tlvs.size() == 1 && witness && witness->empty()) return StartMutual(x);
  if (tlvs.size() == 1 && challenge && challenge->empty()) return StartExternal(x);
  if (tlvs.size() == 1 && response && !response->empty()) return FinishExternal(x, *response);
  // OpenSC adds an empty 82 to ask for the response; ykpiv leaves it out.
  bool response_request = response && response->empty();
  if (witness && challenge && tlvs.size() == (response_request ? 3u : 2u)) {
    return FinishMutual(x, *witness, *challenge);
  }
  return Status::InvalidArgument("unexpected management key authentication template");
}

}  // namespace tessera::sim::piv_applet
