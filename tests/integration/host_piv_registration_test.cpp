// host::PivClient's registration methods (F3) against the real tessera-sim,
// with the test playing the gateway through common/registration (the codec
// and the key schedule) and OpenSSL: the issuer key goes in through the
// card manager (PUT KEY 10), a registration stores K and a login gives both
// ends the same SES; a tampered C2, a changed A2 and a stranger's
// certificate are refused with a clear status and leave no new K.
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "common/crypto/hash.hpp"
#include "common/crypto/private_ops.hpp"
#include "common/piv/key_material.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/registration/server_certificate.hpp"
#include "common/scp03/key_set.hpp"
#include "common/tlv.hpp"
#include "host/card/card_manager_client.hpp"
#include "tests/integration/host_piv_fixture.hpp"

namespace tessera::testing {
namespace {

namespace reg = registration;
namespace secret = piv::secret;

const std::uint64_t kNow = static_cast<std::uint64_t>(std::time(nullptr));
const Bytes kUserInfo = {0xC0, 0x05, 'a', 'l', 'i', 'c', 'e'};
constexpr const char* kUidc = "UABCDEFGH234";

Bytes PointOf(EVP_PKEY* key) {
  return piv::EcPublicPoint(key, *piv::CurveOf(piv::Algorithm::kEccP256)).value();
}
Bytes Copy(const SecureBytes& s) { return {s.view().begin(), s.view().end()}; }
Bytes Ecdh(EVP_PKEY* mine, ByteView theirs) {
  return Copy(crypto::DeriveShared(mine, theirs).value());
}
Bytes Random(std::size_t n) {
  Bytes out(n);
  EXPECT_EQ(RAND_bytes(out.data(), static_cast<int>(n)), 1);
  return out;
}

// The gateway's certificate for `subject`, signed by `signer`, made for a
// registration server (docs/registration-protocol.md "certificate").
Bytes ServerCertificate(EVP_PKEY* signer, EVP_PKEY* subject) {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("gateway"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(kNow - 3600));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(kNow + 86400));
  X509_set_pubkey(cert.get(), subject);
  const std::string eku(reg::kRegServerOid);
  for (const auto& [nid, value] :
       {std::pair<int, const char*>{NID_key_usage, "critical,keyAgreement"},
        {NID_ext_key_usage, eku.c_str()}}) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    EXPECT_EQ(X509_add_ext(cert.get(), ext.get(), -1), 1);
  }
  EXPECT_GT(X509_sign(cert.get(), signer, EVP_sha256()), 0);
  return ossl::CertToDer(cert.get()).value();
}

// The gateway's side of one registration and its logins, with what it
// would hold: its key, R0..R2, and K.
struct Gateway {
  explicit Gateway(EVP_PKEY* issuer) : certificate(ServerCertificate(issuer, key.get())) {}

