// PcscContext: one PC/SC resource-manager context (SCardEstablishContext),
// released on destruction. pcsc-lite serializes the calls on one context, so
// whoever blocks in SCardGetStatusChange needs a context of its own; Cancel()
// (SCardCancel) is the one call another thread may make to wake it.
//
// Errors from libpcsclite are turned into Status here, in one table:
// a missing reader or card is kNotFound, anything else kIoError, each with
// pcsc_stringify_error's text.
#pragma once

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"

namespace tessera::host {

// Status for a failed PC/SC call `what` that returned `rv`.
Status PcscError(const std::string& what, LONG rv);

class PcscContext {
 public:
  // kNotFound when no pcscd answers (SCARD_E_NO_SERVICE).
  static Result<std::unique_ptr<PcscContext>> Establish();
  ~PcscContext();
  PcscContext(const PcscContext&) = delete;
  PcscContext& operator=(const PcscContext&) = delete;

  SCARDCONTEXT get() const { return context_; }
  // The reader names pcscd knows now; none is an empty list, not an error.
  Result<std::vector<std::string>> ListReaders() const;
  // Wakes a thread blocked in SCardGetStatusChange on this context.
  void Cancel() const;

 private:
  explicit PcscContext(SCARDCONTEXT context) : context_(context) {}
  SCARDCONTEXT context_;
};

}  // namespace tessera::host
