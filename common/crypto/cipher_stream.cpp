#include "common/crypto/cipher_stream.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>

#include "common/crypto/cipher_spec.hpp"
#include "common/crypto/pkcs7_padding.hpp"
#include "common/ossl.hpp"

namespace tessera::crypto {
namespace {

constexpr std::size_t kCtrBlock = 16;
constexpr std::size_t kChunk = std::size_t{1} << 30;  // EVP lengths are ints

// EVP_CipherUpdate over `in`, in int-sized chunks. With padding off, a block
// cipher writes at most in.size() + block - 1 bytes.
Result<SecureBytes> EvpUpdate(EVP_CIPHER_CTX* ctx, ByteView in, std::size_t block) {
  SecureBytes out(in.size() + block);
  std::size_t written = 0;
  for (std::size_t at = 0; at < in.size(); at += kChunk) {
    ByteView part = in.subspan(at, std::min(kChunk, in.size() - at));
    int len = 0;
    if (EVP_CipherUpdate(ctx, out.data() + written, &len, part.data(),
                         static_cast<int>(part.size())) != 1) {
      return ossl::Error("EVP_CipherUpdate");
    }
    written += static_cast<std::size_t>(len);
  }
  out.Resize(written);
  return out;
}

Status EvpFinal(EVP_CIPHER_CTX* ctx) {
  unsigned char rest[EVP_MAX_BLOCK_LENGTH];
  int len = 0;
  if (EVP_CipherFinal_ex(ctx, rest, &len) != 1 || len != 0) {
    return ossl::Error("EVP_CipherFinal_ex");
  }
  return Status::Ok();
}

Result<ossl::CipherCtxPtr> InitContext(const CipherSpec& spec, const EVP_CIPHER* cipher,
                                       bool encrypt) {
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int enc = encrypt ? 1 : 0;
  if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr, enc) != 1) {
    return ossl::Error("EVP_CipherInit_ex");
  }
  bool gcm = spec.mode == CipherMode::kAesGcm;
  if (gcm && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN,
                                 static_cast<int>(spec.iv.size()), nullptr) != 1) {
    return ossl::Error("EVP_CTRL_GCM_SET_IVLEN");
  }
  const unsigned char* iv = spec.iv.empty() ? nullptr : spec.iv.data();
  // Padding stays off: CBC_PAD pads and checks here, in constant time.
  if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, spec.key.data(), iv, enc) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return ossl::Error("EVP_CipherInit_ex");
  }
  int len = 0;
  if (gcm && !spec.aad.empty() &&
      EVP_CipherUpdate(ctx.get(), nullptr, &len, spec.aad.data(),
                       static_cast<int>(spec.aad.size())) != 1) {
    return ossl::Error("GCM AAD");
  }
  return ctx;
}

}  // namespace

struct CipherStream::Impl {
  CipherMode mode = CipherMode::kAesEcb;
  bool encrypt = true;
  std::size_t block = 1;  // block_size()
  std::size_t tag_len = 0;
  std::uint64_t ctr_blocks = 0;  // CTR: counter values left before the wrap
  ossl::CipherCtxPtr ctx;        // null once finished
  std::uint64_t in_total = 0;
  // CBC_PAD decryption: the last plaintext block, kept until Finish checks its
  // pad. GCM decryption: the ciphertext || tag, kept until Finish verifies it.
  SecureBytes held;

  bool PadDecrypt() const { return mode == CipherMode::kAesCbcPad && !encrypt; }
  bool GcmDecrypt() const { return mode == CipherMode::kAesGcm && !encrypt; }
  std::size_t Partial() const { return block == 1 ? 0 : in_total % block; }

  Result<SecureBytes> Update(ByteView input);
  Result<SecureBytes> Finish();
  Result<SecureBytes> FinishPadDecrypt();
  Result<SecureBytes> FinishGcmDecrypt();
  Result<SecureBytes> FinishGcmEncrypt();
};

CipherStream::CipherStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CipherStream::CipherStream(CipherStream&&) noexcept = default;
CipherStream& CipherStream::operator=(CipherStream&&) noexcept = default;
CipherStream::~CipherStream() = default;

Result<CipherStream> CipherStream::Start(const CipherSpec& spec, bool encrypt) {
  TESSERA_ASSIGN_OR_RETURN(CipherChoice choice, ChooseCipher(spec));
  TESSERA_ASSIGN_OR_RETURN(ossl::CipherCtxPtr ctx, InitContext(spec, choice.cipher, encrypt));
  auto impl = std::make_unique<Impl>();
  impl->mode = spec.mode;
  impl->encrypt = encrypt;
  impl->block = choice.block;
  impl->tag_len = spec.tag_len;
  impl->ctr_blocks =
      spec.mode == CipherMode::kAesCtr ? CtrBlocksAvailable(spec.iv, spec.counter_bits) : 0;
  impl->ctx = std::move(ctx);
  return CipherStream(std::move(impl));
}

std::size_t CipherStream::block_size() const { return impl_ ? impl_->block : 0; }

std::size_t CipherStream::MaxUpdateOutput(std::size_t in_len) const {
  if (!impl_ || !impl_->ctx || impl_->GcmDecrypt()) return 0;
  std::size_t b = impl_->block;
  std::size_t ready = (impl_->Partial() + in_len) / b * b;
  if (!impl_->PadDecrypt()) return ready;
  ready += impl_->held.size();
  return ready >= b ? ready - b : 0;  // the last block waits for Finish
}

