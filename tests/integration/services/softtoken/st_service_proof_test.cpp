// The proofs the service checks before a password counts (seed 002;
// docs/softtoken-api.md "Channel 1", "Channel 2"): the device key's
// attestation to the manufacturer CA (another slot, another token, another
// manufacturer), its proof of possession bound to the nonce and the
// connection, nonces used once; on channel 2 the card's status before the
// password (revoked, absent, not bound, not a card), the request left as it
// was. SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "services/softtoken/device_proof.hpp"
#include "tests/integration/services/softtoken/st_service_fixture.hpp"

namespace tessera::softtoken::testing {
namespace {

void ExpectRefused(const Status& s, Code code, std::string_view words) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(words), std::string::npos) << s.message();
}

class StProof : public StServiceTest {
 protected:
  // A request from `device_index` re-signed over what it carries now.
  void Resign(int device_index, DeviceRequest& request, ByteView exporter) {
    Result<Bytes> signature =
        device(device_index)
            .SignEs256(kSlot, RequestProofMessage(request.nonce, exporter, request.device_key));
    ASSERT_TRUE(signature.ok()) << signature.status().ToString();
    request.signature = *signature;
  }
};

TEST_P(StProof, ADeviceKeyWithoutAValidAttestationIsRefused) {
  Bring();
  // A statement for slot 9A of the same token.
  ASSERT_TRUE(device(0).Generate(0x9A).ok());
  DeviceRequest other_slot = MakeRequest(0, Exporter(1));
  Result<Bytes> statement_9a = device(0).Attest(0x9A);
  ASSERT_TRUE(statement_9a.ok());
  other_slot.attestation = *statement_9a;
  ExpectRefused(service().CreateRequest(other_slot, caller()).status(), Code::kSecurityStatus,
                "slot 9a");

  // The other token's statement (and F9 certificate) for its own 9E key.
  DeviceRequest other_token = MakeRequest(0, Exporter(1));
  ASSERT_FALSE(device_key(1).empty());
  other_token.attestation = *device(1).Attest(kSlot);
  other_token.attestation_ca = *device(1).AttestationCa();
  ExpectRefused(service().CreateRequest(other_token, caller()).status(), Code::kSecurityStatus,
                "attestation");
  // The other token's serial claimed with this token's statement.
  DeviceRequest other_serial = MakeRequest(0, Exporter(1));
  other_serial.serial = device(1).serial();
  ExpectRefused(service().CreateRequest(other_serial, caller()).status(), Code::kSecurityStatus,
                "serial");

  // A genuine token of another manufacturer (another simulator's CA): all of
  // its evidence is consistent, but its F9 certificate chains to nobody the
  // service trusts.
  tessera::testing::TempDir other_dir("st-sim2");
  auto other_sim =
      tessera::testing::SimProcess::Start(other_dir.path() / "state", other_dir.path() / "run");
  ASSERT_TRUE(other_sim.ok()) << other_sim.status().ToString();
  Result<std::unique_ptr<SimDevice>> stranger =
      SimDevice::Open(**other_sim, (*other_sim)->Serials().at(0));
  ASSERT_TRUE(stranger.ok()) << stranger.status().ToString();
  DeviceRequest foreign;
  Result<Challenge> challenge = service().NewChallenge(caller());
  ASSERT_TRUE(challenge.ok());
  foreign.nonce = challenge->nonce;
  foreign.serial = (*stranger)->serial();
  foreign.device_key = *(*stranger)->Generate(kSlot);
  foreign.attestation = *(*stranger)->Attest(kSlot);
  foreign.attestation_ca = *(*stranger)->AttestationCa();
  foreign.exporter = Exporter(1);
  foreign.signature = *(*stranger)->SignEs256(
      kSlot, RequestProofMessage(foreign.nonce, foreign.exporter, foreign.device_key));
  ExpectRefused(service().CreateRequest(foreign, caller()).status(), Code::kSecurityStatus,
                "attestation");
  stranger->reset();
  (*other_sim)->Stop();

  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_nonces WHERE used_at IS NOT NULL"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.request.refused'"), 4);
  // The same token's genuine request goes through.
  ASSERT_TRUE(Request(0, Exporter(1)).ok());
}

TEST_P(StProof, AProofForAnotherNonceOrConnectionOrANonceUsedTwiceIsRefused) {
  Bring();
  // Signed over another nonce than the one sent.
  DeviceRequest other_nonce = MakeRequest(0, Exporter(1));
  const Bytes sent_nonce = other_nonce.nonce;
  Result<Challenge> second = service().NewChallenge(caller());
  ASSERT_TRUE(second.ok());
  other_nonce.nonce = second->nonce;
  ExpectRefused(service().CreateRequest(other_nonce, caller()).status(), Code::kSecurityStatus, "");
  // Signed over connection 1, sent on connection 2.
  DeviceRequest other_connection = MakeRequest(0, Exporter(1));
  other_connection.exporter = Exporter(2);
  ExpectRefused(service().CreateRequest(other_connection, caller()).status(), Code::kSecurityStatus,
                "");
  // A nonce the service never gave out.
  DeviceRequest made_up = MakeRequest(0, Exporter(1));
  made_up.nonce = Exporter(0x55);
  ASSERT_NO_FATAL_FAILURE(Resign(0, made_up, Exporter(1)));
  ExpectRefused(service().CreateRequest(made_up, caller()).status(), Code::kSecurityStatus,
                "nonce");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_nonces WHERE used_at IS NOT NULL"), 0)
      << "a refused proof consumes no nonce";

  // The first request with a nonce passes, the replay of it does not.
  DeviceRequest once = MakeRequest(0, Exporter(3));
  ASSERT_TRUE(service().CreateRequest(once, caller()).ok());
  ExpectRefused(service().CreateRequest(once, caller()).status(), Code::kConditionsNotSatisfied,
                "used");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests"), 1);
  // An expired nonce.
  DeviceRequest late = MakeRequest(0, Exporter(4));
  Advance(121);
  ExpectRefused(service().CreateRequest(late, caller()).status(), Code::kConditionsNotSatisfied,
                "expired");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_requests"), 1);
  (void)sent_nonce;
}

