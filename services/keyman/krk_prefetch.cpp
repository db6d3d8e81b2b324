#include "services/keyman/krk_prefetch.hpp"

#include <system_error>

#include "common/secure_bytes.hpp"
#include "hsm/cryptogram.hpp"

namespace tessera::keyman {

KrkPrefetcher::~KrkPrefetcher() {
  if (std::optional<Prepared> left = Finish()) Discard(*left);
}

std::optional<KrkPrefetcher::Prepared> KrkPrefetcher::Recover(const Bytes& uid) try {
  if (!token_) {
    Result<hsm::HsmToken> opened = opener_();
    if (!opened.ok()) {
      disabled_ = true;  // read by the owner only after this task's future
      return std::nullopt;
    }
    token_.emplace(std::move(*opened));
  }
  Result<std::optional<directory::TokenRecord>> record = directory_.FindByUid(uid);
  if (!record.ok() || !*record || (*record)->lifecycle != directory::Lifecycle::kPersonalized) {
    return std::nullopt;
  }
  Result<hsm::KeyObject> krk =
      hsm::RecoverKrk(*token_, (*record)->krk_version, (*record)->cryptogram);
  if (!krk.ok()) return std::nullopt;
  return Prepared{uid, (*record)->krk_version, (*record)->cryptogram, std::move(*krk).Keep()};
} catch (...) {
  return std::nullopt;  // a hint only: the caller recovers the KRK itself
}

std::optional<KrkPrefetcher::Prepared> KrkPrefetcher::Finish() {
  if (!pending_.valid()) return std::nullopt;
  pending_uid_.reset();
  return pending_.get();  // Recover catches everything: get() never throws
}

void KrkPrefetcher::Discard(const Prepared& prepared) {
  // The task is over: this thread may use the session now.
  if (token_) {
    hsm::KeyObject adopt(token_->session(), prepared.krk, "prefetched KRK");
  }
}

void KrkPrefetcher::Prepare(const Bytes& uid) {
  if (pending_uid_ == uid) return;
  if (std::optional<Prepared> stale = Finish()) Discard(*stale);
  if (disabled_) return;
  try {
    pending_ = std::async(std::launch::async, [this, uid] { return Recover(uid); });
    pending_uid_ = uid;
  } catch (const std::system_error&) {
    // No thread to spare: the worker recovers its KRKs itself.
  }
}

void KrkPrefetcher::Advance() {
  if (!next_) return;
  Prepare(*next_);
  next_.reset();
}

std::optional<hsm::KeyObject> KrkPrefetcher::Take(const Bytes& uid, std::uint8_t krk_version,
                                                  ByteView cryptogram,
                                                  const hsm::HsmSession& session) {
  std::optional<Prepared> prepared = Finish();
  std::optional<hsm::KeyObject> krk;
  if (prepared) {
    const bool same = prepared->uid == uid && prepared->krk_version == krk_version &&
                      ConstantTimeEqual(prepared->cryptogram, cryptogram);
    if (same) {
      krk.emplace(session, prepared->krk, "per-token KRK");
    } else {
      Discard(*prepared);
    }
  }
  Advance();
  return krk;
}

}  // namespace tessera::keyman
