// The soft-token store (softtoken_store.hpp): requests.
#include <string_view>

#include "services/directory/stores/row_values.hpp"
#include "services/directory/stores/softtoken_store.hpp"

namespace tessera::directory {
namespace {

using row_values::DecodeFirst;
using row_values::Optional;
using row_values::OptionalBlob;
using row_values::OptionalSerial32;
using row_values::OptionalText;
using row_values::Serial32;
using row_values::Word;

constexpr std::string_view kRequestColumns =
    "id, handle, otp_hash, tries_left, state, device_serial, device_slot, device_key, "
    "manufacturer, channel1, deliver, format, created_at, expires_at, updated_at, id_ca, "
    "id_cert_serial, user_id, card_serial, attributes, comparison, confirm_hash, token_id, "
    "delivered_device, delivered_computer";

std::string RequestSelect() {
  return "SELECT " + std::string(kRequestColumns) + " FROM st_requests ";
}

std::string RequestText(const std::string& id) { return "soft-token request " + id; }

// A 0/1 column.
Result<bool> Flag(const SqlRow& row, std::size_t column, std::string_view what) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t value, row.Int(column));
  if (value != 0 && value != 1) {
    return Status::Corrupt("a stored " + std::string(what) + " " + std::to_string(value) +
                           " is neither 0 nor 1");
  }
  return value == 1;
}

Result<SoftTokenRequestRecord> DecodeRequest(const SqlRow& row) {
  SoftTokenRequestRecord r;
  TESSERA_ASSIGN_OR_RETURN(r.id, row.Text(0));
  TESSERA_ASSIGN_OR_RETURN(r.handle, row.Text(1));
  TESSERA_ASSIGN_OR_RETURN(r.otp_hash, row.Blob(2));
  TESSERA_ASSIGN_OR_RETURN(r.tries_left, row.Int(3));
  if (r.tries_left < 0) {
    return Status::Corrupt("a stored soft-token request has " + std::to_string(r.tries_left) +
                           " tries left");
  }
  TESSERA_ASSIGN_OR_RETURN(r.state,
                           Word(row, 4, "soft-token request state",
                                {"pending", "matched", "issued", "burned", "expired", "refused"}));
  TESSERA_ASSIGN_OR_RETURN(r.device_serial, Serial32(row, 5, "soft-token device serial"));
  TESSERA_ASSIGN_OR_RETURN(r.device_slot, row.Text(6));
  TESSERA_ASSIGN_OR_RETURN(r.device_key, row.Blob(7));
  TESSERA_ASSIGN_OR_RETURN(r.manufacturer, row.Text(8));
  TESSERA_ASSIGN_OR_RETURN(r.channel1, row.Blob(9));
  TESSERA_ASSIGN_OR_RETURN(r.deliver,
                           Word(row, 10, "soft-token delivery", {"device", "computer", "both"}));
  TESSERA_ASSIGN_OR_RETURN(r.format, Word(row, 11, "soft-token format", {"sd-jwt-vc", "x509"}));
  TESSERA_ASSIGN_OR_RETURN(r.created_at, row.Int(12));
  TESSERA_ASSIGN_OR_RETURN(r.expires_at, row.Int(13));
  TESSERA_ASSIGN_OR_RETURN(r.updated_at, row.Int(14));
  TESSERA_ASSIGN_OR_RETURN(r.id_ca, OptionalText(row, 15));
  TESSERA_ASSIGN_OR_RETURN(r.id_cert_serial, OptionalBlob(row, 16));
  TESSERA_ASSIGN_OR_RETURN(r.user_id, OptionalText(row, 17));
  TESSERA_ASSIGN_OR_RETURN(r.card_serial, OptionalSerial32(row, 18, "soft-token card serial"));
  TESSERA_ASSIGN_OR_RETURN(r.attributes, OptionalText(row, 19));
  TESSERA_ASSIGN_OR_RETURN(r.comparison, OptionalText(row, 20));
  TESSERA_ASSIGN_OR_RETURN(r.confirm_hash, OptionalBlob(row, 21));
  TESSERA_ASSIGN_OR_RETURN(r.token_id, OptionalText(row, 22));
  TESSERA_ASSIGN_OR_RETURN(r.delivered_device, Flag(row, 23, "delivered_device"));
  TESSERA_ASSIGN_OR_RETURN(r.delivered_computer, Flag(row, 24, "delivered_computer"));
  return r;
}

std::vector<SqlValue> RequestValues(const SoftTokenRequestRecord& r) {
  return {r.id,
          r.handle,
          r.otp_hash,
          r.tries_left,
          r.state,
          std::int64_t{r.device_serial},
          r.device_slot,
          r.device_key,
          r.manufacturer,
          r.channel1,
          r.deliver,
          r.format,
          r.created_at,
          r.expires_at,
          r.updated_at,
          Optional(r.id_ca),
          Optional(r.id_cert_serial),
          Optional(r.user_id),
          Optional(r.card_serial),
          Optional(r.attributes),
          Optional(r.comparison),
          Optional(r.confirm_hash),
          Optional(r.token_id),
          std::int64_t{r.delivered_device ? 1 : 0},
          std::int64_t{r.delivered_computer ? 1 : 0}};
}

