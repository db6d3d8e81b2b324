// ReaderSource: one route's readers (PC/SC, USB, simulator sockets), as the
// ReaderMonitor asks for them. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "host/transport/reader.hpp"

namespace tessera::host {

class ReaderSource {
 public:
  virtual ~ReaderSource() = default;

  // The readers there now. A reader seen before may come back as a new
  // object; the monitor keeps the first one it saw with that key.
  virtual std::vector<std::shared_ptr<Reader>> Scan() = 0;
  // Sleeps until this route sees a change or `timeout` passes. Returns false
  // at once when the route cannot wait for changes (the caller then polls).
  virtual bool Wait(std::chrono::milliseconds timeout) {
    (void)timeout;
    return false;
  }
  // Wakes a Wait() in progress.
  virtual void Cancel() {}
};

}  // namespace tessera::host
