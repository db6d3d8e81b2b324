// The token status list (draft-ietf-oauth-status-list; docs/softtoken-
// format.md "Status"): one list per issuer, a bit per soft token, set when
// the token, its ID certificate or its card's binding is revoked. Built
// from the directory on demand and kept for status_ttl seconds.
#include <algorithm>

#include "hsm/agreement_key.hpp"
#include "services/directory/stores/softtoken_store.hpp"
#include "services/jose/status_list.hpp"
#include "services/softtoken/st_common.hpp"

namespace tessera::softtoken {

Result<std::string> SoftTokenService::StatusList(const std::string& list) {
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const Issuer> issuer, CurrentIssuer());
  if (list != StatusListName(issuer->record.name)) {
    return Status::NotFound("no status list '" + list.substr(0, 64) + "'");
  }
  const std::int64_t now = Now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = lists_.find(list);
    if (it != lists_.end() && now - it->second.made_at < options_.status_ttl) return it->second.jwt;
  }
  std::vector<directory::SoftTokenStatus> statuses;
  TESSERA_RETURN_IF_ERROR(db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(statuses, directory::StTokenStatuses(tx, list));
    return Status::Ok();
  }));
  std::vector<std::uint64_t> revoked;
  std::uint64_t size = 0;
  for (const directory::SoftTokenStatus& s : statuses) {
    size = std::max<std::uint64_t>(size, std::uint64_t{s.index} + 1);
    if (s.revoked) revoked.push_back(s.index);
  }
  // A list is never empty, and never shorter than 8 tokens (a whole byte).
  size = std::max<std::uint64_t>(size, 8);
  jose::StatusListClaims claims;
  claims.uri = StatusListUri(PublicUrl(), list);
  claims.iat = now;
  claims.ttl = options_.status_ttl;
  claims.exp = now + std::max<std::int64_t>(options_.status_ttl * 2, 60);
  TESSERA_ASSIGN_OR_RETURN(claims.status_list, jose::EncodeStatusList(revoked, size));
  std::vector<Bytes> x5c{issuer->certificate};
  x5c.insert(x5c.end(), issuer->chain.begin(), issuer->chain.end());
  TESSERA_ASSIGN_OR_RETURN(ca::HsmPool::Lease lease, pool_.Acquire(issuer->record.hsm));
  TESSERA_ASSIGN_OR_RETURN(
      hsm::SigningKey key,
      hsm::FindSigningKey(lease.session(), IssuerKeyLabel(issuer->record.name)));
  TESSERA_ASSIGN_OR_RETURN(std::string jwt,
                           jose::SignStatusListToken(claims, x5c, [&](const std::string& input) {
                             return hsm::SignEs256(lease.session(), key, AsBytes(input));
                           }));
  std::lock_guard<std::mutex> lock(mutex_);
  lists_[list] = CachedList{jwt, now};
  return jwt;
}

}  // namespace tessera::softtoken
