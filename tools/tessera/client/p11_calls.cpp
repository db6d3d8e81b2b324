#include "tools/tessera/client/p11_calls.hpp"

#include <array>
#include <cctype>
#include <cstring>

#include "hsm/pkcs11_error.hpp"

namespace tessera::cli::p11 {
namespace {

// docs/pkcs11-objects.md: CKA_ID 01..04 are 9A, 9C, 9D, 9E; 05..18 the
// retired slots 82..95 (the OpenSC and ykcs11 numbering).
constexpr std::array<std::uint8_t, 4> kStandard = {0x9A, 0x9C, 0x9D, 0x9E};
constexpr std::uint8_t kRetiredFirst = 0x82;
constexpr std::uint8_t kRetiredLast = 0x95;
constexpr std::uint8_t kFirstRetiredId = 0x05;
constexpr std::uint8_t kTokenKey = 0xF0;

}  // namespace

Template& Template::Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
  std::array<std::uint8_t, sizeof value> raw{};
  std::memcpy(raw.data(), &value, sizeof value);
  return Value(type, raw);
}

Template& Template::Bool(CK_ATTRIBUTE_TYPE type, bool value) {
  const std::uint8_t b = value ? CK_TRUE : CK_FALSE;
  return Value(type, ByteView(&b, 1));
}

Template& Template::Value(CK_ATTRIBUTE_TYPE type, ByteView value) {
  SecureBytes& stored = values_.emplace_back(value);
  attributes_.push_back({type, stored.empty() ? nullptr : stored.data(), stored.size()});
  return *this;
}

Status Check(std::string_view step, std::string_view function, CK_RV rv) {
  if (rv == CKR_OK) return Status::Ok();
  return hsm::CkRvStatus(step, function, rv);
}

Result<std::vector<CK_OBJECT_HANDLE>> Find(const CK_FUNCTION_LIST& f, CK_SESSION_HANDLE session,
                                           Template match, std::string_view step) {
  TESSERA_RETURN_IF_ERROR(
      Check(step, "C_FindObjectsInit", f.C_FindObjectsInit(session, match.data(), match.size())));
  std::vector<CK_OBJECT_HANDLE> found;
  Status status;
  for (;;) {
    std::array<CK_OBJECT_HANDLE, 16> batch{};
    CK_ULONG n = 0;
    status = Check(step, "C_FindObjects", f.C_FindObjects(session, batch.data(), batch.size(), &n));
    if (!status.ok() || n == 0) break;
    found.insert(found.end(), batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(n));
  }
  // Always end the search, even after a failure, so the session can search again.
  Status final_status = Check(step, "C_FindObjectsFinal", f.C_FindObjectsFinal(session));
  TESSERA_RETURN_IF_ERROR(status);
  TESSERA_RETURN_IF_ERROR(final_status);
  return found;
}

Result<Bytes> Attribute(const CK_FUNCTION_LIST& f, CK_SESSION_HANDLE session,
                        CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, std::string_view step) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  TESSERA_RETURN_IF_ERROR(
      Check(step, "C_GetAttributeValue", f.C_GetAttributeValue(session, object, &a, 1)));
  if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
    return Status::NotFound(std::string(step) + ": the attribute is unavailable");
  }
  Bytes value(a.ulValueLen);
  a.pValue = value.empty() ? nullptr : value.data();
  TESSERA_RETURN_IF_ERROR(
      Check(step, "C_GetAttributeValue", f.C_GetAttributeValue(session, object, &a, 1)));
  value.resize(a.ulValueLen);
  return value;
}

std::uint8_t KeyReferenceOfCkaId(std::uint8_t id) {
  if (id >= 1 && id <= kStandard.size()) return kStandard[id - 1];
  if (id >= kFirstRetiredId && id <= kFirstRetiredId + (kRetiredLast - kRetiredFirst)) {
    return static_cast<std::uint8_t>(kRetiredFirst + (id - kFirstRetiredId));
  }
  return id == kTokenKey ? kTokenKey : 0;
}

std::uint8_t CkaIdOfKeyReference(std::uint8_t reference) {
  for (std::size_t i = 0; i < kStandard.size(); ++i) {
    if (kStandard[i] == reference) return static_cast<std::uint8_t>(i + 1);
  }
  if (reference >= kRetiredFirst && reference <= kRetiredLast) {
    return static_cast<std::uint8_t>(kFirstRetiredId + (reference - kRetiredFirst));
  }
  return reference == kTokenKey ? kTokenKey : 0;
}

Result<std::uint8_t> CkaIdOfSlot(std::string_view slot) {
  auto reference = FromHex(slot);
  if (!reference.ok() || reference->size() != 1) {
    return Status::InvalidArgument("'" + std::string(slot) +
                                   "' is not a PIV key slot (9a, 9c, ...)");
  }
  const std::uint8_t id = CkaIdOfKeyReference((*reference)[0]);
  if (id == 0) {
    return Status::InvalidArgument("'" + std::string(slot) +
                                   "' is not a PIV key slot (9a, 9c, 9d, 9e, 82..95, f0)");
  }
  return id;
}

std::string SlotOfCkaId(std::uint8_t id) {
  const std::uint8_t reference = KeyReferenceOfCkaId(id);
  return reference == 0 ? std::string() : ToHex(ByteView(&reference, 1));
}

}  // namespace tessera::cli::p11
