// The PKCS#11 calls TokenP11 repeats, over one module's function list: an
// attribute template that owns its values, object searches, attribute
// reads, and the PIV slot names <-> the module's CKA_IDs
// (docs/pkcs11-objects.md "Card objects: the PIV key slots").
//
// Every failure is hsm::CkRvStatus: the step, the function and its CK_RV,
// so a wrong PIN is kSecurityStatus and a missing token kNotFound. Internal
// to tools/tessera/client; value code, the session's thread.
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"
#include "common/secure_bytes.hpp"
#include "common/status.hpp"

namespace tessera::cli::p11 {

class Template {
 public:
  Template() = default;
  Template(Template&&) noexcept = default;
  Template& operator=(Template&&) noexcept = default;
  Template(const Template&) = delete;
  Template& operator=(const Template&) = delete;

  Template& Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);
  Template& Bool(CK_ATTRIBUTE_TYPE type, bool value);
  Template& Value(CK_ATTRIBUTE_TYPE type, ByteView value);
  Template& Text(CK_ATTRIBUTE_TYPE type, std::string_view value) {
    return Value(type, AsBytes(value));
  }
  CK_ATTRIBUTE* data() { return attributes_.empty() ? nullptr : attributes_.data(); }
  CK_ULONG size() const { return static_cast<CK_ULONG>(attributes_.size()); }

 private:
  std::vector<SecureBytes> values_;  // moving a SecureBytes keeps its buffer
  std::vector<CK_ATTRIBUTE> attributes_;
};

// `step` names what was being done ("reading token 1234's facts").
Status Check(std::string_view step, std::string_view function, CK_RV rv);

// Every object matching `match`.
Result<std::vector<CK_OBJECT_HANDLE>> Find(const CK_FUNCTION_LIST& f, CK_SESSION_HANDLE session,
                                           Template match, std::string_view step);
// One attribute by the two-call pattern (PKCS#11 2.40 §5.2).
Result<Bytes> Attribute(const CK_FUNCTION_LIST& f, CK_SESSION_HANDLE session,
                        CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, std::string_view step);

// "9a" -> 01, "9c" -> 02, "9d" -> 03, "9e" -> 04, "82".."95" -> 05..18,
// "f0" -> F0 (either case); kInvalidArgument for anything else.
Result<std::uint8_t> CkaIdOfSlot(std::string_view slot);
// The reverse: "9a", ...; empty for an ID that names no PIV key slot.
std::string SlotOfCkaId(std::uint8_t id);
// The PIV key reference of a CKA_ID (01 -> 9A, ...; F0 -> F0); 0 for none.
std::uint8_t KeyReferenceOfCkaId(std::uint8_t id);
std::uint8_t CkaIdOfKeyReference(std::uint8_t reference);

}  // namespace tessera::cli::p11
