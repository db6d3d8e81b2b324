// SECRET KEY MANAGE (INS F4, docs/piv-extensions.md "F4"): import, generate
// and delete under the management key; the derivations are in
// secret_key_derive.cpp. One sub-handler per P1.
#include <array>

#include "common/piv/secret_keys.hpp"
#include "firmware-sim/applets/piv/command_fields.hpp"
#include "firmware-sim/applets/piv/handlers.hpp"
#include "firmware-sim/applets/piv/secret_key_derive.hpp"
#include "firmware-sim/applets/piv/secret_key_store.hpp"

namespace tessera::sim::piv_applet {
namespace {

namespace secret = piv::secret;
namespace tag = secret::tag;

Result<Bytes> Import(PivContext& c, const CommandApdu& apdu) {
  TESSERA_RETURN_IF_ERROR(RequireManagementKey(c));
  TESSERA_ASSIGN_OR_RETURN(
      CommandFields f, CommandFields::Parse(apdu.data, {tag::kAlgorithm, tag::kValue, tag::kUsage,
                                                        tag::kPolicy, tag::kLabel, tag::kId}));
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t type_byte, f.RequireByte(tag::kAlgorithm));
  TESSERA_ASSIGN_OR_RETURN(secret::KeyType type, ParseSecretKeyType(type_byte));
  TESSERA_ASSIGN_OR_RETURN(ByteView value, f.Require(tag::kValue));
  if (!secret::IsValidLength(type, value.size())) {
    return Status::InvalidArgument("key value length not allowed for the type");
  }
  TESSERA_ASSIGN_OR_RETURN(SecretAttributes attributes, ParseSecretAttributes(f));
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t slot, ClaimSecretSlot(c.storage(), apdu.p2));
  SecretKeyRecord record =
      NewSecretRecord(type, SecureBytes(value), std::move(attributes), piv::KeyOrigin::kImported);
  return StoreSecretKey(c, slot, record);
}

Result<Bytes> Generate(PivContext& c, const CommandApdu& apdu) {
  TESSERA_RETURN_IF_ERROR(RequireManagementKey(c));
  TESSERA_ASSIGN_OR_RETURN(
      CommandFields f, CommandFields::Parse(apdu.data, {tag::kAlgorithm, tag::kLength, tag::kUsage,
                                                        tag::kPolicy, tag::kLabel, tag::kId}));
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t type_byte, f.RequireByte(tag::kAlgorithm));
  TESSERA_ASSIGN_OR_RETURN(secret::KeyType type, ParseSecretKeyType(type_byte));
  TESSERA_ASSIGN_OR_RETURN(std::optional<std::uint16_t> requested,
                           f.OptionalNumber(tag::kLength, 1));
  TESSERA_ASSIGN_OR_RETURN(std::size_t length, ResolveSecretLength(type, requested));
  TESSERA_ASSIGN_OR_RETURN(SecretAttributes attributes, ParseSecretAttributes(f));
  TESSERA_ASSIGN_OR_RETURN(std::uint8_t slot, ClaimSecretSlot(c.storage(), apdu.p2));
  SecretKeyRecord record = NewSecretRecord(type, c.rng().GenerateSecret(length),
                                           std::move(attributes), piv::KeyOrigin::kGenerated);
  return StoreSecretKey(c, slot, record);
}

Result<Bytes> Delete(PivContext& c, const CommandApdu& apdu) {
  TESSERA_RETURN_IF_ERROR(RequireManagementKey(c));
  if (!apdu.data.empty()) return Status::InvalidArgument("DELETE takes no data");
  if (!c.storage().Get(SecretKeySlotKey(apdu.p2))) {
    return Status::ReferenceNotFound("secret-key slot is empty");
  }
  Transaction txn;
  EraseSecretKey(txn, apdu.p2);
  TESSERA_RETURN_IF_ERROR(c.Commit(txn));
  return Bytes{};
}

struct Operation {
  std::uint8_t p1;
  Handler handler;
};

constexpr std::array<Operation, 5> kOperations = {{
    {secret::manage::kImport, Import},
    {secret::manage::kGenerate, Generate},
    {secret::manage::kDeriveEcdh, DeriveSecretFromPrivateKey},
    {secret::manage::kDeriveHkdf, DeriveSecretFromSecretKey},
    {secret::manage::kDelete, Delete},
}};

}  // namespace

Result<Bytes> HandleSecretKeyManage(PivContext& c, const CommandApdu& apdu) {
  Handler handler = nullptr;
  for (const Operation& op : kOperations) {
    if (op.p1 == apdu.p1) handler = op.handler;
  }
  // FF picks a free slot, which only the operations that create a key need.
  const bool any_slot = apdu.p2 == secret::kAnyFreeSlot && apdu.p1 != secret::manage::kDelete;
  if (handler == nullptr || !(secret::IsSlot(apdu.p2) || any_slot)) {
    return Status::IncorrectP1P2("SECRET KEY MANAGE needs P1 01..05 and a secret-key slot");
  }
  return handler(c, apdu);
}

}  // namespace tessera::sim::piv_applet
