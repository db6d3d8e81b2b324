#include "host/card/card_manager_client.hpp"

#include <iterator>

#include "common/card_manager_constants.hpp"
#include "common/tlv.hpp"
#include "host/card/sw_status.hpp"

namespace tessera::host {
namespace {

CommandApdu GetDataApdu(std::uint16_t tag) {
  CommandApdu apdu;
  apdu.cla = cm::kClaGp;
  apdu.ins = cm::ins::kGetData;
  apdu.p1 = static_cast<std::uint8_t>(tag >> 8);
  apdu.p2 = static_cast<std::uint8_t>(tag);
  apdu.le = kShortMaxLe;
  return apdu;
}

// The value of the one data object `tag` that makes up `answer`.
Result<Bytes> Unwrap(ByteView answer, std::uint16_t tag, const char* what) {
  Result<ByteView> value = ParseSingle(answer, tag);
  if (!value.ok()) {
    return Status::InvalidArgument(std::string(what) + ": " + value.status().message());
  }
  return Bytes(value->begin(), value->end());
}

}  // namespace

Status CardManagerClient::Select() {
  secure_.reset();
  CommandApdu apdu;
  apdu.ins = 0xA4;
  apdu.p1 = 0x04;
  apdu.data.assign(std::begin(cm::kAid), std::end(cm::kAid));
  apdu.le = kShortMaxLe;
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu answer, channel_.Transmit(apdu));
  return SwToStatus(answer.sw, "SELECT card manager");
}

Result<Bytes> CardManagerClient::GetData(std::uint16_t tag, const char* what) {
  if (secure_) return TransmitSecure(GetDataApdu(tag), what);
  TESSERA_ASSIGN_OR_RETURN(ResponseApdu answer, channel_.Transmit(GetDataApdu(tag)));
  TESSERA_RETURN_IF_ERROR(SwToStatus(answer.sw, what));
  return std::move(answer.data);
}

Result<Bytes> CardManagerClient::GetUid() {
  TESSERA_ASSIGN_OR_RETURN(Bytes answer, GetData(cm::tag::kUid, "GET DATA UID"));
  TESSERA_ASSIGN_OR_RETURN(Bytes uid, Unwrap(answer, cm::tag::kUid, "GET DATA UID"));
  if (uid.size() != cm::kUidLength) return Status::InvalidArgument("GET DATA UID: not 16 bytes");
  return uid;
}

Result<std::uint32_t> CardManagerClient::GetSerial() {
  TESSERA_ASSIGN_OR_RETURN(Bytes answer, GetData(cm::tag::kCplc, "GET DATA CPLC"));
  TESSERA_ASSIGN_OR_RETURN(Bytes cplc, Unwrap(answer, cm::tag::kCplc, "GET DATA CPLC"));
  // GP CPLC: IC serial number at offset 12 (after fabricator, type, OS ID,
  // OS release date and level, IC fabrication date).
  constexpr std::size_t kSerialOffset = 12;
  if (cplc.size() != 42) return Status::InvalidArgument("GET DATA CPLC: not 42 bytes");
  return GetU32(ByteView(cplc).subspan(kSerialOffset, 4));
}

Result<std::vector<CardManagerKey>> CardManagerClient::GetKeyInfo() {
  TESSERA_ASSIGN_OR_RETURN(Bytes answer, GetData(cm::tag::kKeyInfo, "GET DATA key information"));
  TESSERA_ASSIGN_OR_RETURN(Bytes entries, Unwrap(answer, 0xE0, "GET DATA key information"));
  TESSERA_ASSIGN_OR_RETURN(auto tlvs, ParseTlvs(entries));
  std::vector<CardManagerKey> keys;
  for (const auto& entry : tlvs) {
    if (entry.tag != 0xC0 || entry.value.size() < 2) {
      return Status::InvalidArgument("GET DATA key information: bad entry");
    }
    // GP Card Spec v2.3 §11.3.3.1: ID, KVN, then (type, length) pairs; an
    // ECC public key (ID 10) is B0 41, the AES keys 88 20.
    const std::uint8_t type = entry.value.size() >= 3 ? entry.value[2] : 0;
    keys.push_back({entry.value[0], entry.value[1], type});
  }
  return keys;
}

Result<CardManagerStatus> CardManagerClient::GetStatus() {
  TESSERA_ASSIGN_OR_RETURN(Bytes answer,
                           GetData(cm::tag::kExecutiveStatus, "GET DATA executive status"));
  TESSERA_ASSIGN_OR_RETURN(Bytes value,
                           Unwrap(answer, cm::tag::kExecutiveStatus, "GET DATA executive status"));
  if (value.size() != 3) return Status::InvalidArgument("GET DATA executive status: not 3 bytes");
  return CardManagerStatus{value[0], value[1], value[2]};
}

}  // namespace tessera::host
