#include "services/cms/users_csv.hpp"

#include <map>
#include <string>

namespace tessera::cms {
namespace {

// One record's fields; `pos` moves past its line end. kInvalidArgument for
// an unterminated quote or text after a closing quote.
Result<std::vector<std::string>> ReadRecord(std::string_view text, std::size_t& pos, int line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  bool after_quote = false;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (quoted) {
      if (c != '"')
        fields.back() += c;
      else if (pos < text.size() && text[pos] == '"')
        fields.back() += '"', ++pos;
      else
        quoted = false, after_quote = true;
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      after_quote = false;
      continue;
    }
    if (c == '\n') return fields;
    if (c == '\r') continue;
    if (c == '"' && fields.back().empty() && !after_quote) {
      quoted = true;
      continue;
    }
    if (after_quote) {
      return Status::InvalidArgument("line " + std::to_string(line) +
                                     ": text after a closing quote");
    }
    fields.back() += c;
  }
  if (quoted)
    return Status::InvalidArgument("line " + std::to_string(line) + ": unterminated quote");
  return fields;
}

}  // namespace

Result<std::vector<directory::UserRecord>> ParseUsersCsv(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t pos = 0;
  int line = 1;
  TESSERA_ASSIGN_OR_RETURN(std::vector<std::string> header, ReadRecord(text, pos, line));
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < header.size(); ++i) {
    static const char* kKnown[] = {"id",    "name",     "organization",
                                   "email", "document", "photo_sha256"};
    bool known = false;
    for (const char* k : kKnown) known = known || header[i] == k;
    if (!known) return Status::InvalidArgument("line 1: unknown column '" + header[i] + "'");
    if (!column.emplace(header[i], i).second) {
      return Status::InvalidArgument("line 1: column '" + header[i] + "' twice");
    }
  }
  if (!column.count("id") || !column.count("name")) {
    return Status::InvalidArgument("line 1: the header must name the columns id and name");
  }
  std::vector<directory::UserRecord> users;
  while (pos < text.size()) {
    ++line;
    TESSERA_ASSIGN_OR_RETURN(std::vector<std::string> fields, ReadRecord(text, pos, line));
    if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
    if (fields.size() != header.size()) {
      return Status::InvalidArgument("line " + std::to_string(line) + ": " +
                                     std::to_string(fields.size()) + " fields, the header has " +
                                     std::to_string(header.size()));
    }
    auto get = [&](const char* name) {
      auto it = column.find(name);
      return it == column.end() ? std::string() : fields[it->second];
    };
    directory::UserRecord user;
    user.id = get("id");
    user.display_name = get("name");
    user.organization = get("organization");
    user.email = get("email");
    user.document = get("document");
    if (const std::string photo = get("photo_sha256"); !photo.empty()) {
      Result<Bytes> hash = FromHex(photo);
      if (!hash.ok() || hash->size() != 32) {
        return Status::InvalidArgument("line " + std::to_string(line) +
                                       ": photo_sha256 must be 64 hex digits");
      }
      user.photo_hash = *hash;
    }
    users.push_back(std::move(user));
  }
  return users;
}

}  // namespace tessera::cms
