#include "services/jose/sd_jwt_process.hpp"

#include <map>
#include <set>

#include "services/jose/json_strict.hpp"

namespace tessera::jose {
namespace {

using Json = nlohmann::json;

// Disclosures nest values into values; the bound keeps the walk's stack small.
constexpr int kMaxDepth = 2 * kMaxJsonDepth;

class Processor {
 public:
  explicit Processor(const std::vector<Disclosure>& disclosures) : disclosures_(disclosures) {}

  Status Index() {
    for (std::size_t i = 0; i < disclosures_.size(); ++i) {
      if (!by_digest_.emplace(disclosures_[i].digest, i).second) {
        return Status::InvalidArgument("disclosure " + Label(i) + " is sent twice");
      }
    }
    used_.assign(disclosures_.size(), false);
    return Status::Ok();
  }

  Result<Json> Walk(const Json& value, int depth, std::vector<std::string>* disclosed_here) {
    if (depth > kMaxDepth) return Status::InvalidArgument("SD-JWT nests deeper than allowed");
    if (value.is_object()) return WalkObject(value, depth, disclosed_here);
    if (value.is_array()) return WalkArray(value, depth);
    return value;
  }

  Status CheckAllUsed() const {
    for (std::size_t i = 0; i < used_.size(); ++i) {
      if (!used_[i]) {
        return Status::InvalidArgument("disclosure " + Label(i) +
                                       " is not referenced by any digest (RFC 9901 §7.1 step 5)");
      }
    }
    return Status::Ok();
  }

 private:
  std::string Label(std::size_t i) const {
    const Disclosure& d = disclosures_[i];
    return d.name ? "of \"" + *d.name + "\"" : "of an array element (" + d.digest + ")";
  }

  // The Disclosure `digest` names, if any; refuses a digest seen before.
  Result<const Disclosure*> Claim(const std::string& digest) {
    if (!seen_.insert(digest).second) {
      return Status::InvalidArgument("digest " + digest +
                                     " appears more than once (RFC 9901 §7.1 step 4)");
    }
    const auto it = by_digest_.find(digest);
    if (it == by_digest_.end()) return static_cast<const Disclosure*>(nullptr);  // a decoy
    used_[it->second] = true;
    return &disclosures_[it->second];
  }

  Result<Json> WalkObject(const Json& object, int depth, std::vector<std::string>* disclosed_here) {
    Json out = Json::object();
    for (const auto& [name, member] : object.items()) {
      if (name == "_sd") continue;
      if (name == "...") return Status::InvalidArgument("\"...\" outside an array element");
      if (name == "_sd_alg") return Status::InvalidArgument("\"_sd_alg\" below the top level");
      TESSERA_ASSIGN_OR_RETURN(out[name], Walk(member, depth + 1, nullptr));
    }
    const auto sd = object.find("_sd");
    if (sd == object.end()) return out;
    if (!sd->is_array()) return Status::InvalidArgument("\"_sd\" is not an array");
    for (const Json& digest : *sd) {
      if (!digest.is_string()) return Status::InvalidArgument("\"_sd\" holds a non-string");
      TESSERA_ASSIGN_OR_RETURN(const Disclosure* d, Claim(digest.get<std::string>()));
      if (d == nullptr) continue;
      if (!d->name) {
        return Status::InvalidArgument("an array-element disclosure is referenced from \"_sd\"");
      }
      if (out.contains(*d->name)) {
        return Status::InvalidArgument("disclosed claim \"" + *d->name +
                                       "\" already exists at its level (RFC 9901 §7.1 step 3)");
      }
      TESSERA_ASSIGN_OR_RETURN(out[*d->name], Walk(d->value, depth + 1, nullptr));
      if (disclosed_here != nullptr) disclosed_here->push_back(*d->name);
    }
    return out;
  }

  Result<Json> WalkArray(const Json& array, int depth) {
    Json out = Json::array();
    for (const Json& element : array) {
      if (element.is_object() && element.contains("...")) {
        if (element.size() != 1 || !element["..."].is_string()) {
          return Status::InvalidArgument("an array element with \"...\" is not {\"...\": digest}");
        }
        TESSERA_ASSIGN_OR_RETURN(const Disclosure* d, Claim(element["..."].get<std::string>()));
        if (d == nullptr) continue;  // undisclosed elements are dropped
        if (d->name) {
          return Status::InvalidArgument("disclosure of \"" + *d->name +
                                         "\" is referenced as an array element");
        }
        TESSERA_ASSIGN_OR_RETURN(Json value, Walk(d->value, depth + 1, nullptr));
        out.push_back(std::move(value));
        continue;
      }
      TESSERA_ASSIGN_OR_RETURN(Json value, Walk(element, depth + 1, nullptr));
      out.push_back(std::move(value));
    }
    return out;
  }

  const std::vector<Disclosure>& disclosures_;
  std::map<std::string, std::size_t> by_digest_;
  std::vector<bool> used_;
  std::set<std::string> seen_;
};

}  // namespace

Result<ProcessedSdJwt> ProcessSdJwtPayload(const Json& payload,
                                           const std::vector<Disclosure>& disclosures) {
  if (!payload.is_object()) return Status::InvalidArgument("SD-JWT payload is not an object");
  Json top = payload;
  if (const auto alg = top.find("_sd_alg"); alg != top.end()) {
    // RFC 9901 §4.1.1: absent means sha-256; nothing else is read here.
    if (*alg != "sha-256") {
      return Status::InvalidArgument("\"_sd_alg\" is " + alg->dump() + ", not \"sha-256\"");
    }
    top.erase(alg);
  }
  Processor processor(disclosures);
  TESSERA_RETURN_IF_ERROR(processor.Index());
  ProcessedSdJwt out;
  TESSERA_ASSIGN_OR_RETURN(out.payload, processor.Walk(top, 0, &out.top_level_disclosed));
  TESSERA_RETURN_IF_ERROR(processor.CheckAllUsed());
  return out;
}

}  // namespace tessera::jose
