// GET DATA (INS CB) and PUT DATA (INS DB).
#include "common/piv/key_package.hpp"
#include "common/piv/piv_constants.hpp"
#include "common/tlv.hpp"
#include "firmware-sim/applets/piv/data_objects.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/key_package_object.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"

namespace tessera::sim::piv_applet {
namespace {

// SP 800-73-4 Part 2 §3.1.2 and §3.3.1: P1 P2 = 3F FF (current DF).
Status CheckP1P2(const CommandApdu& apdu) {
  if (apdu.p1 != 0x3F || apdu.p2 != 0xFF) return Status::IncorrectP1P2("P1 P2 must be 3F FF");
  return Status::Ok();
}

}  // namespace

// SP 800-73-4 Part 2 §3.1.2: data field 5C <tag>; response 53 <object>,
// except the discovery object, which is returned as itself.
Result<Bytes> HandleGetData(PivContext& c, const CommandApdu& apdu) {
  TESSERA_RETURN_IF_ERROR(CheckP1P2(apdu));
  TESSERA_ASSIGN_OR_RETURN(ByteView list, ParseSingle(apdu.data, piv::tag::kTagList));
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t t, TagFromTagList(list));
  auto access = LookupObject(t);
  if (!access) return Status::NotFound("no such data object");
  if (t == piv::tag::kDiscovery) return DiscoveryObject();
  if (access->pin_to_read && !c.session().pin_verified) {
    return Status::SecurityStatus("data object needs the PIN");
  }
  auto value = LoadObject(c.storage(), t);
  if (!value || value->empty()) return Status::NotFound("data object is empty");
  return EncodeTlv(piv::tag::kData, value->view());
}

// SP 800-73-4 Part 2 §3.3.1: data field 5C <tag> 53 <value>, under the
// management key (Part 1 Table 3 write rule). An empty 53 deletes. The key
// package 5FFF20 takes only a package for this token.
Result<Bytes> HandlePutData(PivContext& c, const CommandApdu& apdu) {
  TESSERA_RETURN_IF_ERROR(CheckP1P2(apdu));
  if (!c.session().management_authenticated) {
    return Status::SecurityStatus("PUT DATA needs the management key");
  }
  TESSERA_ASSIGN_OR_RETURN(std::vector<Tlv> tlvs, ParseTlvs(apdu.data));
  if (tlvs.size() != 2 || tlvs[0].tag != piv::tag::kTagList || tlvs[1].tag != piv::tag::kData) {
    return Status::InvalidArgument("PUT DATA needs 5C <tag> 53 <value>");
  }
  TESSERA_ASSIGN_OR_RETURN(std::uint32_t t, TagFromTagList(tlvs[0].value));
  auto access = LookupObject(t);
  if (!access) return Status::InvalidArgument("no such data object");
  if (!access->writable) return Status::FunctionNotSupported("data object is read-only");
  ByteView value = tlvs[1].value;
  if (value.size() > kMaxObjectSize) return Status::NoSpace("data object larger than 16 KiB");
  if (t == piv::kKeyPackageObject && !value.empty()) {
    TESSERA_RETURN_IF_ERROR(CheckKeyPackageValue(c, value));
  }

  Transaction txn;
  if (value.empty()) {
    txn.Erase(ObjectKey(t));
  } else {
    PutObject(txn, t, value);
  }
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return Bytes{};
}

}  // namespace tessera::sim::piv_applet
