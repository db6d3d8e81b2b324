// The registration protocol's vectors (docs/registration-protocol.md
// "Vectors"): every input fixed (the keys' scalars, SSK1, SSK2, the
// nonces, the IDs, the times, the gateway certificate's bytes), the whole
// registration and login computed through the codec and the key schedule,
// and every message and intermediate pinned. Another implementation checks
// itself against the same table; a change to any label, tag, field order or
// derivation here shows up as a changed value.
//
// TESSERA_REG_VECTORS=print prints the table (the document's is this
// output); TESSERA_REG_VECTORS=certificate prints a freshly signed gateway
// certificate for kCertificateHex (ECDSA signatures are randomized, so the
// certificate is itself a pinned input).
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "common/crypto/hash.hpp"
#include "common/crypto/private_ops.hpp"
#include "common/piv/key_material.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/registration/messages.hpp"
#include "common/registration/records.hpp"
#include "common/registration/server_certificate.hpp"
#include "common/registration/user_info.hpp"
#include "common/tlv.hpp"

namespace tessera::registration {
namespace {

const piv::Curve& P256() { return *piv::CurveOf(piv::Algorithm::kEccP256); }

Bytes Filled(std::uint8_t value, std::size_t size = 32) { return Bytes(size, value); }

ossl::PkeyPtr FixedKey(std::uint8_t fill) {
  ossl::BnPtr d = ossl::BnFromBytes(Filled(fill));
  return piv::EcKeyFromScalar(P256(), d.get()).value();
}
Bytes PointOf(EVP_PKEY* key) { return piv::EcPublicPoint(key, P256()).value(); }
Bytes Copy(const SecureBytes& s) { return {s.view().begin(), s.view().end()}; }
Bytes Ecdh(EVP_PKEY* mine, ByteView theirs) {
  return Copy(crypto::DeriveShared(mine, theirs).value());
}

// The fixed inputs.
constexpr std::uint8_t kIssuerScalar = 0x11;
constexpr std::uint8_t kServerScalar = 0x22;
constexpr std::uint8_t kTokenRegScalar = 0x33;        // ec of registration
constexpr std::uint8_t kTokenLoginScalar = 0x44;      // ec of login
constexpr std::uint8_t kServerLoginScalar = 0x55;     // es of login
constexpr std::uint64_t kServerTime = 1'800'000'000;  // 2027-01-15
const char* const kUidc = "UVECTORSVECTORS2";

// The gateway certificate (issued by kIssuerScalar's key to
// kServerScalar's, profile registration-server, 2026-01-01 .. 2036-01-01).
const char* const kCertificateHex =
    "308201533081f9a00302010202025eed300a06082a8648ce3d04030230183116301406035504030c0d566563"
    "746f7220697373756572301e170d3236303130313030303030305a170d3336303130313030303030305a3019"
    "3117301506035504030c0e566563746f7220676174657761793059301306072a8648ce3d020106082a8648ce"
    "3d03010703420004d65a93977caa3d1b081852ff57a79e465f1660577304baead505dd3a48589cf350185e89"
    "5372df6221ea3a137557e473fddb6755f05bd507c3c533fce9c91285a3323030300e0603551d0f0101ff0404"
    "03020388301e0603551d2504173015061369abb9fdb0f5918abacb849794ebf98cb1ad05300a06082a8648ce"
    "3d0403020349003046022100a50fa131d0d1b88eb6010ef6ccb79f7caafd9605b34f4912cab8b6b6dea249bd"
    "022100e32e2262bec84a1336b2e05b7e38cddd90b4db725d54f2a3abf7fb0ee4074128";

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  ASSERT_NE(ext, nullptr) << value;
  ASSERT_EQ(X509_add_ext(cert, ext.get(), -1), 1);
}

Bytes NewCertificate() {
  ossl::PkeyPtr issuer = FixedKey(kIssuerScalar);
  ossl::PkeyPtr server = FixedKey(kServerScalar);
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 0x5EED);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Vector gateway"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(X509_get_issuer_name(cert.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("Vector issuer"), -1, -1, 0);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), 1'767'225'600);  // 2026-01-01
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), 2'082'758'400);   // 2036-01-01
  X509_set_pubkey(cert.get(), server.get());
  AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyAgreement");
  AddExtension(cert.get(), NID_ext_key_usage, std::string(kRegServerOid).c_str());
  EXPECT_GT(X509_sign(cert.get(), issuer.get(), EVP_sha256()), 0);
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert.get(), &der);
  Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