  Bytes Hello() {
    r0 = reg::Encode(reg::RegHello{certificate, Random(32), Random(32), kNow, Random(16)});
    return r0;
  }
  // R1 -> R2; `tamper` flips one bit of C2.
  Bytes Answer(const Bytes& r1_in, bool tamper = false) {
    r1 = r1_in;
    const reg::RegRequest request = reg::DecodeRegRequest(r1).value();
    const Bytes th1 =
        reg::TranscriptHash(reg::kRegisterContext,
                            {r0, EncodeTlv(reg::tag::kEphemeralKey, request.ephemeral_key)})
            .value();
    SecureBytes k1 = reg::RequestKey(th1, Ecdh(key.get(), request.ephemeral_key)).value();
    const reg::RequestSecrets secrets =
        reg::DecodeRequestSecrets(reg::OpenOnce(k1.view(), th1, request.sealed).value().view())
            .value();
    EXPECT_EQ(secrets.user_info, user_info);
    const Bytes th2 = reg::TranscriptHash(reg::kRegisterContext, {r0, r1}).value();
    SecureBytes k2 = reg::AnswerKey(th2, secrets.ssk1.view()).value();
    const Bytes ssk2 = Random(32);
    const reg::AnswerSecrets answer{SecureBytes(ssk2), kUidc, ""};
    Bytes c2 = reg::SealOnce(k2.view(), th2, reg::Encode(answer).view()).value();
    if (tamper) c2[3] ^= 0x01;
    const Bytes r2 = reg::Encode(reg::RegAnswer{c2});
    th3 = reg::TranscriptHash(reg::kRegisterContext, {r0, r1, r2}).value();
    k = Copy(reg::SharedSecret(th3, secrets.ssk1.view(), ssk2).value());
    return r2;
  }
  bool Confirms(const Bytes& r3) const {
    auto confirm = reg::DecodeRegConfirm(r3);
    return confirm.ok() &&
           reg::CheckProofMac(k, reg::Role::kClient, reg::Phase::kRegister, th3, confirm->mac).ok();
  }
  // A1 -> A2 (Ms over the transcript).
  Bytes Challenge(const Bytes& a1_in) {
    a1 = a1_in;
    const reg::AuthHello hello = reg::DecodeAuthHello(a1).value();
    EXPECT_EQ(hello.uidc, kUidc);
    client_ephemeral = hello.ephemeral_key;
    reg::AuthChallenge challenge{Random(16), Random(32), PointOf(ephemeral.get()), {}};
    const Bytes th_s =
        reg::TranscriptHash(reg::kLoginContext, {a1, reg::EncodeChallengeBody(challenge)}).value();
    challenge.mac = reg::ProofMac(k, reg::Role::kServer, reg::Phase::kLogin, th_s).value();
    a2 = reg::Encode(challenge);
    return a2;
  }
  // Checks Mc in A3; SES, or empty when Mc is wrong.
  Bytes Finish(const Bytes& a3) const {
    const Bytes th_c = reg::TranscriptHash(reg::kLoginContext, {a1, a2}).value();
    auto finish = reg::DecodeAuthFinish(a3);
    if (!finish.ok() ||
        !reg::CheckProofMac(k, reg::Role::kClient, reg::Phase::kLogin, th_c, finish->mac).ok()) {
      return {};
    }
    return Copy(reg::SessionKey(k, th_c, Ecdh(ephemeral.get(), client_ephemeral)).value());
  }
  Bytes SpkiHash() const {
    return crypto::DigestOnce(crypto::Hash::kSha256, ossl::PublicKeyToDer(key.get()).value())
        .value();
  }

  ossl::PkeyPtr key{EVP_EC_gen("P-256")};
  ossl::PkeyPtr ephemeral{EVP_EC_gen("P-256")};
  Bytes user_info = kUserInfo;  // what the token must have sealed
  Bytes certificate, r0, r1, th3, k, a1, a2, client_ephemeral;
};

class HostPivRegistrationTest : public HostPivTest {
 protected:
  // The issuer key goes in as the card manager's key 10, under the
  // factory key of a MANUFACTURED token.
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(HostPivTest::SetUp());
    host::CardManagerClient card_manager(*channel_);
    ASSERT_TRUE(card_manager.Select().ok());
    auto keys = scp03::StaticKeysFromBase(scp03::FactoryBaseKey());
    ASSERT_TRUE(keys.ok());
    ASSERT_TRUE(card_manager.OpenChannel(scp03::kFactoryKvn, *keys, 0x33).ok());
    Status put = card_manager.PutIssuerKey(PointOf(issuer_.get()), 1);
    ASSERT_TRUE(put.ok()) << put.ToString();
    card_manager.CloseChannel();
    ASSERT_TRUE(piv_->Select().ok());
  }

  // F3 01 with the gateway's R0; R1.
  Result<Bytes> Begin(Gateway& gateway) {
    return piv_->RegisterBegin(gateway.Hello(), kNow, kUserInfo);
  }
  std::size_t SecretKeyCount() {
    auto keys = piv_->ListSecretKeys();
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    return keys.ok() ? keys->size() : 0;
  }

  ossl::PkeyPtr issuer_{EVP_EC_gen("P-256")};
};

