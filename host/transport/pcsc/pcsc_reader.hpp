// PcscReader: one PC/SC reader as a Reader. Presence comes from
// SCardGetStatusChange with no wait, and the generation from the reader's
// event counter (the high 16 bits of dwEventState), which pcscd bumps on
// every insertion and removal, joined with SharedPcscContext's counts of
// reader absences and pcscd restarts.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "host/transport/pcsc/pcsc_context.hpp"
#include "host/transport/reader.hpp"

namespace tessera::host {

// A context the readers of one monitor share for their quick questions,
// one question at a time.
struct SharedPcscContext {
  std::mutex mu;
  std::unique_ptr<PcscContext> context;  // null while pcscd is not there
  // pcscd's event counter starts again at 0 for a reader that comes back
  // and after a pcscd restart, so the generation also counts those: the
  // contexts established, and per reader the scans that found it gone.
  std::uint64_t contexts = 0;
  std::map<std::string, std::uint64_t> absences;
};

class PcscReader final : public Reader {
 public:
  PcscReader(std::string name, std::shared_ptr<SharedPcscContext> context);

  const std::string& key() const override { return key_; }
  ReaderKind kind() const override { return ReaderKind::kPcsc; }
  std::string Name() const override { return name_; }
  CardState Card() override;
  Result<std::unique_ptr<Transport>> Connect() override;

 private:
  std::string name_;
  std::string key_;
  std::shared_ptr<SharedPcscContext> context_;
};

}  // namespace tessera::host
