// Slot: one place a token can be (a host::Reader: a PC/SC reader, a USB
// CCID device or a simulator socket), with a stable ID for the life of the
// process. A card without a PIV application counts as no token: the slot
// says so once per insertion, after one SELECT (docs/pkcs11-module.md).
//
// Card I/O goes through the slot's own lock, never a global one, so slots
// work in parallel. What the token says about itself is cached per insertion:
// the cache is dropped when the token disappears or a transport error shows
// it was removed or reset. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/transport/reader.hpp"
#include "host/transport/transport.hpp"
#include "pkcs11/core/mutex.hpp"
#include "pkcs11/core/object.hpp"
#include "pkcs11/core/token_info.hpp"
#include "pkcs11/core/token_objects.hpp"

namespace tessera::p11 {

using SlotId = std::uint64_t;

// Who is logged in to the token, for this application (PKCS#11 2.40 §5.6:
// login state is per application per token, shared by its sessions).
enum class LoginState { kPublic, kUser, kSo };
enum class UserType { kSo, kUser, kContextSpecific };

class Slot {
 public:
  Slot(SlotId id, std::shared_ptr<host::Reader> reader);

  SlotId id() const { return id_; }
  const host::Reader& reader() const { return *reader_; }
  // The reader's name: "Tessera simulator <serial>", a PC/SC reader's name.
  std::string Description() const;
  // Whether a PIV token is in the slot now. The first question about a new
  // card in a PC/SC or USB reader connects and selects PIV to find out.
  bool TokenPresent();
  // What the reader says, without asking the card: for slot events.
  host::CardState ReaderCard() const { return reader_->Card(); }
  // Acts on what the reader says: if the card this slot was bound to is
  // gone (or replaced), drops it, which closes its sessions (§5.1.2).
  // Lock-free when nothing changed.
  void Reconcile(const host::CardState& card);
  // The token's description, read from the card on first use after an insertion.
  Result<TokenInfo> GetTokenInfo();
  // Counts lost connections to the token. Sessions remember the value they
  // were opened under; a different one means the token went away, and
  // PKCS#11 2.40 §5.1.2 says that closes every session with it.
  std::uint64_t insertion() const { return insertion_.load(); }

  LoginState login_state() const;
  // Logs `type` in with `pin` (the PIN, or the management key in hex for
  // the SO). Keeps the cached PIN retry count in step with the card's answer.
  Status Login(UserType type, ByteView pin);
  // Drops the login on the card (VERIFY P1=FF) and here.
  Status Logout();
  // CKU_CONTEXT_SPECIFIC: the PIN again, right before a CKA_ALWAYS_AUTHENTICATE
  // key's operation (PKCS#11 2.40 §5.6 C_Login).
  Status ContextLogin(ByteView pin);
  // C_InitPIN: `puk_and_pin` is "<PUK>:<new PIN>", or only the new PIN to use
  // the factory PUK. C_SetPIN: the user's PIN, or the SO's management key.
  Status InitPin(ByteView puk_and_pin);
  Status SetPin(ByteView old_pin, ByteView new_pin);
  // C_InitToken: the SO PIN (management key in hex) proves the right to
  // reset; then the applet goes back to factory state.
  Status InitToken(ByteView so_pin);

  // Objects (slot_objects.cpp). Private objects are visible only while the
  // user is logged in (PKCS#11 2.40 §4.1.3).
  Result<std::vector<ObjectHandle>> FindObjects(const Template& tmpl);
  // A copy of the object, with the facts only GET METADATA knows settled
  // first when `wanted` names any of them.
  Result<Object> ReadObject(ObjectHandle handle, const std::vector<Attr>& wanted);
  Status SetAttributes(ObjectHandle handle, const Template& changes);
  Status DestroyObject(ObjectHandle handle);
  // Session objects (CKA_TOKEN false), such as an ECDH shared secret; they
  // go when their session closes.
  ObjectHandle AddSessionObject(Object object);
  void DestroySessionObjects(std::uint64_t session);  // 0: every session's
  // C_CreateObject of a certificate or a private key, in the PIV slot that
  // `id` names, else the free slot it is given to.
  Result<ObjectHandle> CreateCertificate(ByteView id, ByteView label, ByteView der);
  Result<ObjectHandle> ImportPrivateKey(ByteView id, ByteView label, EVP_PKEY* key);
  // C_GenerateKeyPair: a key of the card's algorithm `algorithm` (PIV byte).
  struct KeyPairHandles {
    ObjectHandle public_key = 0;
    ObjectHandle private_key = 0;
  };
  Result<KeyPairHandles> GenerateKeyPair(ByteView id, ByteView label, std::uint8_t algorithm);