TEST_P(StProof, APollProvesTheDeviceKeyOnItsOwnConnection) {
  Bring();
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Result<Bytes> for_one = device(0).SignEs256(kSlot, PollProofMessage(created->id, Exporter(1)));
  ASSERT_TRUE(for_one.ok());
  ASSERT_TRUE(service().Poll(created->id, *for_one, Exporter(1), caller()).ok());
  ExpectRefused(service().Poll(created->id, *for_one, Exporter(2), caller()).status(),
                Code::kSecurityStatus, "");
  // Another token's key over the right message.
  ASSERT_FALSE(device_key(1).empty());
  Result<Bytes> by_other = device(1).SignEs256(kSlot, PollProofMessage(created->id, Exporter(1)));
  ASSERT_TRUE(by_other.ok());
  ExpectRefused(service().Poll(created->id, *by_other, Exporter(1), caller()).status(),
                Code::kSecurityStatus, "");
  // Without TLS there is no exporter.
  ExpectRefused(service().Poll(created->id, *for_one, Bytes{}, caller()).status(),
                Code::kInvalidArgument, "TLS");
  ExpectRefused(service().Poll(std::string(32, 'f'), *for_one, Exporter(1), caller()).status(),
                Code::kNotFound, "");
}

TEST_P(StProof, TheCardsStatusComesBeforeThePassword) {
  Bring();
  const Card alice = IssueCard("alice", 1001);
  const Card bob = IssueCard("bob", 1002);
  Result<RequestCreated> created = Request(0, Exporter(1));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string wrong = created->otp.substr(0, 10) + (created->otp.back() == 'Z' ? "Y" : "Z");

  ASSERT_NO_FATAL_FAILURE(RevokeCard(alice));
  for (const std::string& otp : {created->otp, wrong}) {
    ExpectRefused(service().Match(otp, Id(alice, Exporter(2)), caller()).status(),
                  Code::kSecurityStatus, "revoked");
    ExpectRefused(service().Match(otp, IdCaller{{}, Exporter(2)}, caller()).status(),
                  Code::kSecurityStatus, "client certificate");
  }
  ASSERT_NO_FATAL_FAILURE(SetBinding(bob, "pending"));
  ExpectRefused(service().Match(wrong, Id(bob, Exporter(3)), caller()).status(),
                Code::kSecurityStatus, "no active binding");
  ExpectRefused(service().Match(created->otp, Id(bob, Exporter(3)), caller()).status(),
                Code::kSecurityStatus, "no active binding");
  ExpectRefused(service().CardSubject(Id(bob, Exporter(3))).status(), Code::kSecurityStatus,
                "card 1002");

  // A certificate of this CA that is on no card.
  ossl::PkeyPtr loose_key(EVP_EC_gen("P-256"));
  ca::KeyIssueRequest issue;
  issue.ca = kIssuer;
  issue.profile = "piv-authentication";
  issue.public_key = *ossl::PublicKeyToDer(loose_key.get());
  issue.subject = {{"CN", "No card"}};
  Result<ca::PreparedCertificate> loose = ca().PrepareForKey(issue, {"test", "req"});
  ASSERT_TRUE(loose.ok()) << loose.status().ToString();
  ASSERT_TRUE(db().Transact([&](directory::SqlTransaction& tx) {
                    return ca().StoreIssued(tx, *loose, service().Now());
                  })
                  .ok());
  ExpectRefused(
      service().Match(created->otp, IdCaller{loose->record.der, Exporter(4)}, caller()).status(),
      Code::kSecurityStatus, "not on a card");
  // A certificate of this CA's shape that the CA never stored.
  Result<ca::PreparedCertificate> unstored = ca().PrepareForKey(issue, {"test", "req"});
  ASSERT_TRUE(unstored.ok());
  ExpectRefused(
      service().Match(created->otp, IdCaller{unstored->record.der, Exporter(4)}, caller()).status(),
      Code::kSecurityStatus, "not one CA");

  // Nothing counted: the request is as it was, and a good card matches it.
  EXPECT_EQ(State(created->id), "pending");
  EXPECT_EQ(Tries(created->id), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit WHERE action = 'softtoken.otp.wrong'"), 0);
  ASSERT_NO_FATAL_FAILURE(SetBinding(bob, "active"));
  Result<MatchAnswer> match = service().Match(created->otp, Id(bob, Exporter(3)), caller());
  ASSERT_TRUE(match.ok()) << match.status().ToString();
  std::map<std::string, std::string> attributes(match->attributes.begin(), match->attributes.end());
  EXPECT_EQ(attributes["user_id"], "bob");

  // A card revoked (binding) between the match and the approval.
  ASSERT_NO_FATAL_FAILURE(SetBinding(bob, "revoked"));
  ExpectRefused(service()
                    .Approve(created->id, match->confirmation, "", Id(bob, Exporter(3)), caller())
                    .status(),
                Code::kSecurityStatus, "no active binding");
  EXPECT_EQ(State(created->id), "matched");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM st_tokens"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StProof, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace tessera::softtoken::testing