struct Table {
  std::vector<std::pair<std::string, Bytes>> rows;
  void Add(std::string name, Bytes value) { rows.emplace_back(std::move(name), std::move(value)); }
  const Bytes& operator[](const std::string& name) const {
    for (const auto& [n, v] : rows) {
      if (n == name) return v;
    }
    static const Bytes kNone;
    ADD_FAILURE() << "no row " << name;
    return kNone;
  }
};

// The whole run, every value named as the document names it.
Table RunVectors() {
  Table t;
  ossl::PkeyPtr issuer = FixedKey(kIssuerScalar);
  ossl::PkeyPtr server = FixedKey(kServerScalar);
  ossl::PkeyPtr ec = FixedKey(kTokenRegScalar);
  const Bytes certificate = FromHex(kCertificateHex).value();
  t.Add("issuer point", PointOf(issuer.get()));
  t.Add("server point", PointOf(server.get()));

  // Registration.
  const std::string template_json =
      R"({"fields":[{"label":"User ID","name":"user","required":true}]})";
  const RegHello hello{certificate, Filled(0xA0),
                       crypto::DigestOnce(crypto::Hash::kSha256, AsBytes(template_json)).value(),
                       kServerTime, Filled(0xA1, 16)};
  const Bytes r0 = Encode(hello);
  t.Add("R0", r0);
  const Bytes ec_point = PointOf(ec.get());
  const Bytes th1 =
      TranscriptHash(kRegisterContext, {r0, EncodeTlv(tag::kEphemeralKey, ec_point)}).value();
  const Bytes z1 = Ecdh(ec.get(), PointOf(server.get()));
  const Bytes k1 = Copy(RequestKey(th1, z1).value());
  const Bytes user_info = Encode(UserInfo{"alice", "ABCDE-FGHIJ-KLMNO-PQRST", ""}).value();
  const Bytes ssk1 = Filled(0xB1);
  const SecureBytes pt1 = Encode(RequestSecrets{SecureBytes(ssk1), user_info});
  const Bytes c1 = SealOnce(k1, th1, pt1.view()).value();
  const Bytes r1 = Encode(RegRequest{ec_point, c1});
  t.Add("user info", user_info);
  t.Add("TH1", th1);
  t.Add("Z1", z1);
  t.Add("k1", k1);
  t.Add("R1", r1);
  const Bytes th2 = TranscriptHash(kRegisterContext, {r0, r1}).value();
  const Bytes k2 = Copy(AnswerKey(th2, ssk1).value());
  const Bytes ssk2 = Filled(0xB2);
  const SecureBytes pt2 = Encode(AnswerSecrets{SecureBytes(ssk2), kUidc, ""});
  const Bytes r2 = Encode(RegAnswer{SealOnce(k2, th2, pt2.view()).value()});
  t.Add("TH2", th2);
  t.Add("k2", k2);
  t.Add("R2", r2);
  const Bytes th3 = TranscriptHash(kRegisterContext, {r0, r1, r2}).value();
  const Bytes k = Copy(SharedSecret(th3, ssk1, ssk2).value());
  const Bytes mconf = ProofMac(k, Role::kClient, Phase::kRegister, th3).value();
  t.Add("TH3", th3);
  t.Add("K", k);
  t.Add("R3", Encode(RegConfirm{mconf}));

  // Login.
  ossl::PkeyPtr ec_login = FixedKey(kTokenLoginScalar);
  ossl::PkeyPtr es = FixedKey(kServerLoginScalar);
  const Bytes a1 = Encode(AuthHello{kUidc, Filled(0xC1), PointOf(ec_login.get())});
  AuthChallenge challenge{Filled(0xC2, 16), Filled(0xC3), PointOf(es.get()), {}};
  const Bytes th_s = TranscriptHash(kLoginContext, {a1, EncodeChallengeBody(challenge)}).value();
  challenge.mac = ProofMac(k, Role::kServer, Phase::kLogin, th_s).value();
  const Bytes a2 = Encode(challenge);
  const Bytes th_c = TranscriptHash(kLoginContext, {a1, a2}).value();
  const Bytes mc = ProofMac(k, Role::kClient, Phase::kLogin, th_c).value();
  const Bytes z = Ecdh(ec_login.get(), challenge.ephemeral_key);
  const Bytes ses = Copy(SessionKey(k, th_c, z).value());
  t.Add("A1", a1);
  t.Add("TH_s", th_s);
  t.Add("A2", a2);
  t.Add("TH_c", th_c);
  t.Add("A3", Encode(AuthFinish{mc}));
  t.Add("Z", z);
  t.Add("SES", ses);
  const Bytes c2s = Copy(RecordKey(ses, Direction::kClientToServer).value());
  const Bytes s2c = Copy(RecordKey(ses, Direction::kServerToClient).value());
  t.Add("Kc2s", c2s);
  t.Add("Ks2c", s2c);
  const std::string path = "/reg/sessions/" + ToHex(challenge.session_id) + "/entitlements";
  const std::string body = std::string(R"({"user_id_code":")") + kUidc + "\"}";
  t.Add("record 1 (c2s)",
        SealRecord(c2s, Direction::kClientToServer, 1,
                   RequestAad(challenge.session_id, 1, "POST", path), AsBytes(body))
            .value());
  return t;
}

