#include "services/ca/ca_service.hpp"

#include <chrono>

#include "services/ca/ca_context.hpp"
#include "services/ca/ocsp_cache.hpp"

namespace tessera::ca {
namespace {

// How long a parsed CA stays cached before the directory is read again.
constexpr std::int64_t kContextTtl = 60;

}  // namespace

std::int64_t SystemClock() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CaService::CaService(std::shared_ptr<directory::Database> db, HsmOpener opener, CaOptions options,
                     Clock clock)
    : db_(std::move(db)),
      pool_(std::move(opener), options.idle_sessions),
      options_(std::move(options)),
      clock_(std::move(clock)),
      contexts_(std::make_unique<ContextCache>(kContextTtl)),
      ocsp_cache_(std::make_unique<OcspCache>(options_.ocsp_cache_entries)) {}

CaService::~CaService() = default;

Result<std::shared_ptr<const CaContext>> CaService::Context(const std::string& ca) {
  return contexts_->Get(*db_, ca, clock_());
}

std::string CaService::Url(const std::string& ca, const char* what) const {
  if (options_.base_url.empty()) return {};
  std::string base = options_.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/ca/" + ca + "/" + what;
}

Result<std::vector<directory::CaRecord>> CaService::List() {
  std::vector<directory::CaRecord> cas;
  Status read_status = db_->Read([&](directory::SqlTransaction& tx) -> Status {
    TESSERA_ASSIGN_OR_RETURN(cas, directory::ListCas(tx));
    return Status::Ok();
  });
  TESSERA_RETURN_IF_ERROR(read_status);
  return cas;
}

Result<Bytes> CaService::Certificate(const std::string& ca) {
  TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context, Context(ca));
  return context->record.certificate;
}

Result<std::vector<Bytes>> CaService::Chain(const std::string& ca) {
  std::vector<Bytes> chain;
  std::optional<std::string> next = ca;
  // A parent chain is short; the bound only stops a cycle a broken
  // directory could hold.
  for (int depth = 0; next && depth < 16; ++depth) {
    TESSERA_ASSIGN_OR_RETURN(std::shared_ptr<const CaContext> context, Context(*next));
    chain.push_back(context->record.certificate);
    next = context->record.parent;
  }
  if (next) return Status::Corrupt("the parent chain of CA '" + ca + "' does not end in a root");
  return chain;
}

}  // namespace tessera::ca
