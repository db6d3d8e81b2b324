// Slot: one place a token can be (a host::Reader: a PC/SC reader, a USB
// CCID device or a simulator socket), with a stable ID for the life of the
// process, and what the application has with the token in it: its login and
// its objects. A card without a PIV application counts as no token: the slot
// says so once per insertion, after one SELECT (docs/pkcs11-module.md).
//
// Objects come from two stores. Token objects are the card's, through the
// PIV driver (drivers/piv/piv_token.hpp), cached per insertion. Session
// objects (CKA_TOKEN false) live in host memory (drivers/soft) and belong to
// the session that made them (PKCS#11 3.0 §4.4: visible to every session of
// the application, destroyed with their session).
//
// Card I/O goes through the slot's own lock, never a global one, so slots
// work in parallel; session objects have a lock of their own, so host-only
// work never waits for a card. The token's cache is dropped when it
// disappears or a transport error shows it was removed or reset.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.hpp"
#include "common/ossl.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"
#include "host/card/apdu_channel.hpp"
#include "host/transport/reader.hpp"
#include "host/transport/transport.hpp"
#include "pkcs11/core/mutex.hpp"
#include "pkcs11/drivers/piv/piv_token.hpp"
#include "pkcs11/model/fault.hpp"
#include "pkcs11/model/key_spec.hpp"
#include "pkcs11/model/mechanism.hpp"
#include "pkcs11/model/object.hpp"
#include "pkcs11/model/object_table.hpp"
#include "pkcs11/model/operation_engine.hpp"
#include "pkcs11/model/token_info.hpp"

namespace tessera::p11 {

using SlotId = std::uint64_t;
using SessionHandle = std::uint64_t;

// Who is logged in to the token, for this application (PKCS#11 3.0 §5.6:
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
  // PKCS#11 3.0 §5.1.2 says that closes every session with it.
  std::uint64_t insertion() const { return insertion_.load(); }

  // Logins (slot_login.cpp).
  LoginState login_state() const;
  // `pin` is the PIN, or the management key in hex for the SO.
  [[nodiscard]] Status Login(UserType type, ByteView pin);
  [[nodiscard]] Status Logout();
  // CKU_CONTEXT_SPECIFIC: the PIN again, right before a CKA_ALWAYS_AUTHENTICATE
  // key's operation (§5.6 C_Login).
  [[nodiscard]] Status ContextLogin(ByteView pin);
  [[nodiscard]] Status InitPin(ByteView puk_and_pin);
  [[nodiscard]] Status SetPin(ByteView old_pin, ByteView new_pin);
  [[nodiscard]] Status InitToken(ByteView so_pin);

  // Objects of both stores (slot_objects.cpp). Private objects are visible
  // only while the user is logged in (§4.4.1); an object not visible is
  // Fault::kObjectHandleInvalid.
  [[nodiscard]] Result<std::vector<ObjectHandle>> FindObjects(const Template& tmpl);
  // A copy of the object, with the facts only GET METADATA knows settled
  // first when `wanted` names any of them.
  [[nodiscard]] Result<Object> ReadObject(ObjectHandle handle, const std::vector<Attr>& wanted);
  [[nodiscard]] Status SetAttributes(ObjectHandle handle, const Template& changes,
                                     bool read_write_session);
  [[nodiscard]] Status DestroyObject(ObjectHandle handle, bool read_write_session);
  [[nodiscard]] Result<ObjectHandle> CopyObject(ObjectHandle handle, const Template& changes,
                                                SessionHandle session, bool read_write_session);
  // A session object, owned by `object.session`.
  ObjectHandle AddSessionObject(Object object);
  // Destroys the session objects of `session` (0: of every session).
  void DestroySessionObjects(SessionHandle session);
  // Approximate size of a session object; nullopt for token objects.
  [[nodiscard]] Result<std::optional<std::size_t>> ObjectSize(ObjectHandle handle);

  // Writes to the card (slot_write.cpp); each first gets write access.
  [[nodiscard]] Result<ObjectHandle> CreateCertificate(ByteView id, ByteView label, ByteView der);
  // A data object the card holds (the key package); `probe` is the
  // template's object as drivers/soft built it.
  [[nodiscard]] Result<ObjectHandle> CreateDataObject(const Object& probe);
  [[nodiscard]] Result<ObjectHandle> ImportPrivateKey(ByteView id, ByteView label, EVP_PKEY* key);
  [[nodiscard]] Result<piv::KeyPairHandles> GenerateKeyPair(ByteView id, ByteView label,
                                                            const KeySpec& spec);

