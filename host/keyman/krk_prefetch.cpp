#include "host/keyman/krk_prefetch.hpp"

#include "common/secure_bytes.hpp"
#include "hsm/cryptogram.hpp"

namespace tessera::keyman {

KrkPrefetcher::~KrkPrefetcher() {
  if (std::optional<Prepared> left = Finish()) Discard(*left);
}

std::optional<KrkPrefetcher::Prepared> KrkPrefetcher::Recover(const Bytes& uid) {
  if (!token_) {
    Result<hsm::HsmToken> opened = opener_();
    if (!opened.ok()) return std::nullopt;
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
}

std::optional<KrkPrefetcher::Prepared> KrkPrefetcher::Finish() {
  if (!pending_.valid()) return std::nullopt;
  pending_uid_.reset();
  return pending_.get();
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
  pending_uid_ = uid;
  pending_ = std::async(std::launch::async, [this, uid] { return Recover(uid); });
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
  if (next_) {
    Prepare(*next_);
    next_.reset();
  }
  return krk;
}

}  // namespace tessera::keyman
