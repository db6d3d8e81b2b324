// The registration issuer key (issue 14) through the real binaries:
// `tessera personalize --issuer-key` embeds it in new tokens (card-manager
// key ID 10), `tessera token set-issuer` replaces it under the token's MK.
// Each case reads back what the token lists in GET DATA 00E0 through the
// host's CardManagerClient, and the point the PIV applet checks gateway
// certificates with (F3 00, PivClient::RegistrationStatus); refusals give a
// clear error and change nothing.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/card_manager_constants.hpp"
#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/card/card_manager_client.hpp"
#include "host/card/piv_client.hpp"
#include "tests/integration/services/keyman/keyman_steps.hpp"

namespace tessera::testing {
namespace {

Bytes PointOf(EVP_PKEY* key) {
  return piv::EcPublicPoint(key, *piv::CurveOf(piv::Algorithm::kEccP256)).value();
}

std::string PemPublicKey(EVP_PKEY* key) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PUBKEY(bio.get(), key), 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(size)};
}

// A self-signed CA certificate for `key`, as `tessera ca cert` prints one.
std::string PemCertificate(EVP_PKEY* key) {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Issuer CA"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key);
  EXPECT_GT(X509_sign(cert.get(), key, EVP_sha256()), 0);
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_X509(bio.get(), cert.get()), 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(size)};
}

class KeymanIssuerTest : public KeymanTest {
 protected:
  std::size_t TokenCount() const override { return 1; }

  void SetUp() override {
    KeymanTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(Ceremony(*this, {1}));
    serial_ = Serials().front();
    s_ = std::to_string(serial_);
    key_file_ = Write("issuer.pub", PemPublicKey(issuer_.get()));
    cert_file_ = Write("issuer-ca.pem", PemCertificate(other_issuer_.get()));
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = home() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  // GET DATA 00E0 of the token, through the host's client on its socket.
  std::vector<host::CardManagerKey> KeyInfo() {
    auto transport = sim().Connect(serial_);
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    if (!transport.ok()) return {};
    host::ApduChannel channel(**transport);
    host::CardManagerClient client(channel);
    EXPECT_TRUE(client.Select().ok());
    auto keys = client.GetKeyInfo();
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    return keys.ok() ? *keys : std::vector<host::CardManagerKey>{};
  }
  // The issuer key's version (0: none listed), checking its entry's type.
  int IssuerVersion() {
    for (const auto& key : KeyInfo()) {
      if (key.id == cm::kKeyIdIssuer) {
        EXPECT_EQ(key.type, cm::kKeyTypeEccPublic);
        return key.kvn;
      }
    }
    return 0;
  }

  // F3 00 through the PIV applet: the issuer point and version it holds.
  host::RegistrationInfo RegistrationStatus() {
    auto transport = sim().Connect(serial_);
    EXPECT_TRUE(transport.ok()) << transport.status().ToString();
    if (!transport.ok()) return {};
    host::ApduChannel channel(**transport);
    host::PivClient piv(channel);
    EXPECT_TRUE(piv.Select().ok());
    auto status = piv.RegistrationStatus();
    EXPECT_TRUE(status.ok()) << status.status().ToString();
    return status.ok() ? *std::move(status) : host::RegistrationInfo{};
  }

  RunResult Personalize(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"personalize", "--hsm", "as", "--token", s_};
    args.insert(args.end(), extra.begin(), extra.end());
    return Tessera(args);
  }
  RunResult SetIssuer(const std::string& file, const std::string& hsm = "as",
                      const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"token",   "set-issuer", "--hsm",        hsm,
                                  "--token", s_,           "--issuer-key", file};
    args.insert(args.end(), extra.begin(), extra.end());
    return Tessera(args);
  }

  ossl::PkeyPtr issuer_{EVP_EC_gen("P-256")};
  ossl::PkeyPtr other_issuer_{EVP_EC_gen("P-256")};
  std::uint32_t serial_ = 0;
  std::string s_;
  std::string key_file_, cert_file_;
};

