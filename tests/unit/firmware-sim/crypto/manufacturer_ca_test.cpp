#include "firmware-sim/crypto/manufacturer_ca.hpp"

#include <gtest/gtest.h>
#include <openssl/objects.h>
#include <sys/stat.h>

#include <fstream>

#include "openssl_oracle.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::sim {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

Bytes ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const fs::path& path, ByteView data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

Bytes CertDer(X509* cert) {
  auto der = ossl::CertToDer(cert);
  EXPECT_TRUE(der.ok());
  return der.ok() ? *der : Bytes{};
}

class ManufacturerCaStore : public ::testing::Test {
 protected:
  Result<ManufacturerCa> LoadOrCreate(std::string_view label) {
    SeededRng rng(8, label);
    return ManufacturerCa::LoadOrCreate(dir_.path(), rng, clock_);
  }
  fs::path cert_path() const { return dir_.path() / ManufacturerCa::kCertFile; }
  fs::path key_path() const { return dir_.path() / ManufacturerCa::kKeyFile; }

  ::tessera::testing::TempDir dir_;
  FakeClock clock_;
};

TEST(ManufacturerCa, CreateMakesASelfSignedP256CaValidForTwentyYears) {
  SeededRng rng(8, "create");
  FakeClock clock;
  auto ca = ManufacturerCa::Create(rng, clock);
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  EXPECT_EQ(testing::GroupName(ca->key()), "prime256v1");
  EXPECT_EQ(X509_verify(ca->cert(), ca->key()), 1);
  EXPECT_EQ(X509_check_issued(ca->cert(), ca->cert()), X509_V_OK);
  EXPECT_TRUE(X509_get_extension_flags(ca->cert()) & EXFLAG_CA);
  char cn[80] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(ca->cert()), NID_commonName, cn, sizeof cn);
  EXPECT_STREQ(cn, "Tessera Simulated Manufacturer CA");
  const time_t now = system_clock::to_time_t(clock.Now());
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notBefore(ca->cert()), now - 86400), 0);
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(ca->cert()),
                           X509_get0_notAfter(ca->cert())),
            1);
  EXPECT_NEAR(days, 20 * 365.2425, 1);
}

TEST_F(ManufacturerCaStore, WritesTheCaAndReloadsTheSameKeyAndCertificate) {
  auto created = LoadOrCreate("first");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  ASSERT_TRUE(fs::exists(cert_path()));
  ASSERT_TRUE(fs::exists(key_path()));
  EXPECT_FALSE(fs::exists(dir_.path() / "manufacturer-ca.key.tmp"));
  EXPECT_EQ(ReadFile(cert_path()), CertDer(created->cert()));

  // A different Rng must not matter: the stored CA wins.
  auto loaded = LoadOrCreate("second");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(testing::PrivateDer(loaded->key()), testing::PrivateDer(created->key()));
  EXPECT_EQ(CertDer(loaded->cert()), CertDer(created->cert()));
}

TEST_F(ManufacturerCaStore, KeyFileIsPkcs8AndReadableOnlyByItsOwner) {
  ASSERT_TRUE(LoadOrCreate("mode").ok());
  struct stat st {};
  ASSERT_EQ(stat(key_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Bytes der = ReadFile(key_path());
  const unsigned char* p = der.data();
  ossl::Pkcs8InfoPtr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  EXPECT_TRUE(info);
}

TEST_F(ManufacturerCaStore, DamagedCertificateIsCorruptAndNamesTheFile) {
  ASSERT_TRUE(LoadOrCreate("damage").ok());
  Bytes der = ReadFile(cert_path());
  der.resize(der.size() / 2);
  WriteFile(cert_path(), der);
  auto ca = LoadOrCreate("damage");
  ASSERT_FALSE(ca.ok());
  EXPECT_EQ(ca.status().code(), Code::kCorrupt);
  EXPECT_NE(ca.status().message().find(cert_path().string()), std::string::npos);
}

TEST_F(ManufacturerCaStore, DamagedKeyIsCorruptAndNamesTheFile) {
  ASSERT_TRUE(LoadOrCreate("damage").ok());
  WriteFile(key_path(), HexOrDie("3003020100"));
  auto ca = LoadOrCreate("damage");
  ASSERT_FALSE(ca.ok());
  EXPECT_EQ(ca.status().code(), Code::kCorrupt);
  EXPECT_NE(ca.status().message().find(key_path().string()), std::string::npos);
}

TEST_F(ManufacturerCaStore, KeyOfAnotherCaIsCorrupt) {
  ASSERT_TRUE(LoadOrCreate("one").ok());
  Bytes first_key = ReadFile(key_path());
  fs::remove(cert_path());
  fs::remove(key_path());
  ASSERT_TRUE(LoadOrCreate("two").ok());
  WriteFile(key_path(), first_key);
  auto ca = LoadOrCreate("two");
  ASSERT_FALSE(ca.ok());
  EXPECT_EQ(ca.status().code(), Code::kCorrupt);
}

TEST_F(ManufacturerCaStore, CertificateWithoutItsKeyIsCorrupt) {
  ASSERT_TRUE(LoadOrCreate("lost").ok());
  fs::remove(key_path());
  auto ca = LoadOrCreate("lost");
  ASSERT_FALSE(ca.ok());
  EXPECT_EQ(ca.status().code(), Code::kCorrupt);
  EXPECT_NE(ca.status().message().find(key_path().string()), std::string::npos);
}

TEST_F(ManufacturerCaStore, KeyLeftByAnInterruptedFirstRunIsReplaced) {
  WriteFile(key_path(), HexOrDie("00"));
  auto ca = LoadOrCreate("fresh");
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  auto reloaded = ManufacturerCa::Load(dir_.path());
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(testing::PrivateDer(reloaded->key()), testing::PrivateDer(ca->key()));
}

TEST_F(ManufacturerCaStore, LoadOfAnEmptyDirectoryIsNotFound) {
  EXPECT_EQ(ManufacturerCa::Load(dir_.path()).status().code(), Code::kNotFound);
}

TEST_F(ManufacturerCaStore, CreatesAMissingStateDirectory) {
  SeededRng rng(8, "nested");
  fs::path nested = dir_.path() / "state" / "sim";
  auto ca = ManufacturerCa::LoadOrCreate(nested, rng, clock_);
  ASSERT_TRUE(ca.ok()) << ca.status().ToString();
  EXPECT_TRUE(fs::exists(nested / ManufacturerCa::kCertFile));
}

}  // namespace
}  // namespace tessera::sim
