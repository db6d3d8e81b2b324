#include "services/ca/hsm_pool.hpp"

namespace tessera::ca {

HsmPool::Lease::~Lease() {
  if (pool_ != nullptr && token_) pool_->Release(name_, std::move(token_));
}

Result<HsmPool::Lease> HsmPool::Acquire(const std::string& hsm_name) {
  {
    std::lock_guard lock(mutex_);
    auto& idle = idle_[hsm_name];
    if (!idle.empty()) {
      std::unique_ptr<hsm::HsmToken> token = std::move(idle.back());
      idle.pop_back();
      return Lease(this, hsm_name, std::move(token));
    }
  }
  TESSERA_ASSIGN_OR_RETURN(hsm::HsmToken token, opener_(hsm_name));
  return Lease(this, hsm_name, std::make_unique<hsm::HsmToken>(std::move(token)));
}

void HsmPool::Release(const std::string& name, std::unique_ptr<hsm::HsmToken> token) {
  std::lock_guard lock(mutex_);
  auto& idle = idle_[name];
  if (idle.size() < max_idle_) idle.push_back(std::move(token));
}

}  // namespace tessera::ca