TEST_F(KeymanIssuerTest, PersonalizeWithAnIssuerKeyEmbedsItBesideTheKrkAndMk) {
  RunResult r = Personalize({"--issuer-key", key_file_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["done"], 1);
  EXPECT_EQ(json["failed"], 0);
  EXPECT_EQ(json["mk_version"], 1);
  EXPECT_EQ(json["tokens"][0]["serial"], serial_);
  EXPECT_EQ(json["tokens"][0]["outcome"], "done");
  EXPECT_EQ(json["issuer_key"], ToHex(PointOf(issuer_.get())));

  const auto keys = KeyInfo();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].id, cm::kKeyIdKrk);
  EXPECT_EQ(keys[0].type, cm::kKeyTypeAes);
  EXPECT_EQ(keys[1].id, cm::kKeyIdMk);
  EXPECT_EQ(keys[1].kvn, 1);
  EXPECT_EQ(keys[2].id, cm::kKeyIdIssuer);
  EXPECT_EQ(keys[2].kvn, 1);
  EXPECT_EQ(keys[2].type, cm::kKeyTypeEccPublic);
  const host::RegistrationInfo status = RegistrationStatus();
  EXPECT_EQ(status.issuer_point, PointOf(issuer_.get()));
  EXPECT_EQ(status.issuer_kvn, 1);
  EXPECT_EQ(TokenLine(*this, serial_).lifecycle, "personalized");
  EXPECT_EQ(DirectoryRow(*this, serial_), "1|1||personalized|384");
  EXPECT_TRUE(Probe(*this, serial_, 1));

  // A re-run keeps the key: replacing it is set-issuer's job.
  RunResult again = Personalize({"--issuer-key", cert_file_});
  ASSERT_EQ(again.exit_code, 0) << again.Describe();
  EXPECT_NE(again.out.find("already done"), std::string::npos) << again.out;
  EXPECT_EQ(IssuerVersion(), 1);
}

TEST_F(KeymanIssuerTest, ATokenPersonalizedWithoutOneGetsItOnARerun) {
  ASSERT_EQ(Personalize().exit_code, 0);
  EXPECT_EQ(IssuerVersion(), 0);
  EXPECT_EQ(KeyInfo().size(), 2u);
  RunResult r = Personalize({"--issuer-key", cert_file_});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("token " + s_ + ": done"), std::string::npos) << r.out;
  EXPECT_EQ(IssuerVersion(), 1);
  EXPECT_EQ(DirectoryRow(*this, serial_), "1|1||personalized|384");
}

TEST_F(KeymanIssuerTest, SetIssuerReplacesTheKeyUnderTheMk) {
  ASSERT_EQ(Personalize().exit_code, 0);
  RunResult first = SetIssuer(key_file_);
  ASSERT_EQ(first.exit_code, 0) << first.Describe();
  EXPECT_NE(first.out.find("issuer key version 1 set (the token had none), under MK version 1"),
            std::string::npos)
      << first.out;
  EXPECT_EQ(IssuerVersion(), 1);

  RunResult second = SetIssuer(cert_file_, "as", {"--json"});
  ASSERT_EQ(second.exit_code, 0) << second.Describe();
  const auto json = nlohmann::json::parse(second.out);
  EXPECT_EQ(json["serial"], serial_);
  EXPECT_EQ(json["mk_version"], 1);
  EXPECT_EQ(json["issuer_key_version"], 2);
  EXPECT_EQ(json["previous_issuer_key_version"], 1);
  EXPECT_EQ(json["issuer_key"], ToHex(PointOf(other_issuer_.get())));
  EXPECT_EQ(IssuerVersion(), 2);
  const host::RegistrationInfo status = RegistrationStatus();
  EXPECT_EQ(status.issuer_point, PointOf(other_issuer_.get()));
  EXPECT_EQ(status.issuer_kvn, 2);
  // The token's own keys and the directory are untouched.
  EXPECT_EQ(TokenLine(*this, serial_).mk, "1");
  EXPECT_EQ(DirectoryRow(*this, serial_), "1|1||personalized|384");
  EXPECT_TRUE(Probe(*this, serial_, 1));
}

