#include "services/audit/audit_json.hpp"

#include <nlohmann/json.hpp>

#include "common/bytes.hpp"
#include "services/audit/audit_key.hpp"

namespace tessera::audit {
namespace {

// The stored text is UTF-8 (audit_log.cpp checks it), but a tampered row
// need not be: replace rather than throw, so listing never fails on it.
std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string RecordJson(const directory::AuditRow& row) {
  nlohmann::ordered_json j;
  j["seq"] = row.seq;
  j["time"] = row.time;
  j["actor"] = row.actor;
  j["action"] = row.action;
  j["object"] = row.object;
  j["request_id"] = row.request_id;
  j["details"] = row.details;
  j["prev_hash"] = ToHex(row.prev_hash);
  j["hash"] = ToHex(row.hash);
  return Dump(j);
}

std::string CheckpointJson(const directory::AuditCheckpoint& checkpoint) {
  nlohmann::ordered_json j;
  j["checkpoint"] = checkpoint.seq;
  j["time"] = checkpoint.time;
  j["head_hash"] = ToHex(checkpoint.head_hash);
  j["hsm"] = checkpoint.hsm;
  j["key_label"] = checkpoint.key_label;
  j["key"] = KeyFingerprint(checkpoint.public_key);
  j["signature"] = ToHex(checkpoint.signature);
  return Dump(j);
}

}  // namespace tessera::audit
