#include "host/transport/pcsc/pcsc_source.hpp"

#include <PCSC/pcsclite.h>

#include <algorithm>

namespace tessera::host {
namespace {
constexpr char kPnp[] = "\\\\?PnP?\\Notification";
}  // namespace

PcscReaderSource::PcscReaderSource() : shared_(std::make_shared<SharedPcscContext>()) {}

std::vector<std::shared_ptr<Reader>> PcscReaderSource::Scan() {
  std::vector<std::string> names;
  {
    std::lock_guard lock(shared_->mu);
    if (shared_->context == nullptr) {
      auto context = PcscContext::Establish();
      if (context.ok()) {
        shared_->context = std::move(context).value();
        ++shared_->contexts;
      }
    }
    if (shared_->context != nullptr) {
      auto listed = shared_->context->ListReaders();
      if (listed.ok()) {
        names = std::move(listed).value();
      } else {
        shared_->context.reset();  // pcscd went away or restarted; look again next time
      }
    }
  }
  {
    std::lock_guard lock(names_mu_);
    std::lock_guard shared(shared_->mu);
    for (const std::string& seen : names_) {
      if (std::find(names.begin(), names.end(), seen) == names.end()) ++shared_->absences[seen];
    }
    names_ = names;
  }
  std::vector<std::shared_ptr<Reader>> readers;
  readers.reserve(names.size());
  for (std::string& name : names) {
    readers.push_back(std::make_shared<PcscReader>(std::move(name), shared_));
  }
  return readers;
}

bool PcscReaderSource::Wait(std::chrono::milliseconds timeout) {
  std::lock_guard waiting(waiting_);
  std::vector<std::string> names;
  {
    std::lock_guard lock(names_mu_);
    names = names_;
  }
  std::vector<SCARD_READERSTATE> states(names.size() + 1);
  SCARDCONTEXT context = 0;
  {
    std::lock_guard lock(wait_mu_);
    if (wait_context_ == nullptr) {
      auto established = PcscContext::Establish();
      if (!established.ok()) return false;  // no pcscd: nothing to wait on
      wait_context_ = std::move(established).value();
    }
    context = wait_context_->get();
    for (std::size_t i = 0; i < names.size(); ++i) {
      states[i].szReader = names[i].c_str();
      auto it = last_state_.find(names[i]);
      states[i].dwCurrentState = it == last_state_.end() ? SCARD_STATE_UNAWARE : it->second;
    }
    states.back().szReader = kPnp;
    auto it = last_state_.find(kPnp);
    states.back().dwCurrentState = it == last_state_.end() ? SCARD_STATE_UNAWARE : it->second;
  }
  LONG rv = SCardGetStatusChange(context, static_cast<DWORD>(timeout.count()), states.data(),
                                 static_cast<DWORD>(states.size()));
  std::lock_guard lock(wait_mu_);
  if (rv == SCARD_S_SUCCESS) {
    for (std::size_t i = 0; i < states.size(); ++i) {
      last_state_[states[i].szReader] = states[i].dwEventState & ~SCARD_STATE_CHANGED;
    }
    return true;
  }
  if (rv == SCARD_E_TIMEOUT || rv == SCARD_E_CANCELLED) return true;
  // pcscd went away or a reader vanished under us: start afresh next time,
  // after a pause, so a dead pcscd is not asked in a tight loop.
  wait_context_.reset();
  last_state_.clear();
  return false;
}

void PcscReaderSource::Cancel() {
  std::lock_guard lock(wait_mu_);
  if (wait_context_ != nullptr) wait_context_->Cancel();
}

}  // namespace tessera::host