TEST_F(KeymanIssuerTest, SetIssuerUnderAnotherMkFailsClearlyAndChangesNothing) {
  ASSERT_EQ(Personalize({"--issuer-key", key_file_}).exit_code, 0);
  // Another HSM's version 1: the same version number, another MK block.
  ASSERT_EQ(Tessera({"hsm", "init-softhsm", "--name", "other"}).exit_code, 0);
  ASSERT_EQ(Tessera({"hsm", "keygen", "--hsm", "other", "--mk-version", "1"}).exit_code, 0);
  RunResult wrong = SetIssuer(cert_file_, "other");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.Describe();
  EXPECT_NE(wrong.err.find("no secure channel under the directory's MK version 1"),
            std::string::npos)
      << wrong.err;
  EXPECT_NE(wrong.err.find("card cryptogram is wrong"), std::string::npos) << wrong.err;
  EXPECT_EQ(IssuerVersion(), 1);
  EXPECT_EQ(RegistrationStatus().issuer_point, PointOf(issuer_.get()));

  // A row that disagrees with the token is refused before any channel.
  Sql(*this, "UPDATE tokens SET mk_version = 2 WHERE serial = " + s_ + ";");
  RunResult disagree = SetIssuer(cert_file_);
  EXPECT_EQ(disagree.exit_code, 1) << disagree.Describe();
  EXPECT_NE(disagree.err.find("the token reports MK version 1, the directory's row 2"),
            std::string::npos)
      << disagree.err;
  EXPECT_EQ(IssuerVersion(), 1);
}

TEST_F(KeymanIssuerTest, SetIssuerNeedsAPersonalizedTokenInTheDirectory) {
  RunResult manufactured = SetIssuer(key_file_);
  EXPECT_EQ(manufactured.exit_code, 1) << manufactured.Describe();
  EXPECT_NE(manufactured.err.find("the token is manufactured"), std::string::npos)
      << manufactured.err;
  EXPECT_EQ(IssuerVersion(), 0);

  ASSERT_EQ(Personalize().exit_code, 0);
  Sql(*this, "DELETE FROM tokens WHERE serial = " + s_ + ";");
  RunResult unknown = SetIssuer(key_file_);
  EXPECT_EQ(unknown.exit_code, 1) << unknown.Describe();
  EXPECT_NE(unknown.err.find("not in the directory"), std::string::npos) << unknown.err;
  EXPECT_EQ(IssuerVersion(), 0);
}

TEST_F(KeymanIssuerTest, ABadIssuerKeyFileIsBadUsageBeforeAnyTokenIsTouched) {
  ossl::PkeyPtr p384(EVP_EC_gen("P-384"));
  const std::string p384_file = Write("p384.pem", PemPublicKey(p384.get()));
  const std::string garbage = Write("garbage.pem", "not a key\n");
  const std::string missing = (home() / "missing.pem").string();
  for (const auto& [file, expected] : std::vector<std::pair<std::string, std::string>>{
           {p384_file, "not P-256"}, {garbage, garbage}, {missing, missing}}) {
    SCOPED_TRACE(file);
    RunResult p = Personalize({"--issuer-key", file});
    EXPECT_EQ(p.exit_code, 2) << p.Describe();
    EXPECT_NE(p.err.find("personalize: --issuer-key: "), std::string::npos) << p.err;
    EXPECT_NE(p.err.find(expected), std::string::npos) << p.err;
    RunResult s = SetIssuer(file);
    EXPECT_EQ(s.exit_code, 2) << s.Describe();
    EXPECT_NE(s.err.find("set-issuer: --issuer-key: "), std::string::npos) << s.err;
    EXPECT_NE(s.err.find(expected), std::string::npos) << s.err;
  }
  EXPECT_EQ(TokenLine(*this, serial_).lifecycle, "manufactured");
  EXPECT_EQ(IssuerVersion(), 0);
  EXPECT_FALSE(RegistrationStatus().issuer_point.has_value());
}

}  // namespace
}  // namespace tessera::testing
