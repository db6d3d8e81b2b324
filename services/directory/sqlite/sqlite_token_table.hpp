// The SQL of the SQLite directory's tokens table (schema in sqlite_schema.cpp):
// reading rows into TokenRecords and writing TokenRecords back.
//
// No rules here: the caller validates inputs and decides what to write
// (services/directory/transitions.hpp), inside its own transaction for writes. A
// row that breaks the record's invariants is kCorrupt. Same thread rules as
// the connection.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/sqlite/sqlite_connection.hpp"
#include "services/directory/token_record.hpp"

namespace tessera::directory::sqlite {

Result<std::optional<TokenRecord>> SelectTokenByUid(SqliteConnection& db, ByteView uid);
Result<std::optional<TokenRecord>> SelectTokenBySerial(SqliteConnection& db, std::uint32_t serial);
// By ascending serial.
Result<std::vector<TokenRecord>> SelectAllTokens(SqliteConnection& db);

Status InsertToken(SqliteConnection& db, const TokenRecord& record);
// Overwrites every column of the row whose UID is record.uid.
Status UpdateToken(SqliteConnection& db, const TokenRecord& record);

}  // namespace tessera::directory::sqlite
