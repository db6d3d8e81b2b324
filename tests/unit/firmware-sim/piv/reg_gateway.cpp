#include "tests/unit/firmware-sim/piv/reg_gateway.hpp"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/crypto/hash.hpp"
#include "common/crypto/private_ops.hpp"
#include "common/piv/key_material.hpp"
#include "common/registration/key_schedule.hpp"
#include "common/tlv.hpp"

namespace tessera::sim::pivtest {
namespace {

namespace reg = tessera::registration;

const piv::Curve& P256() { return *piv::CurveOf(piv::Algorithm::kEccP256); }
Bytes PointOf(EVP_PKEY* key) { return piv::EcPublicPoint(key, P256()).value(); }
Bytes Copy(const SecureBytes& s) { return {s.view().begin(), s.view().end()}; }

void AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ossl::X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  ASSERT_NE(ext, nullptr) << value;
  ASSERT_EQ(X509_add_ext(cert, ext.get(), -1), 1);
}

}  // namespace

ossl::PkeyPtr FixedP256(std::uint8_t fill) {
  ossl::BnPtr d = ossl::BnFromBytes(Bytes(32, fill));
  return piv::EcKeyFromScalar(P256(), d.get()).value();
}

Bytes RegBeginData(ByteView r0, std::uint64_t host_time, ByteView user_info) {
  Bytes data(r0.begin(), r0.end());
  Bytes time;
  PutU64(time, host_time);
  AppendTlv(data, 0x84, time);
  AppendTlv(data, 0x85, user_info);
  return data;
}

RegGateway::RegGateway(std::uint8_t issuer_fill, std::uint8_t server_fill)
    : issuer_(FixedP256(issuer_fill)), server_(FixedP256(server_fill)) {}

Bytes RegGateway::IssuerPoint() const { return PointOf(issuer_.get()); }

Bytes RegGateway::ServerSpkiHash() const {
  return crypto::DigestOnce(crypto::Hash::kSha256, ossl::PublicKeyToDer(server_.get()).value())
      .value();
}

Bytes RegGateway::Certificate(const CertShape& shape) const {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("gateway"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(shape.not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(shape.not_after));
  X509_set_pubkey(cert.get(), server_.get());
  if (shape.key_usage != nullptr) AddExtension(cert.get(), NID_key_usage, shape.key_usage);
  if (!shape.extended_usage.empty()) {
    AddExtension(cert.get(), NID_ext_key_usage, shape.extended_usage.c_str());
  }
  if (shape.basic_constraints != nullptr) {
    AddExtension(cert.get(), NID_basic_constraints, shape.basic_constraints);
  }
  EVP_PKEY* signer = shape.signer != nullptr ? shape.signer : issuer_.get();
  EXPECT_GT(X509_sign(cert.get(), signer, EVP_sha256()), 0);
  return ossl::CertToDer(cert.get()).value();
}

Bytes RegGateway::Hello(Bytes certificate) {
  ++counter_;
  if (certificate.empty()) certificate = Certificate();
  r0_ = reg::Encode(reg::RegHello{std::move(certificate), Bytes(32, counter_), Bytes(32, 0x7E),
                                  kRegNow, Bytes(16, counter_)});
  return r0_;
}

std::optional<Bytes> RegGateway::Answer(ByteView r1, std::string_view uidc,
                                        std::optional<Bytes> plaintext) {
  auto request = reg::DecodeRegRequest(r1);
  EXPECT_TRUE(request.ok()) << request.status().ToString();
  if (!request.ok()) return std::nullopt;
  const Bytes th1 =
      reg::TranscriptHash(reg::kRegisterContext,
                          {r0_, EncodeTlv(reg::tag::kEphemeralKey, request->ephemeral_key)})
          .value();
  SecureBytes z1 = crypto::DeriveShared(server_.get(), request->ephemeral_key).value();
  SecureBytes k1 = reg::RequestKey(th1, z1.view()).value();
  auto opened = reg::OpenOnce(k1.view(), th1, request->sealed);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return std::nullopt;
  reg::RequestSecrets secrets = reg::DecodeRequestSecrets(opened->view()).value();
  user_info_ = secrets.user_info;
  const Bytes th2 = reg::TranscriptHash(reg::kRegisterContext, {r0_, r1}).value();
  SecureBytes k2 = reg::AnswerKey(th2, secrets.ssk1.view()).value();
  const Bytes ssk2(32, static_cast<std::uint8_t>(0xA0 + counter_));
  const reg::AnswerSecrets answer{SecureBytes(ssk2), std::string(uidc), "/app/echo"};
  const SecureBytes pt2 = plaintext ? SecureBytes(*plaintext) : reg::Encode(answer);
  const Bytes r2 = reg::Encode(reg::RegAnswer{reg::SealOnce(k2.view(), th2, pt2.view()).value()});
  th3_ = reg::TranscriptHash(reg::kRegisterContext, {r0_, r1, r2}).value();
  k_ = reg::SharedSecret(th3_, secrets.ssk1.view(), ssk2).value();
  return r2;
}

bool RegGateway::CheckConfirm(ByteView r3) const {
  auto confirm = reg::DecodeRegConfirm(r3);
  return confirm.ok() && reg::CheckProofMac(k_.view(), reg::Role::kClient, reg::Phase::kRegister,
                                            th3_, confirm->mac)
                             .ok();
}

Bytes RegGateway::Challenge(ByteView a1) {
  ++counter_;
  a1_.assign(a1.begin(), a1.end());
  es_ = FixedP256(static_cast<std::uint8_t>(0x40 + counter_));
  reg::AuthChallenge challenge{
      Bytes(16, counter_), Bytes(32, static_cast<std::uint8_t>(counter_)), PointOf(es_.get()), {}};
  const Bytes th_s =
      reg::TranscriptHash(reg::kLoginContext, {a1_, reg::EncodeChallengeBody(challenge)}).value();
  challenge.mac = reg::ProofMac(k_.view(), reg::Role::kServer, reg::Phase::kLogin, th_s).value();
  a2_ = reg::Encode(challenge);
  return a2_;
}

std::optional<Bytes> RegGateway::Finish(ByteView a3) {
  auto finish = reg::DecodeAuthFinish(a3);
  if (!finish.ok()) return std::nullopt;
  const Bytes th_c = reg::TranscriptHash(reg::kLoginContext, {a1_, a2_}).value();
  if (!reg::CheckProofMac(k_.view(), reg::Role::kClient, reg::Phase::kLogin, th_c, finish->mac)
           .ok()) {
    return std::nullopt;
  }
  const reg::AuthHello hello = reg::DecodeAuthHello(a1_).value();
  SecureBytes z = crypto::DeriveShared(es_.get(), hello.ephemeral_key).value();
  return Copy(reg::SessionKey(k_.view(), th_c, z.view()).value());
}

}  // namespace tessera::sim::pivtest
