#include "common/cli/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera::cli {
namespace {

constexpr std::chrono::milliseconds kBarInterval{200};
constexpr int kBarWidth = 30;

}  // namespace

std::optional<ProgressMode> ParseProgressMode(std::string_view text) {
  if (text == "bar") return ProgressMode::kBar;
  if (text == "plain") return ProgressMode::kPlain;
  if (text == "none") return ProgressMode::kNone;
  return std::nullopt;
}

ProgressMode ChooseProgressMode(std::optional<ProgressMode> requested, bool terminal) {
  if (requested) return *requested;
  return terminal ? ProgressMode::kBar : ProgressMode::kPlain;
}

std::string FormatDuration(std::optional<std::chrono::seconds> seconds) {
  if (!seconds || seconds->count() < 0) return "--:--";
  const long long s = seconds->count();
  char text[32];
  if (s >= 3600) {
    (void)std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    (void)std::snprintf(text, sizeof text, "%lld:%02lld", s / 60, s % 60);
  }
  return text;
}

ProgressRenderer::ProgressRenderer(ProgressMode mode, std::string label, std::string unit,
                                   Writer write, Clock clock,
                                   std::chrono::milliseconds plain_interval)
    : mode_(mode),
      label_(std::move(label)),
      unit_(std::move(unit)),
      write_(std::move(write)),
      clock_(std::move(clock)),
      plain_interval_(plain_interval),
      start_(clock_()) {}

double ProgressRenderer::Rate(const ProgressCount& count) const {
  const double seconds = std::chrono::duration<double>(clock_() - start_).count();
  return seconds > 0 ? static_cast<double>(count.done) / seconds : 0.0;
}

std::string ProgressRenderer::Eta(const ProgressCount& count) const {
  const double rate = Rate(count);
  if (count.done >= count.total) return FormatDuration(std::chrono::seconds(0));
  if (rate <= 0) return FormatDuration(std::nullopt);
  const double left = static_cast<double>(count.total - count.done) / rate;
  return FormatDuration(std::chrono::seconds(std::llround(left)));
}

std::string ProgressRenderer::BarLine(const ProgressCount& count) const {
  const std::size_t total = std::max<std::size_t>(count.total, 1);
  const int filled = count.total == 0
                         ? kBarWidth
                         : static_cast<int>(kBarWidth * std::min(count.done, total) / total);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kBarWidth - filled), '.');
  char line[256];
  (void)std::snprintf(line, sizeof line, "[%s] %zu/%zu %s, %zu failed, %.1f %s/s, ETA %s",
                      bar.c_str(), count.done, count.total, unit_.c_str(), count.failed,
                      Rate(count), unit_.c_str(), Eta(count).c_str());
  return line;
}

std::string ProgressRenderer::PlainLine(const ProgressCount& count) const {
  const unsigned percent =
      count.total == 0 ? 100U : static_cast<unsigned>(100 * count.done / count.total);
  char line[256];
  (void)std::snprintf(line, sizeof line, "%s: %zu/%zu %s (%u%%), %zu failed, %.1f %s/s, ETA %s",
                      label_.c_str(), count.done, count.total, unit_.c_str(), percent, count.failed,
                      Rate(count), unit_.c_str(), Eta(count).c_str());
  return line;
}

void ProgressRenderer::Update(const ProgressCount& count) {
  if (mode_ == ProgressMode::kNone) return;
  const auto now = clock_();
  if (mode_ == ProgressMode::kBar) {
    if (last_ && now - *last_ < kBarInterval) return;
    last_ = now;
    // \r and the clear-to-end-of-line: a shorter line leaves no tail.
    write_("\r" + BarLine(count) + "\x1b[K");
    return;
  }
  // Plain: the first line after one interval, then one per interval.
  if (now - last_.value_or(start_) < plain_interval_) return;
  last_ = now;
  write_(PlainLine(count) + "\n");
}

void ProgressRenderer::Finish(const ProgressCount& count) {
  if (mode_ == ProgressMode::kNone) return;
  if (mode_ == ProgressMode::kBar) {
    write_("\r" + BarLine(count) + "\x1b[K\n");
    return;
  }
  write_(PlainLine(count) + "\n");
}

}  // namespace tessera::cli
