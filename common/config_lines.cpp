#include "common/config_lines.hpp"

#include "common/text.hpp"

namespace tessera {

Result<std::vector<ConfigLine>> ParseConfigLines(std::string_view text, std::string_view origin) {
  std::vector<ConfigLine> out;
  int number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    std::string_view content = TrimBlanks(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    std::string where = std::string(origin) + ":" + std::to_string(number) + ": ";
    const auto eq = content.find('=');
    if (eq == std::string_view::npos)
      return Status::InvalidArgument(where + "expected key = value");
    ConfigLine entry;
    entry.key = std::string(TrimBlanks(content.substr(0, eq)));
    entry.value = std::string(TrimBlanks(content.substr(eq + 1)));
    if (entry.key.empty()) return Status::InvalidArgument(where + "the key is empty");
    if (entry.value.empty()) return Status::InvalidArgument(where + entry.key + " has no value");
    entry.where = std::move(where);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace tessera