  // Operations with a private key on the card (slot_crypto.cpp): `input`
  // goes to GENERAL AUTHENTICATE in tag 81 (sign, decrypt) or 85 (ECDH).
  Result<SecureBytes> PrivateKeyOperation(ObjectHandle key, std::uint8_t input_tag, ByteView input);
  // The public key of a key or certificate object, for host-side operations.
  Result<ossl::PkeyPtr> PublicKeyOf(ObjectHandle handle);
  // What an operation needs to know of a key, without copying the object:
  // the per-signature path stays free of attribute copies.
  struct KeySummary {
    ObjectClass cls{};
    std::optional<KeyType> type;
    bool sign = false, verify = false, encrypt = false, decrypt = false;
    bool always_authenticate = false;
    ossl::PkeyPtr public_key;
  };
  Result<KeySummary> SummarizeKey(ObjectHandle handle);

 private:
  Status EnsureObjects(const Template& tmpl);  // requires mu_
  Status SettleKeyFacts(Object& object);       // requires mu_
  // The management key is authenticated: by the SO's login, or with the
  // factory key while the user is logged in. Requires mu_.
  Status EnsureWriteAccess();
  Result<std::uint8_t> ChooseKeySlot(ByteView id, bool for_certificate);  // requires mu_
  Status AddKeyObjects(std::uint8_t key_ref, EVP_PKEY* pub, ByteView id, ByteView label,
                       bool generated, KeyPairHandles* handles);  // requires mu_
  static const int kDeviceRemovedReason;
  Status EnsureConnected();  // requires mu_
  // Forgets the connection, the token's description and the login, and
  // counts a new insertion (closing the sessions); requires mu_.
  void DropToken();
  // Forgets only the connection and the login (the card is the same one,
  // but it lost its state); requires mu_.
  void DropConnection();
  // Reconcile with mu_ held; true when it dropped the token.
  bool ReconcileLocked(const host::CardState& card);
  // Runs `io` on a channel to the card, under mu_; a broken link is dropped
  // so the next call reconnects.
  template <typename Io>
  Status WithCard(Io&& io) {
    TESSERA_RETURN_IF_ERROR(EnsureConnected());
    host::ApduChannel channel(
        *transport_,
        host::ApduChannel::Options{.extended_length = transport_->SupportsExtendedLength()});
    Status result = io(channel);
    if (result.code() == Code::kIoError) {
      host::CardState card = reader_->Card();
      if (result.card_gone() || !card.present || card.generation != connected_generation_) {
        // PKCS#11 2.40 §5.1: the token left during the call (or another
        // card took its place); §5.1.2: that closes its sessions.
        DropToken();
        return Status::Refused(kDeviceRemovedReason, "token removed");
      }
      // The same card is still there, reset by another application or mute
      // for a while: it forgot the selected applet and the PIN, so the
      // connection and the login go. Sessions and objects stay.
      DropConnection();
    }
    return result;
  }
  void NotePinResult(const Status& status);  // requires mu_

  const SlotId id_;
  const std::shared_ptr<host::Reader> reader_;
  mutable Mutex mu_;
  std::unique_ptr<host::Transport> transport_;
  // Sessions and objects belong to the card of connected_generation_
  // (connected at least once since the last DropToken). Written under mu_;
  // read without it by Reconcile and TokenPresent's quick path.
  std::atomic<std::uint64_t> connected_generation_{0};
  std::atomic<bool> bound_{false};
  std::optional<std::uint64_t> foreign_generation_;  // a non-PIV card; guarded by mu_
  std::atomic<std::uint64_t> insertion_{0};
  std::optional<TokenInfo> token_;
  TokenObjects objects_;                    // guarded by mu_; per insertion
  bool write_access_ = false;               // management key authenticated
  LoginState login_ = LoginState::kPublic;  // guarded by mu_
};

}  // namespace tessera::p11
