// The tools as a user meets them (docs/cli.md, docs/tessera-sim.md,
// docs/tesserad.md), through the real binaries: --version, help text with
// every option's default and no internal references, bash completion that
// agrees with --help, `token list` as a table and as JSON, the other --json
// reads, and a missing simulator run directory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "tests/integration/sim_harness.hpp"
#include "tests/support/run_tool.hpp"
#include "tests/support/temp_dir.hpp"

namespace tessera::testing {
namespace {

std::string SourceDir() {
  const char* dir = std::getenv("TESSERA_SOURCE_DIR");  // NOLINT(concurrency-mt-unsafe)
  return dir != nullptr ? dir : TESSERA_SOURCE_ROOT;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class CliUxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(home());
    ::chmod(home().c_str(), 0700);
  }
  std::filesystem::path home() const { return dir_.path() / "home"; }
  std::filesystem::path run() const { return dir_.path() / "run"; }
  ToolResult Cli(const std::vector<std::string>& args,
                 const std::string& sim_dir = std::string()) const {
    return RunTesseraCli(TESSERA_CLI_BINARY,
                         {"TESSERA_HOME=" + home().string(), "TESSERA_TRANSPORTS=sim",
                          "TESSERA_SIM_DIR=" + (sim_dir.empty() ? run().string() : sim_dir)},
                         args);
  }
  TempDir dir_{"tessera-ux"};
};

// "tessera 0.1.0 (commit 1a2b3c4d5e6f+dirty, Debug build)".
void ExpectVersionLine(const std::string& program, const ToolResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  const std::regex line(program + R"( \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(\+dirty)?|unknown), )"
                                  R"([A-Za-z]+ build\)\n)");
  EXPECT_TRUE(std::regex_match(r.out, line)) << r.Describe();
}

TEST(CliVersion, EveryToolPrintsItsVersionCommitAndBuildType) {
  ExpectVersionLine("tessera", RunTool({TESSERA_CLI_BINARY, "--version"}));
  ExpectVersionLine("tesserad", RunTool({TESSERAD_BINARY, "--version"}));
  ExpectVersionLine("tessera-sim", RunTool({SimBinary().string(), "--version"}));
  // One build, one commit.
  const std::string a = RunTool({TESSERA_CLI_BINARY, "--version"}).out;
  const std::string b = RunTool({TESSERAD_BINARY, "--version"}).out;
  EXPECT_EQ(a.substr(a.find(' ')), b.substr(b.find(' ')));
}

// One command's --help, split into what the checks need.
struct Help {
  std::vector<std::string> subcommands;
  std::vector<std::string> options;   // every name: "--jobs", "-h"
  std::vector<std::string> problems;  // value options without a default
};

Help ParseHelp(const std::string& text) {
  Help help;
  std::string section;
  const std::vector<std::string> lines = Lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (!line.empty() && line[0] != ' ') {
      section = line;
      continue;
    }
    if (line.size() < 3 || line[2] == ' ') continue;  // a wrapped description
    std::string head = line.substr(2);
    const std::size_t gap = head.find("  ");
    const std::string left = head.substr(0, gap);
    const std::string right = gap == std::string::npos ? "" : head.substr(gap);
    if (section.rfind("Subcommands:", 0) == 0) {
      help.subcommands.push_back(left.substr(0, left.find(' ')));
      continue;
    }
    if (section.rfind("Options:", 0) != 0 || left[0] != '-') continue;
    std::string names = left.substr(0, left.find(' '));
    std::istringstream split(names);
    for (std::string name; std::getline(split, name, ',');) help.options.push_back(name);
    // A value option has a TYPE after its names (flags have none).
    // (A capitalised word like "Excludes:" is not a TYPE.)
    const bool takes_value = std::regex_search(left, std::regex(R"(^\S+ [A-Z][A-Z:]+([ =]|$))"));
    if (!takes_value || left.find("REQUIRED") != std::string::npos) continue;
    std::string description = right;
    if (i + 1 < lines.size() && lines[i + 1].rfind("                              ", 0) == 0) {
      description += lines[i + 1];
    }
    const bool shown = left.find('=') != std::string::npos;
    if (!shown && description.find("default") == std::string::npos) {
      help.problems.push_back(left);
    }
  }
  return help;
}

std::vector<std::string> Complete(const std::string& binary,
                                  const std::vector<std::string>& words) {
  std::vector<std::string> argv = {binary, "__complete"};
  argv.insert(argv.end(), words.begin(), words.end());
  ToolResult r = RunTool(argv);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return Lines(r.out);
}