TEST(RegistrationVectors, TheCertificatePassesTheTokensCheck) {
  ossl::PkeyPtr issuer = FixedKey(kIssuerScalar);
  Result<ServerKey> key = CheckServerCertificate(FromHex(kCertificateHex).value(),
                                                 PointOf(issuer.get()), kServerTime, 0);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->point, PointOf(FixedKey(kServerScalar).get()));
}

TEST(RegistrationVectors, EveryValueIsPinned) {
  const Table t = RunVectors();
  const auto hex = [&](const char* name) { return ToHex(t[name]); };
  EXPECT_EQ(hex("Z1"), "5f1c591a4bba11bee0d5a2a642eef6385d59aab8d6a6f151d8d857e2e822a67f");
  EXPECT_EQ(hex("k1"), "ee4bb518071a04130180c8f542db518d47714522737d685c77e6011a85cf168f");
  EXPECT_EQ(hex("k2"), "bdff834511b4cabb9ddb671af6386f41c5dc88a3079b2c518bf250849f7c9d74");
  EXPECT_EQ(hex("K"), "2c1d399cf24eba741bf4171be993c1b068b04a315de5bdd8bac8fddc5e18f625");
  EXPECT_EQ(hex("R3"), "e4228d20050397fd2bec0b14864373bfdc8d0728007d3519cf120bcf868ce926859dbb5a");
  EXPECT_EQ(hex("A3"), "e72292201befa64b62272be2de82d1ea543b94133ea8e4cd8b1ae19d636f47a09a2dc9c9");
  EXPECT_EQ(hex("Z"), "f05172058ca0efd6258338b6d64a4efaf0ecf7e65e9d6c51337e3aa3017dc7ed");
  EXPECT_EQ(hex("SES"), "60a79fe19610ad76d0285a18b7695f36f0a1fe9c0033aafae183423ff6d0b5f9");
  EXPECT_EQ(hex("Kc2s"), "c3c50ed2484c5094c0dade2d9461f41fbf845d89fc689dbef4300be5d0292b53");
  EXPECT_EQ(hex("Ks2c"), "78767b55c107341fb1edfc3f49077cbcf167aeb300a6581c46071c42effd7033");
  // Every row at once: SHA-256 over "name=hex\n" for the whole table, so a
  // change to any message (R0..A3, the sealed record) shows too.
  std::string all;
  for (const auto& [name, value] : t.rows) all += name + "=" + ToHex(value) + "\n";
  EXPECT_EQ(ToHex(crypto::DigestOnce(crypto::Hash::kSha256, AsBytes(all)).value()),
            "7c30dcbfd60c53d5ae2753b253633a15e115176ac09096b30ebff258e9d8f359");
}

TEST(RegistrationVectors, Print) {
  const char* mode = std::getenv("TESSERA_REG_VECTORS");  // NOLINT(concurrency-mt-unsafe)
  if (mode != nullptr && std::string(mode) == "certificate") {
    std::cout << ToHex(NewCertificate()) << "\n";
  }
  if (mode != nullptr && std::string(mode) == "print") {
    for (const auto& [name, value] : RunVectors().rows) {
      std::cout << "| " << name << " | `" << ToHex(value) << "` |\n";
    }
  }
}

}  // namespace
}  // namespace tessera::registration
