#include "tests/support/pcsc_client.hpp"

#include <PCSC/pcsclite.h>

namespace tessera::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

Result<std::vector<std::string>> ListReaders() {
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<PcscContext> context, PcscContext::Establish());
  return context->ListReaders();
}

Result<Bytes> WaitForCard(const std::string& reader, bool present,
                          std::chrono::milliseconds timeout) {
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<PcscContext> context, PcscContext::Establish());
  const auto deadline = SteadyClock::now() + timeout;
  SCARD_READERSTATE state{};
  state.szReader = reader.c_str();
  state.dwCurrentState = SCARD_STATE_UNAWARE;
  for (;;) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    DWORD wait = left.count() > 0 ? static_cast<DWORD>(left.count()) : 0;
    LONG rv = SCardGetStatusChange(context->get(), wait, &state, 1);
    if (rv == SCARD_E_TIMEOUT) {
      return Status::IoError("timed out waiting for the card to be " +
                             std::string(present ? "inserted in " : "removed from ") + reader);
    }
    if (rv != SCARD_S_SUCCESS) return PcscError("SCardGetStatusChange", rv);
    state.dwCurrentState = state.dwEventState & ~SCARD_STATE_CHANGED;
    bool has_card = (state.dwEventState & SCARD_STATE_PRESENT) != 0;
    bool settled = (state.dwEventState & (SCARD_STATE_UNAVAILABLE | SCARD_STATE_MUTE)) == 0;
    if (has_card == present && settled) {
      return present ? Bytes(state.rgbAtr, state.rgbAtr + state.cbAtr) : Bytes();
    }
  }
}

Result<std::unique_ptr<PcscCard>> PcscCard::Connect(const std::string& reader) {
  TESSERA_ASSIGN_OR_RETURN(std::unique_ptr<PcscContext> context, PcscContext::Establish());
  SCARDHANDLE card = 0;
  DWORD protocol = 0;
  LONG rv = SCardConnect(context->get(), reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1,
                         &card, &protocol);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardConnect", rv);
  return std::unique_ptr<PcscCard>(new PcscCard(std::move(context), card, protocol));
}

PcscCard::~PcscCard() { (void)SCardDisconnect(card_, SCARD_LEAVE_CARD); }

Result<Bytes> PcscCard::Transmit(ByteView command) {
  const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  Bytes response(258 + 2);
  DWORD length = static_cast<DWORD>(response.size());
  LONG rv = SCardTransmit(card_, pci, command.data(), static_cast<DWORD>(command.size()), nullptr,
                          response.data(), &length);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardTransmit", rv);
  response.resize(length);
  return response;
}

Status PcscCard::Reconnect(DWORD initialization) {
  LONG rv =
      SCardReconnect(card_, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, initialization, &protocol_);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardReconnect", rv);
  return Status::Ok();
}

Result<Bytes> PcscCard::Atr() {
  BYTE atr[MAX_ATR_SIZE];
  DWORD atr_length = sizeof(atr);
  DWORD state = 0;
  DWORD protocol = 0;
  char name[256];
  DWORD name_length = sizeof(name);
  LONG rv = SCardStatus(card_, name, &name_length, &state, &protocol, atr, &atr_length);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardStatus", rv);
  return Bytes(atr, atr + atr_length);
}

}  // namespace tessera::testing
