// Completion candidates and help defaults from a CLI11 tree
// (common/cli/completion.hpp), on a small app shaped like tessera's.
#include "common/cli/completion.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace tessera::cli {
namespace {

class CompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CLI::App* token = app_.add_subcommand("token", "Inspect tokens");
    CLI::App* list = token->add_subcommand("list", "List");
    list->add_flag("--json", json_, "as JSON");
    CLI::App* replace = app_.add_subcommand("mk-replace", "Replace");
    replace->add_option("--jobs", jobs_, "jobs")->check(CLI::Range(1, 64));
    replace->add_option("--progress", progress_, "progress")
        ->check(CLI::IsMember({"auto", "bar", "plain", "none"}));
    replace->add_option("--token", serial_, "serial")->default_str("none");
    replace->add_option("--hsm", hsm_, "HSM")->required();
    replace->add_option("--out", out_, "file; default stdout");
    replace->add_option("--ca-file", ca_file_, "PEM CA");
    app_.add_subcommand("__hidden", "")->group("");
  }
  std::vector<std::string> Complete(const std::vector<std::string>& words) {
    return CompletionCandidates(app_, words);
  }
  static bool Has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }

  CLI::App app_{"test"};
  bool json_ = false;
  int jobs_ = 1;
  std::string progress_ = "auto";
  std::uint32_t serial_ = 0;
  std::string hsm_, out_, ca_file_;
};

TEST_F(CompletionTest, TheTopLevelOffersTheVisibleSubcommandsAndHelp) {
  std::vector<std::string> c = Complete({});
  EXPECT_TRUE(Has(c, "token"));
  EXPECT_TRUE(Has(c, "mk-replace"));
  EXPECT_TRUE(Has(c, "--help"));
  EXPECT_FALSE(Has(c, "__hidden"));
  EXPECT_FALSE(Has(c, "list")) << "only the next level";
}

TEST_F(CompletionTest, WordsWalkDownTheTreeAndSkipOptionValues) {
  EXPECT_TRUE(Has(Complete({"token"}), "list"));
  std::vector<std::string> list = Complete({"token", "list"});
  EXPECT_TRUE(Has(list, "--json"));
  EXPECT_FALSE(Has(list, "list"));
  std::vector<std::string> replace = Complete({"mk-replace", "--jobs", "4"});
  EXPECT_TRUE(Has(replace, "--progress"));
  EXPECT_TRUE(Has(replace, "--hsm"));
  EXPECT_EQ(Complete({"mk-replace", "--jobs=4"}), replace);
}

TEST_F(CompletionTest, AnOptionsValueIsItsChoicesOrNothing) {
  EXPECT_EQ(Complete({"mk-replace", "--progress"}),
            (std::vector<std::string>{"auto", "bar", "plain", "none"}));
  EXPECT_TRUE(Complete({"mk-replace", "--out"}).empty()) << "the shell completes file names";
  // bash's words for "--progress=<TAB>" and "--progress=bar --<TAB>".
  EXPECT_EQ(Complete({"mk-replace", "--progress", "="}), Complete({"mk-replace", "--progress"}));
  EXPECT_TRUE(Has(Complete({"mk-replace", "--progress", "=", "bar"}), "--jobs"));
}

TEST_F(CompletionTest, MaybeCompleteAnswersOnlyTheHiddenCommand) {
  std::ostringstream out;
  const char* complete[] = {"tessera", kCompleteCommand, "token"};
  EXPECT_TRUE(MaybeComplete(app_, 3, complete, out));
  EXPECT_EQ(out.str(), "list\n--help\n-h\n");
  std::ostringstream none;
  const char* normal[] = {"tessera", "token", "list"};
  EXPECT_FALSE(MaybeComplete(app_, 3, normal, none));
  EXPECT_TRUE(none.str().empty());
}

TEST_F(CompletionTest, ShowDefaultsGivesEveryValueOptionADefault) {
  ShowDefaults(app_);
  CLI::App* replace = app_.get_subcommand("mk-replace");
  EXPECT_EQ(replace->get_option("--jobs")->get_default_str(), "1");
  EXPECT_EQ(replace->get_option("--progress")->get_default_str(), "auto");
  EXPECT_EQ(replace->get_option("--token")->get_default_str(), "none") << "kept";
  EXPECT_EQ(replace->get_option("--ca-file")->get_default_str(), "none") << "empty: none";
  EXPECT_EQ(replace->get_option("--out")->get_default_str(), "") << "the description says it";
  EXPECT_EQ(replace->get_option("--hsm")->get_default_str(), "") << "required";
  const std::string help = replace->help();
  EXPECT_NE(help.find("=1"), std::string::npos) << help;
  EXPECT_NE(help.find("=auto"), std::string::npos) << help;
}

}  // namespace
}  // namespace tessera::cli
