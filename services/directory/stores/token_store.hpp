// The token aggregate in the directory (seed 003): the SQL of the tokens
// table, reading rows into TokenRecords and writing TokenRecords back.
//
// No rules here: the caller validates inputs and decides what to write
// (services/directory/transitions.hpp), inside its own transaction. A row
// that breaks the record's invariants is kCorrupt. Runs inside a Database
// transaction. Stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.hpp"
#include "common/status.hpp"
#include "services/directory/database.hpp"
#include "services/directory/token_record.hpp"

namespace tessera::directory {

Result<std::optional<TokenRecord>> SelectTokenByUid(SqlTransaction& tx, ByteView uid);
Result<std::optional<TokenRecord>> SelectTokenBySerial(SqlTransaction& tx, std::uint32_t serial);
// By ascending serial.
Result<std::vector<TokenRecord>> SelectAllTokens(SqlTransaction& tx);

Status InsertToken(SqlTransaction& tx, const TokenRecord& record);
// Overwrites every column of the row whose UID is record.uid.
Status UpdateToken(SqlTransaction& tx, const TokenRecord& record);

}  // namespace tessera::directory