TEST_F(HostPivRegistrationTest, StatusShowsTheIssuerKeyItsVersionAndTheFloor) {
  auto status = piv_->RegistrationStatus();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  ASSERT_TRUE(status->issuer_point.has_value());
  EXPECT_EQ(*status->issuer_point, PointOf(issuer_.get()));
  EXPECT_EQ(status->issuer_kvn, 1);
  EXPECT_EQ(status->time_floor, 0u);
}

TEST_F(HostPivRegistrationTest, RegistrationThenLoginGiveBothEndsTheSameSessionKey) {
  Gateway gateway(issuer_.get());
  EXPECT_EQ(Begin(gateway).status().code(), Code::kSecurityStatus);  // no PIN yet
  ASSERT_TRUE(VerifyDefaultPin().ok());
  auto r1 = Begin(gateway);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  auto registered = piv_->RegisterFinish(gateway.Answer(*r1));
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  EXPECT_TRUE(gateway.Confirms(registered->confirm));
  EXPECT_EQ(registered->slot, secret::kFirstSlot);
  const host::SecretKeyInfo& k = registered->key;
  EXPECT_EQ(k.slot, registered->slot);
  EXPECT_EQ(k.type, secret::KeyType::kGeneric);
  EXPECT_EQ(k.length, 32u);
  EXPECT_EQ(k.origin, piv::KeyOrigin::kDerived);
  EXPECT_EQ(k.usage, secret::usage::kRegistration);
  const std::string label = std::string("reg ") + kUidc;
  EXPECT_EQ(k.label, Bytes(label.begin(), label.end()));
  EXPECT_EQ(k.id, gateway.SpkiHash());
  EXPECT_EQ(SecretKeyCount(), 1u);
  auto status = piv_->RegistrationStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->time_floor, kNow);  // the host time, above notBefore

  auto a1 = piv_->AuthBegin(registered->slot);
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  auto login = piv_->AuthFinish(registered->slot, gateway.Challenge(*a1));
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  const Bytes ses = gateway.Finish(login->finish);
  ASSERT_EQ(ses.size(), 32u);
  EXPECT_EQ(Copy(login->session_key), ses);

  // A second login gives another SES (fresh ephemerals on both ends).
  gateway.ephemeral.reset(EVP_EC_gen("P-256"));
  auto a1_again = piv_->AuthBegin(registered->slot);
  ASSERT_TRUE(a1_again.ok());
  auto login_again = piv_->AuthFinish(registered->slot, gateway.Challenge(*a1_again));
  ASSERT_TRUE(login_again.ok()) << login_again.status().ToString();
  EXPECT_EQ(Copy(login_again->session_key), gateway.Finish(login_again->finish));
  EXPECT_NE(Copy(login_again->session_key), ses);
}

TEST_F(HostPivRegistrationTest, ExtendedLengthApdusCarryTheSameExchange) {
  // One extended APDU each way instead of chaining and GET RESPONSE, as
  // TokenConnection sends on transports that take them; a long user
  // identification makes R0 || time || user info and R1 exceed 256 bytes.
  host::ApduChannel::Options options;
  options.extended_length = true;
  channel_ = std::make_unique<host::ApduChannel>(*transport_, options);
  piv_ = std::make_unique<host::PivClient>(*channel_);
  ASSERT_TRUE(piv_->Select().ok());
  ASSERT_TRUE(VerifyDefaultPin().ok());
  Bytes user_info = {0xC0, 0x05, 'a', 'l', 'i', 'c', 'e', 0xC2, 0x82, 0x02, 0x00};
  user_info.resize(user_info.size() + 0x200, '7');
  Gateway gateway(issuer_.get());
  gateway.user_info = user_info;
  auto r1 = piv_->RegisterBegin(gateway.Hello(), kNow, user_info);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_GT(r1->size(), 600u);
  auto registered = piv_->RegisterFinish(gateway.Answer(*r1), 0xC7, piv::PinPolicy::kAlways);
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  EXPECT_TRUE(gateway.Confirms(registered->confirm));
  EXPECT_EQ(registered->slot, 0xC7);
  EXPECT_EQ(registered->key.pin_policy, piv::PinPolicy::kAlways);
  ASSERT_TRUE(VerifyDefaultPin().ok());  // PIN policy always: once per login
  auto a1 = piv_->AuthBegin(0xC7);
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  auto login = piv_->AuthFinish(0xC7, gateway.Challenge(*a1));
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(Copy(login->session_key), gateway.Finish(login->finish));
}

