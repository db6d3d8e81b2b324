#include "common/registration/key_schedule.hpp"

#include <string>

#include "common/crypto/aead.hpp"
#include "common/crypto/hash.hpp"
#include "common/crypto/kdf.hpp"
#include "common/crypto/mac.hpp"

namespace tessera::registration {
namespace {

constexpr std::string_view kRequestLabel = "tessera reg v1 c2s";
constexpr std::string_view kAnswerLabel = "tessera reg v1 s2c";
constexpr std::string_view kSharedLabel = "tessera reg v1 K";
constexpr std::string_view kSessionLabel = "tessera reg v1 ses";
constexpr std::string_view kRecordLabelC2s = "tessera reg v1 rec c2s";
constexpr std::string_view kRecordLabelS2c = "tessera reg v1 rec s2c";
constexpr std::size_t kGcmIvSize = 12;

Status NeedSize(ByteView value, std::size_t size, const char* what) {
  if (value.size() != size) {
    return Status::InvalidArgument(std::string(what) + " must be " + std::to_string(size) +
                                   " bytes, not " + std::to_string(value.size()));
  }
  return Status::Ok();
}

Result<SecureBytes> Derive(ByteView salt, ByteView ikm, std::string_view label) {
  return crypto::Hkdf(crypto::Hash::kSha256, ikm, salt, AsBytes(label), kSecretSize);
}

}  // namespace

Bytes ProofInput(Role role, Phase phase, ByteView transcript_hash) {
  Bytes input;
  Append(input, AsBytes(role == Role::kClient ? "client" : "server"));
  input.push_back(0x00);
  Append(input, AsBytes(phase == Phase::kRegister ? "register" : "login"));
  input.push_back(0x00);
  Append(input, transcript_hash);
  return input;
}

Bytes SessionSaltInput(ByteView th_client) {
  Bytes input;
  Append(input, AsBytes(kSessionLabel));
  Append(input, th_client);
  input.push_back(0x01);  // RFC 5869 §2.3: T(1) = HMAC(PRK, info || 0x01)
  return input;
}

Result<SecureBytes> SessionKeyFromSalt(ByteView ks, ByteView z) {
  TESSERA_RETURN_IF_ERROR(NeedSize(ks, kSecretSize, "Ks"));
  TESSERA_RETURN_IF_ERROR(NeedSize(z, kSecretSize, "the P-256 shared secret Z"));
  return Derive(ks, z, kSessionLabel);
}

Result<Bytes> TranscriptHash(std::string_view context, std::initializer_list<ByteView> parts) {
  TESSERA_ASSIGN_OR_RETURN(crypto::Digester digester,
                           crypto::Digester::Start(crypto::Hash::kSha256));
  TESSERA_RETURN_IF_ERROR(digester.Update(AsBytes(context)));
  for (ByteView part : parts) TESSERA_RETURN_IF_ERROR(digester.Update(part));
  return digester.Finish();
}

Result<SecureBytes> RequestKey(ByteView th1, ByteView z1) {
  TESSERA_RETURN_IF_ERROR(NeedSize(th1, kHashSize, "TH1"));
  TESSERA_RETURN_IF_ERROR(NeedSize(z1, kSecretSize, "the P-256 shared secret Z1"));
  return Derive(th1, z1, kRequestLabel);
}

Result<SecureBytes> AnswerKey(ByteView th2, ByteView ssk1) {
  TESSERA_RETURN_IF_ERROR(NeedSize(th2, kHashSize, "TH2"));
  TESSERA_RETURN_IF_ERROR(NeedSize(ssk1, kSecretSize, "SSK1"));
  return Derive(th2, ssk1, kAnswerLabel);
}

Result<SecureBytes> SharedSecret(ByteView th3, ByteView ssk1, ByteView ssk2) {
  TESSERA_RETURN_IF_ERROR(NeedSize(th3, kHashSize, "TH3"));
  TESSERA_RETURN_IF_ERROR(NeedSize(ssk1, kSecretSize, "SSK1"));
  TESSERA_RETURN_IF_ERROR(NeedSize(ssk2, kSecretSize, "SSK2"));
  SecureBytes both(ssk1);
  both.Append(ssk2);
  return Derive(th3, both.view(), kSharedLabel);
}

Result<Bytes> ProofMac(ByteView k, Role role, Phase phase, ByteView transcript_hash) {
  TESSERA_RETURN_IF_ERROR(NeedSize(k, kSecretSize, "K"));
  TESSERA_RETURN_IF_ERROR(NeedSize(transcript_hash, kHashSize, "the transcript hash"));
  return crypto::Hmac(crypto::Hash::kSha256, k, ProofInput(role, phase, transcript_hash));
}

Status CheckProofMac(ByteView k, Role role, Phase phase, ByteView transcript_hash, ByteView mac) {
  TESSERA_ASSIGN_OR_RETURN(Bytes expected, ProofMac(k, role, phase, transcript_hash));
  if (!ConstantTimeEqual(expected, mac)) {
    return Status::SignatureInvalid(std::string("the ") +
                                    (role == Role::kClient ? "client" : "server") +
                                    "'s proof of K does not verify");
  }
  return Status::Ok();
}

Result<SecureBytes> SessionKey(ByteView k, ByteView th_client, ByteView z) {
  TESSERA_RETURN_IF_ERROR(NeedSize(k, kSecretSize, "K"));
  TESSERA_RETURN_IF_ERROR(NeedSize(th_client, kHashSize, "TH_c"));
  TESSERA_RETURN_IF_ERROR(NeedSize(z, kSecretSize, "the P-256 shared secret Z"));
  Bytes info;
  Append(info, AsBytes(kSessionLabel));
  Append(info, th_client);
  TESSERA_ASSIGN_OR_RETURN(SecureBytes ks,
                           crypto::HkdfExpand(crypto::Hash::kSha256, k, info, kSecretSize));
  return Derive(ks.view(), z, kSessionLabel);
}

Result<SecureBytes> RecordKey(ByteView ses, Direction direction) {
  TESSERA_RETURN_IF_ERROR(NeedSize(ses, kSecretSize, "SES"));
  const std::string_view label =
      direction == Direction::kClientToServer ? kRecordLabelC2s : kRecordLabelS2c;
  return crypto::HkdfExpand(crypto::Hash::kSha256, ses, AsBytes(label), kSecretSize);
}

Bytes RecordNonce(Direction direction, std::uint64_t sequence) {
  Bytes nonce;
  nonce.reserve(kGcmIvSize);
  const auto d = static_cast<std::uint32_t>(direction);
  for (int shift = 24; shift >= 0; shift -= 8)
    nonce.push_back(static_cast<std::uint8_t>(d >> shift));
  for (int shift = 56; shift >= 0; shift -= 8) {
    nonce.push_back(static_cast<std::uint8_t>(sequence >> shift));
  }
  return nonce;
}

Result<Bytes> SealOnce(ByteView key, ByteView aad, ByteView plaintext) {
  TESSERA_RETURN_IF_ERROR(NeedSize(key, kSecretSize, "a one-message key"));
  const Bytes iv(kGcmIvSize, 0x00);
  return crypto::AesGcmSeal(key, iv, aad, plaintext, kGcmTagSize);
}

Result<SecureBytes> OpenOnce(ByteView key, ByteView aad, ByteView sealed) {
  TESSERA_RETURN_IF_ERROR(NeedSize(key, kSecretSize, "a one-message key"));
  const Bytes iv(kGcmIvSize, 0x00);
  return crypto::AesGcmOpen(key, iv, aad, sealed, kGcmTagSize);
}

}  // namespace tessera::registration
