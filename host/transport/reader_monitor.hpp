// ReaderMonitor: every reader of the configured routes (PC/SC readers, USB
// CCID devices, simulator sockets), for the PKCS#11 slot manager. Scan()
// lists them; a reader keeps its object for the life of the monitor, even
// while it is gone, so the slot bound to it keeps its ID when it returns.
// WaitForChange() sleeps until a route reports a change (PC/SC's
// SCardGetStatusChange, USB hotplug) or a short poll interval passes (the
// simulator's sockets are polled). Cancel() wakes every waiter for good:
// C_Finalize uses it. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "host/transport/reader.hpp"
#include "host/transport/reader_source.hpp"

namespace tessera::host {

class ReaderMonitor {
 public:
  explicit ReaderMonitor(std::vector<std::unique_ptr<ReaderSource>> sources);
  ~ReaderMonitor();
  ReaderMonitor(const ReaderMonitor&) = delete;
  ReaderMonitor& operator=(const ReaderMonitor&) = delete;

  // Readers there now, in the order the sources list them.
  std::vector<std::shared_ptr<Reader>> Scan();
  // Returns when something may have changed, after at most `timeout`, or
  // at once after Cancel().
  void WaitForChange(std::chrono::milliseconds timeout);
  void Cancel();
  bool cancelled() const;

 private:
  std::vector<std::unique_ptr<ReaderSource>> sources_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  bool cancelled_ = false;                                // guarded by mu_
  std::map<std::string, std::shared_ptr<Reader>> known_;  // guarded by mu_
};

}  // namespace tessera::host
