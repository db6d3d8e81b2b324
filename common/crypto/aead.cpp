#include "common/crypto/aead.hpp"

#include <string>

#include "common/crypto/cipher_stream.hpp"

namespace tessera::crypto {
namespace {

// The one-shot API keeps to the full-strength tags (SP 800-38D §5.2.1.2);
// the 4- and 8-byte tags are for CipherStream callers that must accept them.
Status CheckTagLength(std::size_t tag_len) {
  if (tag_len < 12 || tag_len > 16) {
    return Status::InvalidArgument("AES-GCM tag must be 12 to 16 bytes, not " +
                                   std::to_string(tag_len));
  }
  return Status::Ok();
}

CipherSpec GcmSpec(ByteView key, ByteView iv, ByteView aad, std::size_t tag_len) {
  CipherSpec spec;
  spec.mode = CipherMode::kAesGcm;
  spec.key = key;
  spec.iv = iv;
  spec.aad = aad;
  spec.tag_len = tag_len;
  return spec;
}

}  // namespace

Result<Bytes> AesGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                         std::size_t tag_len) {
  TESSERA_RETURN_IF_ERROR(CheckTagLength(tag_len));
  TESSERA_ASSIGN_OR_RETURN(CipherStream stream,
                           CipherStream::Start(GcmSpec(key, iv, aad, tag_len), /*encrypt=*/true));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes ciphertext, stream.Update(plaintext));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes tag, stream.Finish());
  return Concat({ciphertext.view(), tag.view()});
}

Result<SecureBytes> AesGcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView ciphertext_and_tag,
                               std::size_t tag_len) {
  TESSERA_RETURN_IF_ERROR(CheckTagLength(tag_len));
  TESSERA_ASSIGN_OR_RETURN(CipherStream stream,
                           CipherStream::Start(GcmSpec(key, iv, aad, tag_len), /*encrypt=*/false));
  TESSERA_RETURN_IF_ERROR(stream.Update(ciphertext_and_tag).status());
  return stream.Finish();
}

}  // namespace tessera::crypto
