#include "host/transport/pcsc/pcsc_context.hpp"

#include <PCSC/pcsclite.h>

namespace tessera::host {

Status PcscError(const std::string& what, LONG rv) {
  std::string message = what + ": " + pcsc_stringify_error(rv);
  switch (rv) {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_REMOVED_CARD: return Status::NotFound(message);
    default: return Status::IoError(message);
  }
}

Result<std::unique_ptr<PcscContext>> PcscContext::Establish() {
  SCARDCONTEXT context = 0;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardEstablishContext", rv);
  return std::unique_ptr<PcscContext>(new PcscContext(context));
}

PcscContext::~PcscContext() { SCardReleaseContext(context_); }

Result<std::vector<std::string>> PcscContext::ListReaders() const {
  // The list can grow between the size query and the read; try again then.
  for (int attempt = 0; attempt < 3; ++attempt) {
    DWORD size = 0;
    LONG rv = SCardListReaders(context_, nullptr, nullptr, &size);
    if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>();
    if (rv != SCARD_S_SUCCESS) return PcscError("SCardListReaders", rv);
    std::string multi(size, '\0');
    rv = SCardListReaders(context_, nullptr, multi.data(), &size);
    if (rv == SCARD_E_INSUFFICIENT_BUFFER) continue;
    if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>();
    if (rv != SCARD_S_SUCCESS) return PcscError("SCardListReaders", rv);
    // A multi-string: names ended by NUL, the list by an empty name.
    std::vector<std::string> names;
    for (std::size_t at = 0; at < size && multi[at] != '\0';) {
      std::string name(multi.c_str() + at);
      at += name.size() + 1;
      names.push_back(std::move(name));
    }
    return names;
  }
  return Status::IoError("SCardListReaders: the reader list kept changing");
}

void PcscContext::Cancel() const { SCardCancel(context_); }

}  // namespace tessera::host
