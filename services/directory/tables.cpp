#include "services/directory/tables.hpp"

#include <string_view>

namespace tessera::directory {

const std::vector<TableInfo>& Tables() {
  static const std::vector<TableInfo> kTables = {
      {"tokens",
       "uid, serial, cryptogram, krk_version, mk_version, target_mk_version, lifecycle, "
       "created_at, updated_at",
       "serial", 1},
      {"users", "id, display_name, email, created_at", "id", 2,
       "organization, document, photo_hash", 3},
      {"cas",
       "name, parent, hsm, key_label, key_type, certificate, ocsp_key_label, ocsp_certificate, "
       "created_at",
       "name", 2},
      {"certificates",
       "ca, serial, profile, subject, not_before, not_after, der, user_id, issued_at", "ca, serial",
       2, "token_serial", 3},
      {"revocations", "ca, serial, revoked_at, reason", "ca, serial", 2},
      {"crls", "ca, number, this_update, next_update, der", "ca, number", 2},
      {"audit", "seq, time, actor, action, object, request_id, details, prev_hash, hash", "seq", 2},
      {"audit_checkpoints", "seq, time, head_hash, hsm, key_label, public_key, signature", "seq",
       2},
      {"cms_tokens",
       "serial, token_key, attestation, attestation_ca, chuid, transport, state, user_id, "
       "registrations, registered_at, updated_at, revoked_at, revoked_reason",
       "serial", 3},
      {"officers",
       "id, name, role, token_serial, ca, cert_serial, certificate, state, created_at, updated_at",
       "id", 3},
      {"cms_nonces", "nonce, officer_id, issued_at, expires_at, used_at", "nonce", 3},
      {"cms_requests",
       "id, user_id, token_serial, officer_id, state, eform_v1, eform_v2, eform_v2_signed, ca, "
       "cert_serial, created_at, updated_at",
       "id", 3},
      {"bindings",
       "id, user_id, token_serial, state, ca, cert_serial, created_at, updated_at, activated_at, "
       "revoked_at, revoked_reason",
       "id", 3},
      {"reg_servers",
       "name, hsm, key_label, kek_label, uidc_label, ca, cert_serial, certificate, created_at",
       "name", 4},
      {"reg_users", "user_id, user_id_code, config_version, created_at, updated_at", "user_id", 4},
      {"reg_codes",
       "code_hash, user_id, issued_by, issued_at, expires_at, used_at, registration_id",
       "code_hash", 4},
      {"reg_registrations",
       "id, server, server_hello, server_nonce, state, user_id, credential, code_hash, "
       "token_serial, transcript_hash, confirm_hash, k_wrapped, created_at, expires_at, "
       "updated_at, confirmed_at",
       "id", 4},
      {"reg_apps", "name, base_url, settings, created_at, updated_at", "name", 4},
      {"reg_entitlements", "user_id, app, paths, granted_by, granted_at", "user_id, app", 4},
      {"reg_sessions",
       "id, registration_id, state, mac_hash, keys_wrapped, c2s_seq, created_at, expires_at, "
       "last_used_at, closed_at",
       "id", 4},
      {"st_issuers", "name, hsm, hsm_key_id, ca, cert_serial, created_at", "name", 5},
      {"st_nonces", "nonce, created_at, expires_at, used_at", "nonce", 5},
      {"st_requests",
       "id, handle, otp_hash, tries_left, state, device_serial, device_slot, device_key, "
       "manufacturer, channel1, deliver, format, created_at, expires_at, updated_at, id_ca, "
       "id_cert_serial, user_id, card_serial, attributes, comparison, confirm_hash, token_id, "
       "delivered_device, delivered_computer",
       "id", 5},
      {"st_tokens",
       "id, request_id, issuer, format, status_list, status_index, user_id, card_serial, "
       "source_ca, source_serial, device_key_sha256, cert_ca, cert_serial, issued_at, "
       "expires_at, revoked_at, content",
       "id", 5},
  };
  return kTables;
}

std::string Columns(const TableInfo& table, std::int64_t version) {
  std::string columns = table.columns;
  if (*table.added != '\0' && version >= table.added_since) {
    columns += std::string(", ") + table.added;
  }
  return columns;
}

std::string SelectAll(const TableInfo& table, std::int64_t version) {
  return "SELECT " + Columns(table, version) + " FROM " + table.name + " ORDER BY " +
         table.order_by;
}

std::string InsertRow(const TableInfo& table, std::int64_t version) {
  const std::string columns = Columns(table, version);
  std::string values;
  int n = 1;
  values += "$" + std::to_string(n);
  for (char c : columns) {
    if (c == ',') values += ", $" + std::to_string(++n);
  }
  return std::string("INSERT INTO ") + table.name + " (" + columns + ") VALUES (" + values + ")";
}

Result<std::vector<TableCount>> CountRows(Database& db, std::int64_t version) {
  std::vector<TableCount> counts;
  TESSERA_RETURN_IF_ERROR(db.Read([&](SqlTransaction& tx) -> Status {
    counts.clear();
    for (const TableInfo& table : Tables()) {
      if (table.since > version) continue;
      TESSERA_ASSIGN_OR_RETURN(auto rows,
                               tx.Query(std::string("SELECT count(*) FROM ") + table.name));
      if (rows.size() != 1) return Status::Internal("count(*) gave no row");
      TESSERA_ASSIGN_OR_RETURN(std::int64_t n, rows[0].Int(0));
      counts.push_back({table.name, n});
    }
    return Status::Ok();
  }));
  return counts;
}

}  // namespace tessera::directory