// Every command of `binary`: its help has no internal references, every
// value option shows a default, and the completion offers exactly its
// subcommands and all its options.
void CheckEveryCommand(const std::string& binary, const std::vector<std::string>& path,
                       int* commands) {
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), path.begin(), path.end());
  argv.emplace_back("--help");
  ToolResult r = RunTool(argv);
  std::string where;
  for (const auto& word : path) where += " " + word;
  ASSERT_EQ(r.exit_code, 0) << where << "\n" << r.Describe();
  ++*commands;
  // Seeds, their claims and issue numbers are the project's, not the user's
  // ("claims to disclose" of an SD-JWT are the user's).
  const std::regex internal(R"(seed \d|claims? \d|issue \d|\(issue)");
  EXPECT_FALSE(std::regex_search(r.out, internal)) << where << "\n" << r.out;
  const Help help = ParseHelp(r.out);
  EXPECT_TRUE(help.problems.empty()) << where << ": options without a default:\n"
                                     << ::testing::PrintToString(help.problems);
  const std::vector<std::string> offered = Complete(binary, path);
  std::set<std::string> offered_words(offered.begin(), offered.end());
  std::set<std::string> offered_subcommands;
  for (const auto& w : offered) {
    if (w[0] != '-') offered_subcommands.insert(w);
  }
  EXPECT_EQ(offered_subcommands,
            std::set<std::string>(help.subcommands.begin(), help.subcommands.end()))
      << where;
  for (const auto& option : help.options) {
    EXPECT_EQ(offered_words.count(option), 1u) << where << ": " << option << " not completed";
  }
  for (const auto& sub : help.subcommands) {
    std::vector<std::string> deeper = path;
    deeper.push_back(sub);
    CheckEveryCommand(binary, deeper, commands);
  }
}

TEST(CliHelp, EveryCommandsHelpAndCompletionAgreeAndShowDefaults) {
  int commands = 0;
  ASSERT_NO_FATAL_FAILURE(CheckEveryCommand(TESSERA_CLI_BINARY, {}, &commands));
  EXPECT_GT(commands, 40) << "the walk reached the whole tree";
  int sim_commands = 0;
  ASSERT_NO_FATAL_FAILURE(CheckEveryCommand(SimBinary().string(), {}, &sim_commands));
  EXPECT_EQ(sim_commands, 7) << "tessera-sim, ctl and its five verbs";
}

// The bash side: the script in tools/completion, sourced into bash, asking
// the real binary.
std::vector<std::string> BashComplete(const std::string& script, const std::string& function,
                                      const std::string& binary,
                                      const std::vector<std::string>& words) {
  std::string array = "'" + binary + "'";
  for (const auto& w : words) array += " '" + w + "'";
  const std::string program = "source '" + SourceDir() + "/tools/completion/" + script +
                              "' && COMP_WORDS=(" + array +
                              ") && COMP_CWORD=" + std::to_string(words.size()) + " && " +
                              function + " && printf '%s\\n' \"${COMPREPLY[@]}\"";
  ToolResult r = RunTool({"bash", "--norc", "--noprofile", "-c", program});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  std::vector<std::string> lines = Lines(r.out);
  lines.erase(std::remove(lines.begin(), lines.end(), ""), lines.end());
  return lines;
}

TEST(CliCompletion, TheBashScriptsCompleteSubcommandsOptionsAndChoices) {
  using V = std::vector<std::string>;
  const std::string cli = TESSERA_CLI_BINARY;
  EXPECT_EQ(BashComplete("tessera", "_tessera_complete", cli, {"to"}), V{"token"});
  EXPECT_EQ(BashComplete("tessera", "_tessera_complete", cli, {"token", ""}),
            (V{"list", "probe", "set-issuer", "activate"}));
  EXPECT_EQ(BashComplete("tessera", "_tessera_complete", cli, {"token", "list", "--"}),
            (V{"--help", "--json"}));
  EXPECT_EQ(BashComplete("tessera", "_tessera_complete", cli, {"mk-replace", "--progress", ""}),
            (V{"auto", "bar", "plain", "none"}));
  V replace = BashComplete("tessera", "_tessera_complete", cli, {"mk-replace", "--j"});
  EXPECT_EQ(replace, V{"--jobs"});
  const std::string sim = SimBinary().string();
  EXPECT_EQ(BashComplete("tessera-sim", "_tessera_sim_complete", sim, {"ctl", ""}),
            (V{"list", "insert", "remove", "power-cycle", "tear"}));
  EXPECT_EQ(BashComplete("tessera-sim", "_tessera_sim_complete", sim, {"--latency", ""}),
            (V{"none", "realistic"}));
  EXPECT_EQ(BashComplete("tessera-sim", "_tessera_sim_complete", sim, {"ctl", "list", "--j"}),
            V{"--json"});
}

