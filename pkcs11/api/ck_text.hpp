// PKCS#11 text fields are fixed-size, blank-padded and not NUL-terminated
// (2.40 §3: CK_UTF8CHAR arrays such as CK_TOKEN_INFO.label).
#pragma once

#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <cstring>
#include <string_view>

namespace tessera::p11::api {

template <std::size_t N>
void SetPadded(CK_UTF8CHAR (&field)[N], std::string_view text) {
  std::memset(field, ' ', N);
  std::memcpy(field, text.data(), std::min(N, text.size()));
}

}  // namespace tessera::p11::api
