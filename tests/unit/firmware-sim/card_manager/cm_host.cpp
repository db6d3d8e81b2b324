#include "tests/unit/firmware-sim/card_manager/cm_host.hpp"

#include <gtest/gtest.h>

#include "common/card_manager_constants.hpp"
#include "common/piv/key_material.hpp"
#include "common/scp03/key_set.hpp"

namespace tessera::sim::cmtest {
namespace {

constexpr std::size_t kDiversificationDataLength = 10;

}  // namespace

KeySet FactoryKeySet() {
  auto base = scp03::FactoryBaseKey();
  return KeySet{scp03::kFactoryKvn, Bytes(base.begin(), base.end())};
}

ResponseApdu Host::InitializeUpdate(const KeySet& keys, std::uint8_t p1, scp03::Mode mode) {
  pending_.reset();
  channel_.reset();
  s_dek_ = SecureBytes();
  Bytes host_challenge(scp03::Len(mode), next_challenge_++);
  ResponseApdu r =
      token_.Send(Apdu(cm::kClaGp, cm::ins::kInitializeUpdate, p1, 0x00, host_challenge, 256));
  if (r.sw != 0x9000) return r;
  const std::size_t n = scp03::Len(mode);
  EXPECT_EQ(r.data.size(), kDiversificationDataLength + 3 + 2 * n + 3) << ToHex(r.data);
  if (r.data.size() != kDiversificationDataLength + 3 + 2 * n + 3) return r;
  ByteView answer = r.data;
  Bytes card_challenge(answer.begin() + 13, answer.begin() + 13 + static_cast<std::ptrdiff_t>(n));
  ByteView card_cryptogram = answer.subspan(13 + n, n);
  ByteView sequence = answer.last(3);
  last_sequence_ =
      (std::uint32_t{sequence[0]} << 16) | (std::uint32_t{sequence[1]} << 8) | sequence[2];
  last_card_challenge_ = card_challenge;

  auto statics = scp03::StaticKeysFromBase(keys.base);
  EXPECT_TRUE(statics.ok());
  Bytes context = Concat({host_challenge, card_challenge});
  auto session = scp03::DeriveSessionKeys(*statics, context);
  auto k_dek = scp03::StaticKeyFromBase(keys.base, scp03::KeyRole::kDek);
  EXPECT_TRUE(session.ok() && k_dek.ok());
  auto s_dek = scp03::SessionDekFromStatic(k_dek->view(), context);
  EXPECT_TRUE(s_dek.ok());
  auto expected = scp03::Cryptogram(session->mac.view(), scp03::kCardCryptogram, mode, context);
  auto host = scp03::Cryptogram(session->mac.view(), scp03::kHostCryptogram, mode, context);
  EXPECT_TRUE(expected.ok() && host.ok());
  if (!ConstantTimeEqual(*expected, card_cryptogram)) {
    r.sw = kWrongCardCryptogram;
    return r;
  }
  pending_ = Pending{std::move(session).value(), std::move(s_dek).value(), mode, *host};
  return r;
}

ResponseApdu Host::ExternalAuthenticate(std::uint8_t level, bool corrupt_cryptogram) {
  EXPECT_TRUE(pending_.has_value()) << "EXTERNAL AUTHENTICATE without a handshake";
  if (!pending_) return ResponseApdu{{}, 0x0000};
  Pending pending = std::move(*pending_);
  pending_.reset();
  Bytes cryptogram = pending.host_cryptogram;
  if (corrupt_cryptogram) cryptogram[0] ^= 0x01;
  scp03::SecureChannel channel(std::move(pending.keys), pending.mode);
  auto wrapped = channel.WrapCommand(
      Apdu(cm::kClaGp, cm::ins::kExternalAuthenticate, level, 0x00, cryptogram));
  EXPECT_TRUE(wrapped.ok());
  ResponseApdu r = token_.Send(*wrapped);
  if (r.sw == 0x9000) {
    EXPECT_TRUE(r.data.empty()) << "EXTERNAL AUTHENTICATE answers a bare 9000";
    channel.Activate(level);
    channel_.emplace(std::move(channel));
    s_dek_ = std::move(pending.s_dek);
  }
  return r;
}

std::uint16_t Host::Open(const KeySet& keys, std::uint8_t level, scp03::Mode mode) {
  ResponseApdu init = InitializeUpdate(keys, keys.kvn, mode);
  if (init.sw != 0x9000) return init.sw;
  return ExternalAuthenticate(level).sw;
}

CommandApdu Host::Wrap(const CommandApdu& plain) {
  EXPECT_TRUE(channel_.has_value()) << "no channel to wrap with";
  auto wrapped = channel_->WrapCommand(plain);
  EXPECT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  return wrapped.ok() ? *wrapped : plain;
}

ResponseApdu Host::Transmit(const CommandApdu& plain) {
  if (!channel_) return token_.Send(plain);
  ResponseApdu answer = token_.Send(Wrap(plain));
  auto unwrapped = channel_->UnwrapResponse(answer);
  EXPECT_TRUE(unwrapped.ok()) << "R-MAC or R-ENC check failed: " << unwrapped.status().ToString();
  if (!unwrapped.ok() || unwrapped->sw != 0x9000) channel_.reset();
  return unwrapped.ok() ? *unwrapped : ResponseApdu{{}, 0x0000};
}

Bytes PutKeyData(ByteView s_dek, std::uint8_t kvn, std::initializer_list<ByteView> keys,
                 bool corrupt_kcv) {
  Bytes data{kvn};
  std::size_t i = 0;
  for (ByteView key : keys) {
    auto encrypted = scp03::EncryptKeyData(s_dek, key);
    auto kcv = scp03::KeyCheckValue(key);
    EXPECT_TRUE(encrypted.ok() && kcv.ok());
    if (corrupt_kcv && ++i == keys.size()) (*kcv)[2] ^= 0x80;
    Append(data, {cm::kKeyTypeAes, 0x21, 0x20});
    Append(data, *encrypted);
    data.push_back(0x03);
    Append(data, *kcv);
  }
  return data;
}

Bytes UnlockResponse(ByteView krk, ByteView challenge, ByteView uid) {
  auto mac = scp03::AesCmac(krk, scp03::UnlockMessage(challenge, uid));
  EXPECT_TRUE(mac.ok());
  return {mac->view().begin(), mac->view().end()};
}

std::uint16_t Personalize(CmToken& token, const KeySet& krk, const KeySet& mk) {
  Host host(token);
  if (std::uint16_t sw = host.Open(FactoryKeySet(), 0x03); sw != 0x9000) return sw;
  Bytes data = PutKeyData(host.s_dek(), mk.kvn, {krk.base, mk.base});
  ResponseApdu r = host.Transmit(Apdu(cm::kClaGp, cm::ins::kPutKey, 0x00, 0x81, data, 256));
  if (r.sw == 0x9000) {
    EXPECT_EQ(r.data.size(), 7u) << "KVN and two KCVs";
  }
  return r.sw;
}

std::uint16_t Unlock(Host& host, CmToken& token, const KeySet& krk) {
  ResponseApdu challenge = host.Transmit(Apdu(cm::kClaGp, cm::ins::kGetChallenge, 0, 0, {}, 16));
  if (challenge.sw != 0x9000) return challenge.sw;
  EXPECT_EQ(challenge.data.size(), 16u);
  Bytes response = UnlockResponse(krk.base, challenge.data, token.uid());
  return host.Transmit(Apdu(cm::kClaGp, cm::ins::kUnlock, krk.kvn, 0x00, response)).sw;
}

std::uint16_t ReplaceMasterKey(CmToken& token, const KeySet& old_mk, const KeySet& new_mk,
                               const KeySet& krk) {
  Host host(token);
  if (std::uint16_t sw = host.Open(old_mk); sw != 0x9000) return sw;
  if (std::uint16_t sw = Unlock(host, token, krk); sw != 0x9000) return sw;
  ResponseApdu del = host.Transmit(Apdu(cm::kClaGp, cm::ins::kDeleteKey, 0x00, 0x00,
                                        Bytes{0xD0, 0x01, 0x02, 0xD2, 0x01, old_mk.kvn}));
  if (del.sw != 0x9000) return del.sw;
  Bytes data = PutKeyData(host.s_dek(), new_mk.kvn, {new_mk.base});
  ResponseApdu put = host.Transmit(Apdu(cm::kClaGp, cm::ins::kPutKey, old_mk.kvn, 0x02, data, 256));
  return put.sw;
}

Bytes TestIssuerPoint(std::uint8_t fill) {
  const piv::Curve& p256 = *piv::CurveOf(piv::Algorithm::kEccP256);
  ossl::BnPtr d = ossl::BnFromBytes(Bytes(32, fill));
  ossl::PkeyPtr key = piv::EcKeyFromScalar(p256, d.get()).value();
  return piv::EcPublicPoint(key.get(), p256).value();
}

Bytes IssuerKeyData(std::uint8_t kvn, ByteView point) {
  Bytes data{kvn, cm::kKeyTypeEccPublic, static_cast<std::uint8_t>(point.size())};
  Append(data, point);
  Append(data, {0xF0, 0x01, 0x00, 0x00});
  return data;
}

std::uint16_t PutIssuerKey(CmToken& token, const KeySet& keys, std::uint8_t kvn, ByteView point,
                           std::uint8_t p1) {
  Host host(token);
  if (std::uint16_t sw = host.Open(keys, 0x01); sw != 0x9000) return sw;
  ResponseApdu r = host.Transmit(
      Apdu(cm::kClaGp, cm::ins::kPutKey, p1, cm::kKeyIdIssuer, IssuerKeyData(kvn, point), 256));
  if (r.sw == 0x9000) {
    EXPECT_EQ(ToHex(r.data), ToHex(Bytes{kvn}));
  }
  return r.sw;
}

std::uint16_t ProbeKeySet(CmToken& token, const KeySet& keys) {
  Host host(token);
  if (std::uint16_t sw = host.Open(keys, 0x33); sw != 0x9000) return sw;
  ResponseApdu r = host.Transmit(Apdu(cm::kClaGp, cm::ins::kGetData, 0xDF, 0x31, {}, 256));
  if (r.sw == 0x9000) {
    EXPECT_EQ(r.data.size(), 6u) << ToHex(r.data);
  }
  return r.sw;
}

}  // namespace tessera::sim::cmtest