TEST_F(CliUxTest, TokenListPrintsAHeaderAndJsonWithStableKeys) {
  auto sim = SimProcess::Start(dir_.path() / "state", run(), {"--tokens", "2"});
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  std::vector<std::uint32_t> serials = (*sim)->Serials();
  ASSERT_EQ(serials.size(), 2u);

  ToolResult table = Cli({"token", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.Describe();
  std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 3u) << table.out;
  EXPECT_TRUE(std::regex_match(lines[0], std::regex("SERIAL +UID +TRANSPORT +LIFECYCLE +MK")))
      << lines[0];

  ToolResult json = Cli({"token", "list", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.Describe();
  nlohmann::json doc = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << json.out;
  ASSERT_EQ(doc["tokens"].size(), 2u) << json.out;
  EXPECT_TRUE(doc["problems"].is_array() && doc["problems"].empty()) << json.out;
  std::set<std::uint32_t> listed;
  for (const nlohmann::json& t : doc["tokens"]) {
    listed.insert(t["serial"].get<std::uint32_t>());
    EXPECT_EQ(t["uid"].get<std::string>().size(), 32u);
    EXPECT_EQ(t["transport"], "sim");
    EXPECT_EQ(t["lifecycle"], "manufactured");
    EXPECT_TRUE(t["mk_version"].is_null()) << "not personalized";
  }
  EXPECT_EQ(listed, std::set<std::uint32_t>(serials.begin(), serials.end()));
  EXPECT_EQ((*sim)->Stop(), 0);
}

TEST_F(CliUxTest, DirectoryStatusAndCaListAsJson) {
  ASSERT_EQ(Cli({"directory", "migrate"}).exit_code, 0);
  ToolResult status = Cli({"directory", "status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.Describe();
  nlohmann::json doc = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << status.out;
  EXPECT_EQ(doc["directory"], "sqlite:" + (home() / "directory.db").string());
  EXPECT_EQ(doc["schema_version"], doc["tool_schema_version"]);
  EXPECT_EQ(doc["rows"]["tokens"], 0);

  ToolResult cas = Cli({"ca", "list", "--json"});
  ASSERT_EQ(cas.exit_code, 0) << cas.Describe();
  EXPECT_EQ(nlohmann::json::parse(cas.out, nullptr, false),
            nlohmann::json({{"cas", nlohmann::json::array()}}))
      << cas.out;
}

TEST_F(CliUxTest, AMissingRunDirectoryIsExit2NamingItForBothTools) {
  const std::string missing = (dir_.path() / "no-such-run").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"token", "list"},
        {"token", "list", "--json"},
        {"token", "probe", "--hsm", "as", "--mk-version", "1", "1"}}) {
    ToolResult r = Cli(args, missing);
    EXPECT_EQ(r.exit_code, 2) << r.Describe();
    EXPECT_NE(r.err.find("run directory " + missing + " (from TESSERA_SIM_DIR) does not exist"),
              std::string::npos)
        << r.Describe();
  }
  ToolResult sim = RunTool({SimBinary().string(), "ctl", "--run-dir", missing, "list"});
  EXPECT_EQ(sim.exit_code, 2) << sim.Describe();
  EXPECT_NE(sim.err.find("run directory " + missing + " (from --run-dir) does not exist"),
            std::string::npos)
      << sim.Describe();
}

TEST_F(CliUxTest, ABrokenTesseraConfNamesItsLineAndIsExit2) {
  const std::string conf = (home() / "tessera.conf").string();
  for (const std::string& text :
       {std::string("transports = sim\nsim.run_dir /x\n"), std::string("# ok\n\nmodule = x\n")}) {
    std::ofstream(conf) << text;
    ToolResult r = Cli({"token", "list"});
    EXPECT_EQ(r.exit_code, 2) << r.Describe();
    const std::string line = text.starts_with("#") ? ":3: " : ":2: ";
    EXPECT_NE(r.err.find("tessera: settings: "), std::string::npos) << r.Describe();
    EXPECT_NE(r.err.find(conf + line), std::string::npos) << r.Describe();
  }
}

}  // namespace
}  // namespace tessera::testing
