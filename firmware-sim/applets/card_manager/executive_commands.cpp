// DELETE KEY (GP Card Spec v2.3 §11.2) and SET STATUS (§11.10): the two
// executive commands around PUT KEY. DELETE KEY only stages the deletion of
// the MK in the channel (docs/card-manager.md "PUT KEY"); SET STATUS
// terminates the token for good.
#include "firmware-sim/applets/card_manager/handlers.hpp"

namespace tessera::sim::card_manager {

Result<Bytes> HandleDeleteKey(CmContext& c, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(Channel * channel, RequireChannel(c));
  TESSERA_RETURN_IF_ERROR(RequireLifecycle(c, cm::Lifecycle::kUnlocked));
  if (apdu.p1 != 0x00 || apdu.p2 != 0x00) {
    return Status::IncorrectP1P2("DELETE KEY: P1 P2 must be 00 00");
  }
  // GP Card Spec v2.3 §11.2.2.3: D0 key ID, D2 KVN; only the MK is deletable.
  const ByteView data = apdu.data;
  if (data.size() != 6 || data[0] != 0xD0 || data[1] != 0x01 || data[2] != cm::kKeyIdMk ||
      data[3] != 0xD2 || data[4] != 0x01) {
    return Status::InvalidArgument("DELETE KEY: want D0 01 02 D2 01 <MK KVN>");
  }
  if (data[5] != c.state().mk->kvn) {
    return Status::ReferenceNotFound("DELETE KEY: no MK with version " + ToHex(Bytes{data[5]}));
  }
  // Staged only: PUT KEY applies it with the new MK in one commit, so no
  // power cut can leave the token without an MK.
  channel->mk_deletion_staged = true;
  return Bytes{};
}

// GP Card Spec v2.3 §11.10: P1 80 (the ISD) to P2 FF, TERMINATED.
Result<Bytes> HandleSetStatus(CmContext& c, const CommandApdu& apdu) {
  TESSERA_ASSIGN_OR_RETURN(Channel * channel, RequireChannel(c));
  TESSERA_RETURN_IF_ERROR(RequireLifecycle(c, cm::Lifecycle::kPersonalized));
  if (apdu.p1 != 0x80 || apdu.p2 != static_cast<std::uint8_t>(cm::Lifecycle::kTerminated)) {
    return Status::IncorrectP1P2("SET STATUS: only 80 FF (terminate) is supported");
  }
  if (!apdu.data.empty()) return Status::WrongLength("SET STATUS: takes no data");
  if (channel->kvn != c.state().mk->kvn) {
    return Status::SecurityStatus("SET STATUS: needs a channel under the MK");
  }
  Transaction txn;
  PutLifecycle(txn, cm::Lifecycle::kTerminated);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  c.session().close_after_answer = true;
  return Bytes{};
}

}  // namespace tessera::sim::card_manager
