// The PKCS#11 3.0 §5.2 rule for what a call hands back in the caller's
// buffer: a list (slots, mechanisms, interfaces) or a byte string (a
// wrapped key).
#pragma once

#include <p11-kit/pkcs11.h>

#include <cstddef>
#include <functional>
#include <iterator>

namespace tessera::p11::api {

// A NULL `out` asks for the count; a buffer shorter than the items is
// CKR_BUFFER_TOO_SMALL; otherwise the items are copied, `convert`ed to the
// caller's type. Each answer sets *count to the number of items.
template <typename Out, typename Items, typename Convert = std::identity>
CK_RV CopyOut(const Items& items, Out* out, CK_ULONG_PTR count, Convert convert = {}) {
  const std::size_t n = std::size(items);
  if (out != nullptr && *count < n) {
    *count = n;
    return CKR_BUFFER_TOO_SMALL;
  }
  if (out != nullptr) {
    std::size_t i = 0;
    for (const auto& item : items) out[i++] = convert(item);
  }
  *count = n;
  return CKR_OK;
}

}  // namespace tessera::p11::api
