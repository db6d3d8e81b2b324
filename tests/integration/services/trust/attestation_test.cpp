// The attestation check (services/trust/attestation.hpp) on what a real
// tessera-sim's tokens answer through host::PivClient: GET METADATA F0,
// ATTEST F0 (and 9A, 9E after GENERATE), GET DATA 5FFF01 and
// STATE/manufacturer-ca.der. A genuine token passes; each failure gives its
// documented Status and names its check.
#include "services/trust/attestation.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <ctime>

#include "common/ossl.hpp"
#include "common/piv/cert_container.hpp"
#include "common/piv/piv_constants.hpp"
#include "host/card/piv_client.hpp"
#include "tests/integration/sim_harness.hpp"

namespace tessera::trust {
namespace {

using testing::SimProcess;
using testing::TempDir;

struct TokenEvidence {
  std::uint32_t serial = 0;
  Bytes f0_spki;
  Bytes f0_point;      // the 65-byte form
  Bytes statement;     // ATTEST F0
  Bytes f9_cert;       // GET DATA 5FFF01
  Bytes statement_9a;  // ATTEST 9A after GENERATE 9A
  Bytes spki_9e;       // GENERATE 9E (Card Authentication, a device key)
  Bytes statement_9e;  // ATTEST 9E
};

struct Evidence {
  Bytes manufacturer_ca;
  TokenEvidence a, b;
};

Result<TokenEvidence> ReadToken(const SimProcess& sim, std::uint32_t serial) {
  TESSERA_ASSIGN_OR_RETURN(auto transport, sim.Connect(serial));
  host::ApduChannel channel(*transport);
  host::PivClient piv(channel);
  TESSERA_RETURN_IF_ERROR(piv.Select().status());
  TokenEvidence t;
  t.serial = serial;
  TESSERA_ASSIGN_OR_RETURN(host::PivKeyMetadata f0, piv.GetKeyMetadata(piv::key::kTokenKey));
  TESSERA_ASSIGN_OR_RETURN(t.f0_spki, ossl::PublicKeyToDer(f0.public_key.get()));
  t.f0_point.resize(65);
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(f0.public_key.get(), "encoded-pub-key", t.f0_point.data(),
                                      t.f0_point.size(), &len) != 1 ||
      len != 65) {
    return ossl::Error("F0 point");
  }
  TESSERA_ASSIGN_OR_RETURN(t.statement, piv.Attest(piv::key::kTokenKey));
  TESSERA_ASSIGN_OR_RETURN(Bytes container, piv.GetData(piv::tag::kYubicoAttestationCert));
  TESSERA_ASSIGN_OR_RETURN(t.f9_cert, piv::DecodeCertContainer(container));
  TESSERA_RETURN_IF_ERROR(
      piv.AuthenticateManagementKey(piv::Algorithm::kTdes, piv::kDefaultManagementKey));
  TESSERA_RETURN_IF_ERROR(
      piv.GenerateKey(piv::key::kAuthentication, piv::Algorithm::kEccP256).status());
  TESSERA_ASSIGN_OR_RETURN(t.statement_9a, piv.Attest(piv::key::kAuthentication));
  TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key_9e, piv.GenerateKey(piv::key::kCardAuthentication,
                                                                 piv::Algorithm::kEccP256));
  TESSERA_ASSIGN_OR_RETURN(t.spki_9e, ossl::PublicKeyToDer(key_9e.get()));
  TESSERA_ASSIGN_OR_RETURN(t.statement_9e, piv.Attest(piv::key::kCardAuthentication));
  return t;
}

// Two tokens from one simulator (one manufacturer CA), read once for all tests.
Result<Evidence> Collect() {
  TempDir dir("trust-att");
  TESSERA_ASSIGN_OR_RETURN(auto sim,
                           SimProcess::Start(dir / "state", dir / "run", {"--tokens", "2"}));
  std::vector<std::uint32_t> serials = sim->Serials();
  if (serials.size() != 2) return Status::Internal("expected two tokens");
  Evidence e;
  TESSERA_ASSIGN_OR_RETURN(e.a, ReadToken(*sim, serials[0]));
  TESSERA_ASSIGN_OR_RETURN(e.b, ReadToken(*sim, serials[1]));
  const std::string ca = testing::ReadFile(dir / "state" / "manufacturer-ca.der");
  e.manufacturer_ca.assign(ca.begin(), ca.end());
  if (sim->Stop() != 0) return Status::Internal("tessera-sim: " + sim->Stderr());
  return e;
}

