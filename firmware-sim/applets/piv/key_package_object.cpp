#include "firmware-sim/applets/piv/key_package_object.hpp"

#include <algorithm>

#include "common/piv/key_package.hpp"
#include "common/piv/wrapped_key.hpp"
#include "firmware-sim/applets/piv/piv_records.hpp"

namespace tessera::sim::piv_applet {

Status CheckKeyPackageValue(const PivContext& c, ByteView value) {
  TESSERA_ASSIGN_OR_RETURN(piv::KeyPackage package, piv::ParseKeyPackage(value));
  TESSERA_ASSIGN_OR_RETURN(piv::wrap::Binding binding, piv::wrap::ParseSharedData(package.shared));
  // The same rule as F2's: a package for another token could never open here.
  if (binding.serial != c.token().serial) {
    return Status::InvalidArgument("key package wrapped for another token");
  }
  return Status::Ok();
}

void ErasePackageOpened(const Storage& s, ByteView blob, Transaction& txn) {
  auto stored = LoadObject(s, piv::kKeyPackageObject);
  if (!stored || stored->empty()) return;
  auto package = piv::ParseKeyPackage(stored->view());
  // The blob is ciphertext bound to this token: no secret to compare in
  // constant time.
  if (package.ok() && std::ranges::equal(package->blob, blob)) {
    txn.Erase(ObjectKey(piv::kKeyPackageObject));
  }
}

}  // namespace tessera::sim::piv_applet
