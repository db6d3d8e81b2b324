#include "hsm/hsm_token.hpp"

#include <vector>

#include "hsm/pkcs11_error.hpp"

namespace tessera::hsm {
namespace {

constexpr std::size_t kLabelSize = sizeof(CK_TOKEN_INFO{}.label);

std::string_view Field(const unsigned char* data, std::size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Result<CK_TOKEN_INFO> TokenInfo(const CK_FUNCTION_LIST& f, CK_SLOT_ID slot) {
  CK_TOKEN_INFO info{};
  if (CK_RV rv = f.C_GetTokenInfo(slot, &info); rv != CKR_OK) {
    return CkRvStatus("reading HSM slot " + std::to_string(slot), "C_GetTokenInfo", rv);
  }
  return info;
}

}  // namespace

Result<std::vector<CK_SLOT_ID>> SlotsWithToken(const Pkcs11Library& library) {
  const CK_FUNCTION_LIST& f = library.functions();
  CK_ULONG count = 0;
  if (CK_RV rv = f.C_GetSlotList(CK_TRUE, nullptr, &count); rv != CKR_OK) {
    return CkRvStatus("listing HSM slots", "C_GetSlotList", rv);
  }
  std::vector<CK_SLOT_ID> slots(count);
  if (count == 0) return slots;
  if (CK_RV rv = f.C_GetSlotList(CK_TRUE, slots.data(), &count); rv != CKR_OK) {
    return CkRvStatus("listing HSM slots", "C_GetSlotList", rv);
  }
  slots.resize(count);
  return slots;
}

Result<CK_SLOT_ID> HsmToken::FindSlot(const Pkcs11Library& library, std::string_view label) {
  if (label.empty() || label.size() > kLabelSize) {
    return Status::InvalidArgument("HSM token label '" + std::string(label) +
                                   "' must be 1 to 32 bytes");
  }
  std::string padded(label);
  padded.resize(kLabelSize, ' ');  // PKCS#11 3.0 §3.2 CK_TOKEN_INFO: blank-padded
  const CK_FUNCTION_LIST& f = library.functions();
  TESSERA_ASSIGN_OR_RETURN(std::vector<CK_SLOT_ID> slots, SlotsWithToken(library));
  std::string seen;
  for (CK_SLOT_ID slot : slots) {
    TESSERA_ASSIGN_OR_RETURN(CK_TOKEN_INFO info, TokenInfo(f, slot));
    std::string_view raw(reinterpret_cast<const char*>(info.label), kLabelSize);
    if (raw == padded) return slot;
    seen += (seen.empty() ? "'" : ", '") + std::string(Field(info.label, kLabelSize)) + "'";
  }
  return Status::NotFound("no HSM token labelled '" + std::string(label) + "' in " +
                          library.path() + " (tokens: " + (seen.empty() ? "none" : seen) + ")");
}

Result<HsmToken> HsmToken::Open(std::shared_ptr<const Pkcs11Library> library,
                                std::string_view label, const PinSource& pin_source) {
  TESSERA_ASSIGN_OR_RETURN(CK_SLOT_ID slot, FindSlot(*library, label));
  TESSERA_ASSIGN_OR_RETURN(CK_TOKEN_INFO info, TokenInfo(library->functions(), slot));
  HsmQuirks quirks = QuirksFor(Field(info.manufacturerID, sizeof info.manufacturerID),
                               Field(info.model, sizeof info.model));
  TESSERA_ASSIGN_OR_RETURN(SecureBytes pin, pin_source.Read());
  TESSERA_ASSIGN_OR_RETURN(HsmSession session,
                           HsmSession::OpenReadWrite(std::move(library), slot, std::string(label)));
  // On failure `session` closes on return: no session is left open.
  TESSERA_RETURN_IF_ERROR(session.Login(pin));
  return HsmToken(std::string(label), quirks, std::move(session));
}

}  // namespace tessera::hsm
