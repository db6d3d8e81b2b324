#include "firmware-sim/applets/piv/key_cache.hpp"

#include <string_view>

#include "firmware-sim/applets/piv/slot_keys.hpp"

namespace tessera::sim::piv_applet {

Result<ossl::PkeyPtr> KeyCache::Get(std::uint8_t slot, const KeyRecord& record) {
  auto it = keys_.find(slot);
  if (it == keys_.end()) {
    TESSERA_ASSIGN_OR_RETURN(ossl::PkeyPtr key, PrivateKeyOf(record));
    it = keys_.emplace(slot, std::move(key)).first;
  }
  if (EVP_PKEY_up_ref(it->second.get()) != 1) return ossl::Error("EVP_PKEY_up_ref");
  return ossl::PkeyPtr(it->second.get());
}

void KeyCache::InvalidateFor(const Transaction& txn) {
  for (const Transaction::Op& op : txn.ops()) {
    if (std::string_view(op.key).starts_with(kKeyPrefix)) {
      keys_.clear();
      return;
    }
  }
}

}  // namespace tessera::sim::piv_applet
