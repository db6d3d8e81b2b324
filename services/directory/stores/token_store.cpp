#include "services/directory/stores/token_store.hpp"

#include <limits>
#include <string>
#include <string_view>

namespace tessera::directory {
namespace {

constexpr std::string_view kColumns =
    "uid, serial, cryptogram, krk_version, mk_version, target_mk_version, lifecycle, "
    "created_at, updated_at";

std::string Select(std::string_view tail) {
  return "SELECT " + std::string(kColumns) + " FROM tokens " + std::string(tail);
}

Result<std::uint8_t> Version(const SqlRow& row, std::size_t column, std::string_view name) {
  TESSERA_ASSIGN_OR_RETURN(std::int64_t v, row.Int(column));
  if (v < 0 || v > 255) {
    return Status::Corrupt("token row has " + std::string(name) + " " + std::to_string(v));
  }
  return static_cast<std::uint8_t>(v);
}

Result<TokenRecord> Decode(const SqlRow& row) {
  TokenRecord record;
  TESSERA_ASSIGN_OR_RETURN(record.uid, row.Blob(0));
  TESSERA_ASSIGN_OR_RETURN(std::int64_t serial, row.Int(1));
  TESSERA_ASSIGN_OR_RETURN(record.cryptogram, row.Blob(2));
  if (!ValidateUid(record.uid).ok() || serial < 0 ||
      serial > std::numeric_limits<std::uint32_t>::max() ||
      !ValidateCryptogram(record.cryptogram).ok()) {
    return Status::Corrupt("token row " + ToHex(record.uid) +
                           " has a malformed UID, serial or cryptogram");
  }
  record.serial = static_cast<std::uint32_t>(serial);
  TESSERA_ASSIGN_OR_RETURN(record.krk_version, Version(row, 3, "krk_version"));
  TESSERA_ASSIGN_OR_RETURN(record.mk_version, Version(row, 4, "mk_version"));
  if (!row.IsNull(5)) {
    TESSERA_ASSIGN_OR_RETURN(record.target_mk_version, Version(row, 5, "target_mk_version"));
  }
  TESSERA_ASSIGN_OR_RETURN(std::string word, row.Text(6));
  auto lifecycle = LifecycleFromString(word);
  if (!lifecycle.ok()) return Status::Corrupt("token row: " + lifecycle.status().message());
  record.lifecycle = *lifecycle;
  TESSERA_ASSIGN_OR_RETURN(record.created_at, row.Int(7));
  TESSERA_ASSIGN_OR_RETURN(record.updated_at, row.Int(8));
  return record;
}

Result<std::optional<TokenRecord>> SelectOne(SqlTransaction& tx, std::string_view where,
                                             SqlValue key) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(Select(where), {std::move(key)}));
  if (rows.empty()) return std::optional<TokenRecord>();
  TESSERA_ASSIGN_OR_RETURN(TokenRecord record, Decode(rows.front()));
  return std::optional<TokenRecord>(std::move(record));
}

// $1..$9 in kColumns order.
std::vector<SqlValue> Params(const TokenRecord& record) {
  SqlValue target;
  if (record.target_mk_version) target = std::int64_t{*record.target_mk_version};
  return {record.uid,
          std::int64_t{record.serial},
          record.cryptogram,
          std::int64_t{record.krk_version},
          std::int64_t{record.mk_version},
          target,
          std::string(ToString(record.lifecycle)),
          record.created_at,
          record.updated_at};
}

}  // namespace

Result<std::optional<TokenRecord>> SelectTokenByUid(SqlTransaction& tx, ByteView uid) {
  return SelectOne(tx, "WHERE uid = $1", Bytes(uid.begin(), uid.end()));
}

Result<std::optional<TokenRecord>> SelectTokenBySerial(SqlTransaction& tx, std::uint32_t serial) {
  return SelectOne(tx, "WHERE serial = $1", std::int64_t{serial});
}

Result<std::vector<TokenRecord>> SelectAllTokens(SqlTransaction& tx) {
  TESSERA_ASSIGN_OR_RETURN(auto rows, tx.Query(Select("ORDER BY serial")));
  std::vector<TokenRecord> records;
  records.reserve(rows.size());
  for (const SqlRow& row : rows) {
    TESSERA_ASSIGN_OR_RETURN(TokenRecord record, Decode(row));
    records.push_back(std::move(record));
  }
  return records;
}

Status InsertToken(SqlTransaction& tx, const TokenRecord& record) {
  return tx
      .Execute("INSERT INTO tokens (" + std::string(kColumns) +
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
               Params(record))
      .status();
}

Status UpdateToken(SqlTransaction& tx, const TokenRecord& record) {
  return tx
      .Execute(
          "UPDATE tokens SET serial = $2, cryptogram = $3, krk_version = $4, mk_version = $5, "
          "target_mk_version = $6, lifecycle = $7, created_at = $8, updated_at = $9 "
          "WHERE uid = $1",
          Params(record))
      .status();
}

}  // namespace tessera::directory
