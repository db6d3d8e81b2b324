#include "services/directory/sqlite/sqlite_token_table.hpp"

#include <limits>
#include <string>
#include <string_view>

namespace tessera::directory::sqlite {
namespace {

constexpr std::string_view kColumns =
    "uid, serial, cryptogram, krk_version, mk_version, target_mk_version, lifecycle, "
    "created_at, updated_at";

std::string Select(std::string_view tail) {
  return "SELECT " + std::string(kColumns) + " FROM tokens " + std::string(tail);
}

Result<std::uint8_t> Version(const SqliteStatement& row, int column, std::string_view name) {
  const std::int64_t v = row.Int64(column);
  if (v < 0 || v > 255) {
    return Status::Corrupt("token row has " + std::string(name) + " " + std::to_string(v));
  }
  return static_cast<std::uint8_t>(v);
}

Result<TokenRecord> Decode(const SqliteStatement& row) {
  TokenRecord record;
  record.uid = row.Blob(0);
  const std::int64_t serial = row.Int64(1);
  record.cryptogram = row.Blob(2);
  if (ValidateUid(record.uid).code() != Code::kOk || serial < 0 ||
      serial > std::numeric_limits<std::uint32_t>::max() ||
      ValidateCryptogram(record.cryptogram).code() != Code::kOk) {
    return Status::Corrupt("token row " + ToHex(record.uid) +
                           " has a malformed UID, serial or "
                           "cryptogram");
  }
  record.serial = static_cast<std::uint32_t>(serial);
  TESSERA_ASSIGN_OR_RETURN(record.krk_version, Version(row, 3, "krk_version"));
  TESSERA_ASSIGN_OR_RETURN(record.mk_version, Version(row, 4, "mk_version"));
  if (!row.IsNull(5)) {
    TESSERA_ASSIGN_OR_RETURN(record.target_mk_version, Version(row, 5, "target_mk_version"));
  }
  auto lifecycle = LifecycleFromString(row.Text(6));
  if (!lifecycle.ok()) return Status::Corrupt("token row: " + lifecycle.status().message());
  record.lifecycle = *lifecycle;
  record.created_at = row.Int64(7);
  record.updated_at = row.Int64(8);
  return record;
}

Result<std::optional<TokenRecord>> SelectOne(SqliteStatement statement) {
  TESSERA_ASSIGN_OR_RETURN(bool row, statement.Step());
  if (!row) return std::optional<TokenRecord>();
  TESSERA_ASSIGN_OR_RETURN(TokenRecord record, Decode(statement));
  return std::optional<TokenRecord>(std::move(record));
}

// ?1..?9 in kColumns order.
SqliteStatement& BindRecord(SqliteStatement& statement, const TokenRecord& record) {
  statement.Bind(1, ByteView(record.uid))
      .Bind(2, std::int64_t{record.serial})
      .Bind(3, ByteView(record.cryptogram))
      .Bind(4, std::int64_t{record.krk_version})
      .Bind(5, std::int64_t{record.mk_version});
  if (record.target_mk_version) {
    statement.Bind(6, std::int64_t{*record.target_mk_version});
  } else {
    statement.BindNull(6);
  }
  return statement.Bind(7, ToString(record.lifecycle))
      .Bind(8, record.created_at)
      .Bind(9, record.updated_at);
}

}  // namespace

Result<std::optional<TokenRecord>> SelectTokenByUid(SqliteConnection& db, ByteView uid) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement statement, db.Prepare(Select("WHERE uid = ?1")));
  statement.Bind(1, uid);
  return SelectOne(std::move(statement));
}

Result<std::optional<TokenRecord>> SelectTokenBySerial(SqliteConnection& db, std::uint32_t serial) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement statement, db.Prepare(Select("WHERE serial = ?1")));
  statement.Bind(1, std::int64_t{serial});
  return SelectOne(std::move(statement));
}

Result<std::vector<TokenRecord>> SelectAllTokens(SqliteConnection& db) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement statement, db.Prepare(Select("ORDER BY serial")));
  std::vector<TokenRecord> records;
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) return records;
    TESSERA_ASSIGN_OR_RETURN(TokenRecord record, Decode(statement));
    records.push_back(std::move(record));
  }
}

Status InsertToken(SqliteConnection& db, const TokenRecord& record) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement statement,
                           db.Prepare("INSERT INTO tokens (" + std::string(kColumns) +
                                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  return BindRecord(statement, record).Run();
}

Status UpdateToken(SqliteConnection& db, const TokenRecord& record) {
  TESSERA_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("UPDATE tokens SET serial = ?2, cryptogram = ?3, krk_version = ?4, "
                 "mk_version = ?5, target_mk_version = ?6, lifecycle = ?7, created_at = ?8, "
                 "updated_at = ?9 WHERE uid = ?1"));
  return BindRecord(statement, record).Run();
}

}  // namespace tessera::directory::sqlite
