// ProgressRenderer: shows a bulk run (tessera personalize --all,
// mk-replace --all, ...) moving. Three modes:
//   kBar    one line redrawn in place ("\r"): a bar, the count, failures,
//           the rate and the ETA, at most every 200 ms (for a terminal);
//   kPlain  a whole line every `plain_interval` (5 s) and at the end, so a
//           log shows the run moving (for a pipe or a file);
//   kNone   nothing.
// `--progress bar|plain|none` chooses; without it ChooseProgressMode picks bar
// on a terminal and plain elsewhere. The clock is injected so tests can drive
// it. Not thread-safe: call from one thread (RunBulk's progress callback runs
// on the calling thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::cli {

enum class ProgressMode { kBar, kPlain, kNone };

// "bar", "plain" or "none"; nullopt otherwise.
std::optional<ProgressMode> ParseProgressMode(std::string_view text);
// `requested` when given, else kBar when `terminal`, else kPlain.
ProgressMode ChooseProgressMode(std::optional<ProgressMode> requested, bool terminal);

struct ProgressCount {
  std::size_t done = 0;  // finished, failures included
  std::size_t failed = 0;
  std::size_t total = 0;
};

class ProgressRenderer {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Writer = std::function<void(std::string_view)>;

  // `label` starts each plain line ("mk-replace"); `unit` names what is
  // counted ("tokens"). The run's start is the clock's time now.
  ProgressRenderer(ProgressMode mode, std::string label, std::string unit, Writer write,
                   Clock clock = std::chrono::steady_clock::now,
                   std::chrono::milliseconds plain_interval = std::chrono::seconds(5));

  // Writes when a line is due.
  void Update(const ProgressCount& count);
  // The last state, always written (plain), and the bar's line ended.
  void Finish(const ProgressCount& count);

  // "[#####.........] 120/200 tokens, 3 failed, 41.2 tokens/s, ETA 0:02"
  std::string BarLine(const ProgressCount& count) const;
  // "mk-replace: 120/200 tokens (60%), 3 failed, 41.2 tokens/s, ETA 0:02"
  std::string PlainLine(const ProgressCount& count) const;

 private:
  double Rate(const ProgressCount& count) const;
  std::string Eta(const ProgressCount& count) const;

  ProgressMode mode_;
  std::string label_;
  std::string unit_;
  Writer write_;
  Clock clock_;
  std::chrono::milliseconds plain_interval_;
  std::chrono::steady_clock::time_point start_;
  std::optional<std::chrono::steady_clock::time_point> last_;
};

// "0:07", "12:34", "1:02:03"; "--:--" when unknown.
std::string FormatDuration(std::optional<std::chrono::seconds> seconds);

}  // namespace tessera::cli
