#include "host/transport/pcsc/pcsc_reader.hpp"

#include <PCSC/pcsclite.h>

#include "host/transport/pcsc/pcsc_transport.hpp"

namespace tessera::host {

PcscReader::PcscReader(std::string name, std::shared_ptr<SharedPcscContext> context)
    : name_(std::move(name)), key_("pcsc:" + name_), context_(std::move(context)) {}

CardState PcscReader::Card() {
  std::lock_guard lock(context_->mu);
  if (context_->context == nullptr) return CardState{};
  const std::uint64_t epoch = context_->contexts + context_->absences[name_];
  SCARD_READERSTATE state{};
  state.szReader = name_.c_str();
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  LONG rv = SCardGetStatusChange(context_->context->get(), 0, &state, 1);
  if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT) return CardState{};
  const DWORD events = state.dwEventState;
  if ((events & SCARD_STATE_PRESENT) == 0 || (events & SCARD_STATE_MUTE) != 0) return CardState{};
  return CardState{.present = true, .generation = (epoch << 16) | ((events >> 16) & 0xFFFF)};
}

Result<std::unique_ptr<Transport>> PcscReader::Connect() {
  TESSERA_ASSIGN_OR_RETURN(auto transport, PcscTransport::Connect(name_));
  return std::unique_ptr<Transport>(std::move(transport));
}

}  // namespace tessera::host
