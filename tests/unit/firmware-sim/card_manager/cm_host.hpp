// The host side of the card manager protocol for the tests, built directly
// on common/scp03 (not on the token's code): opening an SCP03 channel,
// wrapping commands and unwrapping answers, and the flows of seed 003
// (personalization, UNLOCK, MK replacement). Flows return the first status
// word that was not 9000, or 0000 when the token answered nothing (a power
// cut). Test-only; not thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>

#include "common/scp03/secure_channel.hpp"
#include "common/scp03/session_keys.hpp"
#include "tests/unit/firmware-sim/card_manager/cm_token.hpp"

namespace tessera::sim::cmtest {

// A KVN and the 32-byte base key its SCP03 static keys derive from.
struct KeySet {
  std::uint8_t kvn = 0;
  Bytes base;
};

KeySet FactoryKeySet();  // FF, 40 41 .. 5F
// The test keys: the KRK and the MK of personalization (KVN 01), and a
// replacement MK (KVN 02).
inline KeySet Krk() { return {0x01, Bytes(32, 0xA1)}; }
inline KeySet Mk1() { return {0x01, Bytes(32, 0xB1)}; }
inline KeySet Mk2() { return {0x02, Bytes(32, 0xC2)}; }

inline constexpr std::uint16_t kWrongCardCryptogram = 0xFFFF;  // not a card SW

class Host {
 public:
  explicit Host(CmToken& token) : token_(token) {}

  // INITIALIZE UPDATE (P1 = `p1`) with a fresh host challenge; on 9000
  // checks the card cryptogram under `keys` and keeps the handshake.
  ResponseApdu InitializeUpdate(const KeySet& keys, std::uint8_t p1, scp03::Mode mode);
  // EXTERNAL AUTHENTICATE for the kept handshake, optionally with a host
  // cryptogram that has one bit flipped; opens the host's channel on 9000.
  ResponseApdu ExternalAuthenticate(std::uint8_t level, bool corrupt_cryptogram = false);
  // Both steps: 9000, the first failing SW, or kWrongCardCryptogram.
  std::uint16_t Open(const KeySet& keys, std::uint8_t level = 0x13,
                     scp03::Mode mode = scp03::Mode::kS8);

  bool open() const { return channel_.has_value(); }
  // The open channel's S-DEK, which the host computes from the base key
  // bytes here (a real host derives it inside its HSM).
  ByteView s_dek() const { return s_dek_.view(); }
  // Wraps `plain` with the channel (advancing the host's MAC chaining).
  CommandApdu Wrap(const CommandApdu& plain);
  // Wrap, send and unwrap; a non-9000 answer closes the host's channel, as
  // the token closes its own.
  ResponseApdu Transmit(const CommandApdu& plain);
  void Close() { channel_.reset(); }

  // From the last INITIALIZE UPDATE answer.
  std::uint32_t last_sequence() const { return last_sequence_; }
  const Bytes& last_card_challenge() const { return last_card_challenge_; }

 private:
  struct Pending {
    scp03::SessionKeys keys;
    SecureBytes s_dek;
    scp03::Mode mode;
    Bytes host_cryptogram;
  };

  CmToken& token_;
  std::uint8_t next_challenge_ = 0x10;
  std::optional<Pending> pending_;
  std::optional<scp03::SecureChannel> channel_;
  SecureBytes s_dek_;  // of channel_
  std::uint32_t last_sequence_ = 0;
  Bytes last_card_challenge_;
};

// PUT KEY data: new KVN, then 88 21 20 <key encrypted under S-DEK> 03 <KCV>
// per key; `corrupt_kcv` flips a bit in the last key's KCV.
Bytes PutKeyData(ByteView s_dek, std::uint8_t kvn, std::initializer_list<ByteView> keys,
                 bool corrupt_kcv = false);
// The P-256 public point of the scalar `fill` repeated: a test issuer key.
Bytes TestIssuerPoint(std::uint8_t fill = 0x1C);
// PUT KEY 10 data (issue 14): KVN || B0 41 <point> || F0 01 00 || 00.
Bytes IssuerKeyData(std::uint8_t kvn, ByteView point);
// PUT KEY <p1> 10 with `IssuerKeyData(kvn, point)` in a new channel under
// `keys` at level 01: the first SW that was not 9000, else 9000.
std::uint16_t PutIssuerKey(CmToken& token, const KeySet& keys, std::uint8_t kvn, ByteView point,
                           std::uint8_t p1 = 0x00);
// CMAC(KRK, "TESSERA-UNLOCK" || challenge || UID).
Bytes UnlockResponse(ByteView krk, ByteView challenge, ByteView uid);

// Personalization (claims 9-14): a level-03 channel under the factory key,
// PUT KEY 00 81 with the KRK and the MK under the MK's KVN.
std::uint16_t Personalize(CmToken& token, const KeySet& krk = Krk(), const KeySet& mk = Mk1());
// GET CHALLENGE and UNLOCK in `host`'s open channel.
std::uint16_t Unlock(Host& host, CmToken& token, const KeySet& krk = Krk());
// MK replacement (claims 22-26): channel under `old_mk`, UNLOCK with `krk`,
// DELETE KEY, PUT KEY <old KVN> 02 with `new_mk`.
std::uint16_t ReplaceMasterKey(CmToken& token, const KeySet& old_mk = Mk1(),
                               const KeySet& new_mk = Mk2(), const KeySet& krk = Krk());

// Secure GET DATA DF31 in a new channel under `keys`: the SW of the first
// step that failed, else 9000.
std::uint16_t ProbeKeySet(CmToken& token, const KeySet& keys);

}  // namespace tessera::sim::cmtest
