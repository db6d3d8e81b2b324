#include "host/transport/pcsc/pcsc_transport.hpp"

#include <PCSC/pcsclite.h>
#include <PCSC/reader.h>

#include <array>

namespace tessera::host {
namespace {

constexpr DWORD kProtocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
// The longest extended-length APDU with its Lc and Le, per ISO 7816-4 §5.1.
constexpr DWORD kExtendedApdu = 4 + 3 + 65535 + 3;

// Extended-length APDUs need T=1 and a reader that takes them; a CCID
// reader says so in SCARD_ATTR_MAXINPUT. Without the answer, chain.
bool ReaderTakesExtended(SCARDHANDLE card, DWORD protocol) {
  if (protocol != SCARD_PROTOCOL_T1) return false;
  std::array<std::uint8_t, 8> value{};
  DWORD size = value.size();
  if (SCardGetAttrib(card, SCARD_ATTR_MAXINPUT, value.data(), &size) != SCARD_S_SUCCESS) {
    return false;
  }
  if (size != 4) return false;
  const DWORD max_input = value[0] | (value[1] << 8) | (value[2] << 16) | (DWORD{value[3]} << 24);
  return max_input >= kExtendedApdu;
}

}  // namespace

PcscTransport::PcscTransport(std::unique_ptr<PcscContext> context, std::string reader,
                             SCARDHANDLE card, DWORD protocol)
    : context_(std::move(context)),
      reader_(std::move(reader)),
      card_(card),
      protocol_(protocol),
      extended_(ReaderTakesExtended(card, protocol)) {}

Result<std::unique_ptr<PcscTransport>> PcscTransport::Connect(const std::string& reader) {
  TESSERA_ASSIGN_OR_RETURN(auto context, PcscContext::Establish());
  SCARDHANDLE card = 0;
  DWORD protocol = 0;
  LONG rv = SCardConnect(context->get(), reader.c_str(), SCARD_SHARE_SHARED, kProtocols, &card,
                         &protocol);
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardConnect to '" + reader + "'", rv);
  return std::unique_ptr<PcscTransport>(
      new PcscTransport(std::move(context), reader, card, protocol));
}

PcscTransport::~PcscTransport() { SCardDisconnect(card_, SCARD_LEAVE_CARD); }

Status PcscTransport::Reconnect(DWORD disposition, const char* what) {
  DWORD protocol = 0;
  LONG rv = SCardReconnect(card_, SCARD_SHARE_SHARED, kProtocols, disposition, &protocol);
  if (rv != SCARD_S_SUCCESS) return PcscError(std::string(what) + " on '" + reader_ + "'", rv);
  protocol_ = protocol;
  extended_ = ReaderTakesExtended(card_, protocol);
  return Status::Ok();
}

Result<Bytes> PcscTransport::Transmit(ByteView command) {
  if (command.size() < 4) return Status::InvalidArgument("an APDU has at least 4 bytes");
  if (command.size() > kExtendedApdu) return Status::InvalidArgument("APDU too long");
  const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  Bytes response(MAX_BUFFER_SIZE_EXTENDED);
  DWORD size = static_cast<DWORD>(response.size());
  LONG rv = SCardTransmit(card_, pci, command.data(), static_cast<DWORD>(command.size()), nullptr,
                          response.data(), &size);
  if (rv == SCARD_W_RESET_CARD) {
    // Someone reset the card: take the new session so the next call works,
    // and fail this one, whose applet selection and PIN the card forgot.
    Status reconnected = Reconnect(SCARD_LEAVE_CARD, "SCardReconnect after a reset");
    if (!reconnected.ok()) return reconnected;
    return Status::IoError("the card in '" + reader_ + "' was reset by another application");
  }
  // Any failure here, a removed card included, breaks the exchange: kIoError,
  // as the Transport contract has it for a link that broke mid-call.
  if (rv != SCARD_S_SUCCESS) {
    Status failed = PcscError("SCardTransmit to '" + reader_ + "'", rv);
    // pcscd says the card (or reader, or pcscd itself) went away: a removal,
    // whatever the reader's event counter says afterwards.
    if (failed.code() == Code::kNotFound || rv == SCARD_E_INVALID_HANDLE) {
      return Status::CardGone(failed.message());
    }
    return Status::IoError(failed.message());
  }
  if (size < 2) return Status::IoError("response shorter than a status word");
  response.resize(size);
  return response;
}

Result<Bytes> PcscTransport::Atr() {
  std::array<BYTE, MAX_ATR_SIZE> atr{};
  DWORD atr_size = atr.size();
  DWORD state = 0;
  DWORD protocol = 0;
  DWORD name_size = 0;
  LONG rv = SCardStatus(card_, nullptr, &name_size, &state, &protocol, atr.data(), &atr_size);
  if (rv == SCARD_W_RESET_CARD) {
    TESSERA_RETURN_IF_ERROR(Reconnect(SCARD_LEAVE_CARD, "SCardReconnect after a reset"));
    atr_size = atr.size();
    rv = SCardStatus(card_, nullptr, &name_size, &state, &protocol, atr.data(), &atr_size);
  }
  if (rv != SCARD_S_SUCCESS) return PcscError("SCardStatus of '" + reader_ + "'", rv);
  return Bytes(atr.begin(), atr.begin() + atr_size);
}

// PC/SC has no "stay off": unpowering reconnects to a freshly powered card,
// which drops every volatile state as a power-off does.
Status PcscTransport::PowerOn() { return Atr().status(); }
Status PcscTransport::PowerOff() {
  return Reconnect(SCARD_UNPOWER_CARD, "SCardReconnect(unpower)");
}
Status PcscTransport::Reset() { return Reconnect(SCARD_RESET_CARD, "SCardReconnect(reset)"); }

std::string PcscTransport::Describe() const { return "pcsc:" + reader_; }

}  // namespace tessera::host