// kAlreadyExists when a pending request other than `id` holds `handle`.
Status RefuseTakenHandle(SqlTransaction& tx, const std::string& handle, const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query("SELECT 1 FROM st_requests WHERE handle = $1 AND state = 'pending' "
                          "AND id <> $2",
                          {handle, id}));
  if (rows.empty()) return Status::Ok();
  return Status::AlreadyExists("a pending soft-token request holds handle " + handle + " already");
}

// An update that matched no row: why.
Status WhyNotUpdated(SqlTransaction& tx, const std::string& id, std::string_view expected) {
  TESSERA_ASSIGN_OR_RETURN(auto found, FindStRequest(tx, id));
  if (!found) return Status::NotFound("no " + RequestText(id));
  return Status::ConditionsNotSatisfied(RequestText(id) + " is " + found->state + ", not " +
                                        std::string(expected));
}

}  // namespace

Status InsertStRequest(SqlTransaction& tx, const SoftTokenRequestRecord& request) {
  // Checked first for the message, and because a failed statement ends a
  // PostgreSQL transaction; the primary key and st_requests_pending_handle
  // still decide a race.
  TESSERA_ASSIGN_OR_RETURN(auto taken,
                           tx.Query("SELECT 1 FROM st_requests WHERE id = $1", {request.id}));
  if (!taken.empty()) return Status::AlreadyExists(RequestText(request.id) + " exists already");
  if (request.state == "pending") {
    TESSERA_RETURN_IF_ERROR(RefuseTakenHandle(tx, request.handle, request.id));
  }
  return tx
      .Execute("INSERT INTO st_requests (" + std::string(kRequestColumns) +
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
                   "$16, $17, $18, $19, $20, $21, $22, $23, $24, $25)",
               RequestValues(request))
      .status();
}

Result<std::optional<SoftTokenRequestRecord>> FindStRequest(SqlTransaction& tx,
                                                            const std::string& id) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(RequestSelect() + "WHERE id = $1", {id}));
  return DecodeFirst<SoftTokenRequestRecord>(rows, DecodeRequest);
}

Result<std::optional<SoftTokenRequestRecord>> FindPendingStRequestByHandle(
    SqlTransaction& tx, const std::string& handle) {
  TESSERA_ASSIGN_OR_RETURN(
      auto rows, tx.Query(RequestSelect() + "WHERE handle = $1 AND state = 'pending'", {handle}));
  if (rows.size() > 1) {
    // The partial unique index st_requests_pending_handle forbids it.
    return Status::Corrupt("handle " + handle + " names " + std::to_string(rows.size()) +
                           " pending soft-token requests");
  }
  return DecodeFirst<SoftTokenRequestRecord>(rows, DecodeRequest);
}

Status UpdateStRequest(SqlTransaction& tx, const SoftTokenRequestRecord& request,
                       std::string_view expected_state) {
  if (request.state == "pending") {
    TESSERA_RETURN_IF_ERROR(RefuseTakenHandle(tx, request.handle, request.id));
  }
  std::vector<SqlValue> values = RequestValues(request);
  values.emplace_back(std::string(expected_state));
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE st_requests SET handle = $2, otp_hash = $3, tries_left = $4, "
                 "state = $5, device_serial = $6, device_slot = $7, device_key = $8, "
                 "manufacturer = $9, channel1 = $10, deliver = $11, format = $12, "
                 "created_at = $13, expires_at = $14, updated_at = $15, id_ca = $16, "
                 "id_cert_serial = $17, user_id = $18, card_serial = $19, attributes = $20, "
                 "comparison = $21, confirm_hash = $22, token_id = $23, "
                 "delivered_device = $24, delivered_computer = $25 "
                 "WHERE id = $1 AND state = $26",
                 values));
  if (changed == 0) return WhyNotUpdated(tx, request.id, expected_state);
  return Status::Ok();
}

Result<std::int64_t> SpendStRequestTry(SqlTransaction& tx, const std::string& id,
                                       std::int64_t now) {
  TESSERA_ASSIGN_OR_RETURN(
      std::int64_t changed,
      tx.Execute("UPDATE st_requests SET tries_left = tries_left - 1, "
                 "state = CASE WHEN tries_left <= 1 THEN 'burned' ELSE state END, "
                 "updated_at = $2 WHERE id = $1 AND state = 'pending' AND tries_left > 0",
                 {id, now}));
  if (changed == 0) return WhyNotUpdated(tx, id, "pending");
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query("SELECT tries_left FROM st_requests WHERE id = $1", {id}));
  if (rows.size() != 1) return Status::Internal(RequestText(id) + " vanished");
  return rows.front().Int(0);
}

Result<std::int64_t> CountPendingStRequests(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows,
                           tx.Query("SELECT count(*) FROM st_requests WHERE state = 'pending'"));
  if (rows.size() != 1) return Status::Internal("count(*) gave no row");
  return rows.front().Int(0);
}

Result<std::int64_t> ExpireStRequests(SqlTransaction& tx, std::int64_t now) {
  // The content first: deleting a request sets its tokens' request_id to
  // NULL, and a token without a request keeps no content either.
  TESSERA_RETURN_IF_ERROR(
      tx.Execute("UPDATE st_tokens SET content = NULL WHERE content IS NOT NULL AND "
                 "(request_id IS NULL OR request_id IN "
                 "(SELECT id FROM st_requests WHERE expires_at <= $1))",
                 {now})
          .status());
  return tx.Execute("DELETE FROM st_requests WHERE expires_at <= $1 AND state <> 'issued'", {now});
}

}  // namespace tessera::directory
