// KrkPrefetcher: recovers the KRK of a worker's next token inside the HSM
// while the worker is still talking to the current token (tessera
// mk-replace). The RSA-OAEP decrypt of the cryptogram is the HSM's one slow
// step per token; a card's APDUs are slow too, and the two need not wait for
// each other. With a network HSM and real cards both take milliseconds.
//
// It owns an HSM session of its own (PKCS#11 sessions are single-threaded,
// §5.6.1) and runs at most one task at a time on a thread of its own. The
// KRK it makes is a session object, which every session of the process may
// use (§4.4); Take hands it over as a KeyObject of the caller's session. The
// prefetch is only a hint: Take returns nothing unless UID, version and
// cryptogram all match what the caller read from the directory, and the
// caller then recovers the KRK itself; a prefetch that fails (or throws) is
// simply not there, and after its session cannot be opened the prefetcher
// stops trying. Lifetime: the KRK Take returns is a session object of the
// prefetcher's session, so it must be destroyed before the prefetcher is.
// Used from one worker thread.
#pragma once

#include <functional>
#include <future>
#include <optional>

#include "common/bytes.hpp"
#include "hsm/hsm_token.hpp"
#include "hsm/key_object.hpp"
#include "services/directory/directory.hpp"

namespace tessera::keyman {

class KrkPrefetcher {
 public:
  using SessionOpener = std::function<Result<hsm::HsmToken>()>;

  KrkPrefetcher(SessionOpener opener, directory::Directory& directory)
      : opener_(std::move(opener)), directory_(directory) {}
  // Waits for the task in flight and destroys a KRK nobody took.
  ~KrkPrefetcher();
  KrkPrefetcher(const KrkPrefetcher&) = delete;
  KrkPrefetcher& operator=(const KrkPrefetcher&) = delete;

  // Starts recovering the KRK of `uid`, unless that is already under way.
  void Prepare(const Bytes& uid);
  // The token to prepare as soon as the current one has taken its KRK.
  void SetNext(std::optional<Bytes> uid) { next_ = std::move(uid); }
  // Starts on the token given to SetNext when Take has not (the current
  // token's job ended before UNLOCK).
  void Advance();

  // The prepared KRK of `uid`, if it was recovered from exactly this
  // version and cryptogram, as a KeyObject of `session`; then starts on the
  // next token. Waits for the task in flight.
  std::optional<hsm::KeyObject> Take(const Bytes& uid, std::uint8_t krk_version,
                                     ByteView cryptogram, const hsm::HsmSession& session);

 private:
  struct Prepared {
    Bytes uid;
    std::uint8_t krk_version = 0;
    Bytes cryptogram;
    CK_OBJECT_HANDLE krk = CK_INVALID_HANDLE;
  };
  // Runs on the task thread.
  std::optional<Prepared> Recover(const Bytes& uid);
  // Waits for the task in flight; destroys what it made unless kept.
  std::optional<Prepared> Finish();
  void Discard(const Prepared& prepared);

  SessionOpener opener_;
  directory::Directory& directory_;
  std::optional<hsm::HsmToken> token_;  // used by one task at a time
  std::optional<Bytes> pending_uid_;
  std::future<std::optional<Prepared>> pending_;
  std::optional<Bytes> next_;
  bool disabled_ = false;  // the prefetch session could not be opened
};

}  // namespace tessera::keyman