std::int64_t UnixTime(const ASN1_TIME* t) {
  std::tm tm{};
  EXPECT_EQ(ASN1_TIME_to_tm(t, &tm), 1);
  return static_cast<std::int64_t>(timegm(&tm));
}

// A self-signed CA nobody trusts, shaped like the manufacturer's.
Bytes ImpostorCa() {
  ossl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Impostor Manufacturer CA"), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 365);
  X509_set_pubkey(cert.get(), key.get());
  X509_sign(cert.get(), key.get(), EVP_sha256());
  return *ossl::CertToDer(cert.get());
}

class TrustAttestation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto collected = Collect();
    if (collected.ok()) {
      evidence_ = new Evidence(std::move(collected).value());
    } else {
      error_ = new std::string(collected.status().ToString());
    }
  }
  static void TearDownTestSuite() {
    delete evidence_;
    delete error_;
    evidence_ = nullptr;
    error_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(evidence_, nullptr) << (error_ ? *error_ : ""); }

  const Evidence& e() const { return *evidence_; }
  static AttestationInput Genuine(const TokenEvidence& t) {
    return {t.serial, t.f0_spki, t.statement, t.f9_cert};
  }
  Result<AttestationResult> Verify(const AttestationInput& in) const {
    return VerifyAttestation(in, {e().manufacturer_ca}, std::time(nullptr));
  }
  static void ExpectFails(const Result<AttestationResult>& r, Code code, std::string_view words) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), code) << r.status().ToString();
    EXPECT_NE(r.status().message().find(words), std::string::npos) << r.status().message();
  }

  static Evidence* evidence_;
  static std::string* error_;
};
Evidence* TrustAttestation::evidence_ = nullptr;
std::string* TrustAttestation::error_ = nullptr;

TEST_F(TrustAttestation, AGenuineTokenPasses) {
  for (const TokenEvidence* t : {&e().a, &e().b}) {
    auto result = Verify(Genuine(*t));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(ToHex(result->token_key_spki), ToHex(t->f0_spki));
    EXPECT_EQ(result->firmware, "5.7.2");
    auto ca = ossl::CertFromDer(e().manufacturer_ca);
    ASSERT_TRUE(ca.ok());
    char line[256];
    X509_NAME_oneline(X509_get_subject_name(ca->get()), line, sizeof line);
    const std::string cn = std::string(line).substr(std::string(line).find("CN=") + 3);
    EXPECT_NE(result->manufacturer.find("CN=" + cn), std::string::npos) << result->manufacturer;
  }
  // The station may pass F0 as the point GET METADATA shows.
  AttestationInput point = Genuine(e().a);
  point.token_key = e().a.f0_point;
  auto result = Verify(point);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(ToHex(result->token_key_spki), ToHex(e().a.f0_spki));
}

TEST_F(TrustAttestation, AnotherTokensStatementIsForAnotherKey) {
  AttestationInput in = Genuine(e().a);
  in.statement = e().b.statement;
  in.attestation_ca = e().b.f9_cert;
  ExpectFails(Verify(in), Code::kConditionsNotSatisfied, "attestation is for another key");
  // A's statement with B's attestation certificate: F9 did not sign it.
  in = Genuine(e().a);
  in.attestation_ca = e().b.f9_cert;
  ExpectFails(Verify(in), Code::kSignatureInvalid, "attestation chain does not verify");
}

TEST_F(TrustAttestation, ASerialMismatchIsRefused) {
  AttestationInput in = Genuine(e().a);
  in.serial = e().a.serial + 1;
  ExpectFails(Verify(in), Code::kConditionsNotSatisfied,
              "attestation names serial " + std::to_string(e().a.serial) + ", token is " +
                  std::to_string(e().a.serial + 1));
}

TEST_F(TrustAttestation, AnUntrustedManufacturerCaIsRefused) {
  auto result = VerifyAttestation(Genuine(e().a), {ImpostorCa()}, std::time(nullptr));
  ExpectFails(result, Code::kSignatureInvalid, "attestation chain does not verify");
  EXPECT_NE(result.status().message().find("unable to get local issuer certificate"),
            std::string::npos);
  // Trusting the impostor as well as the manufacturer changes nothing.
  EXPECT_TRUE(
      VerifyAttestation(Genuine(e().a), {ImpostorCa(), e().manufacturer_ca}, std::time(nullptr))
          .ok());
  ExpectFails(VerifyAttestation(Genuine(e().a), {}, std::time(nullptr)), Code::kInvalidArgument,
              "no trusted manufacturer CA");
}

