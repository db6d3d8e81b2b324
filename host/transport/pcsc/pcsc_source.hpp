// PcscReaderSource: the readers pcscd serves. When pcscd is not running the
// route simply has no readers, and it looks again on every Scan(), so a
// pcscd started later (or socket-activated) is found.
//
// Wait() blocks in SCardGetStatusChange on a context of its own, watching
// every known reader and "\\?PnP?\Notification", so a card going in or out
// and a reader plugged in end the wait at once.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "host/transport/pcsc/pcsc_reader.hpp"
#include "host/transport/reader_source.hpp"

namespace tessera::host {

class PcscReaderSource final : public ReaderSource {
 public:
  PcscReaderSource();
  std::vector<std::shared_ptr<Reader>> Scan() override;
  bool Wait(std::chrono::milliseconds timeout) override;
  void Cancel() override;

 private:
  std::shared_ptr<SharedPcscContext> shared_;
  std::mutex waiting_;  // one Wait() at a time: they share the wait context
  std::mutex wait_mu_;  // guards the two below, not the wait
  std::unique_ptr<PcscContext> wait_context_;
  std::map<std::string, DWORD> last_state_;  // reader name -> dwEventState seen
  std::mutex names_mu_;
  std::vector<std::string> names_;  // guarded by names_mu_
};

}  // namespace tessera::host
