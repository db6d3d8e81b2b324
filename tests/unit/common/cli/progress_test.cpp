// ProgressRenderer (common/cli/progress.hpp) on a fake clock: what a terminal
// and a log see, and when.
#include "common/cli/progress.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tessera::cli {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FakeClock {
 public:
  std::chrono::steady_clock::time_point now{seconds(1000)};
  ProgressRenderer::Clock clock() {
    return [this] { return now; };
  }
};

struct Output {
  std::vector<std::string> writes;
  ProgressRenderer::Writer writer() {
    return [this](std::string_view text) { writes.emplace_back(text); };
  }
};

TEST(ProgressMode, ParsesTheThreeNamesAndChoosesByTerminal) {
  EXPECT_EQ(ParseProgressMode("bar"), ProgressMode::kBar);
  EXPECT_EQ(ParseProgressMode("plain"), ProgressMode::kPlain);
  EXPECT_EQ(ParseProgressMode("none"), ProgressMode::kNone);
  EXPECT_EQ(ParseProgressMode("auto"), std::nullopt);
  EXPECT_EQ(ChooseProgressMode(std::nullopt, true), ProgressMode::kBar);
  EXPECT_EQ(ChooseProgressMode(std::nullopt, false), ProgressMode::kPlain);
  EXPECT_EQ(ChooseProgressMode(ProgressMode::kPlain, true), ProgressMode::kPlain);
  EXPECT_EQ(ChooseProgressMode(ProgressMode::kBar, false), ProgressMode::kBar);
}

TEST(ProgressRenderer, BarShowsCountRateAndEtaRedrawnInPlace) {
  FakeClock clock;
  Output out;
  ProgressRenderer p(ProgressMode::kBar, "mk-replace", "tokens", out.writer(), clock.clock());
  clock.now += seconds(10);
  p.Update({50, 2, 200});
  ASSERT_EQ(out.writes.size(), 1u);
  // 50 in 10 s: 5/s, 150 left: 30 s.
  EXPECT_EQ(out.writes[0],
            "\r[#######.......................] 50/200 tokens, 2 failed, 5.0 tokens/s, "
            "ETA 0:30\x1b[K");
  clock.now += milliseconds(100);
  p.Update({51, 2, 200});
  EXPECT_EQ(out.writes.size(), 1u) << "at most one redraw per 200 ms";
  clock.now += milliseconds(100);
  p.Update({52, 2, 200});
  EXPECT_EQ(out.writes.size(), 2u);
  p.Finish({200, 2, 200});
  ASSERT_EQ(out.writes.size(), 3u);
  EXPECT_EQ(out.writes.back().front(), '\r');
  EXPECT_EQ(out.writes.back().back(), '\n') << "the finished bar keeps its line";
  EXPECT_NE(out.writes.back().find("[##############################] 200/200"), std::string::npos);
  EXPECT_NE(out.writes.back().find("ETA 0:00"), std::string::npos);
}

TEST(ProgressRenderer, PlainWritesALineEveryIntervalAndAtTheEnd) {
  FakeClock clock;
  Output out;
  ProgressRenderer p(ProgressMode::kPlain, "tessera: personalize", "tokens", out.writer(),
                     clock.clock(), seconds(5));
  for (int i = 1; i <= 12; ++i) {  // one token a second for 12 s
    clock.now += seconds(1);
    p.Update({static_cast<std::size_t>(i), 0, 20});
  }
  ASSERT_EQ(out.writes.size(), 2u) << "at 5 s and at 10 s";
  EXPECT_EQ(out.writes[0],
            "tessera: personalize: 5/20 tokens (25%), 0 failed, 1.0 tokens/s, ETA 0:15\n");
  EXPECT_EQ(out.writes[1],
            "tessera: personalize: 10/20 tokens (50%), 0 failed, 1.0 tokens/s, ETA 0:10\n");
  p.Finish({12, 1, 12});
  ASSERT_EQ(out.writes.size(), 3u);
  EXPECT_EQ(out.writes[2],
            "tessera: personalize: 12/12 tokens (100%), 1 failed, 1.0 tokens/s, ETA 0:00\n");
}

TEST(ProgressRenderer, NoneWritesNothing) {
  FakeClock clock;
  Output out;
  ProgressRenderer p(ProgressMode::kNone, "x", "tokens", out.writer(), clock.clock());
  clock.now += seconds(60);
  p.Update({1, 0, 2});
  p.Finish({2, 0, 2});
  EXPECT_TRUE(out.writes.empty());
}

TEST(ProgressRenderer, EtaIsUnknownBeforeTheFirstTokenAndRateZeroAtTheStart) {
  FakeClock clock;
  Output out;
  ProgressRenderer p(ProgressMode::kBar, "x", "tokens", out.writer(), clock.clock());
  p.Update({0, 0, 10});
  ASSERT_EQ(out.writes.size(), 1u);
  EXPECT_NE(out.writes[0].find("0/10 tokens, 0 failed, 0.0 tokens/s, ETA --:--"), std::string::npos)
      << out.writes[0];
}

TEST(FormatDuration, MinutesAndHours) {
  EXPECT_EQ(FormatDuration(seconds(7)), "0:07");
  EXPECT_EQ(FormatDuration(seconds(754)), "12:34");
  EXPECT_EQ(FormatDuration(seconds(3723)), "1:02:03");
  EXPECT_EQ(FormatDuration(std::nullopt), "--:--");
}

}  // namespace
}  // namespace tessera::cli
