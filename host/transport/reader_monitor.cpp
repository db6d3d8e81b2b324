#include "host/transport/reader_monitor.hpp"

#include <algorithm>

namespace tessera::host {
namespace {
// How often routes that cannot report changes (simulator sockets) are looked at.
constexpr std::chrono::milliseconds kPollInterval{100};
}  // namespace

ReaderMonitor::ReaderMonitor(std::vector<std::unique_ptr<ReaderSource>> sources)
    : sources_(std::move(sources)) {}

ReaderMonitor::~ReaderMonitor() { Cancel(); }

std::vector<std::shared_ptr<Reader>> ReaderMonitor::Scan() {
  std::vector<std::shared_ptr<Reader>> found;
  for (const auto& source : sources_) {
    for (auto& reader : source->Scan()) found.push_back(std::move(reader));
  }
  std::lock_guard lock(mu_);
  for (auto& reader : found) {
    auto [it, inserted] = known_.try_emplace(reader->key(), reader);
    if (!inserted) reader = it->second;
  }
  return found;
}

void ReaderMonitor::WaitForChange(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (cancelled_) return;
  const auto slice = std::min(timeout, kPollInterval);
  // One route that can wait for events waits; the others are polled when
  // it returns. With none, sleep on the condition variable.
  for (const auto& source : sources_) {
    lock.unlock();
    bool waited = source->Wait(slice);
    lock.lock();
    if (waited) return;
  }
  changed_.wait_for(lock, slice, [&] { return cancelled_; });
}

void ReaderMonitor::Cancel() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  changed_.notify_all();
  for (const auto& source : sources_) source->Cancel();
}

bool ReaderMonitor::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

}  // namespace tessera::host
