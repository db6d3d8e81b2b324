// HsmPool: logged-in HSM sessions kept for reuse, per HSM name. An HsmToken
// (one PKCS#11 session) is used by one thread at a time (hsm_token.hpp);
// Acquire hands one out exclusively and the Lease puts it back. Opening a
// session (C_OpenSession, C_Login) costs more than a signature, so tesserad's
// worker threads reuse them. At most `max_idle` idle sessions are kept per
// HSM; the rest close. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "hsm/hsm_token.hpp"

namespace tessera::ca {

using HsmOpener = std::function<Result<hsm::HsmToken>(const std::string& hsm_name)>;

class HsmPool {
 public:
  class Lease {
   public:
    Lease(HsmPool* pool, std::string name, std::unique_ptr<hsm::HsmToken> token)
        : pool_(pool), name_(std::move(name)), token_(std::move(token)) {}
    ~Lease();
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    hsm::HsmSession& session() { return token_->session(); }
    const hsm::HsmQuirks& quirks() const { return token_->quirks(); }

   private:
    HsmPool* pool_;
    std::string name_;
    std::unique_ptr<hsm::HsmToken> token_;
  };

  HsmPool(HsmOpener opener, std::size_t max_idle)
      : opener_(std::move(opener)), max_idle_(max_idle) {}

  Result<Lease> Acquire(const std::string& hsm_name);

 private:
  void Release(const std::string& name, std::unique_ptr<hsm::HsmToken> token);

  HsmOpener opener_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<hsm::HsmToken>>> idle_;
};

}  // namespace tessera::ca
