#include "services/directory/database.hpp"

#include <string>

#include "services/directory/postgres/pg_database.hpp"
#include "services/directory/sqlite/sqlite_database.hpp"

namespace tessera::directory {
namespace {

Status WrongType(std::size_t column, const char* wanted) {
  return Status::Internal("result column " + std::to_string(column) + " is not " + wanted);
}

template <typename T>
Result<T> Get(const std::vector<SqlValue>& columns, std::size_t column, const char* wanted) {
  if (column >= columns.size()) {
    return Status::Internal("result column " + std::to_string(column) + " out of range (" +
                            std::to_string(columns.size()) + " columns)");
  }
  const T* value = std::get_if<T>(&columns[column]);
  if (value == nullptr) return WrongType(column, wanted);
  return *value;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool SqlRow::IsNull(std::size_t column) const {
  return column >= columns_.size() || std::holds_alternative<std::monostate>(columns_[column]);
}

Result<std::int64_t> SqlRow::Int(std::size_t column) const {
  return Get<std::int64_t>(columns_, column, "an integer");
}

Result<std::string> SqlRow::Text(std::size_t column) const {
  return Get<std::string>(columns_, column, "text");
}

Result<Bytes> SqlRow::Blob(std::size_t column) const {
  return Get<Bytes>(columns_, column, "bytes");
}

Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                               const DatabaseOptions& options) {
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    return OpenPostgresDatabase(std::string(url), options);
  }
  if (StartsWith(url, "sqlite:")) url.remove_prefix(7);
  // "sqlite:" URLs are paths, not RFC 3986 URIs: "sqlite:/a/b" and
  // "sqlite:///a/b" both name /a/b.
  if (StartsWith(url, "//")) url.remove_prefix(2);
  const std::size_t colon = url.find(':');
  const std::size_t slash = url.find('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
    return Status::InvalidArgument("unknown directory URL scheme '" +
                                   std::string(url.substr(0, colon)) +
                                   "' (expected sqlite:PATH or postgresql://...)");
  }
  if (url.empty()) return Status::InvalidArgument("the directory URL 'sqlite:' names no file");
  return OpenSqliteDatabase(std::filesystem::path(std::string(url)), options);
}

std::string RedactUrl(std::string_view url_view) {
  std::string url(url_view);
  const std::size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    const std::size_t start = scheme + 3;
    const std::size_t at = url.find('@', start);
    const std::size_t slash = url.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const std::size_t colon = url.find(':', start);
      if (colon != std::string::npos && colon < at) url.erase(colon, at - colon);
    }
  }
  const std::size_t password = url.find("password=");
  if (password != std::string::npos) {
    const std::size_t end = url.find('&', password);
    url.replace(password, end == std::string::npos ? std::string::npos : end - password,
                "password=***");
  }
  return url;
}

}  // namespace tessera::directory