TEST_F(HostPivRegistrationTest, ATamperedAnswerIsAClearRefusalAndStoresNoKey) {
  ASSERT_TRUE(VerifyDefaultPin().ok());
  Gateway gateway(issuer_.get());
  auto r1 = Begin(gateway);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  const Bytes genuine = gateway.Answer(*r1);
  const Bytes tampered = gateway.Answer(*r1, /*tamper=*/true);
  auto refused = piv_->RegisterFinish(tampered);
  ASSERT_EQ(refused.status().code(), Code::kSignatureInvalid);
  EXPECT_NE(refused.status().message().find("the gateway's answer (C2) did not verify"),
            std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("6300"), std::string::npos);
  EXPECT_EQ(SecretKeyCount(), 0u);
  EXPECT_EQ(piv_->RegistrationStatus()->time_floor, 0u);
  // One attempt: the refusal dropped the pending registration.
  EXPECT_EQ(piv_->RegisterFinish(genuine).status().code(), Code::kConditionsNotSatisfied);
  EXPECT_EQ(SecretKeyCount(), 0u);
}

TEST_F(HostPivRegistrationTest, AChangedChallengeFailsTheServerProofAndReleasesNoSessionKey) {
  ASSERT_TRUE(VerifyDefaultPin().ok());
  Gateway gateway(issuer_.get());
  auto r1 = Begin(gateway);
  ASSERT_TRUE(r1.ok());
  auto registered = piv_->RegisterFinish(gateway.Answer(*r1));
  ASSERT_TRUE(registered.ok()) << registered.status().ToString();
  auto a1 = piv_->AuthBegin(registered->slot);
  ASSERT_TRUE(a1.ok());
  Bytes a2 = gateway.Challenge(*a1);
  a2[5] ^= 0x01;  // inside the session ID: the encoding stays valid
  auto refused = piv_->AuthFinish(registered->slot, a2);
  ASSERT_EQ(refused.status().code(), Code::kSignatureInvalid);
  EXPECT_NE(refused.status().message().find("the gateway's proof (Ms) did not verify"),
            std::string::npos)
      << refused.status().message();
  // Nothing pending any more.
  EXPECT_EQ(piv_->AuthFinish(registered->slot, gateway.a2).status().code(),
            Code::kConditionsNotSatisfied);
  EXPECT_EQ(piv_->AuthBegin(0xC5).status().code(), Code::kReferenceNotFound);
}

TEST_F(HostPivRegistrationTest, AStrangersCertificateIsRefusedBeforeAnythingIsSent) {
  ASSERT_TRUE(VerifyDefaultPin().ok());
  ossl::PkeyPtr stranger(EVP_EC_gen("P-256"));
  Gateway gateway(stranger.get());
  auto refused = Begin(gateway);
  ASSERT_EQ(refused.status().code(), Code::kSignatureInvalid);
  EXPECT_NE(refused.status().message().find("not signed by the token's issuer key"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(SecretKeyCount(), 0u);
}

}  // namespace
}  // namespace tessera::testing
