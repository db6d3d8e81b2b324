#include "tools/tesserad/maintenance.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

namespace tessera::tesserad {

Maintenance::~Maintenance() { Stop(); }

void Maintenance::Add(std::string name, std::chrono::seconds period, Task task) {
  entries_.push_back(Entry{std::move(name), std::max(period, std::chrono::seconds(1)),
                           std::move(task), std::chrono::steady_clock::now()});
}

void Maintenance::Start() {
  if (entries_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void Maintenance::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Maintenance::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    for (Entry& entry : entries_) {
      if (entry.due > now) continue;
      lock.unlock();
      Status status;
      try {
        status = entry.task();
      } catch (const std::exception& e) {
        status = Status::Internal(e.what());
      }
      if (!status.ok()) {
        (void)std::fprintf(stderr, "tesserad: maintenance %s: %s (retried in %llds)\n",
                           entry.name.c_str(), status.ToString().c_str(),
                           static_cast<long long>(entry.period.count()));
      }
      lock.lock();
      entry.due = std::chrono::steady_clock::now() + entry.period;
      if (stopping_) return;
    }
    const auto next =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const Entry& a, const Entry& b) { return a.due < b.due; });
    wake_.wait_until(lock, next->due, [this] { return stopping_; });
  }
}

}  // namespace tessera::tesserad
