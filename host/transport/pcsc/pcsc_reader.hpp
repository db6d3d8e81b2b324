// PcscReader: one PC/SC reader as a Reader. Presence comes from
// SCardGetStatusChange with no wait, and the generation from the reader's
// event counter (the high 16 bits of dwEventState), which pcscd bumps on
// every insertion and removal.
#pragma once

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
