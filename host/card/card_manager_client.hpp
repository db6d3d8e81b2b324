// CardManagerClient: the host's client for the card manager application
// (applet 1, docs/card-manager.md) over an ApduChannel: the token's identity
// and status without authentication, and an SCP03 secure channel (GP Amd D)
// for the key commands of seed 003.
//
// The static keys come in as scp03::StaticKeys PRFs, so they may stay inside
// an HSM; the session keys live in this object only while the channel is
// open, are wiped when it closes, and never leave it. S-DEK is not among
// them: PUT KEY data comes in already encrypted, by an HSM that derives
// S-DEK from K-DEK and channel_context() (docs/card-manager.md "Session
// keys"), so this host never holds a key that decrypts what it installs.
// A failed check of the card's answer, or any error status inside the
// channel, closes the channel, as the token does.
// Errors are Status values from SwToStatus, so a wrong UNLOCK response is
// PinIncorrect(tries left) and a missing key version ReferenceNotFound.
// Borrows the channel; one thread at a time, like the transport under it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/scp03/secure_channel.hpp"
#include "common/scp03/session_keys.hpp"
#include "host/card/apdu_channel.hpp"

namespace tessera::host {

struct CardManagerKey {
  std::uint8_t id = 0;    // 1 KRK, 2 MK, 10 the registration issuer key
  std::uint8_t kvn = 0;   // key version number
  std::uint8_t type = 0;  // 88 AES, B0 ECC public key; 0 when the entry omits it
};

struct CardManagerStatus {
  std::uint8_t lifecycle = 0;  // cm::Lifecycle value
  int krk_tries_left = 0;
  int krk_try_limit = 0;
};

// One key for PUT KEY: its data already encrypted under the session S-DEK
// (docs/card-manager.md "PUT KEY"; hsm::WrapForPutKey) and its key check
// value.
struct PutKeyEntry {
  Bytes encrypted;  // 32 bytes
  Bytes kcv;        // 3 bytes
};

class CardManagerClient {
 public:
  explicit CardManagerClient(ApduChannel& channel) : channel_(channel) {}

  Status Select();
  Result<Bytes> GetUid();
  // The token serial from the CPLC "IC serial number".
  Result<std::uint32_t> GetSerial();
  Result<std::vector<CardManagerKey>> GetKeyInfo();
  Result<CardManagerStatus> GetStatus();

  // INITIALIZE UPDATE + EXTERNAL AUTHENTICATE under the key set `kvn`.
  // Checks the card cryptogram before answering with the host's; a card
  // that does not prove the keys is SecurityStatus.
  Status OpenChannel(std::uint8_t kvn, const scp03::StaticKeys& keys, std::uint8_t level,
                     scp03::Mode mode = scp03::Mode::kS8);
  bool channel_open() const { return secure_.has_value(); }
  // Host challenge || card challenge of the open channel, from which an HSM
  // derives its S-DEK; nullptr when no channel is open.
  const Bytes* channel_context() const { return secure_ ? &context_ : nullptr; }
  void CloseChannel() { secure_.reset(); }

  // Inside the channel (docs/card-manager.md "Commands").
  Result<Bytes> GetChallenge();
  Status Unlock(std::uint8_t krk_kvn, ByteView response);
  Status DeleteMasterKey(std::uint8_t mk_kvn);
  // PUT KEY; checks that the card answers the new KVN and every KCV. The
  // channel is closed afterwards when the MK changed (the token closes it).
  Status PutKeys(std::uint8_t p1, std::uint8_t p2, std::uint8_t new_kvn,
                 const std::vector<PutKeyEntry>& keys);
  // PUT KEY of the issuer key (ID 10), a P-256 point 04 || X || Y, as
  // version `new_kvn` (01..7F), replacing version `old_kvn` (0: none yet).
  // Checks that the card answers the new KVN; the channel stays open, so the
  // KRK and MK may follow in it. The token accepts it in MANUFACTURED under
  // the factory key and in PERSONALIZED under the MK (6985 otherwise).
  Status PutIssuerKey(ByteView point, std::uint8_t new_kvn, std::uint8_t old_kvn = 0);
  Status Terminate();

  // One protected command; non-9000 answers come back as a Status and close
  // the channel.
  Result<Bytes> TransmitSecure(const CommandApdu& plain, const char* what);

 private:
  Result<Bytes> GetData(std::uint16_t tag, const char* what);

  ApduChannel& channel_;
  std::optional<scp03::SecureChannel> secure_;
  Bytes context_;  // of secure_, meaningful only while it is open
};

}  // namespace tessera::host
