// PivToken: the Tessera key package (docs/piv-extensions.md "The key
// package object", docs/pkcs11-objects.md "The key package") as a CKO_DATA
// token object with CKA_APPLICATION "Tessera key package": PIV data object
// 5FFF20, read when a search may match it, written by C_CreateObject,
// emptied by C_DestroyObject, and gone once F2 opened its blob.
#include <algorithm>
#include <string_view>

#include "common/piv/key_package.hpp"
#include "host/card/piv_client.hpp"
#include "pkcs11/drivers/piv/piv_token.hpp"
#include "pkcs11/model/fault.hpp"

namespace tessera::p11::piv {
namespace {

namespace tp = tessera::piv;

constexpr std::string_view kLabel = "Key package";

Bytes Text(std::string_view s) { return {s.begin(), s.end()}; }

bool IsKeyPackage(const Object& o) {
  return o.cls == ObjectClass::kData && o.where.container == tp::kKeyPackageObject;
}

bool IsPackageApplication(ByteView application) {
  return std::ranges::equal(application, Text(tp::kKeyPackageApplication));
}

// The card keeps the package and nothing else: the flags are fixed, the
// label is the module's (kept for the insertion, as a certificate's is).
Object KeyPackageObject(ByteView value, ByteView label) {
  Object o;
  o.cls = ObjectClass::kData;
  o.where.container = tp::kKeyPackageObject;
  o.Set(Attr::kClass, UlongValue(static_cast<unsigned long>(ObjectClass::kData)));
  o.Set(Attr::kToken, BoolValue(true));
  o.Set(Attr::kPrivate, BoolValue(false));
  o.Set(Attr::kModifiable, BoolValue(true));
  o.Set(Attr::kCopyable, BoolValue(false));
  o.Set(Attr::kDestroyable, BoolValue(true));
  o.Set(Attr::kLabel, label.empty() ? Text(kLabel) : Bytes(label.begin(), label.end()));
  o.Set(Attr::kApplication, Text(tp::kKeyPackageApplication));
  o.Set(Attr::kObjectId, {});
  o.Set(Attr::kValue, Bytes(value.begin(), value.end()));
  return o;
}

// Whether a search by `tmpl` could match the package: not a search by
// CKA_ID (data objects have none), another application or an OID.
bool MayMatchPackage(const Template& tmpl) {
  auto cls = FindIn(tmpl, Attr::kClass);
  if (cls && AsUlong(*cls) != static_cast<unsigned long>(ObjectClass::kData)) return false;
  if (FindIn(tmpl, Attr::kId)) return false;
  auto application = FindIn(tmpl, Attr::kApplication);
  if (application && !IsPackageApplication(*application)) return false;
  auto oid = FindIn(tmpl, Attr::kObjectId);
  return !oid || oid->empty();
}

}  // namespace

Status PivToken::CheckDataObject(const Object& probe) {
  auto application = probe.Get(Attr::kApplication);
  if (!application || !IsPackageApplication(*application)) {
    return Refuse(Fault::kTemplateInconsistent,
                  "the card holds one data object: CKA_APPLICATION \"Tessera key package\"");
  }
  auto oid = probe.Get(Attr::kObjectId);
  if ((oid && !oid->empty()) || probe.Flag(Attr::kPrivate) || !probe.Flag(Attr::kModifiable) ||
      !probe.Flag(Attr::kDestroyable)) {
    return Refuse(Fault::kTemplateInconsistent,
                  "the key package is public, modifiable, destroyable and has no CKA_OBJECT_ID");
  }
  // An empty PUT DATA would delete: only a whole package goes to the card.
  auto value = probe.Get(Attr::kValue);
  auto parsed = tp::ParseKeyPackage(value.value_or(ByteView()));
  if (!parsed.ok()) return Refuse(Fault::kAttributeValueInvalid, parsed.status().message());
  return Status::Ok();
}

Result<ObjectHandle> PivToken::WriteDataObject(host::ApduChannel& channel, const Object& probe) {
  TESSERA_RETURN_IF_ERROR(CheckDataObject(probe));
  const ByteView value = *probe.Get(Attr::kValue);
  host::PivClient client(channel);
  Status written = client.PutData(tp::kKeyPackageObject, value);
  // 6A80: the card's own check failed (a package for another token's serial).
  if (written.code() == Code::kInvalidArgument) {
    return Refuse(Fault::kAttributeValueInvalid, written.message());
  }
  TESSERA_RETURN_IF_ERROR(written);
  // The new package replaces whatever 5FFF20 held.
  objects_.RemoveIf(IsKeyPackage);
  package_loaded_ = true;
  return objects_.Add(KeyPackageObject(value, probe.Get(Attr::kLabel).value_or(ByteView())));
}

Status PivToken::LoadKeyPackage(host::ApduChannel& channel, const Template& tmpl) {
  if (package_loaded_ || !MayMatchPackage(tmpl)) return Status::Ok();
  host::PivClient client(channel);
  auto value = client.GetData(tp::kKeyPackageObject);
  if (value.ok()) {
    objects_.Add(KeyPackageObject(*value, {}));
  } else if (value.status().code() != Code::kNotFound) {
    return value.status();
  }
  package_loaded_ = true;
  return Status::Ok();
}

Status PivToken::DestroyKeyPackage(host::ApduChannel& channel, ObjectHandle handle) {
  host::PivClient client(channel);
  TESSERA_RETURN_IF_ERROR(client.PutData(tp::kKeyPackageObject, {}));
  objects_.Remove(handle);
  return Status::Ok();
}

// The card empties 5FFF20 in F2's commit when the blob it opened is the
// package's (docs/piv-extensions.md); the cache follows the same rule.
void PivToken::ForgetOpenedPackage(ByteView blob) {
  objects_.RemoveIf([&](const Object& o) {
    if (!IsKeyPackage(o)) return false;
    auto package = tp::ParseKeyPackage(o.Get(Attr::kValue).value_or(ByteView()));
    return !package.ok() || std::ranges::equal(package->blob, blob);
  });
}

}  // namespace tessera::p11::piv
