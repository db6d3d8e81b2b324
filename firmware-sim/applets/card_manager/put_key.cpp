// PUT KEY (GP Card Spec v2.3 §11.8; docs/card-manager.md "PUT KEY"):
// personalization of both high-level keys in MANUFACTURED (seed 003 claims
// 9-14) and replacement of the MK in an UNLOCKED channel after DELETE KEY
// (claims 24-26). Each is one Transaction, so a power cut leaves the old key
// set or the new one, never a mix. The issuer key (P2 10) is in
// put_issuer_key.cpp.
#include <vector>

#include "common/scp03/key_set.hpp"
#include "firmware-sim/applets/card_manager/handlers.hpp"

namespace tessera::sim::card_manager {
namespace {

constexpr std::uint8_t kPersonalizeP2 = 0x81;  // key ID 1, more keys follow
constexpr std::uint8_t kReplaceP2 = cm::kKeyIdMk;
constexpr std::uint8_t kIssuerKeyP2 = cm::kKeyIdIssuer;
constexpr std::uint8_t kMinIssuedKvn = 0x01;
constexpr std::uint8_t kMaxIssuedKvn = 0x7F;
// 88 21 20 <32 bytes> 03 <KCV>: type, key data length, key length, the
// encrypted key, KCV length, KCV.
constexpr std::size_t kKcvLength = 3;
constexpr std::size_t kKeyBlockLength = 3 + cm::kKeyLength + 1 + kKcvLength;

struct NewKeys {
  std::uint8_t kvn = 0;
  std::vector<SecureBytes> keys;
  Bytes answer;  // new KVN, then each key's KCV
};

// Decrypts `count` key blocks under the session S-DEK and checks each KCV.
Result<NewKeys> ParseKeyData(const Channel& channel, ByteView data, std::size_t count) {
  if (data.size() != 1 + count * kKeyBlockLength) {
    return Status::WrongLength("PUT KEY: wrong data length for the number of keys");
  }
  NewKeys out;
  out.kvn = data[0];
  if (out.kvn < kMinIssuedKvn || out.kvn > kMaxIssuedKvn) {
    return Status::InvalidArgument("PUT KEY: key version must be 01..7F");
  }
  out.answer.push_back(out.kvn);
  for (std::size_t i = 0; i < count; ++i) {
    ByteView block = data.subspan(1 + i * kKeyBlockLength, kKeyBlockLength);
    if (block[0] != cm::kKeyTypeAes || block[1] != 1 + cm::kKeyLength ||
        block[2] != cm::kKeyLength || block[3 + cm::kKeyLength] != kKcvLength) {
      return Status::InvalidArgument("PUT KEY: malformed key data (want an AES-256 key)");
    }
    ByteView encrypted = block.subspan(3, cm::kKeyLength);
    ByteView kcv = block.subspan(4 + cm::kKeyLength, kKcvLength);
    TESSERA_ASSIGN_OR_RETURN(SecureBytes key,
                             scp03::DecryptKeyData(channel.s_dek.view(), encrypted));
    TESSERA_ASSIGN_OR_RETURN(Bytes actual, scp03::KeyCheckValue(key.view()));
    if (!ConstantTimeEqual(actual, kcv)) {
      return Status::InvalidArgument("PUT KEY: key check value mismatch");
    }
    Append(out.answer, kcv);
    out.keys.push_back(std::move(key));
  }
  return out;
}

// Claims 9-14: KRK then MK under one KVN, and PERSONALIZED, in one commit.
Result<Bytes> Personalize(CmContext& c, const Channel& channel, const CommandApdu& apdu) {
  TESSERA_RETURN_IF_ERROR(RequireLifecycle(c, cm::Lifecycle::kManufactured));
  if (apdu.p1 != 0x00) return Status::IncorrectP1P2("PUT KEY: personalization takes P1 00");
  if ((channel.secure.level() & scp03::kLevelCDec) == 0) {
    return Status::SecurityStatus("PUT KEY: personalization needs C-DECRYPTION");
  }
  TESSERA_ASSIGN_OR_RETURN(NewKeys parsed, ParseKeyData(channel, apdu.data, 2));
  Transaction txn;
  PutKey(txn, cm::kKeyIdKrk, StoredKey{parsed.kvn, std::move(parsed.keys[0])});
  PutKey(txn, cm::kKeyIdMk, StoredKey{parsed.kvn, std::move(parsed.keys[1])});
  PutKrkTries(txn, static_cast<std::uint8_t>(cm::kKrkTryLimit));
  PutLifecycle(txn, cm::Lifecycle::kPersonalized);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return std::move(parsed.answer);
}

// Claims 24-26: the staged deletion and the new MK land together, and the
// executive relocks (UNLOCKED ends with the channel).
Result<Bytes> ReplaceMasterKey(CmContext& c, const Channel& channel, const CommandApdu& apdu) {
  TESSERA_RETURN_IF_ERROR(RequireLifecycle(c, cm::Lifecycle::kUnlocked));
  if (!channel.mk_deletion_staged) {
    return Status::ConditionsNotSatisfied("PUT KEY: DELETE KEY of the MK first");
  }
  if (apdu.p1 != c.state().mk->kvn) {
    return Status::ReferenceNotFound("PUT KEY: no MK with version " + ToHex(Bytes{apdu.p1}));
  }
  TESSERA_ASSIGN_OR_RETURN(NewKeys parsed, ParseKeyData(channel, apdu.data, 1));
  Transaction txn;
  PutKey(txn, cm::kKeyIdMk, StoredKey{parsed.kvn, std::move(parsed.keys[0])});
  PutLifecycle(txn, cm::Lifecycle::kPersonalized);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return std::move(parsed.answer);
}

}  // namespace

Result<Bytes> HandlePutKey(CmContext& c, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(Channel * channel, RequireChannel(c));
  if (apdu.p2 == kIssuerKeyP2) return HandlePutIssuerKey(c, *channel, apdu);
  Result<Bytes> answer = Status::IncorrectP1P2("PUT KEY: P2 must be 81, 02 or 10");
  if (apdu.p2 == kPersonalizeP2) answer = Personalize(c, *channel, apdu);
  if (apdu.p2 == kReplaceP2) answer = ReplaceMasterKey(c, *channel, apdu);
  // The channel was keyed from the key set just replaced: the next command
  // needs a new INITIALIZE UPDATE.
  if (answer.ok()) c.session().close_after_answer = true;
  return answer;
}

}  // namespace tessera::sim::card_manager