TEST_F(TrustAttestation, AnExpiredAttestationCertificateIsRefused) {
  auto f9 = ossl::CertFromDer(e().a.f9_cert);
  ASSERT_TRUE(f9.ok());
  const std::int64_t not_after = UnixTime(X509_get0_notAfter(f9->get()));
  ExpectFails(VerifyAttestation(Genuine(e().a), {e().manufacturer_ca}, not_after + 1),
              Code::kConditionsNotSatisfied, "certificate has expired");
  EXPECT_TRUE(VerifyAttestation(Genuine(e().a), {e().manufacturer_ca}, not_after - 1).ok());
  const std::int64_t not_before = UnixTime(X509_get0_notBefore(f9->get()));
  ExpectFails(VerifyAttestation(Genuine(e().a), {e().manufacturer_ca}, not_before - 3600),
              Code::kConditionsNotSatisfied, "not yet valid");
}

TEST_F(TrustAttestation, AStatementForSlot9aIsRefused) {
  AttestationInput in = Genuine(e().a);
  in.statement = e().a.statement_9a;
  ExpectFails(Verify(in), Code::kConditionsNotSatisfied, "attestation is for slot 9a, expected f0");
}

// The soft-token service's device key (seed 002): a 9E statement passes when
// the caller asks for 9E, and only then.
TEST_F(TrustAttestation, AStatementForSlot9ePassesOnlyForSlot9e) {
  AttestationInput in{e().a.serial, e().a.spki_9e, e().a.statement_9e, e().a.f9_cert, 0x9e};
  auto result = Verify(in);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(ToHex(result->token_key_spki), ToHex(e().a.spki_9e));
  EXPECT_EQ(result->firmware, "5.7.2");

  in.slot = piv::key::kTokenKey;
  ExpectFails(Verify(in), Code::kConditionsNotSatisfied, "attestation is for slot 9e, expected f0");
  // Asking for 9A with the 9E statement names both.
  in.slot = piv::key::kAuthentication;
  ExpectFails(Verify(in), Code::kConditionsNotSatisfied, "attestation is for slot 9e, expected 9a");
  // The right slot with another slot's key: the key check still holds.
  in = {e().a.serial, e().a.f0_spki, e().a.statement_9e, e().a.f9_cert, 0x9e};
  ExpectFails(Verify(in), Code::kConditionsNotSatisfied, "attestation is for another key");
  // Another token's 9E statement for this token's serial.
  in = {e().a.serial, e().b.spki_9e, e().b.statement_9e, e().b.f9_cert, 0x9e};
  ExpectFails(Verify(in), Code::kConditionsNotSatisfied,
              "attestation names serial " + std::to_string(e().b.serial));
}

TEST_F(TrustAttestation, InputsThatDoNotParseAreNamed) {
  AttestationInput in = Genuine(e().a);
  in.statement = HexOrDie("3003020101");
  ExpectFails(Verify(in), Code::kInvalidArgument, "the attestation statement");
  in = Genuine(e().a);
  in.attestation_ca = {};
  ExpectFails(Verify(in), Code::kInvalidArgument, "the attestation certificate (5FFF01)");
  in = Genuine(e().a);
  in.token_key = Bytes(65, 0x04);
  ExpectFails(Verify(in), Code::kInvalidArgument, "the token key");
  ExpectFails(VerifyAttestation(Genuine(e().a), {Bytes{0x30}}, std::time(nullptr)),
              Code::kInvalidArgument, "manufacturer CA #1");
}

TEST_F(TrustAttestation, ReadsCertificatesFromDerAndPem) {
  auto der = ParseCertificates(e().manufacturer_ca);
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  ASSERT_EQ(der->size(), 1u);
  EXPECT_EQ((*der)[0], e().manufacturer_ca);

  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  for (const Bytes* cert : {&e().manufacturer_ca, &e().a.f9_cert}) {
    auto x = ossl::CertFromDer(*cert);
    ASSERT_TRUE(x.ok());
    ASSERT_EQ(PEM_write_bio_X509(bio.get(), x->get()), 1);
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  auto pem = ParseCertificates(AsBytes(std::string_view(data, static_cast<std::size_t>(len))));
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  ASSERT_EQ(pem->size(), 2u);
  EXPECT_EQ((*pem)[0], e().manufacturer_ca);
  EXPECT_EQ((*pem)[1], e().a.f9_cert);

  auto both = ParseCertificates(Concat({e().manufacturer_ca, e().a.f9_cert}));
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
  EXPECT_EQ(ParseCertificates(AsBytes("not a certificate")).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::trust
