#include "common/cli/completion.hpp"

#include <ostream>

namespace tessera::cli {
namespace {

// Flags expect no value (CLI11 App::_parse_arg treats expected_min 0 so).
bool TakesValue(const CLI::Option* option) {
  return option->get_expected_min() > 0 && option->get_type_size_max() > 0 &&
         !option->get_positional();
}

// The option named by `word` ("--jobs", "-j", "--jobs=4") in `app` or a parent.
const CLI::Option* FindOption(CLI::App* app, const std::string& word) {
  const std::string name = word.substr(0, word.find('='));
  for (CLI::App* at = app; at != nullptr; at = at->get_parent()) {
    for (const CLI::Option* option : at->get_options()) {
      if (option->check_name(name)) return option;
    }
  }
  return nullptr;
}

// "{none,realistic}" in the type name ("TEXT:{none,realistic}") as a list.
std::vector<std::string> Choices(const CLI::Option* option) {
  const std::string type = option->get_type_name();
  const std::size_t open = type.find('{');
  const std::size_t close = type.find('}', open);
  std::vector<std::string> choices;
  if (open == std::string::npos || close == std::string::npos) return choices;
  std::string item;
  for (std::size_t i = open + 1; i <= close; ++i) {
    if (type[i] == ',' || i == close) {
      if (!item.empty()) choices.push_back(item);
      item.clear();
    } else if (type[i] != ' ') {
      item += type[i];
    }
  }
  return choices;
}

void AddNames(const CLI::Option* option, std::vector<std::string>& out) {
  for (const std::string& name : option->get_lnames()) out.push_back("--" + name);
  for (const std::string& name : option->get_snames()) out.push_back("-" + name);
}

}  // namespace

std::vector<std::string> CompletionCandidates(CLI::App& app,
                                              const std::vector<std::string>& words) {
  CLI::App* at = &app;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word.rfind('-', 0) == 0) {
      const CLI::Option* option = FindOption(at, word);
      const bool inline_value = word.find('=') != std::string::npos;
      if (option != nullptr && TakesValue(option) && !inline_value) {
        // bash splits "--progress=bar" into "--progress", "=", "bar".
        if (i + 1 < words.size() && words[i + 1] == "=") ++i;
        if (i + 1 == words.size()) return Choices(option);  // completing its value
        ++i;                                                // skip the value
      }
      continue;
    }
    for (CLI::App* sub : at->get_subcommands([](CLI::App*) { return true; })) {
      if (sub->check_name(word)) {
        at = sub;
        break;
      }
    }
  }
  std::vector<std::string> out;
  for (CLI::App* sub : at->get_subcommands([](CLI::App*) { return true; })) {
    if (!sub->get_name().empty() && !sub->get_group().empty()) out.push_back(sub->get_name());
  }
  // CLI11 gives a subcommand its own options only (no fallthrough here).
  for (const CLI::Option* option : at->get_options()) {
    if (option->get_positional() || option->get_group().empty()) continue;  // hidden
    AddNames(option, out);
  }
  return out;
}

bool MaybeComplete(CLI::App& app, int argc, const char* const* argv, std::ostream& out) {
  if (argc < 2 || std::string(argv[1]) != kCompleteCommand) return false;
  std::vector<std::string> words(argv + 2, argv + argc);
  for (const std::string& candidate : CompletionCandidates(app, words)) {
    out << candidate << "\n";
  }
  out << std::flush;
  return true;
}

void ShowDefaults(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (!TakesValue(option) || option->get_required()) continue;
    if (option->get_default_str().empty()) option->capture_default_str();
    const std::string shown = option->get_default_str();
    if (!shown.empty() && shown != "[]") continue;
    // Nothing to show: the description says the default, or there is none.
    const bool described = option->get_description().find("default") != std::string::npos;
    option->default_str(described ? "" : "none");
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) ShowDefaults(*sub);
}

}  // namespace tessera::cli
