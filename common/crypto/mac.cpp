#include "common/crypto/mac.hpp"

#include <openssl/core_names.h>

#include <span>
#include <string>
#include <utility>

#include "common/ossl.hpp"

namespace tessera::crypto {
namespace {

constexpr std::size_t kCmacSize = 16;

// CMAC's block cipher is named by its CBC variant (OpenSSL EVP_MAC-CMAC(7)).
const char* CmacCipherName(std::size_t key_size) {
  switch (key_size) {
    case 16: return "AES-128-CBC";
    case 24: return "AES-192-CBC";
    case 32: return "AES-256-CBC";
    default: return nullptr;
  }
}

// A keyed EVP_MAC_CTX for `mac_name` whose one setting (`param` = `value`)
// picks the cipher or digest.
Result<ossl::MacCtxPtr> NewMacCtx(const char* mac_name, const char* param, const char* value,
                                  ByteView key) {
  ossl::MacPtr mac(EVP_MAC_fetch(nullptr, mac_name, nullptr));
  if (!mac) return ossl::Error(std::string("EVP_MAC_fetch ") + mac_name);
  ossl::MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return ossl::Error("EVP_MAC_CTX_new");
  const OSSL_PARAM params[] = {ossl::Utf8Param(param, value), OSSL_PARAM_construct_end()};
  // A non-null key pointer even for an empty HMAC key: OpenSSL reads a null
  // key as "keep the previous key" and this context has none.
  if (EVP_MAC_init(ctx.get(), ossl::NonNullData(key), key.size(), params) != 1) {
    return ossl::Error(std::string("EVP_MAC_init ") + mac_name);
  }
  return ctx;
}

Result<ossl::MacCtxPtr> NewCmacCtx(ByteView key) {
  const char* cipher = CmacCipherName(key.size());
  if (cipher == nullptr) {
    return Status::InvalidArgument("AES-CMAC key must be 16, 24 or 32 bytes, not " +
                                   std::to_string(key.size()));
  }
  return NewMacCtx("CMAC", OSSL_MAC_PARAM_CIPHER, cipher, key);
}

Result<ossl::MacCtxPtr> NewHmacCtx(Hash hash, ByteView key) {
  return NewMacCtx("HMAC", OSSL_MAC_PARAM_DIGEST, HashName(hash), key);
}

Status MacUpdate(EVP_MAC_CTX* ctx, ByteView data) {
  if (data.empty()) return Status::Ok();
  if (EVP_MAC_update(ctx, data.data(), data.size()) != 1) return ossl::Error("EVP_MAC_update");
  return Status::Ok();
}

// Writes exactly out.size() bytes of tag.
Status MacFinal(EVP_MAC_CTX* ctx, std::span<std::uint8_t> out) {
  std::size_t len = 0;
  if (EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1 || len != out.size()) {
    return ossl::Error("EVP_MAC_final");
  }
  return Status::Ok();
}

template <typename Out>
Result<Out> MacOnce(Result<ossl::MacCtxPtr> ctx, std::size_t size, ByteView data) {
  if (!ctx.ok()) return ctx.status();
  TESSERA_RETURN_IF_ERROR(MacUpdate(ctx->get(), data));
  Out tag(size);
  TESSERA_RETURN_IF_ERROR(MacFinal(ctx->get(), std::span<std::uint8_t>(tag.data(), tag.size())));
  return tag;
}

}  // namespace

Result<Bytes> AesCmac(ByteView key, ByteView data) {
  return MacOnce<Bytes>(NewCmacCtx(key), kCmacSize, data);
}

Result<SecureBytes> AesCmacSecret(ByteView key, ByteView data) {
  return MacOnce<SecureBytes>(NewCmacCtx(key), kCmacSize, data);
}

Result<Bytes> Hmac(Hash hash, ByteView key, ByteView data) {
  return MacOnce<Bytes>(NewHmacCtx(hash, key), HashSize(hash), data);
}

struct MacStream::Impl {
  ossl::MacCtxPtr ctx;  // null once finished
};

MacStream::MacStream(std::unique_ptr<Impl> impl, std::size_t size)
    : impl_(std::move(impl)), size_(size) {}
MacStream::MacStream(MacStream&&) noexcept = default;
MacStream& MacStream::operator=(MacStream&&) noexcept = default;
MacStream::~MacStream() = default;

Result<MacStream> MacStream::Cmac(ByteView key) {
  TESSERA_ASSIGN_OR_RETURN(ossl::MacCtxPtr ctx, NewCmacCtx(key));
  return MacStream(std::make_unique<Impl>(Impl{std::move(ctx)}), kCmacSize);
}

Result<MacStream> MacStream::Hmac(Hash hash, ByteView key) {
  TESSERA_ASSIGN_OR_RETURN(ossl::MacCtxPtr ctx, NewHmacCtx(hash, key));
  return MacStream(std::make_unique<Impl>(Impl{std::move(ctx)}), HashSize(hash));
}

Status MacStream::Update(ByteView data) {
  if (!impl_ || !impl_->ctx) return Status::Internal("MAC already finished");
  return MacUpdate(impl_->ctx.get(), data);
}

Result<Bytes> MacStream::Finish() {
  if (!impl_ || !impl_->ctx) return Status::Internal("MAC already finished");
  ossl::MacCtxPtr ctx = std::move(impl_->ctx);
  Bytes tag(size_);
  TESSERA_RETURN_IF_ERROR(MacFinal(ctx.get(), tag));
  return tag;
}

}  // namespace tessera::crypto
