// services/keyman/issuer_key_file: the issuer key files an operator passes
// with --issuer-key, made here with OpenSSL: a PEM certificate and a PEM
// public key give the same P-256 point; other curves, other PEM blocks,
// garbage and a missing file are refused, naming the file.
#include "services/keyman/issuer_key_file.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <string>

#include "common/ossl.hpp"
#include "common/piv/key_material.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::keyman {
namespace {

std::string Pem(int (*write)(BIO*, void*), void* object) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(write(bio.get(), object), 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return {data, static_cast<std::size_t>(size)};
}

int WriteCert(BIO* bio, void* cert) { return PEM_write_bio_X509(bio, static_cast<X509*>(cert)); }
int WriteKey(BIO* bio, void* key) { return PEM_write_bio_PUBKEY(bio, static_cast<EVP_PKEY*>(key)); }

ossl::X509Ptr SelfSigned(EVP_PKEY* key) {
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
  return cert;
}

class IssuerKeyFileTest : public ::testing::Test {
 protected:
  std::filesystem::path Write(const std::string& name, const std::string& text) {
    std::filesystem::path path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  testing::TempDir dir_{"tessera-issuer-key"};
};

TEST_F(IssuerKeyFileTest, ACertificateAndAPublicKeyGiveTheSamePoint) {
  ossl::PkeyPtr key(EVP_EC_gen("P-256"));
  const Bytes expected =
      piv::EcPublicPoint(key.get(), *piv::CurveOf(piv::Algorithm::kEccP256)).value();
  ossl::X509Ptr cert = SelfSigned(key.get());
  auto from_cert = ReadIssuerKeyFile(Write("ca.pem", Pem(WriteCert, cert.get())));
  ASSERT_TRUE(from_cert.ok()) << from_cert.status().ToString();
  EXPECT_EQ(*from_cert, expected);
  EXPECT_EQ(from_cert->size(), 65u);
  EXPECT_EQ((*from_cert)[0], 0x04);
  auto from_key = ReadIssuerKeyFile(Write("issuer.pub", Pem(WriteKey, key.get())));
  ASSERT_TRUE(from_key.ok()) << from_key.status().ToString();
  EXPECT_EQ(*from_key, expected);
}

TEST_F(IssuerKeyFileTest, OtherCurvesOtherBlocksGarbageAndMissingFilesAreNamed) {
  ossl::PkeyPtr p384(EVP_EC_gen("P-384"));
  const std::filesystem::path p384_file = Write("p384.pem", Pem(WriteKey, p384.get()));
  auto refused = ReadIssuerKeyFile(p384_file);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("not P-256"), std::string::npos);
  EXPECT_NE(refused.status().message().find(p384_file.string()), std::string::npos);

  ossl::PkeyPtr rsa(EVP_RSA_gen(2048));
  EXPECT_EQ(ReadIssuerKeyFile(Write("rsa.pem", Pem(WriteKey, rsa.get()))).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ReadIssuerKeyFile(Write("garbage.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n"))
                .status()
                .code(),
            Code::kInvalidArgument);
  EXPECT_EQ(
      ReadIssuerKeyFile(Write("private.pem", "-----BEGIN PRIVATE KEY-----\n")).status().code(),
      Code::kInvalidArgument);
  EXPECT_EQ(ReadIssuerKeyFile(dir_.path() / "absent.pem").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace tessera::keyman