  // Secret keys on the card (slot_write.cpp). Import and generation need
  // write access like every PIV write; derivation and unwrapping need the
  // PIN, which the card checks.
  [[nodiscard]] Result<ObjectHandle> ImportSecretKey(const Template& tmpl, KeyType type,
                                                     ByteView value);
  [[nodiscard]] Result<ObjectHandle> GenerateSecretKey(const Template& tmpl, KeyType type,
                                                       std::size_t length);
  // ECDH (CKD_NULL) from a card private key, or HKDF from a card secret key,
  // into a card secret key.
  [[nodiscard]] Result<ObjectHandle> DeriveOnCard(ObjectHandle base, const Mechanism& mechanism,
                                                  const Template& tmpl, KeyType type,
                                                  std::size_t length);
  [[nodiscard]] Result<SecureBytes> HkdfToHost(ObjectHandle base, const HkdfParams& params,
                                               std::size_t length);
  [[nodiscard]] Result<ObjectHandle> UnwrapOnCard(ObjectHandle unwrapping, const EcdhParams& params,
                                                  ByteView blob, const Template& tmpl);

  // A card private key's raw operation (GENERAL AUTHENTICATE).
  [[nodiscard]] Result<SecureBytes> CardPrivateOperation(ObjectHandle key, piv::PrivateOp op,
                                                         ByteView input);
  // A card secret key's operation (F5).
  [[nodiscard]] Result<SecureBytes> CardSecretOperation(ObjectHandle key, const piv::SecretOp& op,
                                                        ByteView data);
  // The engine for an operation with `key` (0 for digests), wherever the
  // key lives (slot_operations.cpp).
  [[nodiscard]] Result<std::unique_ptr<OperationEngine>> StartOperation(OpKind kind,
                                                                        const Mechanism& mechanism,
                                                                        ObjectHandle key);

 private:
  static const int kDeviceRemovedReason;
  Status EnsureConnected();  // requires mu_
  // Forgets the connection, the token and the login, and counts a new
  // insertion (closing the sessions); requires mu_.
  void DropToken();
  // Forgets only the connection and the login (the card is the same one,
  // but it lost its state); requires mu_.
  void DropConnection();
  // Reconcile with mu_ held; true when it dropped the token.
  bool ReconcileLocked(const host::CardState& card);
  // The card's object, when `handle` names one the application may see;
  // requires mu_.
  Object* VisibleTokenObject(ObjectHandle handle);
  // The session object, when `handle` names one the application may see.
  std::optional<Object> VisibleSessionObject(ObjectHandle handle);
  bool UserLoggedIn() const { return login_.load() == LoginState::kUser; }

  // Runs `io` on a channel to the card, under mu_ (the caller holds it), and
  // returns what it returns: a Status or a Result<T>. A broken link is
  // dropped so the next call reconnects; a card gone is a removal.
  template <typename Io>
  auto WithCard(Io&& io) -> decltype(io(std::declval<host::ApduChannel&>())) {
    using Answer = decltype(io(std::declval<host::ApduChannel&>()));
    if (Status connected = EnsureConnected(); !connected.ok()) return Answer(connected);
    host::ApduChannel channel(
        *transport_,
        host::ApduChannel::Options{.extended_length = transport_->SupportsExtendedLength()});
    Answer answer = io(channel);
    const Status& status = StatusOf(answer);
    if (status.code() == Code::kIoError) {
      host::CardState card = reader_->Card();
      if (status.card_gone() || !card.present || card.generation != connected_generation_) {
        // PKCS#11 3.0 §5.1: the token left during the call (or another card
        // took its place); §5.1.2: that closes its sessions.
        DropToken();
        return Answer(Refuse(Fault::kDeviceRemoved, "token removed"));
      }
      // The same card is still there, reset by another application or mute
      // for a while: it forgot the selected applet and the PIN, so the
      // connection and the login go. Sessions and objects stay.
      DropConnection();
    }
    return answer;
  }
  static const Status& StatusOf(const Status& s) { return s; }
  template <typename T>
  static const Status& StatusOf(const Result<T>& r) {
    return r.status();
  }

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
  std::unique_ptr<piv::PivToken> token_;                // guarded by mu_; per insertion
  std::atomic<LoginState> login_{LoginState::kPublic};  // written under mu_

  Mutex session_mu_;
  ObjectTable session_objects_;  // guarded by session_mu_
};

}  // namespace tessera::p11
