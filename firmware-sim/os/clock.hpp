// Clock: wall time and sleeping, a seam so tests control time.
// SystemClock is thread-safe; FakeClock is not.
#pragma once

#include <chrono>

namespace tessera::sim {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual void SleepFor(std::chrono::microseconds d) = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  void SleepFor(std::chrono::microseconds d) override;
};

// Starts at `start`; SleepFor advances it without sleeping.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1'800'000'000)))
      : now_(start) {}
  TimePoint Now() const override { return now_; }
  void Advance(std::chrono::microseconds d) { now_ += d; }
  void SleepFor(std::chrono::microseconds d) override {
    now_ += d;
    slept_ += d;
  }
  std::chrono::microseconds slept() const { return slept_; }

 private:
  TimePoint now_;
  std::chrono::microseconds slept_{0};
};

}  // namespace tessera::sim
