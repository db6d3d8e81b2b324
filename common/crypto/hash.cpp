#include "common/crypto/hash.hpp"

#include <array>
#include <utility>

namespace tessera::crypto {
namespace {

struct HashInfo {
  Hash hash;
  std::size_t size;
  const char* name;
  const EVP_MD* (*md)();
  ByteView digest_info_prefix;
};

// RFC 8017 §9.2 note 1: DER of DigestInfo up to the digest's OCTET STRING
// contents.
constexpr std::array<std::uint8_t, 15> kSha1Prefix = {
    0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
constexpr std::array<std::uint8_t, 19> kSha224Prefix = {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                        0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                        0x04, 0x05, 0x00, 0x04, 0x1c};
constexpr std::array<std::uint8_t, 19> kSha256Prefix = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                        0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                        0x01, 0x05, 0x00, 0x04, 0x20};
constexpr std::array<std::uint8_t, 19> kSha384Prefix = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                        0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                        0x02, 0x05, 0x00, 0x04, 0x30};
constexpr std::array<std::uint8_t, 19> kSha512Prefix = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                        0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                        0x03, 0x05, 0x00, 0x04, 0x40};

const HashInfo& InfoOf(Hash hash) {
  static const std::array<HashInfo, 5> kInfos = {{
      {Hash::kSha1, 20, "SHA1", &EVP_sha1, kSha1Prefix},
      {Hash::kSha224, 28, "SHA224", &EVP_sha224, kSha224Prefix},
      {Hash::kSha256, 32, "SHA256", &EVP_sha256, kSha256Prefix},
      {Hash::kSha384, 48, "SHA384", &EVP_sha384, kSha384Prefix},
      {Hash::kSha512, 64, "SHA512", &EVP_sha512, kSha512Prefix},
  }};
  for (const HashInfo& info : kInfos) {
    if (info.hash == hash) return info;
  }
  return kInfos[2];  // unreachable for valid enumerators
}

}  // namespace

std::size_t HashSize(Hash hash) { return InfoOf(hash).size; }
const EVP_MD* HashMd(Hash hash) { return InfoOf(hash).md(); }
const char* HashName(Hash hash) { return InfoOf(hash).name; }

Result<Digester> Digester::Start(Hash hash) {
  ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), HashMd(hash), nullptr) != 1) {
    return ossl::Error("EVP_DigestInit_ex");
  }
  return Digester(hash, std::move(ctx));
}

Status Digester::Update(ByteView data) {
  if (!ctx_) return Status::Internal("digest already finished");
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
    return ossl::Error("EVP_DigestUpdate");
  }
  return Status::Ok();
}

Result<Bytes> Digester::Finish() {
  if (!ctx_) return Status::Internal("digest already finished");
  ossl::MdCtxPtr ctx = std::move(ctx_);
  Bytes out(HashSize(hash_));
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    return ossl::Error("EVP_DigestFinal_ex");
  }
  return out;
}

Result<Bytes> DigestOnce(Hash hash, ByteView data) {
  TESSERA_ASSIGN_OR_RETURN(Digester d, Digester::Start(hash));
  TESSERA_RETURN_IF_ERROR(d.Update(data));
  return d.Finish();
}

Bytes DigestInfo(Hash hash, ByteView digest) {
  return Concat({InfoOf(hash).digest_info_prefix, digest});
}

}  // namespace tessera::crypto
