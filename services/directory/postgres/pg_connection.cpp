#include "services/directory/postgres/pg_connection.hpp"

#include <libpq-fe.h>

#include <cstring>
#include <utility>

#include "services/directory/postgres/pg_status.hpp"

namespace tessera::directory::pg {
namespace {

// Type OIDs (src/include/catalog/pg_type.dat).
constexpr Oid kBool = 16;
constexpr Oid kBytea = 17;
constexpr Oid kName = 19;
constexpr Oid kInt8 = 20;
constexpr Oid kInt2 = 21;
constexpr Oid kInt4 = 23;
constexpr Oid kText = 25;
constexpr Oid kUnknown = 705;
constexpr Oid kBpchar = 1042;
constexpr Oid kVarchar = 1043;

std::int64_t BigEndian(const char* data, int size) {
  std::uint64_t v = 0;
  for (int i = 0; i < size; ++i) v = (v << 8) | static_cast<std::uint8_t>(data[i]);
  // Sign-extend a 2- or 4-byte integer.
  const int shift = 64 - 8 * size;
  return shift == 0 ? static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v << shift) >> shift;
}

Result<SqlValue> Decode(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column) != 0) return SqlValue{};
  const char* data = PQgetvalue(result, row, column);
  const int size = PQgetlength(result, row, column);
  const Oid type = PQftype(result, column);
  switch (type) {
    case kInt8:
    case kInt4:
    case kInt2:
    case kBool:
      if (size != 8 && size != 4 && size != 2 && size != 1) break;
      if (type == kBool) return SqlValue{std::int64_t{data[0] != 0}};
      return SqlValue{BigEndian(data, size)};
    case kText:
    case kVarchar:
    case kName:
    case kBpchar:
    case kUnknown: return SqlValue{std::string(data, static_cast<std::size_t>(size))};
    case kBytea: {
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
      return SqlValue{Bytes(bytes, bytes + size)};
    }
    default: break;
  }
  return Status::Internal("result column " + std::to_string(column) + " has PostgreSQL type " +
                          std::to_string(type) + ", which the directory does not read");
}

Oid TypeOf(const SqlValue& value) {
  switch (value.index()) {
    case 1: return kInt8;
    case 2: return kText;
    case 3: return kBytea;
    default: return 0;  // NULL: the server infers it
  }
}

}  // namespace

void PgResultFree::operator()(pg_result* result) const noexcept { PQclear(result); }

Result<PgConnection> PgConnection::Connect(const std::string& url, const std::string& description,
                                           std::chrono::seconds timeout) {
  const std::string seconds = std::to_string(std::max<std::int64_t>(1, timeout.count()));
  // expand_dbname: "dbname" holds the whole URL; the other keywords add to it.
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), seconds.c_str(), "tessera", nullptr};
  PgConnection connection(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (connection.conn_ == nullptr) return Status::Internal("libpq: out of memory");
  if (PQstatus(connection.conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(connection.conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Status::Unavailable("cannot connect to the directory " + description + ": " + message);
  }
  // The server's notices (e.g. "relation already exists, skipping") are not
  // for the operator's terminal.
  PQsetNoticeProcessor(
      connection.conn_, [](void*, const char*) {}, nullptr);
  return connection;
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

PgConnection::PgConnection(PgConnection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      marked_broken_(other.marked_broken_),
      prepared_(std::move(other.prepared_)) {}

PgConnection& PgConnection::operator=(PgConnection&& other) noexcept {
  if (this != &other) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    marked_broken_ = other.marked_broken_;
    prepared_ = std::move(other.prepared_);
  }
  return *this;
}

bool PgConnection::broken() const {
  return marked_broken_ || conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD;
}

Status PgConnection::Error(const pg_result* result, std::string_view what) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr || *state == '\0') marked_broken_ = true;
  const char* message = result != nullptr && *PQresultErrorMessage(result) != '\0'
                            ? PQresultErrorMessage(result)
                            : PQerrorMessage(conn_);
  return PgStatus(state != nullptr ? state : "", what, message, broken());
}

Status PgConnection::Exec(const std::string& sql) {
  PgResult result(PQexec(conn_, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::Ok();
  return Error(result.get(), sql.substr(0, 60));
}

Result<std::string> PgConnection::Prepared(std::string_view sql, const std::vector<Oid>& types) {
  std::string key;
  for (Oid type : types) key += std::to_string(type) + ",";
  key += '\n';
  key += sql;
  auto it = prepared_.find(key);
  if (it != prepared_.end()) return it->second;
  std::string name = "t" + std::to_string(prepared_.size() + 1);
  PgResult result(PQprepare(conn_, name.c_str(), std::string(sql).c_str(),
                            static_cast<int>(types.size()), types.data()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return Error(result.get(), "prepare '" + std::string(sql) + "'");
  }
  prepared_.emplace(std::move(key), name);
  return name;
}

Result<std::vector<SqlRow>> PgConnection::Query(std::string_view sql,
                                                const std::vector<SqlValue>& params,
                                                std::int64_t* changed) {
  std::vector<Oid> types;
  std::vector<std::string> texts(params.size());  // keeps integer text alive
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  static constexpr char kEmpty = 0;  // a zero-length value that is not NULL
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SqlValue& p = params[i];
    types.push_back(TypeOf(p));
    if (const auto* n = std::get_if<std::int64_t>(&p)) {
      texts[i] = std::to_string(*n);
      values.push_back(texts[i].c_str());
      lengths.push_back(0);
      formats.push_back(0);
    } else if (const auto* s = std::get_if<std::string>(&p)) {
      values.push_back(s->c_str());
      lengths.push_back(0);
      formats.push_back(0);
    } else if (const auto* b = std::get_if<Bytes>(&p)) {
      values.push_back(b->empty() ? &kEmpty : reinterpret_cast<const char*>(b->data()));
      lengths.push_back(static_cast<int>(b->size()));
      formats.push_back(1);
    } else {
      values.push_back(nullptr);
      lengths.push_back(0);
      formats.push_back(0);
    }
  }
  TESSERA_ASSIGN_OR_RETURN(std::string name, Prepared(sql, types));
  PgResult result(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                 values.data(), lengths.data(), formats.data(),
                                 /*resultFormat=binary*/ 1));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return Error(result.get(), std::string(sql.substr(0, 60)));
  }
  if (changed != nullptr) {
    const char* tuples = PQcmdTuples(result.get());
    *changed = *tuples == '\0' ? 0 : std::stoll(tuples);
  }
  std::vector<SqlRow> rows;
  const int row_count = PQntuples(result.get());
  const int column_count = PQnfields(result.get());
  rows.reserve(static_cast<std::size_t>(row_count));
  for (int r = 0; r < row_count; ++r) {
    std::vector<SqlValue> columns;
    columns.reserve(static_cast<std::size_t>(column_count));
    for (int c = 0; c < column_count; ++c) {
      TESSERA_ASSIGN_OR_RETURN(SqlValue value, Decode(result.get(), r, c));
      columns.push_back(std::move(value));
    }
    rows.emplace_back(std::move(columns));
  }
  return rows;
}

}  // namespace tessera::directory::pg
