#include "common/registration/records.hpp"

#include "common/crypto/aead.hpp"

namespace tessera::registration {
namespace {

void AppendU64(Bytes& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

Bytes AadHead(ByteView session_id, std::uint64_t sequence) {
  Bytes out(kRecordContext.begin(), kRecordContext.end());
  Append(out, session_id);
  AppendU64(out, sequence);
  return out;
}

Status CheckRecordInputs(ByteView key, std::uint64_t sequence) {
  if (key.size() != kSecretSize) {
    return Status::InvalidArgument("a record key is 32 bytes, not " + std::to_string(key.size()));
  }
  if (sequence == 0) return Status::InvalidArgument("record sequence numbers start at 1");
  return Status::Ok();
}

}  // namespace

Bytes RequestAad(ByteView session_id, std::uint64_t sequence, std::string_view method,
                 std::string_view path) {
  Bytes out = AadHead(session_id, sequence);
  Append(out, AsBytes(method));
  out.push_back(0x00);
  Append(out, AsBytes(path));
  return out;
}

Bytes ResponseAad(ByteView session_id, std::uint64_t sequence, std::uint16_t status) {
  Bytes out = AadHead(session_id, sequence);
  out.push_back(static_cast<std::uint8_t>(status >> 8));
  out.push_back(static_cast<std::uint8_t>(status));
  return out;
}

Result<Bytes> SealRecord(ByteView key, Direction direction, std::uint64_t sequence, ByteView aad,
                         ByteView plaintext) {
  TESSERA_RETURN_IF_ERROR(CheckRecordInputs(key, sequence));
  return crypto::AesGcmSeal(key, RecordNonce(direction, sequence), aad, plaintext, kGcmTagSize);
}

Result<SecureBytes> OpenRecord(ByteView key, Direction direction, std::uint64_t sequence,
                               ByteView aad, ByteView sealed) {
  TESSERA_RETURN_IF_ERROR(CheckRecordInputs(key, sequence));
  if (sealed.size() < kGcmTagSize) {
    return Status::InvalidArgument("a sealed record is shorter than its 16-byte tag");
  }
  return crypto::AesGcmOpen(key, RecordNonce(direction, sequence), aad, sealed, kGcmTagSize);
}

}  // namespace tessera::registration