std::size_t CipherStream::MaxFinishOutput() const {
  if (!impl_ || !impl_->ctx) return 0;
  const Impl& s = *impl_;
  switch (s.mode) {
    case CipherMode::kAesCbcPad: return s.encrypt ? s.block : s.held.empty() ? 0 : s.block - 1;
    case CipherMode::kAesGcm:
      if (s.encrypt) return s.tag_len;
      return s.held.size() > s.tag_len ? s.held.size() - s.tag_len : 0;
    default: return 0;
  }
}

Result<SecureBytes> CipherStream::Update(ByteView input) {
  if (!impl_ || !impl_->ctx) return Status::Internal("cipher stream already finished");
  return impl_->Update(input);
}

Result<SecureBytes> CipherStream::Finish() {
  if (!impl_ || !impl_->ctx) return Status::Internal("cipher stream already finished");
  return impl_->Finish();
}

Result<SecureBytes> CipherStream::Impl::Update(ByteView input) {
  if (GcmDecrypt()) {
    // SP 800-38D §7.2 step 8: no plaintext unless the tag verifies.
    held.Append(input);
    in_total += input.size();
    return SecureBytes();
  }
  if (mode == CipherMode::kAesCtr) {
    std::uint64_t blocks = (in_total + input.size() + kCtrBlock - 1) / kCtrBlock;
    if (blocks > ctr_blocks) {
      // CK_AES_CTR_PARAMS ulCounterBits: the counter must not wrap.
      return Status::InvalidArgument("AES-CTR counter would wrap");
    }
  }
  if (input.empty()) return SecureBytes();
  TESSERA_ASSIGN_OR_RETURN(SecureBytes out, EvpUpdate(ctx.get(), input, block));
  in_total += input.size();
  if (!PadDecrypt()) return out;
  SecureBytes all = std::move(held);
  all.Append(out.view());
  std::size_t release = all.size() >= block ? all.size() - block : 0;
  held = SecureBytes(all.view().subspan(release));
  return SecureBytes(all.view().first(release));
}

Result<SecureBytes> CipherStream::Impl::Finish() {
  if (GcmDecrypt()) return FinishGcmDecrypt();
  if (mode == CipherMode::kAesGcm) return FinishGcmEncrypt();
  if (PadDecrypt()) return FinishPadDecrypt();
  ossl::CipherCtxPtr done = std::move(ctx);
  SecureBytes out;
  if (mode == CipherMode::kAesCbcPad) {
    TESSERA_ASSIGN_OR_RETURN(out, EvpUpdate(done.get(), Pkcs7Padding(in_total, block), block));
  } else if (Partial() != 0) {
    // PKCS#11 CKR_DATA_LEN_RANGE / CKR_ENCRYPTED_DATA_LEN_RANGE.
    return Status::InvalidArgument("data is not a whole number of cipher blocks");
  }
  TESSERA_RETURN_IF_ERROR(EvpFinal(done.get()));
  return out;
}

Result<SecureBytes> CipherStream::Impl::FinishPadDecrypt() {
  ossl::CipherCtxPtr done = std::move(ctx);
  SecureBytes last = std::move(held);
  if (Partial() != 0 || last.size() != block) {
    return Status::InvalidArgument("CBC_PAD ciphertext is not a whole, non-zero number of blocks");
  }
  TESSERA_RETURN_IF_ERROR(EvpFinal(done.get()));
  TESSERA_ASSIGN_OR_RETURN(std::size_t keep, Pkcs7UnpaddedLength(last.view()));
  last.Resize(keep);
  return last;
}

Result<SecureBytes> CipherStream::Impl::FinishGcmEncrypt() {
  ossl::CipherCtxPtr done = std::move(ctx);
  TESSERA_RETURN_IF_ERROR(EvpFinal(done.get()));
  SecureBytes tag(tag_len);
  if (EVP_CIPHER_CTX_ctrl(done.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_len),
                          tag.data()) != 1) {
    return ossl::Error("EVP_CTRL_GCM_GET_TAG");
  }
  return tag;
}

Result<SecureBytes> CipherStream::Impl::FinishGcmDecrypt() {
  ossl::CipherCtxPtr done = std::move(ctx);
  SecureBytes input = std::move(held);
  if (input.size() < tag_len) return Status::InvalidArgument("GCM input shorter than its tag");
  ByteView ciphertext = input.view().first(input.size() - tag_len);
  Bytes tag(input.view().begin() + static_cast<std::ptrdiff_t>(ciphertext.size()),
            input.view().end());
  SecureBytes plain;
  if (!ciphertext.empty()) {
    TESSERA_ASSIGN_OR_RETURN(plain, EvpUpdate(done.get(), ciphertext, block));
  }
  if (EVP_CIPHER_CTX_ctrl(done.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()),
                          tag.data()) != 1) {
    return ossl::Error("EVP_CTRL_GCM_SET_TAG");
  }
  if (EvpFinal(done.get()).ok()) return plain;
  ossl::DrainErrors();
  return Status::SignatureInvalid("GCM tag does not verify");  // `plain` is wiped here
}

}  // namespace tessera::crypto
