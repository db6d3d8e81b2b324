// Maintenance: the daemon's periodic work, on one thread of its own: CRLs
// re-issued before their nextUpdate, OCSP responder certificates renewed,
// audit checkpoints every T seconds (docs/tesserad.md "Maintenance").
//
// Services add tasks while they register, before Start(). Each task runs
// first right after Start() and then every `period`; a failing task is
// logged on stderr and retried at its next turn, so a directory outage
// delays a CRL but never stops the daemon. Stop() (and the destructor)
// wakes the thread, lets a running task finish and joins. Every node of a
// cluster runs its own tasks; they are safe to race, since each is a
// directory transaction that a second node finds already done. Add before
// Start(), from one thread; Start and Stop from the main thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.hpp"

namespace tessera::tesserad {

class Maintenance {
 public:
  using Task = std::function<Status()>;

  Maintenance() = default;
  ~Maintenance();
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  void Add(std::string name, std::chrono::seconds period, Task task);
  void Start();
  void Stop();

 private:
  struct Entry {
    std::string name;
    std::chrono::seconds period;
    Task task;
    std::chrono::steady_clock::time_point due;
  };
  void Loop();

  std::vector<Entry> entries_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace tessera::tesserad
