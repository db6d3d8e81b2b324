#include "services/directory/sqlite/sqlite_sql_transaction.hpp"

#include <sqlite3.h>

#include <cctype>

namespace tessera::directory::sqlite {
namespace {

// Resets a cached statement when its use ends, however it ends.
class ResetOnExit {
 public:
  explicit ResetOnExit(SqliteStatement* statement) : statement_(statement) {}
  ~ResetOnExit() { statement_->Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  SqliteStatement* statement_;
};

Result<SqlValue> Column(const SqliteStatement& statement, int column) {
  switch (statement.ColumnType(column)) {
    case SQLITE_NULL: return SqlValue{};
    case SQLITE_INTEGER: return SqlValue{statement.Int64(column)};
    case SQLITE_TEXT: return SqlValue{statement.Text(column)};
    case SQLITE_BLOB: return SqlValue{statement.Blob(column)};
    default:
      return Status::Internal("result column " + std::to_string(column) +
                              " is a floating-point number, which the directory never stores");
  }
}

}  // namespace

std::string ToSqlitePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;  // inside '...' or "...": copied as it is
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same result
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1])) != 0) {
      out += '?';
      continue;
    }
    out += c;
  }
  return out;
}

Result<SqliteStatement*> SqliteSqlTransaction::Bound(std::string_view sql,
                                                     const std::vector<SqlValue>& params) {
  std::string text = ToSqlitePlaceholders(sql);
  auto it = cache_.find(text);
  if (it == cache_.end()) {
    TESSERA_ASSIGN_OR_RETURN(SqliteStatement statement, db_.Prepare(text));
    it = cache_.emplace(std::move(text), std::move(statement)).first;
  }
  SqliteStatement& statement = it->second;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::monostate>) {
            statement.BindNull(index);
          } else if constexpr (std::is_same_v<T, Bytes>) {
            statement.Bind(index, ByteView(value));
          } else if constexpr (std::is_same_v<T, std::string>) {
            statement.Bind(index, std::string_view(value));
          } else {
            statement.Bind(index, value);
          }
        },
        params[i]);
  }
  return &statement;
}

Result<std::vector<SqlRow>> SqliteSqlTransaction::Query(std::string_view sql,
                                                        const std::vector<SqlValue>& params) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement * statement, Bound(sql, params));
  ResetOnExit reset(statement);
  std::vector<SqlRow> rows;
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool row, statement->Step());
    if (!row) return rows;
    std::vector<SqlValue> columns;
    const int count = statement->ColumnCount();
    columns.reserve(static_cast<std::size_t>(count));
    for (int c = 0; c < count; ++c) {
      TESSERA_ASSIGN_OR_RETURN(SqlValue value, Column(*statement, c));
      columns.push_back(std::move(value));
    }
    rows.emplace_back(std::move(columns));
  }
}

Result<std::int64_t> SqliteSqlTransaction::Execute(std::string_view sql,
                                                   const std::vector<SqlValue>& params) {
  TESSERA_ASSIGN_OR_RETURN(SqliteStatement * statement, Bound(sql, params));
  ResetOnExit reset(statement);
  while (true) {
    TESSERA_ASSIGN_OR_RETURN(bool row, statement->Step());
    if (!row) break;
  }
  return db_.Changes();
}

}  // namespace tessera::directory::sqlite
