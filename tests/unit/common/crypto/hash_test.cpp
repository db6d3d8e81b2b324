#include "common/crypto/hash.hpp"

#include <gtest/gtest.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <memory>

namespace tessera::crypto {
namespace {

constexpr Hash kAllHashes[] = {Hash::kSha1, Hash::kSha224, Hash::kSha256, Hash::kSha384,
                               Hash::kSha512};

TEST(Hash, SizesMatchOpenSsl) {
  for (Hash h : kAllHashes) {
    EXPECT_EQ(HashSize(h), static_cast<std::size_t>(EVP_MD_get_size(HashMd(h)))) << HashName(h);
  }
}

// FIPS 180-2 Appendix B.1: SHA-256("abc").
TEST(Hash, DigestOnceMatchesTheFips180Vector) {
  auto d = DigestOnce(Hash::kSha256, AsBytes("abc"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(ToHex(*d), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, MultiPartDigestEqualsOneShot) {
  for (Hash h : kAllHashes) {
    auto d = Digester::Start(h);
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(d->Update(AsBytes("hello, ")).ok());
    ASSERT_TRUE(d->Update({}).ok());
    ASSERT_TRUE(d->Update(AsBytes("world")).ok());
    auto parts = d->Finish();
    auto once = DigestOnce(h, AsBytes("hello, world"));
    ASSERT_TRUE(parts.ok() && once.ok());
    EXPECT_EQ(*parts, *once) << HashName(h);
  }
}

TEST(Hash, DigesterCannotBeUsedAfterFinish) {
  auto d = Digester::Start(Hash::kSha1);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->Finish().ok());
  EXPECT_EQ(d->Update(AsBytes("x")).code(), Code::kInternal);
  EXPECT_EQ(d->Finish().status().code(), Code::kInternal);
}

TEST(Hash, DigesterMovesItsState) {
  auto d = Digester::Start(Hash::kSha256);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->Update(AsBytes("ab")).ok());
  Digester moved = std::move(*d);
  ASSERT_TRUE(moved.Update(AsBytes("c")).ok());
  auto out = moved.Finish();
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, *DigestOnce(Hash::kSha256, AsBytes("abc")));
}

// RFC 8017 §9.2 note 1, SHA-256 line.
TEST(DigestInfo, Sha256PrefixMatchesRfc8017) {
  Bytes digest(32, 0xAB);
  Bytes info = DigestInfo(Hash::kSha256, digest);
  EXPECT_EQ(ToHex(ByteView(info).first(19)), "3031300d060960864801650304020105000420");
  EXPECT_EQ(ByteView(info).subspan(19).size(), 32u);
}

// Each DigestInfo must parse as DER naming the right hash, with the digest
// in its OCTET STRING.
TEST(DigestInfo, EveryPrefixParsesAsDerNamingItsHash) {
  using SigPtr = std::unique_ptr<X509_SIG, ossl::Deleter<X509_SIG_free>>;
  for (Hash h : kAllHashes) {
    Bytes digest(HashSize(h));
    for (std::size_t i = 0; i < digest.size(); ++i) digest[i] = static_cast<std::uint8_t>(i);
    Bytes info = DigestInfo(h, digest);
    const unsigned char* p = info.data();
    SigPtr sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(info.size())));
    ASSERT_TRUE(sig) << HashName(h);
    EXPECT_EQ(p, info.data() + info.size());
    const X509_ALGOR* alg = nullptr;
    const ASN1_OCTET_STRING* octets = nullptr;
    X509_SIG_get0(sig.get(), &alg, &octets);
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
    EXPECT_EQ(OBJ_obj2nid(oid), EVP_MD_get_type(HashMd(h))) << HashName(h);
    EXPECT_EQ(Bytes(ASN1_STRING_get0_data(octets),
                    ASN1_STRING_get0_data(octets) + ASN1_STRING_length(octets)),
              digest);
  }
}

}  // namespace
}  // namespace tessera::crypto
